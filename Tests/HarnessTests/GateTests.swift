import Foundation
import Testing
import TestSupport
@testable import Harness
@testable import Supervision
@testable import Model
@testable import Reporting

/// A variant summary with the given figures, for the gate's pure functions.
func gateVariant(
    _ name: String, verdict: Verdict = .stable, cause: Cause = .none, slope: SlopeEstimate?, peak: Double? = 100,
    expect: Model.Expectation? = nil, failure: String? = nil
) -> VariantSummary {
    let outcome = VariantOutcome(
        name: name, settings: .pipeline(VariantConfig()), overrides: [:], expect: expect, document: nil, exitStatus: 0,
        signal: nil,
        failure: failure, wallSeconds: 2, report: nil)
    var v = VariantSummary(
        outcome: outcome, analysis: VariantAnalysis(verdict: verdict, cause: cause, reason: "test"), sampleCount: 10)
    v.slopeMBPer1000Files = slope
    v.rssPeakMB = peak
    return v
}

/// A run summary of `variants` for scenario `scenario`.
func gateSummary(_ variants: [VariantSummary], scenario: String = "ci", xUnit: String? = nil) -> RunSummary {
    var manifest = RunManifest(
        scenario: scenario, description: "", scenarioPath: "", createdAt: "2025-01-01T00:00:00Z",
        machine: MachineInfo(host: "h", cores: 2, memoryGB: 4, kernel: "k", glibc: "g", harnessVersion: "v"),
        thresholds: Thresholds(), base: .pipeline(VariantConfig()), variants: [])
    manifest.xUnit = xUnit
    return RunSummary(manifest: manifest, variants: variants)
}

@Suite(.scratchFolder) struct GateTests {
    @Test func unmetExpectationFailsWithScenarioVariantExpectedAndMeasuredSlope() {
        let summary = gateSummary([
            gateVariant(
                "fixed", slope: SlopeEstimate(estimate: 0.2, low: -1, high: 1.4),
                expect: Model.Expectation(verdicts: [.stable])),
            gateVariant(
                "unbounded", verdict: .stable, slope: SlopeEstimate(estimate: 0.3, low: -0.5, high: 1.1),
                expect: Model.Expectation(verdicts: [.retention], causes: [.liveHeap])),
        ])
        let checks = Gate.evaluate(summary, baseline: nil)
        #expect(checks[0].passed)
        #expect(!checks[1].passed)
        let message = checks[1].failures.joined()
        #expect(message.contains("ci/unbounded"))
        #expect(message.contains("expected RETENTION / live-heap"))
        #expect(message.contains("measured STABLE / none"))
        #expect(message.contains("+0.3 MB/1000 files [-0.5, +1.1]"))
    }

    @Test func failedVariantWithoutExpectationFails() {
        let checks = Gate.evaluate(
            gateSummary([gateVariant("crash", verdict: .failed, slope: nil, failure: "crashed: signal 11")]),
            baseline: nil)
        #expect(checks[0].failures.first?.contains("crashed: signal 11") == true)
    }

    @Test func slopeIsWorseOnlyWhenTheWholeIntervalClearsTheBaselineIntervalAndAllowance() {
        var baseline = Baseline()
        baseline = baseline.updated(
            with: gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 1, low: 0, high: 2), peak: 100)]))
        let tolerance = GateTolerance(relative: 0.25, slopeMB: 2, peakMB: 32)
        // Allowance max(2, 0.25 × 2) = 2: worse only when low > 4.
        let within = Gate.evaluate(
            gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 6, low: 3.9, high: 8))]), baseline: baseline,
            tolerance: tolerance)
        #expect(within[0].passed)
        let worse = Gate.evaluate(
            gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 6, low: 4.1, high: 8))]), baseline: baseline,
            tolerance: tolerance)
        #expect(!worse[0].passed)
        #expect(worse[0].failures[0].contains("worse than the baseline"))
        // A point estimate far above but an interval reaching down into the baseline's: not worse.
        let wide = Gate.evaluate(
            gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 30, low: 1, high: 59))]), baseline: baseline,
            tolerance: tolerance)
        #expect(wide[0].passed)
    }

    @Test func relativeToleranceWidensTheAllowanceForLargeBaselines() {
        let baseline = Baseline().updated(
            with: gateSummary([
                gateVariant("v", verdict: .retention, slope: SlopeEstimate(estimate: 95, low: 90, high: 100), peak: 400)
            ]))
        let tolerance = GateTolerance(relative: 0.25, slopeMB: 2, peakMB: 32)
        // Allowance max(2, 25) = 25 on the slope, max(32, 100) = 100 on the peak.
        let ok = Gate.evaluate(
            gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 120, low: 118, high: 122), peak: 490)]),
            baseline: baseline, tolerance: tolerance)
        #expect(ok[0].passed, "\(ok[0].failures)")
        let bad = Gate.evaluate(
            gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 130, low: 126, high: 134), peak: 510)]),
            baseline: baseline, tolerance: tolerance)
        #expect(bad[0].failures.count == 2)
        #expect(bad[0].failures[1].contains("peak RSS 510.0 MB"))
    }

    @Test func variantMissingFromBaselineIsANoteNotAFailure() {
        let baseline = Baseline().updated(
            with: gateSummary([gateVariant("a", slope: SlopeEstimate(estimate: 0, low: -1, high: 1))]))
        let checks = Gate.evaluate(
            gateSummary([gateVariant("b", slope: SlopeEstimate(estimate: 50, low: 40, high: 60))]), baseline: baseline)
        #expect(checks[0].passed)
        #expect(checks[0].notes.contains { $0.contains("not in the baseline") })
    }

    @Test func stepSummaryIsAMarkdownTableWithTheFailures() {
        let summary = gateSummary([
            gateVariant(
                "fixed", verdict: .leak, slope: SlopeEstimate(estimate: 9, low: 8, high: 10),
                expect: Model.Expectation(verdicts: [.stable]))
        ])
        let checks = Gate.evaluate(summary, baseline: nil)
        let md = Gate.stepSummary([(summary, "/runs/x")], checks: checks)
        #expect(md.contains("| variant | files/s |"))
        #expect(md.contains("| --- |"))
        #expect(md.contains("**1 failure(s):**"))
        #expect(md.contains("- ci/fixed: expected STABLE"))
    }

    @Test func stepSummaryAppendsAndNamesThePathAndTheErrnoTextWhenItCannot() throws {
        let folder = try TemporaryFolder.make(prefix: "leakharness-step-summary-test-")
        defer { TemporaryFolder.remove(folder) }
        let path = "\(folder)/summary.md"
        try StepSummary.append("one\n", to: path)
        try StepSummary.append("two\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        let missing = "\(folder)/missing/summary.md"
        #expect {
            try StepSummary.append("one\n", to: missing)
        } throws: { error in
            "\(error)" == "\(missing): cannot write: No such file or directory"
        }
    }

    @Test func watchUnitIsSaidInSlopesAndReasons() {
        var v = gateVariant("cmd", slope: SlopeEstimate(estimate: 2, low: 1, high: 3))
        v.reason = "RSS +2.0 MB/1000 files [+1.0, +3.0]"
        let summary = gateSummary([v], scenario: "watch", xUnit: "ms")
        #expect(summary.slopeUnit == "MB/s")
        #expect(summary.variants[0].reason == "RSS +2.0 MB/s [+1.0, +3.0]")
        #expect(Gate.evaluate(summary, baseline: nil)[0].measured == "+2.0 MB/s [+1.0, +3.0]")
        #expect(MarkdownTable.verdicts(summary).contains("slope MB/s [95%]"))
    }

    @Test func mergeJoinsVariantsOfTwoRunsAndRefusesDuplicates() throws {
        let a = try makeReportRunDirectory()
        // A second run of the same scenario holding other variant names.
        let b = try makeReportRunDirectory()
        var manifest = try RunFiles.loadManifest(runDirectory: b)
        for i in manifest.variants.indices {
            let old = manifest.variants[i].name
            manifest.variants[i].name = "b-" + RunFiles.fileName(old)
            try FileManager.default.moveItem(
                atPath: "\(b)/samples/\(old).csv", toPath: "\(b)/samples/b-\(RunFiles.fileName(old)).csv")
        }
        manifest.machine.host = "other-host"
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: "\(b)/run.json"))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leakharness-merge-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let merged = try RunMerger.merge(directories: [a, b], out: out)
        #expect(merged.variants.count == 6)
        #expect(merged.variants.map(\.name).suffix(3).allSatisfy { $0.hasPrefix("b-") })
        let single = try RunReporter.write(runDirectory: a)
        // The same samples give the same verdicts after the merge.
        #expect(merged.variants.prefix(3).map(\.verdict) == single.variants.map(\.verdict))
        #expect(merged.variants.suffix(3).map(\.verdict) == single.variants.map(\.verdict))
        #expect(try String(contentsOfFile: "\(out)/run.log", encoding: .utf8).contains("other-host"))
        let again = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leakharness-merge-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: again) }
        #expect(throws: GateError.self) { try RunMerger.merge(directories: [a, a], out: again) }
    }
}
