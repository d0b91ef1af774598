import Foundation
import CThread
package import Synchronization

/// In a variant's child: when the parent dies first, the child removes its work folder before it ends.
///
/// The parent's death reaches the child as `ParentDeath.signal`; a handler only writes to a pipe, and a thread
/// named `lh-parent` does the rest: it removes the work folder when the parent is gone or goes within half a second
/// (the signal comes as the parent's spawning thread ends, which may be before the rest of the parent; a signal the
/// parent sent itself leaves the folder to the parent), then ends the process with the same signal, as if it were
/// not caught.
package enum OrphanCleanup {
    /// Held while the work folder is removed, by the watching thread when the parent is gone or by the child's main
    /// thread at its end: a child whose work failed because its folder was being removed (a shard it could not
    /// create) must not exit halfway through the removal, leaving the rest behind.
    package static let removal = Mutex(())

    /// Starts watching; does nothing in a process not started by one of ours (tests, other callers).
    package static func install(workFolder: String) {
        guard ParentDeath.expectedParent != nil, !workFolder.isEmpty else { return }
        let fd = lh_signal_pipe(ParentDeath.signal)
        guard fd >= 0 else { return }
        let thread = Thread {
            lh_name_current_thread("lh-parent")
            var byte: UInt8 = 0
            while read(fd, &byte, 1) < 0, errno == EINTR {}
            removal.withLock { _ in
                if ParentDeath.parentGone(within: 0.5) { WorkFolder(path: workFolder).remove() }
                _ = lh_die_of_signal(ParentDeath.signal)
            }
        }
        thread.start()
    }
}
