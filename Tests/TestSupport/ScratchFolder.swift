import Foundation
public import Testing

/// Gives each test its own folder under `TMPDIR`, removed when the test ends, whether it passes, fails or throws.
///
/// `ScratchFolder.directory` makes its folders inside it, so a suite marked `.scratchFolder` leaves nothing behind.
public struct ScratchFolder: TestTrait, SuiteTrait, TestScoping {
    /// The current test's folder, nil outside a test marked `.scratchFolder`.
    @TaskLocal public static var current: String?

    /// A suite's trait applies to each of its tests.
    public var isRecursive: Bool { true }

    /// Each test gets a scope (a folder); a suite gets none of its own.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> ScratchFolder? {
        test.isSuite ? nil : self
    }

    /// Runs the test with a fresh folder as `current`, and removes the folder after it.
    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        var template = Array((NSTemporaryDirectory() + "leakharness-test-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let path = try #require(made.map { String(cString: $0) }, "mkdtemp: \(String(cString: strerror(errno)))")
        defer { Self.remove(path) }
        try await Self.$current.withValue(path) { try await function() }
    }

    /// A fresh directory named after `label` inside the test's scratch folder (removed when the test ends).
    public static func directory(_ label: String) throws -> String {
        let root = try #require(current, "a test that makes temporary directories needs .scratchFolder")
        let path = "\(root)/\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Removes `path` and everything in it, unmounting what a test mounted inside it; links are never followed.
    public static func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            umount2(path, Int32(MNT_DETACH))
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { remove("\(path)/\(name)") }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

extension Trait where Self == ScratchFolder {
    /// Each test of the suite gets a folder of its own for its temporary files, removed when it ends.
    public static var scratchFolder: Self { ScratchFolder() }
}
