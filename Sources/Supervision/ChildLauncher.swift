import Foundation
import Synchronization
package import Model
package import Sampling

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

    /// Resident memory of the process `reader` reads, in MB; 0 without a reader or once the process is gone. The
    /// reader is opened once per child, not at every poll.
    package static func rssMB(_ reader: ProcReader?) -> Double {
        var row = SampleRow()
        guard let reader, reader.read(into: &row) else { return 0 }
        return Units.mb(kilobytes: row.rssKB)
    }
}
