public import Model
public import Reporting

/// What `check` found for one variant: its expectation and its baseline comparison.
public struct VariantCheck: Sendable, Hashable {
    /// The scenario's name.
    public var scenario: String
    /// The variant's name.
    public var variant: String
    /// The verdict measured.
    public var verdict: Verdict
    /// The cause measured.
    public var cause: Cause
    /// The measured slope, e.g. "+0.3 MB/1000 files [-1.2, +1.8]", or "no slope".
    public var measured: String
    /// Seconds of work (for JUnit's time attribute).
    public var seconds: Double
    /// Why the variant fails the gate; empty when it passes.
    public var failures: [String]
    /// Notes that do not fail it (no baseline entry, no expectation).
    public var notes: [String]

    /// Whether the variant passes the gate.
    public var passed: Bool { failures.isEmpty }
}

/// The gate of `check`: expectations and baseline tolerances applied to a run's summary (pure).
public enum Gate {
    /// "+0.3 MB/1000 files [-1.2, +1.8]" in the summary's slope unit.
    public static func describe(_ slope: SlopeEstimate?, unit: String = "MB/1000 files") -> String {
        guard let s = slope else { return "no slope" }
        return
            "\(ReportFormat.signed(s.estimate)) \(unit) [\(ReportFormat.signed(s.low)), \(ReportFormat.signed(s.high))]"
    }

    /// Checks every variant of `summary` against its expectation and, when given, the baseline.
    public static func evaluate(
        _ summary: RunSummary, baseline: Baseline?, tolerance: GateTolerance = GateTolerance()
    ) -> [VariantCheck] {
        let unit = summary.slopeUnit
        return summary.variants.map { v in
            let measured = describe(v.slopeMBPer1000Files, unit: unit)
            var check = VariantCheck(
                scenario: summary.scenario, variant: v.name, verdict: v.verdict, cause: v.cause,
                measured: measured, seconds: v.seconds, failures: [], notes: [])
            let label = "\(summary.scenario)/\(v.name)"
            if let expect = v.expect {
                if !expect.isMet(verdict: v.verdict, cause: v.cause) {
                    check.failures.append(
                        "\(label): expected \(ReportFormat.expectation(expect)), measured \(v.verdict.rawValue) / \(v.cause.rawValue), slope \(measured)"
                            + (v.exit.failure.map { " (failed: \($0))" } ?? ""))
                }
            } else if v.verdict == .failed {
                check.failures.append("\(label): failed: \(v.exit.failure ?? v.reason)")
            } else {
                check.notes.append(
                    "\(label): no expectation; measured \(v.verdict.rawValue) / \(v.cause.rawValue), slope \(measured)")
            }
            guard let baseline else { return check }
            guard let entry = baseline.entry(scenario: summary.scenario, variant: v.name) else {
                check.notes.append("\(label): not in the baseline")
                return check
            }
            if let now = v.slopeMBPer1000Files, let then = entry.slopeMBPer1000Files {
                let allowance = tolerance.slopeAllowance(then.high)
                // The whole measured interval lies above the baseline's interval plus the allowance.
                if now.low > then.high + allowance {
                    check.failures.append(
                        "\(label): slope \(measured) is worse than the baseline's \(describe(then, unit: unit)) "
                            + "by more than \(ReportFormat.fixed(allowance, 1)) (interval low \(ReportFormat.signed(now.low)) > "
                            + "baseline high \(ReportFormat.signed(then.high)) + \(ReportFormat.fixed(allowance, 1)))")
                }
            } else {
                check.notes.append(
                    "\(label): slope not compared with the baseline (measured \(measured), baseline \(describe(entry.slopeMBPer1000Files, unit: unit)))"
                )
            }
            if let now = v.rssPeakMB, let then = entry.rssPeakMB {
                let allowance = tolerance.peakAllowance(then)
                if now > then + allowance {
                    check.failures.append(
                        "\(label): peak RSS \(ReportFormat.fixed(now, 1)) MB is worse than the baseline's \(ReportFormat.fixed(then, 1)) MB "
                            + "by more than \(ReportFormat.fixed(allowance, 1)) MB")
                }
            }
            return check
        }
    }

    /// The markdown for a CI step summary: a heading per run, its verdict table and charts, then the failures.
    public static func stepSummary(_ runs: [(summary: RunSummary, directory: String)], checks: [VariantCheck]) -> String
    {
        var md = ""
        for run in runs {
            md += "### leakharness check: \(run.summary.scenario)\n\n"
            md += MarkdownTable.verdicts(run.summary) + "\n"
            md += "Run directory: `\(run.directory)`\n\n"
            md += PullRequestReport.charts(runDirectory: run.directory, summary: run.summary)
            md += "\n"
        }
        let failures = checks.flatMap(\.failures)
        if failures.isEmpty {
            md += "**All \(checks.count) variant(s) pass.**\n"
        } else {
            md += "**\(failures.count) failure(s):**\n\n" + failures.map { "- \($0)\n" }.joined()
        }
        return md
    }
}
