import Foundation
import Synchronization
package import Model
import Sampling

/// Starts and ends variant children: `leakharness child --spec JSON`.
public enum ChildLauncher {
    /// The running executable's real path (the target of `/proc/self/exe`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    package static func launch(
        spec: ChildSpec, executable: String, environment: [String: String], logPath: String
    ) throws -> ChildProcess {
        let json = try JSONCoding.text(spec, .compact)
        return try ChildProcess(
            executable: executable, arguments: ["child", "--spec", json],
            environment: ParentDeath.childEnvironment(environment), logPath: logPath)
    }

    /// Resident memory of `pid` in MB, 0 when it cannot be read.
    package static func rssMB(pid: Int32) -> Double {
        guard let reader = try? ProcReader(pid: pid) else { return 0 }
        var row = SampleRow()
        reader.read(into: &row)
        return Units.mb(kilobytes: row.rssKB)
    }
}
