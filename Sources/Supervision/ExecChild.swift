import Foundation
import Glibc

/// The first moments of a watched command: `leakharness exec-child -- EXECUTABLE ARGS...` runs with the
/// parent-death signal already set (see `ParentDeath`), then replaces itself with the command, which keeps it.
///
/// Two things wait for the exec: the command's `LD_PRELOAD` (the probe, an allocator), handed over in
/// `preloadVariable` so that this process loads neither, and the exec's outcome, told to `watch` through the
/// descriptor named in `statusVariable`: it closes on a successful exec, or carries the errno of a failed one.
public enum ExecChild {
    /// The environment variable that holds the command's `LD_PRELOAD`, set only at the exec.
    public static let preloadVariable = "LEAKHARNESS_EXEC_LD_PRELOAD"
    /// The environment variable that names the descriptor the exec's outcome is written to.
    public static let statusVariable = "LEAKHARNESS_EXEC_STATUS_FD"

    /// `environment` for `exec-child`: the command's `LD_PRELOAD` moved to `preloadVariable`, the status descriptor.
    public static func environment(_ environment: [String: String], statusFD: Int32) -> [String: String] {
        var e = environment
        e[preloadVariable] = e.removeValue(forKey: "LD_PRELOAD") ?? ""
        e[statusVariable] = String(statusFD)
        return e
    }

    /// Replaces this process with `executable` (a path), `arguments` as argv[1...], this process's environment.
    /// Returns only on failure, with an explanation, after writing the errno to the status descriptor.
    public static func exec(_ executable: String, arguments: [String]) -> String {
        let statusFD = ProcessInfo.processInfo.environment[statusVariable].flatMap { Int32($0) }
        unsetenv(statusVariable)
        if let statusFD { _ = fcntl(statusFD, F_SETFD, FD_CLOEXEC) }
        if let preload = ProcessInfo.processInfo.environment[preloadVariable] {
            if preload.isEmpty { unsetenv("LD_PRELOAD") } else { setenv("LD_PRELOAD", preload, 1) }
            unsetenv(preloadVariable)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        fflush(nil)
        execv(executable, argv)
        var code = errno
        if let statusFD { _ = withUnsafeBytes(of: &code) { write(statusFD, $0.baseAddress, $0.count) } }
        return "\(executable): cannot execute: \(String(cString: strerror(code)))"
    }

    /// Waits for the outcome `exec-child` writes to `readFD` (the read end of its status pipe, whose write end
    /// the caller has closed): nil once the exec succeeded, else the errno of the failed exec.
    public static func outcome(readFD: Int32) -> Int32? {
        var code: Int32 = 0
        var got = 0
        while got < MemoryLayout<Int32>.size {
            let n = withUnsafeMutableBytes(of: &code) { read(readFD, $0.baseAddress! + got, $0.count - got) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        return got == MemoryLayout<Int32>.size ? code : nil
    }
}
