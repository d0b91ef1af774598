import Foundation

/// A program the end-to-end tests run, found in the release build that scripts/test.sh makes before the tests.
///
/// The tests run what a user runs: the release build in `.build/release` (or the folder `LEAKHARNESS_BIN_DIR`
/// names). A product is stale when a source file of one of its targets changed after the compiler last compiled
/// that target (its `.d` dependency files in the build folder), or when an object file changed after the product
/// was linked. A missing or stale product is an error that names the path and the command that builds it: the
/// tests never run a stale binary, nor fall back to another build. The build's own records, not the product's
/// date alone, are compared, because a rebuild after a change that leaves the objects as they were (a `touch`, a
/// branch switched and back) links nothing anew.
public struct BuiltProduct: Sendable {
    /// A target of the product: its folder in the repository and its module's name in the build folder.
    public struct Target: Sendable {
        /// The folder, relative to the repository, whose Swift and C files the target is built from.
        public var folder: String
        /// The module's name: its build folder is `<module>.build`.
        public var module: String

        /// The target in `folder`, whose module is named `module` (default: the folder's name).
        public init(folder: String, module: String? = nil) {
            self.folder = folder
            self.module = module ?? (folder as NSString).lastPathComponent
        }
    }

    /// The product's name: its file in the build folder.
    public var name: String
    /// The targets the product is built from.
    public var targets: [Target]
    /// The product `swift build --product` takes.
    public var product: String

    /// The `leakharness` executable: every target under Sources but the probe.
    public static var leakharness: BuiltProduct {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: Repository.path("Sources"))) ?? []
        return BuiltProduct(
            name: "leakharness",
            targets: folders.filter { $0 != "CProbe" }.sorted().map { Target(folder: "Sources/\($0)") })
    }
    /// The probe library `watch` preloads: libleakharness-probe.so beside the executable.
    public static let probe = BuiltProduct(
        name: "libleakharness-probe.so", targets: [Target(folder: "Sources/CProbe")], product: "leakharness-probe")
    /// The test programs (`grow`): Tests/TestPrograms.
    public static let testPrograms = BuiltProduct(
        name: "leakharness-test-programs",
        targets: [Target(folder: "Tests/TestPrograms", module: "leakharness_test_programs")])

    /// A product named `name` in the build folder, built from `targets` by `swift build --product product`.
    public init(name: String, targets: [Target], product: String? = nil) {
        self.name = name
        self.targets = targets
        self.product = product ?? name
    }

    /// The build folder: `$LEAKHARNESS_BIN_DIR`, else `.build/release` in the repository.
    public static var directory: String {
        ProcessInfo.processInfo.environment["LEAKHARNESS_BIN_DIR"] ?? Repository.path(".build/release")
    }

    /// The product's path; throws when it is missing or stale.
    public func path() throws -> String {
        let path = "\(Self.directory)/\(name)"
        let build = "swift build -c release --product \(product)"
        guard let linked = Self.modified(path) else {
            throw Problem(description: "\(path) is missing: build it with `\(build)` (scripts/test.sh does)")
        }
        for target in targets {
            let folder = Repository.path(target.folder)
            let records = "\(Self.directory)/\(target.module).build"
            guard let source = Self.newest(in: folder, where: { ["swift", "c"].contains($0) }) else { continue }
            let compiled = Self.newest(in: records, where: { $0 == "d" })
            if source.date > compiled?.date ?? .distantPast {
                throw Problem(
                    description: "\(path) is stale: \(source.path) changed after \(target.module) was last compiled; "
                        + "rebuild with `\(build)` (scripts/test.sh does)")
            }
            if let object = Self.newest(in: records, where: { $0 == "o" }), object.date > linked {
                throw Problem(
                    description: "\(path) is stale: \(object.path) is newer; rebuild with `\(build)` "
                        + "(scripts/test.sh does)")
            }
        }
        return path
    }

    /// Why a product cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        /// The path, what is wrong with it, and the command that builds it.
        public var description: String
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The most recently modified file under `folder` whose extension `matches`.
    private static func newest(in folder: String, where matches: (String) -> Bool) -> (path: String, date: Date)? {
        var newest: (path: String, date: Date)?
        for relative in FileManager.default.subpaths(atPath: folder) ?? []
        where matches((relative as NSString).pathExtension) {
            let file = "\(folder)/\(relative)"
            if let date = modified(file), date > newest?.date ?? .distantPast { newest = (file, date) }
        }
        return newest
    }
}
