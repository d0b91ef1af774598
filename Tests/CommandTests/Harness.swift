import Foundation
import Testing
import TestSupport

/// Runs the built `leakharness` binary, as a user or CI would.
///
/// The binary is the release build scripts/test.sh makes (`BuiltProduct`): a missing or stale one fails the test
/// with the path and the command that builds it.
enum Harness {
    /// The `leakharness` executable under test; the probe library beside it, when there, must be fresh too.
    static var binary: String {
        get throws {
            if FileManager.default.fileExists(atPath: "\(BuiltProduct.directory)/\(BuiltProduct.probe.name)") {
                _ = try BuiltProduct.probe.path()
            }
            return try BuiltProduct.leakharness.path()
        }
    }

    /// The test programs' executable (`grow`), beside `binary`.
    static var testPrograms: String {
        get throws { try BuiltProduct.testPrograms.path() }
    }

    /// The environment that lets a scenario's `fault:` knob through, for the tests that inject faults.
    static let allowFaults = ["LEAKHARNESS_ALLOW_FAULTS": "1"]

    /// Runs `leakharness arguments...` in the repository and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Command.Outcome {
        try Command.run(try binary, arguments, environment: environment)
    }

    /// Why a tool the tests need is missing.
    struct MissingTool: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) is missing: run scripts/test.sh, which installs it into .build/venv" }
    }

    /// A Python tool that scripts/test.sh installs into `.build/venv` (actionlint, check-jsonschema); throws when
    /// it is missing, so that a test needing it fails instead of being skipped.
    static func venvTool(_ name: String) throws -> String {
        let path = Repository.path(".build/venv/bin/\(name)")
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingTool(path: path) }
        return path
    }

    /// Writes a scenario file into a temporary directory and returns its path.
    static func scenarioFile(_ yaml: String, name: String) throws -> String {
        let path = "\(try ScratchFolder.directory("scenario"))/\(name).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Reads a JSON object file.
    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Rows of a samples CSV as dictionaries of column to text.
    static func csv(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else {
            return []
        }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
