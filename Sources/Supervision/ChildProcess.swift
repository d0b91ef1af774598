import Foundation
import Synchronization
import Glibc

/// A child process started with `posix_spawn`, its output appended to a log file.
public final class ChildProcess: Sendable {
    public let pid: Int32

    /// How a child ended.
    public enum Termination: Sendable, Hashable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Spawns `executable` with `arguments` (argv[1...]) and `environment`; stdout and stderr go to `logPath`
    /// (appended) when given. Arguments are an argument vector, never a shell line.
    ///
    /// `stdoutFD`/`stderrFD`, when given, become the child's descriptors 1 and 2 (e.g. pipe ends; `watch`), stdin is
    /// inherited, and SIGPIPE is reset to its default in the child. `passing` gives the child more descriptors: each
    /// `source` of this process becomes `target` in the child. `newProcessGroup` makes the child the leader of a
    /// process group of its own, out of reach of the terminal's Ctrl-C.
    ///
    /// Every child is started by the one spawning thread (`Spawner`), so that its parent-death signal comes when this
    /// process ends, not when the calling thread does.
    public init(
        executable: String, arguments: [String], environment: [String: String], logPath: String?,
        inheritStdio: Bool = false, stdoutFD: Int32? = nil, stderrFD: Int32? = nil,
        passing: [(source: Int32, target: Int32)] = [], newProcessGroup: Bool = false
    ) throws(IsolationError) {
        let spawned = Spawner.run {
            Self.spawn(
                executable: executable, arguments: arguments, environment: environment, logPath: logPath,
                inheritStdio: inheritStdio, stdoutFD: stdoutFD, stderrFD: stderrFD, passing: passing,
                newProcessGroup: newProcessGroup)
        }
        pid = try spawned.get()
    }

    /// `posix_spawn` with the file actions and attributes `init` describes; the child's pid or the error.
    private static func spawn(
        executable: String, arguments: [String], environment: [String: String], logPath: String?,
        inheritStdio: Bool, stdoutFD: Int32?, stderrFD: Int32?, passing: [(source: Int32, target: Int32)],
        newProcessGroup: Bool
    ) -> Result<Int32, IsolationError> {
        fflush(nil)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let piped = stdoutFD != nil || stderrFD != nil
        if let stdoutFD { posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1) }
        if let stderrFD { posix_spawn_file_actions_adddup2(&actions, stderrFD, 2) }
        if let logPath, !inheritStdio, !piped {
            posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for (source, target) in passing { posix_spawn_file_actions_adddup2(&actions, source, target) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal dispositions in the child, whatever the parent handles.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        if piped { sigaddset(&defaults, SIGPIPE) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: Int32 = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { return .failure(.spawn(executable: executable, errno: rc)) }
        return .success(child)
    }

    /// The child's status if it has ended (reaps it), nil while it runs.
    public func poll() -> Termination? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        return Self.decode(status)
    }

    /// Blocks until the child ends.
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return Self.decode(status)
    }

    /// Sends `signal` to the child.
    public func kill(_ signal: Int32) { _ = Foundation.kill(pid, signal) }

    /// SIGTERM, then SIGKILL when the child has not ended within `graceSeconds`; returns how it ended.
    public func terminate(graceSeconds: Double = 2) -> Termination {
        kill(SIGTERM)
        for _ in 0..<Int((graceSeconds / 0.05).rounded()) {
            if let ended = poll() { return ended }
            usleep(50_000)
        }
        kill(SIGKILL)
        return wait()
    }

    private static func decode(_ status: Int32) -> Termination {
        let low = status & 0x7f
        if low == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(low)
    }
}

/// A failure to start or supervise a child.
public enum IsolationError: Error, Sendable, CustomStringConvertible {
    case spawn(executable: String, errno: Int32)
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case .spawn(let executable, let e): "\(executable): cannot start: \(String(cString: strerror(e)))"
        case .output(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// SIGINT and SIGTERM caught by this process: the one place that installs their handlers.
///
/// Supervision acts on them (`Supervisor`): `run` ends its children and writes a partial report, `watch` passes them
/// on to the command and still writes its report. A signal the terminal sent (Ctrl-C: `si_code` SI_KERNEL) already
/// reached the children that share the terminal's process group, so it is not one to forward; a signal sent with
/// kill(2) to this process is.
public enum Interruption {
    private static let caught = Atomic<Int32>(0)
    private static let pending = Atomic<Int32>(0)

    /// Installs the handlers (idempotent).
    public static func install() {
        // A parent started by another program (Foundation's Process, a test runner) may inherit these blocked:
        // unblock them, or the handlers never run and Ctrl-C would not stop the run.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, info, _ in
                Interruption.caught.store(sig, ordering: .relaxed)
                if info?.pointee.si_code != Int32(SI_KERNEL) { Interruption.pending.store(sig, ordering: .relaxed) }
            }
            action.sa_flags = SA_SIGINFO | SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }

    /// The last signal caught, or 0.
    public static var signal: Int32 { caught.load(ordering: .relaxed) }

    /// The signal to forward to a child now (one sent with kill(2), not by the terminal), or 0; clears it.
    static func takeForwardable() -> Int32 { pending.exchange(0, ordering: .relaxed) }
}
