import Foundation

/// Watches one child until it ends, polling it: its exit, a memory ceiling, a time limit and the user's interrupt
/// (SIGINT, SIGTERM caught by `Interruption`). `run` and `watch` each say what differs: how memory is measured,
/// what an interrupt does, what to do on each tick.
package struct Supervisor {
    /// What a caught SIGINT or SIGTERM does to the child.
    package enum OnInterrupt: Sendable {
        /// End the child: SIGTERM, then SIGKILL after the grace period.
        case terminate
        /// Send the child each signal sent to this process with kill(2) (the terminal's already reached it), and
        /// keep watching until it ends.
        case forward
        /// Keep watching.
        case ignore
    }

    /// Why the supervisor ended the child.
    package enum Stop: Sendable, Hashable, CustomStringConvertible {
        case interrupted(signal: Int32)
        case ceiling(limitMB: Int, rssMB: Double)
        case timeLimit(seconds: Int)

        package var description: String {
            switch self {
            case .interrupted(let signal): "interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"
            case .ceiling(let limit, let rss): String(format: "RSS ceiling of %d MB exceeded (%.0f MB)", limit, rss)
            case .timeLimit(let seconds): "time limit of \(seconds) s exceeded"
            }
        }
    }

    /// How the child ended, and what the supervisor did.
    package struct Outcome: Sendable {
        package var termination: ChildProcess.Termination
        /// Why the supervisor ended the child; nil when it ended by itself.
        package var stop: Stop?
        /// The signals passed on to the child, and those caught that the child received from the terminal.
        package var forwarded: Set<Int32> = []
    }

    /// One pass of the loop while the child runs, after the checks.
    package struct Tick {
        /// Seconds since the start given to `supervise`.
        package var elapsed: Double
        /// The resident memory measured on this pass, when `residentMB` is set.
        package var rssMB: Double?
    }

    /// Milliseconds between passes.
    package var pollMs: Int
    package var onInterrupt: OnInterrupt
    /// End the child when `residentMB` exceeds this.
    package var ceilingMB: Int?
    /// End the child after this many seconds.
    package var timeLimitS: Int?
    /// Seconds between SIGTERM and SIGKILL when the supervisor ends the child.
    package var graceSeconds: Double
    /// Resident memory, in MB, of what the ceiling applies to (the child alone, its whole tree), from the child's pid.
    package var residentMB: ((Int32) -> Double)?

    package init(
        pollMs: Int, onInterrupt: OnInterrupt = .ignore, ceilingMB: Int? = nil, timeLimitS: Int? = nil,
        graceSeconds: Double = 2.0, residentMB: ((Int32) -> Double)? = nil
    ) {
        self.pollMs = pollMs
        self.onInterrupt = onInterrupt
        self.ceilingMB = ceilingMB
        self.timeLimitS = timeLimitS
        self.graceSeconds = graceSeconds
        self.residentMB = residentMB
    }

    /// Polls `child` every `pollMs` until it ends or one of the checks ends it, calling `tick` on each pass while it
    /// runs. `started` (uptime nanoseconds) is when the time limit started counting.
    package func supervise(
        _ child: ChildProcess, started: UInt64 = DispatchTime.now().uptimeNanoseconds,
        tick: (Tick) -> Void = { _ in }
    ) -> Outcome {
        var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        var forwarded: Set<Int32> = []
        func stopped(_ stop: Stop) -> Outcome {
            Outcome(termination: child.terminate(graceSeconds: graceSeconds), stop: stop, forwarded: forwarded)
        }
        while true {
            if onInterrupt == .forward {
                let sig = Interruption.takeForwardable()
                if sig != 0 {
                    child.kill(sig)
                    forwarded.insert(sig)
                }
                if Interruption.signal != 0 { forwarded.insert(Interruption.signal) }
            }
            if let ended = child.poll() { return Outcome(termination: ended, forwarded: forwarded) }
            if onInterrupt == .terminate, Interruption.signal != 0 {
                return stopped(.interrupted(signal: Interruption.signal))
            }
            let rssMB = residentMB?(child.pid)
            if let ceilingMB, let rssMB, rssMB > Double(ceilingMB) {
                return stopped(.ceiling(limitMB: ceilingMB, rssMB: rssMB))
            }
            if let timeLimitS, elapsed > Double(timeLimitS) { return stopped(.timeLimit(seconds: timeLimitS)) }
            tick(Tick(elapsed: elapsed, rssMB: rssMB))
            usleep(UInt32(pollMs * 1000))
        }
    }
}
