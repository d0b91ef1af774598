import Foundation

/// Runs a program and waits for it, capturing what it printed.
public enum Command {
    /// What a program did.
    public struct Outcome: Sendable {
        /// The exit status (or the signal's number when a signal ended it).
        public var status: Int32
        /// All it wrote to standard output.
        public var stdout: String
        /// All it wrote to standard error.
        public var stderr: String

        /// The last line of stdout: the run directory of `run` and `bisect`.
        public var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    /// Runs `executable arguments...` in `directory` (default: the repository), with `environment` added to this
    /// process's, and waits for it.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) } ?? Repository.root
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
}
