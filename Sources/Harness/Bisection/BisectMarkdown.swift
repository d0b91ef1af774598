import Model
import Reporting

/// Renders a bisection as markdown: the step table of a replay, or the probe table and minimal set of an automatic bisection.
public enum BisectMarkdown {
    /// The whole `report.md` text of a bisection (without the run report a replay appends).
    public static func render(_ r: BisectResult) -> String {
        var md: [String] = []
        md.append(
            "# Bisection: \(r.scenario) (\(r.mode == .replay ? "replay of the steps" : "automatic, delta debugging"))")
        md.append("")
        let m = r.machine
        md.append(
            "Scenario `\(r.scenarioPath)`, \(r.createdAt), \(m.host) (\(m.cores) cores, glibc \(m.glibc)); "
                + "\(ReportFormat.fixed(r.totalSeconds, 1)) s in all; load average \(r.loadStart) at the start, \(r.loadEnd) at the end. "
                + "Tolerance ±\(ReportFormat.fixed(r.thresholds.toleranceMBPer1000Files, 1)) MB/1000 files.")
        md.append("")
        if let steps = r.steps { md += replay(steps) }
        if let auto = r.auto { md += automatic(auto) }
        return md.joined(separator: "\n") + "\n"
    }

    /// The replay table and its disagreements.
    public static func stepTable(_ steps: [BisectStep]) -> String {
        let header = [
            "step", "change from the previous step", "what it models", "document",
            "measured: RSS start → end MB, slope MB/1000 files [95%]", "verdict", "cause", "agrees",
        ]
        let rows = steps.enumerated().map { i, s -> [String] in
            let same = i == 0 ? "– (the scenario's base)" : "– (same workload knobs)"
            let change = s.changes.isEmpty ? same : s.changes.map(\.text).joined(separator: ", ")
            let measured =
                "\(ReportFormat.optional(s.rssStartMB)) → \(ReportFormat.optional(s.rssEndMB)), "
                + slope(s.slopeMBPer1000Files)
            return [
                "`\(s.step)`", change, s.models ?? "the change itself", s.document ?? "–", measured,
                "**\(s.verdict.rawValue)**", s.cause.rawValue, agreement(s),
            ]
        }
        return MarkdownTable.render(header: header, rows: rows)
    }

    /// The probe table of an automatic bisection.
    public static func probeTable(_ probes: [BisectProbe]) -> String {
        let header = [
            "probe", "changes applied to `from`", "grows", "verdict", "decided by", "files", "seconds", "why",
        ]
        let rows = probes.map { p -> [String] in
            let verdict =
                p.verdict.map { "\($0.rawValue)\(p.cause.map { $0 == .none ? "" : " (\($0.rawValue))" } ?? "")" } ?? "–"
            return [
                "\(p.index)", p.applied.isEmpty ? "none (`from`)" : p.applied.joined(separator: ", "),
                p.grows ? "**yes**" : "no",
                verdict, p.decidedBy, "\(p.files)", ReportFormat.fixed(p.seconds, 1),
                p.failure.map { "failed: \($0)" } ?? p.reason,
            ]
        }
        return MarkdownTable.render(header: header, rows: rows)
    }

    static func slope(_ s: SlopeEstimate?) -> String {
        s.map {
            "\(ReportFormat.signed($0.estimate)) [\(ReportFormat.signed($0.low)), \(ReportFormat.signed($0.high))]"
        } ?? "–"
    }

    static func agreement(_ s: BisectStep) -> String {
        switch s.agrees {
        case true?: "yes"
        case false?: "**no**"
        case nil: "– (\(s.documentDirection == .unknown ? "document" : "measurement") undecided)"
        }
    }

    private static func replay(_ steps: [BisectStep]) -> [String] {
        var md = ["## Steps", "", stepTable(steps)]
        md.append(
            "Agreement compares directions: the document grows when it states a rise \"A → B\" with B > A, is stable when it says "
                + "\"stable\"; the measurement grows for LEAK and RETENTION, is stable for STABLE, undecided otherwise."
        )
        md.append("")
        let disagreements = steps.filter { $0.agrees == false }
        if disagreements.isEmpty {
            md.append(
                steps.contains { $0.agrees == nil }
                    ? "No step disagrees with the document; the undecided ones are marked above."
                    : "Every step agrees with the document's direction.")
        } else {
            md.append("Disagreements with the document:")
            md.append("")
            for s in disagreements {
                md.append(
                    "- `\(s.step)`: the document says \"\(s.document ?? "")\" (\(s.documentDirection.rawValue)); measured "
                        + "\(s.verdict.rawValue), cause \(s.cause.rawValue) (\(s.measuredDirection.rawValue)): \(s.reason)"
                )
            }
        }
        md.append("")
        let failed = steps.filter { $0.failure != nil }
        for s in failed { md.append("- `\(s.step)` failed: \(s.failure!)") }
        if !failed.isEmpty { md.append("") }
        md.append("## Why, step by step")
        md.append("")
        for s in steps {
            md.append("- `\(s.step)` (\(s.files) files, \(ReportFormat.fixed(s.seconds, 1)) s): \(s.reason)")
        }
        md.append("")
        return md
    }

    private static func automatic(_ a: AutoBisection) -> [String] {
        var md = ["## From `\(a.from)` to `\(a.to)`", ""]
        md.append(
            "Changes searched (the workload knobs in which they differ): "
                + (a.differing.isEmpty ? "none" : a.differing.map { "`\($0.text)`" }.joined(separator: ", ")) + ".")
        md.append("")
        switch a.outcome {
        case .found:
            md.append(
                "**Smallest set of changes that removes the growth:** "
                    + a.minimal.map { "`\($0.text)`" }.joined(separator: ", ") + ".")
            md.append("")
            if a.checks.allSatisfy(\.grows) {
                md.append("It is 1-minimal: undoing any one of its changes brings the growth back —")
            } else {
                md.append("It is **not** shown 1-minimal: undoing one of its changes did not bring the growth back —")
            }
            for c in a.checks {
                md.append("- without `\(c.undone)`: probe \(c.probe), \(c.grows ? "grows" : "does not grow")")
            }
        case .fromDoesNotGrow:
            md.append("**Nothing to bisect:** `\(a.from)` does not grow (probe 1).")
        case .toStillGrows:
            md.append("**No subset removes the growth:** `\(a.to)`, every change applied, still grows (probe 2).")
        }
        md.append("")
        md.append("## Probes")
        md.append("")
        md.append(probeTable(a.probes))
        md.append(
            a.earlyStop
                ? "A probe stops early once the decision rule, applied to the passes finished so far, settles on LEAK or RETENTION, or on STABLE over at least three floors; else it runs to its size. A probe grows when its verdict is not STABLE: INCONCLUSIVE and FAILED count as growing."
                : "Early stop was off: every probe ran to its size limit. A probe grows when its verdict is LEAK or RETENTION or its RSS slope interval within passes is above the tolerance; INCONCLUSIVE and FAILED count as growing."
        )
        md.append("")
        return md
    }
}
