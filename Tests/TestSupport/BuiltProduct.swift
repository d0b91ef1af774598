import Foundation

/// A program the end-to-end tests run, found in the release build that scripts/test.sh makes before the tests.
///
/// The tests run what a user runs: the release build in `.build/release` (or the folder `LEAKHARNESS_BIN_DIR`
/// names). A product that is missing, or older than a source file it is built from, is an error that names the
/// path and the command that builds it: the tests never run a stale binary, nor fall back to another build.
public struct BuiltProduct: Sendable {
    /// The product's name: its file in the build folder.
    public var name: String
    /// The folders, relative to the repository, whose Swift and C files the product is built from.
    public var sources: [String]
    /// Folders under `sources` that are not part of the product.
    public var excluded: [String]
    /// The product `swift build --product` takes.
    public var product: String

    /// The `leakharness` executable: every target under Sources but the probe.
    public static let leakharness = BuiltProduct(
        name: "leakharness", sources: ["Sources"], excluded: ["Sources/CProbe"])
    /// The probe library `watch` preloads: libleakharness-probe.so beside the executable.
    public static let probe = BuiltProduct(
        name: "libleakharness-probe.so", sources: ["Sources/CProbe"], product: "leakharness-probe")
    /// The test programs (`grow`): Tests/TestPrograms.
    public static let testPrograms = BuiltProduct(name: "leakharness-test-programs", sources: ["Tests/TestPrograms"])

    /// A product named `name` in the build folder, built from `sources` by `swift build --product product`.
    public init(name: String, sources: [String], excluded: [String] = [], product: String? = nil) {
        self.name = name
        self.sources = sources
        self.excluded = excluded
        self.product = product ?? name
    }

    /// The build folder: `$LEAKHARNESS_BIN_DIR`, else `.build/release` in the repository.
    public static var directory: String {
        ProcessInfo.processInfo.environment["LEAKHARNESS_BIN_DIR"] ?? Repository.path(".build/release")
    }

    /// The product's path; throws when it is missing or older than one of its source files.
    public func path() throws -> String {
        let path = "\(Self.directory)/\(name)"
        let build = "swift build -c release --product \(product)"
        guard let built = Self.modified(path) else {
            throw Problem(description: "\(path) is missing: build it with `\(build)` (scripts/test.sh does)")
        }
        if let newer = newestSource(), newer.date > built {
            throw Problem(
                description: "\(path) is older than \(newer.path): rebuild it with `\(build)` (scripts/test.sh does)")
        }
        return path
    }

    /// Why a product cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        /// The path, what is wrong with it, and the command that builds it.
        public var description: String
    }

    private static let sourceExtensions: Set = ["swift", "c", "h", "modulemap"]

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The most recently modified source file of the product.
    private func newestSource() -> (path: String, date: Date)? {
        let skipped = excluded.map { Repository.path($0) + "/" }
        var newest: (path: String, date: Date)?
        for folder in sources.map({ Repository.path($0) }) {
            for relative in FileManager.default.subpaths(atPath: folder) ?? [] {
                let file = "\(folder)/\(relative)"
                guard Self.sourceExtensions.contains((relative as NSString).pathExtension),
                    !skipped.contains(where: { file.hasPrefix($0) }), let date = Self.modified(file)
                else { continue }
                if date > newest?.date ?? .distantPast { newest = (file, date) }
            }
        }
        return newest
    }
}
