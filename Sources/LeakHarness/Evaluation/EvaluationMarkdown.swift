import Foundation

/// `leakharness evaluate`'s text: the rates with their intervals and targets, both confusion matrices, the rerun
/// agreement of every real variant, and the cases the rule got wrong.
public enum EvaluationMarkdown {
    /// The whole report.
    public static func render(_ e: Evaluation) -> String {
        var md: [String] = []
        md.append("# The decision rule against the truth set")
        md.append("")
        md.append("\(e.cases) series: \(e.syntheticCases) synthetic, \(e.realCases) recorded. "
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
            md.append("| \(name) | \(r.count)/\(r.total) | \(percent(r.rate)) [\(percent(r.low)), \(percent(r.high))] "
                + "| \(op) \(percent(r.target)) | \(r.met ? "yes" : "**no**") |")
        }
        if let a = e.rerunAgreementMin {
            md.append("| rerun agreement, lowest variant | – | \(percent(a)) | ≥ \(percent(Evaluation.agreementTarget)) "
                + "| \(a >= Evaluation.agreementTarget ? "yes" : "**no**") |")
        }
        md.append("")
        md.append(matrix("Verdicts (rows: truth, columns: called)", e.verdictMatrix, Verdict.allCases.map(\.rawValue)))
        md.append(matrix("Causes of LEAK and RETENTION (rows: truth, columns: called)", e.causeMatrix,
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
        if !e.misses.isEmpty {
            md.append("## Misses")
            md.append("")
            for m in e.misses.prefix(40) { md.append("- \(m)") }
            if e.misses.count > 40 { md.append("- … and \(e.misses.count - 40) more") }
            md.append("")
        }
        return md.joined(separator: "\n")
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

    static func matrix(_ title: String, _ m: [String: [String: Int]], _ order: [String]) -> String {
        let rows = order.filter { m[$0] != nil }
        let columns = order.filter { c in m.values.contains { $0[c] != nil } }
        guard !rows.isEmpty else { return "" }
        var md = ["## \(title)", "", "| | " + columns.joined(separator: " | ") + " |",
                  "| --- |" + String(repeating: " --- |", count: columns.count)]
        for r in rows {
            md.append("| \(r) | " + columns.map { String(m[r]?[$0] ?? 0) }.joined(separator: " | ") + " |")
        }
        return md.joined(separator: "\n") + "\n"
    }
}
