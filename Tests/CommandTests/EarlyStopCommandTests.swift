import Foundation
import Testing
import TestSupport

/// Early stopping end to end: children end their passes once the rule has settled, `--full` runs every pass.
@Suite(.serialized, .scratchFolder)
struct EarlyStopCommandTests {
    /// `run ci` on its leaky and fixed variants, six passes of 300 files; the summary's variants by name.
    private func run(_ extra: [String]) throws -> (variants: [String: [String: Any]], directory: String, stderr: String)
    {
        let out = try ScratchFolder.directory("early")
        let outcome = try Harness.run(
            [
                "run", "ci", "--variant", "writer-leak", "--variant", "fixed", "--files", "300",
                "--passes", "6", "--out", out,
            ] + extra)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let summary = try Harness.json("\(outcome.lastLine)/summary.json")
        var byName: [String: [String: Any]] = [:]
        for v in summary["variants"] as? [[String: Any]] ?? [] { byName[v["name"] as? String ?? ""] = v }
        return (byName, outcome.lastLine, outcome.stderr)
    }

    @Test func aLeakAndAStableVariantStopAfterThreePassesWithTheirVerdicts() throws {
        let (variants, directory, stderr) = try run([])
        let leak = try #require(variants["writer-leak"])
        #expect(leak["verdict"] as? String == "LEAK")
        #expect(leak["cause"] as? String == "descriptors")
        let leakEarly = try #require(leak["decided_early"] as? [String: Any])
        #expect(leakEarly["passes"] as? Int == 3)
        #expect(leakEarly["configured_passes"] as? Int == 6)
        #expect(leak["files"] as? Int == 900)
        let fixed = try #require(variants["fixed"])
        #expect(fixed["verdict"] as? String == "STABLE")
        #expect((fixed["decided_early"] as? [String: Any])?["passes"] as? Int == 3)
        let report = try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
        #expect(report.contains("Decided early after 900 files, 3 of 6 passes"))
        // The estimate before the run, and each variant's time with where it stopped.
        #expect(stderr.contains("2 variants"), "\(stderr)")
        #expect(stderr.contains("decided early after 900 files, 3 of 6 passes"), "\(stderr)")
    }

    @Test func fullRunsEveryPassToTheSameVerdicts() throws {
        let (variants, _, _) = try run(["--full"])
        let leak = try #require(variants["writer-leak"])
        #expect(leak["verdict"] as? String == "LEAK")
        #expect(leak["cause"] as? String == "descriptors")
        #expect(leak["decided_early"] == nil)
        #expect(leak["files"] as? Int == 1800)
        let fixed = try #require(variants["fixed"])
        #expect(fixed["verdict"] as? String == "STABLE")
        #expect(fixed["decided_early"] == nil)
        #expect(fixed["files"] as? Int == 1800)
    }

    @Test func jobsMustBePositive() throws {
        let outcome = try Harness.run(["run", "ci", "--jobs", "0", "--out", try ScratchFolder.directory("jobs")])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--jobs"))
    }
}
