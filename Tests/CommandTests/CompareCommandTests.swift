import Foundation
import Testing
import TestSupport

/// `leakharness compare` end to end.
@Suite(.serialized, .scratchFolder)
struct CompareCommandTests {
    @Test func aRunComparedWithItselfIsTheSameEverywhere() throws {
        let out = try ScratchFolder.directory("compare")
        let run = try Harness.run(["run", CheckCommandTests.scenario, "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let directory = run.lastLine
        let outcome = try Harness.run(["compare", directory, directory])
        #expect(outcome.status == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        let rows = outcome.stdout.split(separator: "\n").filter {
            $0.hasPrefix("| fixed |") || $0.hasPrefix("| held |")
        }
        #expect(rows.count == 2, "\(outcome.stdout)")
        #expect(rows.allSatisfy { $0.contains("| same |") })
        #expect(!outcome.stdout.contains("worse"))
    }

    @Test func aDirectoryWithoutRunJSONExitsTwo() throws {
        let empty = try ScratchFolder.directory("compare")
        let outcome = try Harness.run(["compare", empty, empty])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(empty))
    }
}
