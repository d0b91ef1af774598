import Foundation
import Testing
import TestSupport

/// `leakharness report merge` end to end: one run per variant, as a CI matrix makes them, merged and then checked.
@Suite(.serialized, .scratchFolder)
struct MergeCommandTests {
    @Test func runsOfOneVariantEachMergeIntoOneReportThatCheckGates() throws {
        let out = try ScratchFolder.directory("merge")
        var directories: [String] = []
        for variant in ["fixed", "held"] {
            let run = try Harness.run([
                "run", CheckCommandTests.scenario, "--variant", variant, "--out", "\(out)/\(variant)",
            ])
            #expect(run.status == 0, "stderr: \(run.stderr)")
            directories.append(run.lastLine)
        }
        let merged = out + "/merged"
        let outcome = try Harness.run(["report", "merge"] + directories + ["--out", merged])
        #expect(outcome.status == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.lastLine == merged)
        let summary = try Harness.json(merged + "/summary.json")
        let names = (summary["variants"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["fixed", "held"])
        for variant in ["fixed", "held"] {
            #expect(FileManager.default.fileExists(atPath: "\(merged)/samples/\(variant).csv"))
            #expect(FileManager.default.fileExists(atPath: "\(merged)/charts/\(variant).svg"))
        }
        // The merged directory is checked as it is, nothing runs again.
        let check = try Harness.run(["check", merged])
        #expect(check.status == 0, "stdout: \(check.stdout)\nstderr: \(check.stderr)")
        #expect(check.lastLine == merged)

        // A variant present twice cannot be merged.
        let twice = try Harness.run(["report", "merge", directories[0], directories[0], "--out", out + "/twice"])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("variant fixed is also in"))
    }
}
