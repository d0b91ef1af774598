import Foundation
import Glibc

/// The first moments of a watched command: `leakharness exec-child -- EXECUTABLE ARGS...` runs with the
/// parent-death signal already set (see `ParentDeath`), then replaces itself with the command, which keeps it.
public enum ExecChild {
    /// Replaces this process with `executable` (a path), `arguments` as argv[1...], this process's environment.
    /// Returns only on failure, with an explanation.
    public static func exec(_ executable: String, arguments: [String]) -> String {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        fflush(nil)
        execv(executable, argv)
        return "\(executable): cannot execute: \(String(cString: strerror(errno)))"
    }
}
