import Foundation
import Testing
@testable import Model
@testable import Supervision
@testable import Sampling

/// The supervision loop: a child's exit, its memory ceiling, its time limit, and the grace period before SIGKILL.
struct SupervisorTests {
    private func start(_ script: String) throws -> ChildProcess {
        try ChildProcess(executable: "/bin/sh", arguments: ["-c", script], environment: [:], logPath: "/dev/null")
    }

    @Test func aChildThatExitsGivesItsStatusAndNoStop() throws {
        let child = try start("sleep 0.2; exit 7")
        var ticks = 0
        let outcome = Supervisor(pollMs: 10).supervise(child) { _ in ticks += 1 }
        #expect(outcome.termination == .exited(7))
        #expect(outcome.stop == nil)
        #expect(ticks > 0)
    }

    @Test func aChildPastTheCeilingIsEnded() throws {
        let child = try start("exec sleep 30")
        var measured: Set<Int32> = []
        var supervisor = Supervisor(pollMs: 10, ceilingMB: 50)
        supervisor.residentMB = { pid in
            measured.insert(pid)
            return 100
        }
        let outcome = supervisor.supervise(child)
        #expect(outcome.stop == .ceiling(limitMB: 50, rssMB: 100))
        #expect(outcome.stop?.description == "RSS ceiling of 50 MB exceeded (100 MB)")
        #expect(outcome.termination == .signalled(SIGTERM))
        #expect(measured == [child.pid])
    }

    @Test func aChildUnderTheCeilingRunsToItsEndAndEachTickHasItsMemory() throws {
        let child = try start("sleep 0.2")
        var seen: [Double?] = []
        var supervisor = Supervisor(pollMs: 10, ceilingMB: 50)
        supervisor.residentMB = { _ in 10 }
        let outcome = supervisor.supervise(child) { seen.append($0.rssMB) }
        #expect(outcome.termination == .exited(0))
        #expect(outcome.stop == nil)
        #expect(!seen.isEmpty && seen.allSatisfy { $0 == 10 })
    }

    @Test func aChildPastItsTimeLimitIsEnded() throws {
        let child = try start("exec sleep 30")
        let outcome = Supervisor(pollMs: 10, timeLimitS: 0).supervise(child)
        #expect(outcome.stop == .timeLimit(seconds: 0))
        #expect(outcome.stop?.description == "time limit of 0 s exceeded")
        #expect(outcome.termination == .signalled(SIGTERM))
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledAfterTheGracePeriod() throws {
        let child = try start("trap '' TERM; exec sleep 30")
        #expect(ChildProcessTests.eventually { ChildProcessTests.command(of: child.pid) == "sleep" })
        var supervisor = Supervisor(pollMs: 10, timeLimitS: 0)
        supervisor.graceSeconds = 0.2
        let outcome = supervisor.supervise(child)
        #expect(outcome.stop == .timeLimit(seconds: 0))
        #expect(outcome.termination == .signalled(SIGKILL))
    }

    @Test func anInterruptMessageNamesTheSignal() {
        #expect(Supervisor.Stop.interrupted(signal: SIGINT).description == "interrupted by SIGINT")
        #expect(Supervisor.Stop.interrupted(signal: SIGTERM).description == "interrupted by SIGTERM")
    }
}
