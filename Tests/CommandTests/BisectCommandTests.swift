import Foundation
import Testing
import TestSupport

/// `leakharness bisect` end to end on the built binary, on a small automatic bisection.
@Suite(.serialized, .scratchFolder)
struct BisectCommandTests {
    @Test func autoBisectNamesTheOneMinimalSetWithItsProbes() throws {
        let scenario = Repository.path("Tests/Scenarios/bisect-small.yaml")
        let out = try ScratchFolder.directory("bisect")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try Harness.run(["bisect", scenario, "--out", out])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let directory = outcome.lastLine
        #expect(directory.hasPrefix(out) && directory.hasSuffix("-bisect-small-bisect"))
        let json = try Harness.json("\(directory)/bisect.json")
        #expect(json["mode"] as? String == "auto")
        let auto = try #require(json["auto"] as? [String: Any])
        #expect(auto["outcome"] as? String == "found")
        // submit does not matter once futures and results are released: the minimal set is those two.
        let minimal = (auto["minimal"] as? [[String: Any]] ?? []).compactMap { $0["knob"] as? String }
        #expect(minimal == ["futures", "results"])
        // 1-minimal: undoing either change brings the growth back, each shown by a probe in the table.
        let checks = auto["checks"] as? [[String: Any]] ?? []
        let probes = auto["probes"] as? [[String: Any]] ?? []
        #expect(checks.count == 2)
        for check in checks {
            #expect(check["grows"] as? Bool == true)
            let index = check["probe"] as? Int ?? 0
            #expect(probes.contains { $0["index"] as? Int == index && $0["grows"] as? Bool == true })
        }
        // The first probe is `from` (grows), the second `to` (does not); no configuration is probed twice.
        #expect((probes.first?["applied"] as? [String]) == [])
        #expect(probes.first?["grows"] as? Bool == true)
        #expect(probes.count > 1 && probes[1]["grows"] as? Bool == false)
        // Probes are decided the way runs are, and do not each announce an estimate.
        #expect(
            probes.allSatisfy {
                ($0["decidedBy"] as? String ?? "").hasPrefix("early stop after")
                    || $0["decidedBy"] as? String == "full run"
            })
        #expect(!outcome.stderr.contains("variant: about"), "stderr: \(outcome.stderr)")
        let sets = probes.compactMap { ($0["applied"] as? [String])?.joined(separator: ",") }
        #expect(Set(sets).count == sets.count)
        let report = try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
        #expect(report.contains("futures: keep → release"))
        #expect(report.contains("1-minimal"))
    }

    @Test func aScenarioWithoutStepsOrFromToIsAUsageError() throws {
        let scenario = Repository.path("Tests/Scenarios/tiny.yaml")
        let outcome = try Harness.run(["bisect", scenario, "--out", try ScratchFolder.directory("bisect")])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("neither steps: nor from: and to:"))
    }
}
