import Foundation
import Testing
import TestSupport
import Yams

/// `.github/workflows/leakharness.yml`: actionlint accepts it, and its commands, run here job by job against the
/// built binary, write the outputs, JUnit files, run directories and job summaries the next jobs and a reader need.
@Suite(.serialized, .scratchFolder)
struct WorkflowTests {
    static let workflow = Repository.path(".github/workflows/leakharness.yml")
    /// A small scenario stands for `scenarios/ci.yaml`, so that the whole workflow runs in seconds. It has no
    /// `expect:`, so that what is tested is the wiring of the jobs, never a measurement on a loaded machine.
    static let smallScenario = Repository.path("Tests/Scenarios/tiny.yaml")

    @Test func actionlintAcceptsTheWorkflowAndRejectsABrokenCopy() throws {
        // actionlint checks every `run:` script with shellcheck too, when it is given one.
        let lint = { (file: String) throws -> Command.Outcome in
            try Command.run(
                try Harness.venvTool("actionlint"),
                ["-no-color", "-shellcheck", try Harness.venvTool("shellcheck"), file])
        }
        let clean = try lint(Self.workflow)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        // The same file with a job that needs one that does not exist, and a variable left unquoted in a script:
        // the linter really reads the file, and shellcheck the scripts.
        let dir = try ScratchFolder.directory("workflow-lint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: Self.workflow, encoding: .utf8)
        #expect(text.contains("    needs: list\n") && text.contains("--variant \"$VARIANT\""))
        try text.replacingOccurrences(of: "    needs: list\n", with: "    needs: lsit\n")
            .replacingOccurrences(of: "--variant \"$VARIANT\"", with: "--variant $VARIANT")
            .write(toFile: dir + "/broken.yml", atomically: true, encoding: .utf8)
        let broken = try lint(dir + "/broken.yml")
        #expect(broken.status != 0)
        #expect(broken.stdout.contains("\"lsit\""), "\(broken.stdout)")
        #expect(broken.stdout.contains("SC2086"), "\(broken.stdout)")
    }

    @Test func everyJobRunsHereAndWritesItsSummaryJUnitAndArtifacts() throws {
        let root = try ScratchFolder.directory("workflow")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runner = try WorkflowRunner(workflow: Self.workflow, root: root, env: ["SCENARIO": Self.smallScenario])
        // What the workflow gates on is the real ci scenario; only the test swaps it for the small one.
        let text = try String(contentsOfFile: Self.workflow, encoding: .utf8)
        let declared = try Yams.compose(yaml: text)?["env"]?["SCENARIO"]?.string
        #expect(declared == "ci")

        // list: its output is the JSON of `list --json`, and the matrix reads the variant names from it.
        let list = try runner.run(job: "list", label: "list", context: [:])
        let scenarios = try #require(list.outputs["scenarios"])
        let listed = try JSONSerialization.jsonObject(with: Data(scenarios.utf8)) as? [String: Any]
        let first = (listed?["scenarios"] as? [[String: Any]])?.first
        let variants = (first?["variants"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(variants == ["fixed", "held"])
        let matrix = try runner.job("variant")["strategy"]?["matrix"]?["variant"]?.string
        #expect(matrix == "${{ fromJSON(needs.list.outputs.scenarios).scenarios[0].variants.*.name }}")

        // One job per variant: a passing JUnit file of one test case, a summary with its table and chart,
        // a run directory.
        for variant in variants {
            let job = try runner.run(job: "variant", label: "variant-\(variant)", context: ["matrix.variant": variant])
            let junit = job.junit["junit-\(variant).xml"]
            #expect(junit.map { $0.testcases == 1 && $0.failures == 0 } == true, "\(job.junit)")
            #expect(job.summary.contains("### leakharness check: tiny"), "\(job.summary)")
            #expect(job.summary.contains("| `\(variant)` |"))
            #expect(job.summary.components(separatedBy: "\nxychart-beta\n").count - 1 == 1)
            let stored = try #require(runner.artifacts["run-\(variant)"])
            let runs = try FileManager.default.contentsOfDirectory(atPath: stored)
            #expect(runs.count == 1, "\(runs)")
            #expect(FileManager.default.fileExists(atPath: "\(stored)/\(runs.first ?? "")/summary.json"))
        }

        // The last job: one merged run, gated, its table and a chart per variant in the summary, a report to paste.
        let report = try runner.run(job: "report", label: "report", context: [:])
        let merged = try Harness.json(report.workspace + "/merged/summary.json")
        #expect((merged["variants"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == variants)
        #expect(report.summary.contains("**All 2 variant(s) pass.**"), "\(report.summary)")
        #expect(report.summary.components(separatedBy: "\nxychart-beta\n").count - 1 == 2)
        let pullRequest = try String(contentsOfFile: report.workspace + "/merged/pull-request.md", encoding: .utf8)
        #expect(pullRequest.hasPrefix("### leakharness: tiny\n"))
        #expect(pullRequest.components(separatedBy: "\nxychart-beta\n").count - 1 == 2)
        #expect(runner.artifacts["leakharness-report"] != nil)
    }
}
