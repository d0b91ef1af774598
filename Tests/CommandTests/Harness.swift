import Foundation
import Testing

/// Runs the built `leakharness` binary, as a user or CI would.
///
/// The binary is `$LEAKHARNESS_BIN`, else the release build, else the debug build (scripts/test.sh builds release).
enum Harness {
    static let repository: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["LEAKHARNESS_BIN"] { return path }
        let release = repository.appendingPathComponent(".build/release/leakharness").path
        if FileManager.default.isExecutableFile(atPath: release) { return release }
        return repository.appendingPathComponent(".build/debug/leakharness").path
    }

    /// What a command did.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The last line of stdout: the run directory of `run` and `bisect`.
        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs `leakharness arguments...` in the repository and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try exec(binary, arguments, environment: environment)
    }

    /// Runs `executable arguments...` in `directory` (default: the repository) and waits for it.
    static func exec(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) } ?? repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        // stderr goes to a file, so neither stream can fill up and block the process while the other is read.
        let errPath = NSTemporaryDirectory() + "leakharness-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Why a tool the tests need is missing.
    struct MissingTool: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) is missing: run scripts/test.sh, which installs it into .build/venv" }
    }

    /// A Python tool that scripts/test.sh installs into `.build/venv` (actionlint, check-jsonschema); throws when
    /// it is missing, so that a test needing it fails instead of being skipped.
    static func venvTool(_ name: String) throws -> String {
        let path = repository.appendingPathComponent(".build/venv/bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingTool(path: path) }
        return path
    }

    /// A fresh temporary directory inside the test's scratch folder (removed when the test ends).
    static func temporaryDirectory(_ label: String) throws -> String {
        let root = try #require(ScratchFolder.current, "a test that makes temporary directories needs .scratchFolder")
        let path = "\(root)/\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Writes a scenario file under a temporary `Tests/` directory (so test-only knobs are allowed) and returns its path.
    static func scenarioFile(_ yaml: String, name: String) throws -> String {
        let directory = try temporaryDirectory("scenario") + "/Tests"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(name).yaml"
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
