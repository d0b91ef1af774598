import Foundation
import Synchronization
import Testing
@testable import Model
@testable import Supervision
@testable import Sampling

/// Children are started by the one spawning thread, helper commands are captured through the same path, and a child
/// that does not end on SIGTERM is killed after the grace period.
struct ChildProcessTests {
    /// A value handed from a thread to the test.
    final class Slot<T: Sendable>: Sendable {
        let value = Mutex<T?>(nil)
    }

    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// The kernel's name of `pid`'s program (its `comm`).
    static func command(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aChildOfAThreadThatEndsIsNotSentItsParentDeathSignal() throws {
        let spawned = Slot<Result<ChildProcess, IsolationError>>()
        let thread = Thread {
            let result = Result { () throws(IsolationError) in
                try ChildProcess(
                    executable: "/usr/bin/setpriv", arguments: ["--pdeathsig", "TERM", "/bin/sleep", "30"],
                    environment: [:], logPath: "/dev/null")
            }
            // The thread ends only once the child runs `sleep`: its parent-death signal is set by then.
            if case .success(let child) = result { _ = Self.eventually { Self.command(of: child.pid) == "sleep" } }
            spawned.value.withLock { $0 = result }
        }
        thread.start()
        #expect(Self.eventually { thread.isFinished })
        let child = try #require(spawned.value.withLock { $0 }).get()
        defer {
            child.kill(SIGKILL)
            _ = child.wait()
        }
        #expect(Self.command(of: child.pid) == "sleep")
        // Had the ended thread been the child's parent, SIGTERM would have ended it by now.
        usleep(300_000)
        #expect(child.poll() == nil)
    }

    @Test func captureReadsStdoutDropsStderrAndStartsAProcessGroup() throws {
        let captured = try ChildProcess.capture(
            executable: "/bin/sh",
            arguments: ["-c", "read -r stat < /proc/$$/stat; echo \"$stat\"; echo noise >&2; exit 3"],
            environment: [:])
        #expect(captured.termination == .exited(3))
        let text = String(decoding: captured.output, as: UTF8.self)
        #expect(!text.contains("noise"))
        // pid (comm) state ppid pgrp: the child leads its own process group.
        let fields = text.split(separator: " ")
        #expect(fields.count > 4)
        #expect(fields.count > 4 && fields[0] == fields[4], "\(text)")
    }

    @Test func captureOfAMissingExecutableThrows() {
        #expect(throws: IsolationError.self) {
            try ChildProcess.capture(executable: "/nonexistent/helper", arguments: [], environment: [:])
        }
    }

    @Test func terminateKillsAChildThatIgnoresSIGTERMAfterTheGracePeriod() throws {
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "trap '' TERM; exec /bin/sleep 30"], environment: [:],
            logPath: "/dev/null")
        #expect(Self.eventually { Self.command(of: child.pid) == "sleep" })
        #expect(child.terminate(graceSeconds: 0.2) == .signalled(SIGKILL))
    }

    @Test func terminateEndsAChildWithSIGTERM() throws {
        let child = try ChildProcess(
            executable: "/bin/sleep", arguments: ["30"], environment: [:], logPath: "/dev/null")
        #expect(child.terminate() == .signalled(SIGTERM))
    }
}
