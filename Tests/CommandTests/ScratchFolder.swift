import Foundation
import Testing

/// Gives each test its own folder under `TMPDIR`, removed when the test ends, whether it passes, fails or throws.
///
/// `Harness.temporaryDirectory` makes its folders inside it, so a suite marked `.scratchFolder` leaves nothing behind.
struct ScratchFolder: TestTrait, SuiteTrait, TestScoping {
    /// The current test's folder, nil outside a test marked `.scratchFolder`.
    @TaskLocal static var current: String?

    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> ScratchFolder? {
        test.isSuite ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        var template = Array((NSTemporaryDirectory() + "leakharness-test-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let path = try #require(made.map { String(cString: $0) }, "mkdtemp: \(String(cString: strerror(errno)))")
        defer { Self.remove(path) }
        try await Self.$current.withValue(path) { try await function() }
    }

    /// Removes `path` and everything in it, unmounting what a test mounted inside it; links are never followed.
    static func remove(_ path: String) {
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
    static var scratchFolder: Self { ScratchFolder() }
}
