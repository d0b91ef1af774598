import Foundation
import Synchronization

/// Starts and ends variant children: `leakharness child --spec JSON`.
public enum ChildLauncher {
    /// The running executable's real path (the target of `/proc/self/exe`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func launch(
        spec: ChildSpec, executable: String, environment: [String: String], logPath: String
    ) throws -> ChildProcess {
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        return try ChildProcess(
            executable: executable, arguments: ["child", "--spec", json],
            environment: ParentDeath.childEnvironment(environment), logPath: logPath)
    }

    /// Resident memory of `pid` in MB, 0 when it cannot be read.
    static func rssMB(pid: Int32) -> Double {
        guard let reader = try? ProcReader(pid: pid) else { return 0 }
        var row = SampleRow()
        reader.read(into: &row)
        return Double(row.rssKB) / 1024
    }
}

/// The run directory: `<root>/<yyyyMMdd-HHmmss>-<scenario>`, never an existing one.
enum RunDirectory {
    static func create(root: String, scenario: String) throws(RunError) -> String {
        guard ScenarioLoader.isSafeName(scenario) else {
            throw .output(path: root, reason: "scenario name '\(scenario)' is not safe as a file name")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stem = "\(root)/\(formatter.string(from: Date()))-\(scenario)"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw .output(path: root, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
        for attempt in 1...1000 {
            let path = attempt == 1 ? stem : "\(stem)-\(attempt)"
            // mkdir fails when the directory exists: an earlier run is never overwritten.
            if mkdir(path, 0o755) == 0 {
                try? fm.createDirectory(atPath: "\(path)/samples", withIntermediateDirectories: true)
                return path
            }
            if errno != EEXIST { throw .output(path: path, reason: String(cString: strerror(errno))) }
        }
        throw .output(path: stem, reason: "too many runs with this name in one second")
    }
}

/// `run.log`: the parent's lines, with the children's output appended between them.
final class RunLog: Sendable {
    let path: String
    /// Variants run side by side write their lines one at a time.
    private let lock = Mutex(())

    init(path: String) {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }

    func line(_ text: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        lock.withLock { _ in
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.seekToEndOfFile()
            handle.write(Data("\(stamp) \(text)\n".utf8))
            try? handle.close()
        }
    }
}
