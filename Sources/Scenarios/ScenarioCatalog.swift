import Foundation
public import Model

/// The `scenarios/` directory: finds it, resolves a name or a path to a scenario, and lists them all.
public struct ScenarioCatalog: Sendable, Hashable {
    /// One file of the directory, read or not.
    public struct Entry: Sendable, Hashable {
        /// The file's path.
        public var path: String
        /// The validated scenario, or why it is not valid.
        public var result: Result<Scenario, ScenarioError>

        /// A file and what loading it gave.
        public init(path: String, result: Result<Scenario, ScenarioError>) {
            self.path = path
            self.result = result
        }
    }

    /// The directory's path.
    public var directory: String

    /// A catalog of `directory`, which is not checked.
    public init(directory: String) {
        self.directory = directory
    }

    /// Finds `scenarios/` (nil arguments: this process's): `$LEAKHARNESS_SCENARIOS`, else `./scenarios`, else a `scenarios/` beside a Package.swift above the executable.
    public static func locate(
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        executablePath: String? = nil
    ) throws(ScenarioError) -> ScenarioCatalog {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let currentDirectory = currentDirectory ?? FileManager.default.currentDirectoryPath
        var searched: [String] = []
        if let dir = environment["LEAKHARNESS_SCENARIOS"], !dir.isEmpty {
            guard isDirectory(dir) else { throw .noScenariosDirectory(searched: ["LEAKHARNESS_SCENARIOS=\(dir)"]) }
            return ScenarioCatalog(directory: dir)
        }
        let local = (currentDirectory as NSString).appendingPathComponent("scenarios")
        searched.append(local)
        if isDirectory(local) { return ScenarioCatalog(directory: local) }
        let exe =
            executablePath ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        var dir = (exe as NSString).deletingLastPathComponent
        while dir.count > 1 {
            let candidate = (dir as NSString).appendingPathComponent("scenarios")
            if isDirectory(candidate),
                FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("Package.swift"))
            {
                return ScenarioCatalog(directory: candidate)
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        searched.append("parents of \(exe)")
        throw .noScenariosDirectory(searched: searched)
    }

    /// Base names of the `.yaml`/`.yml` files, sorted.
    public var names: [String] {
        files.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    /// Paths of the `.yaml`/`.yml` files, sorted by name.
    public var files: [String] {
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return contents.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// The file for `nameOrPath`: itself if it exists or ends in `.yaml`/`.yml`, else `NAME.yaml` here.
    public func path(for nameOrPath: String) throws(ScenarioError) -> String {
        if let path = Self.explicitPath(nameOrPath) { return path }
        for ext in ["yaml", "yml"] {
            let path = (directory as NSString).appendingPathComponent("\(nameOrPath).\(ext)")
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw .unknownScenario(name: nameOrPath, directory: directory, available: names)
    }

    /// Loads and validates the scenario named or found at `nameOrPath`.
    public func resolve(nameOrPath: String) throws(ScenarioError) -> Scenario {
        try ScenarioLoader.load(path: path(for: nameOrPath))
    }

    /// Loads a scenario by path, or by name from the located `scenarios/` directory.
    public static func resolve(nameOrPath: String) throws(ScenarioError) -> Scenario {
        if let path = explicitPath(nameOrPath) { return try ScenarioLoader.load(path: path) }
        return try locate().resolve(nameOrPath: nameOrPath)
    }

    /// Every file of the directory with its scenario or its error.
    public func entries() -> [Entry] {
        files.map { path in
            do throws(ScenarioError) {
                return Entry(path: path, result: .success(try ScenarioLoader.load(path: path)))
            } catch {
                return Entry(path: path, result: .failure(error))
            }
        }
    }

    /// Every valid scenario of the directory, by name.
    public func all() -> [Scenario] {
        entries().compactMap { try? $0.result.get() }
    }

    /// The text `leakharness list` prints: each scenario, its description, and one line per variant.
    public static func listing(_ entries: [Entry]) -> String {
        var lines: [String] = []
        for entry in entries {
            switch entry.result {
            case .failure(let error):
                lines += error.problems.map { "error: \($0)" }
            case .success(let scenario):
                lines.append("\(scenario.name) — \(scenario.description)")
                let changes = scenario.variants.map { variant in
                    let knobs = variant.overrides.keys.sorted().map { "\($0.rawValue)=\(variant.overrides[$0]!)" }
                    return knobs.isEmpty ? "(base)" : knobs.joined(separator: " ")
                }
                let nameWidth = scenario.variants.map(\.name.count).max() ?? 0
                let changeWidth = changes.map(\.count).max() ?? 0
                for (variant, change) in zip(scenario.variants, changes) {
                    let name = variant.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    let change = change.padding(toLength: changeWidth, withPad: " ", startingAt: 0)
                    lines.append("  \(name)  \(change)  expect: \(variant.expect.map(describe) ?? "-")")
                }
            }
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// `LEAK|RETENTION (descriptors, native-buffers)`.
    static func describe(_ expect: Expectation) -> String {
        let verdicts = expect.verdicts.map(\.rawValue).joined(separator: "|")
        return expect.causes.isEmpty
            ? verdicts : "\(verdicts) (\(expect.causes.map(\.rawValue).joined(separator: ", ")))"
    }

    static func explicitPath(_ nameOrPath: String) -> String? {
        if nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/") {
            return nameOrPath
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDir), !isDir.boolValue {
            return nameOrPath
        }
        return nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
