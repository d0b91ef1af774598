import Foundation
import Testing
import TestSupport

/// The commands' messages on stderr, byte for byte: the log handler adds no timestamp, level or label, and every
/// message is one line (or its own lines) ending in a newline.
@Suite(.scratchFolder)
struct StderrCommandTests {
    // A scenario's problem, byte for byte: RunCommandTests.malformedScenarioExitsTwoBeforeAnyChild.

    @Test func anErrorLineKeepsItsOwnPrefix() throws {
        let missing = try ScratchFolder.directory("inspect") + "/missing.tfrecord"
        let outcome = try Harness.run(["inspect", missing])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "error: cannot open \(missing): No such file or directory (errno 2)\n")
    }

    @Test func aBadFlagPrintsArgumentParsersLinesAsTheyAre() throws {
        let outcome = try Harness.run(["run", "fixed", "--jobs", "0"])
        #expect(outcome.status == 2)
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Error: --jobs: 0 is not a positive number of variants", "stderr: \(outcome.stderr)")
        #expect(lines.count == 4 && lines[1].hasPrefix("Usage: leakharness run <scenario>") && lines[3].isEmpty)
    }

    @Test func aCommandThatCannotStartIsReportedByExecChild() throws {
        let missing = try ScratchFolder.directory("exec") + "/missing"
        let outcome = try Harness.run(["exec-child", "--", missing])
        #expect(outcome.status == 127)
        #expect(outcome.stderr == "leakharness: \(missing): cannot execute: No such file or directory\n")
    }
}
