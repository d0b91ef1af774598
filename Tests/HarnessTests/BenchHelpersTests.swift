import Foundation
import Testing
@testable import Harness
@testable import Model
@testable import Supervision
@testable import Sampling

/// Bench's helper commands: their output, their exit status, and the parent named in their environment.
struct BenchHelpersTests {
    @Test func aHelpersStdoutIsReturnedAndItsStderrDropped() throws {
        let output = try BenchHelpers.runCapturing(
            "/bin/sh", ["-c", "echo 42; echo noise >&2"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(String(decoding: output, as: UTF8.self) == "42\n")
    }

    @Test func aHelperIsToldItsParent() throws {
        let output = try BenchHelpers.runCapturing(
            "/bin/sh", ["-c", "echo \"$LEAKHARNESS_PARENT_PID\""], environment: [:])
        #expect(String(decoding: output, as: UTF8.self) == "\(getpid())\n")
    }

    @Test func anUnexpectedStatusThrowsAndAnExpectedOneDoesNot() throws {
        do {
            _ = try BenchHelpers.runCapturing("/bin/sh", ["-c", "exit 3"], environment: [:])
            Issue.record("exit 3 was accepted")
        } catch {
            #expect(error.description == "bench helper `-c exit 3`: exited with status 3")
        }
        let output = try BenchHelpers.runCapturing(
            "/bin/sh", ["-c", "echo done; exit 3"], environment: [:], statuses: [0, 3])
        #expect(String(decoding: output, as: UTF8.self) == "done\n")
    }

    @Test func aHelperKilledByASignalThrows() {
        do {
            _ = try BenchHelpers.runCapturing("/bin/sh", ["-c", "kill -KILL $$"], environment: [:])
            Issue.record("a killed helper was accepted")
        } catch {
            #expect(error.description.hasSuffix("killed by signal 9 (Killed)"))
        }
    }
}
