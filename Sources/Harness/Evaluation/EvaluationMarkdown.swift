import Foundation
import Model

/// `leakharness evaluate`'s text: the rates with their intervals and targets, both confusion matrices, the rerun
/// agreement of every real variant, and the cases the rule got wrong.
public enum EvaluationMarkdown {
    /// The whole report.
    public static func render(_ e: Evaluation) -> String {
        var md: [String] = []
        md.append("# The decision rule against the truth set")
        md.append("")
        md.append(
            "\(e.cases) series: \(e.syntheticCases) synthetic, \(e.realCases) recorded. "
                + (e.passed ? "Every rate meets its target." : "**A rate misses its target.**"))
        md.append("")
        md.append("| rate | count | value [Wilson 95%] | target | met |")
        md.append("| --- | --- | --- | --- | --- |")
        let rows: [(String, Evaluation.Rate, String)] = [
            ("false LEAK", e.falseLeakRate, "≤"), ("missed LEAK at 2x the tolerance", e.missedLeakRate2x, "≤"),
            ("missed LEAK at 3x", e.missedLeakRate3x, "≤"), ("cause correct", e.causeAccuracy, "≥"),
            ("INCONCLUSIVE", e.inconclusiveRate, "≤"),
        ]
        for (name, r, op) in rows {
            md.append(
                "| \(name) | \(r.count)/\(r.total) | \(percent(r.rate)) [\(percent(r.low)), \(percent(r.high))] "
                    + "| \(op) \(percent(r.target)) | \(r.met ? "yes" : "**no**") |")
        }
        if let a = e.rerunAgreementMin {
            md.append(
                "| rerun agreement, lowest variant | – | \(percent(a)) | ≥ \(percent(Evaluation.agreementTarget)) "
                    + "| \(a >= Evaluation.agreementTarget ? "yes" : "**no**") |")
        }
        md.append("")
        md.append(matrix("Verdicts (rows: truth, columns: called)", e.verdictMatrix, Verdict.allCases.map(\.rawValue)))
        md.append(
            matrix(
                "Causes of LEAK and RETENTION (rows: truth, columns: called)", e.causeMatrix,
                Cause.allCases.map(\.rawValue)))
        if !e.agreement.isEmpty {
            md.append("## Reruns of the shipped variants")
            md.append("")
            md.append("| variant | reruns | most common | share | expected |")
            md.append("| --- | --- | --- | --- | --- |")
            for a in e.agreement {
                md.append("| `\(a.variant)` | \(a.reruns) | \(a.modal) | \(percent(a.share)) | \(a.expected) |")
            }
            md.append("")
        }
        if let early = e.earlyStop { md.append(earlyStop(early, full: e)) }
        if !e.misses.isEmpty {
            md.append("## Misses")
            md.append("")
            md += bullets(e.misses, limit: 40)
        }
        return md.joined(separator: "\n")
    }

    /// The rates with early stopping beside the full series'.
    static func earlyStop(_ early: EarlyStopEvaluation, full e: Evaluation) -> String {
        var md = ["## With early stopping", ""]
        md.append(
            "Every series as a child that ends its passes once the rule has settled would have recorded it: "
                + "\(early.stoppedEarly) of \(e.cases) stopped early, \(early.passesRun) of \(early.passesFull) passes run "
                + "(\(percent(Double(early.passesRun) / Double(max(1, early.passesFull))))); verdict and cause the same as in "
                + "full for \(early.sameAsFull.count)/\(early.sameAsFull.total) (\(percent(early.sameAsFull.rate))).")
        md.append("")
        md.append("| rate | full | early | target | early no worse |")
        md.append("| --- | --- | --- | --- | --- |")
        let rows: [(String, Evaluation.Rate, Evaluation.Rate, Bool)] = [
            ("false LEAK", e.falseLeakRate, early.falseLeakRate, false),
            ("missed LEAK at 2x the tolerance", e.missedLeakRate2x, early.missedLeakRate2x, false),
            ("missed LEAK at 3x", e.missedLeakRate3x, early.missedLeakRate3x, false),
            ("cause correct", e.causeAccuracy, early.causeAccuracy, true),
            ("INCONCLUSIVE", e.inconclusiveRate, early.inconclusiveRate, false),
        ]
        for (name, f, x, higher) in rows {
            let ok = higher ? x.rate >= f.rate : x.rate <= f.rate
            md.append(
                "| \(name) | \(f.count)/\(f.total) (\(percent(f.rate))) | \(x.count)/\(x.total) (\(percent(x.rate))) "
                    + "| \(higher ? "≥" : "≤") \(percent(x.target)) | \(ok ? "yes" : "**no**") |")
        }
        md.append("")
        md.append(
            "Right early and wrong in full: \(early.betterThanFull); right in full and wrong early: "
                + "\(early.worseThanFull.count).")
        md.append("")
        if !early.worseThanFull.isEmpty {
            md.append("Right in full, wrong early:")
            md.append("")
            md += bullets(early.worseThanFull, limit: 20)
        }
        return md.joined(separator: "\n")
    }

    /// The first `limit` items as a list, a line for the rest, and a blank line.
    static func bullets(_ items: [String], limit: Int) -> [String] {
        var lines = items.prefix(limit).map { "- \($0)" }
        if items.count > limit { lines.append("- … and \(items.count - limit) more") }
        return lines + [""]
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func matrix(_ title: String, _ m: [String: [String: Int]], _ order: [String]) -> String {
        let rows = order.filter { m[$0] != nil }
        let columns = order.filter { c in m.values.contains { $0[c] != nil } }
        guard !rows.isEmpty else { return "" }
        var md = [
            "## \(title)", "", "| | " + columns.joined(separator: " | ") + " |",
            "| --- |" + String(repeating: " --- |", count: columns.count),
        ]
        for r in rows {
            md.append("| \(r) | " + columns.map { String(m[r]?[$0] ?? 0) }.joined(separator: " | ") + " |")
        }
        return md.joined(separator: "\n") + "\n"
    }
}
