import Foundation
import Synchronization
import CThread

/// Ties a child's life to its parent's: the kernel signals the child when the parent dies, however it dies.
///
/// A parent that starts one of our own processes puts its pid in the child's environment
/// (`LEAKHARNESS_PARENT_PID`); the child asks for `PR_SET_PDEATHSIG` first thing and then checks that its parent is
/// still that pid, since a parent that died before the request would never trigger it.
public enum ParentDeath {
    /// The environment variable through which a parent passes its pid to a child of ours.
    public static let environmentKey = "LEAKHARNESS_PARENT_PID"

    /// The signal a child receives when its parent dies.
    public static let signal = SIGTERM

    private static let expected = Atomic<Int32>(0)

    /// The parent this process was bound to, or nil when it was not started by one of ours.
    public static var expectedParent: Int32? {
        let pid = expected.load(ordering: .relaxed)
        return pid > 0 ? pid : nil
    }

    /// Whether the parent this process was bound to is gone (this process was re-parented).
    public static var parentIsGone: Bool {
        guard let parent = expectedParent else { return false }
        return getppid() != parent
    }

    /// Whether the parent is gone or goes within `seconds`. The signal comes when the parent's *thread* that started
    /// this process ends: when a parent is killed, that thread may end while the rest of the parent is still being torn
    /// down, before this process is re-parented.
    public static func parentGone(within seconds: Double) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while !parentIsGone {
            if DispatchTime.now().uptimeNanoseconds >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// `environment` plus this process's pid as the parent of the child about to start.
    public static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        environment[environmentKey] = String(getpid())
        return environment
    }

    /// Binds this process to `parent`: `signal` when the parent's spawning thread ends. False when the parent is
    /// already gone (this process's parent is no longer `parent`), in which case the caller must exit.
    public static func bind(to parent: Int32) -> Bool {
        guard lh_set_parent_death_signal(signal) == 0 else { return false }
        expected.store(parent, ordering: .relaxed)
        return getppid() == parent
    }

    /// Binds this process to the parent named in its environment, if any, and removes the variable so that commands
    /// this process starts do not inherit it. False when the named parent is already gone.
    public static func bindFromEnvironment() -> Bool {
        guard let text = ProcessInfo.processInfo.environment[environmentKey] else { return true }
        unsetenv(environmentKey)
        guard let parent = Int32(text), parent > 1 else { return true }
        return bind(to: parent)
    }
}
