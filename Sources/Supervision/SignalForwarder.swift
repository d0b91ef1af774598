import Synchronization
import Glibc

/// Catches SIGINT and SIGTERM so `watch` can pass them to the command and still write its report.
///
/// A signal the terminal sent (Ctrl-C: `si_code` SI_KERNEL) already reached the command, which shares the terminal's
/// process group, so it is not sent again; a signal sent with kill(2) to `watch` is forwarded.
package enum SignalForwarder {
    private static let pending = Atomic<Int32>(0)
    private static let seen = Atomic<Int32>(0)

    /// Installs the handlers.
    package static func install() {
        // A parent may have started watch with these blocked (Foundation's Process, some supervisors): unblock them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, info, _ in
                SignalForwarder.seen.store(sig, ordering: .relaxed)
                if info?.pointee.si_code != Int32(SI_KERNEL) { SignalForwarder.pending.store(sig, ordering: .relaxed) }
            }
            action.sa_flags = SA_SIGINFO | SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }

    /// The signal to forward now, or 0; clears it.
    package static func take() -> Int32 { pending.exchange(0, ordering: .relaxed) }

    /// The last signal caught, forwarded or not, or 0.
    package static var caught: Int32 { seen.load(ordering: .relaxed) }
}
