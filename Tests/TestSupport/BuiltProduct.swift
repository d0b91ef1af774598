import Foundation

/// A program the end-to-end tests run, found in the release build that scripts/test.sh makes before the tests.
///
/// The tests run what a user runs: the release build in `.build/release` (or the folder `LEAKHARNESS_BIN_DIR`
/// names). A product that is missing, or older than a file of its sources, is an error that names the path and the
/// command that builds it: the tests never run a stale binary, and never fall back to another build silently.
public struct BuiltProduct: Sendable {
    /// The product's name: its file in the build folder.
    public var name: String
    /// The folders and files, relative to the repository, that the product is built from.
    public var sources: [String]
    /// The product `swift build --product` takes.
    public var product: String

    /// The `leakharness` executable.
    public static let leakharness = BuiltProduct(name: "leakharness", sources: ["Sources", "Package.swift"])
    /// The probe library `watch` preloads: libleakharness-probe.so beside the executable.
    public static let probe = BuiltProduct(
        name: "libleakharness-probe.so", sources: ["Sources/CProbe", "Package.swift"], product: "leakharness-probe")
    /// The test programs (`grow`): Tests/TestPrograms.
    public static let testPrograms = BuiltProduct(
        name: "leakharness-test-programs", sources: ["Tests/TestPrograms", "Package.swift"])

    /// A product named `name` in the build folder, built from `sources` by `swift build --product product`.
    public init(name: String, sources: [String], product: String? = nil) {
        self.name = name
        self.sources = sources
        self.product = product ?? name
    }

    /// The build folder: `$LEAKHARNESS_BIN_DIR`, else `.build/release` in the repository.
    public static var directory: String {
        ProcessInfo.processInfo.environment["LEAKHARNESS_BIN_DIR"] ?? Repository.path(".build/release")
    }

    /// The product's path; throws when it is missing or older than one of its sources.
    public func path() throws -> String {
        let path = "\(Self.directory)/\(name)"
        let build = "swift build -c release --product \(product)"
        guard let built = Self.modified(path) else {
            throw Problem(description: "\(path) is missing: build it with `\(build)` (scripts/test.sh does)")
        }
        if let newer = sources.lazy.compactMap({ Self.newest(Repository.path($0)) }).first(where: { $0.date > built }) {
            throw Problem(
                description: "\(path) is older than \(newer.path): rebuild it with `\(build)` (scripts/test.sh does)")
        }
        return path
    }

    /// Why a product cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The most recently modified file at or under `path`.
    private static func newest(_ path: String) -> (path: String, date: Date)? {
        var best: (path: String, date: Date)? = modified(path).map { (path, $0) }
        for relative in FileManager.default.subpaths(atPath: path) ?? [] {
            let file = "\(path)/\(relative)"
            if let date = modified(file), date > best?.date ?? .distantPast { best = (file, date) }
        }
        return best
    }
}
