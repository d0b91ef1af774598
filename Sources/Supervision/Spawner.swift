import Foundation
import Synchronization
import CThread

/// The one thread that starts every child process, named `lh-spawner`, alive as long as this process.
///
/// The kernel sends a child its parent-death signal (`PR_SET_PDEATHSIG`, see `ParentDeath`) when the *thread* that
/// started it ends, not when the process does. A child started from a short-lived thread (a worker of the runner
/// that has no variant left, a test's thread) would be told its parent died while the parent still runs; started
/// here, it is told only when this process ends.
enum Spawner {
    /// Work waiting for the thread, oldest first.
    private static let queue = Mutex<[@Sendable () -> Void]>([])
    private static let wake = DispatchSemaphore(value: 0)
    /// The spawning thread's `pthread_t`, 0 until it runs.
    private static let identity = Atomic<UInt>(0)
    /// Starts the thread on first use (a `static let` is initialised once, whichever thread gets there first).
    private static let started: Bool = {
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread {
            lh_name_current_thread("lh-spawner")
            identity.store(UInt(pthread_self()), ordering: .releasing)
            ready.signal()
            while true {
                wake.wait()
                let work = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                work?()
            }
        }
        thread.start()
        ready.wait()
        return true
    }()

    /// Whether the calling thread is the spawning thread.
    static var isCurrent: Bool {
        _ = started
        return identity.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Runs `body` on the spawning thread and returns its result; the caller waits. Called on that thread, runs
    /// `body` at once.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        if isCurrent { return body() }
        let result = Slot<T>()
        let done = DispatchSemaphore(value: 0)
        queue.withLock {
            $0.append {
                result.value.withLock { $0 = body() }
                done.signal()
            }
        }
        wake.signal()
        done.wait()
        return result.value.withLock { $0! }
    }

    /// A result handed from the spawning thread to the caller.
    private final class Slot<T: Sendable>: Sendable {
        let value = Mutex<T?>(nil)
    }
}
