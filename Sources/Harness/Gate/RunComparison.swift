public import Reporting

/// `compare`: two runs' variants side by side, each judged better, worse or the same by its slope intervals.
public struct RunComparison: Sendable, Hashable {
    /// How the second run's variant stands against the first's.
    public enum Outcome: String, Sendable, Hashable {
        /// The second run's slope interval lies wholly below the first's.
        case better
        /// The second run's slope interval lies wholly above the first's.
        case worse
        /// Neither.
        case same
    }

    /// One variant present in both runs.
    public struct Row: Sendable, Hashable {
        /// The variant's name.
        public var variant: String
        /// The first run's figures.
        public var before: VariantSummary
        /// The second run's figures.
        public var after: VariantSummary
        /// better, worse or same.
        public var outcome: Outcome
        /// Why, in one phrase.
        public var why: String
    }

    /// Variants present in both runs, in the first run's order.
    public var rows: [Row]
    /// Variants in only one of the runs.
    public var unmatched: [String]
    /// The slope unit of the runs.
    public var unit: String

    /// Whether any variant is worse (`compare` exits 1).
    public var anyWorse: Bool { rows.contains { $0.outcome == .worse } }

    /// Compares `after` against `before`: worse when the second slope's whole interval lies above the first's and the
    /// estimates differ by more than `minDifference` MB per 1000 files; better in the mirror case; otherwise the same.
    public static func compare(before: RunSummary, after: RunSummary, minDifference: Double = 1) -> RunComparison {
        var rows: [Row] = []
        for a in before.variants {
            guard let b = after.variant(named: a.name) else { continue }
            let outcome: Outcome
            let why: String
            if let sa = a.slopeMBPer1000Files, let sb = b.slopeMBPer1000Files {
                if sb.low > sa.high, sb.estimate - sa.estimate > minDifference {
                    outcome = .worse
                    why = "intervals apart, slope up \(ReportFormat.signed(sb.estimate - sa.estimate))"
                } else if sb.high < sa.low, sa.estimate - sb.estimate > minDifference {
                    outcome = .better
                    why = "intervals apart, slope down \(ReportFormat.signed(sb.estimate - sa.estimate))"
                } else {
                    outcome = .same
                    why = "intervals overlap or differ by less than \(ReportFormat.fixed(minDifference, 1))"
                }
            } else {
                outcome = .same
                why = "no slope in \(a.slopeMBPer1000Files == nil ? "the first run" : "the second run"): not compared"
            }
            rows.append(Row(variant: a.name, before: a, after: b, outcome: outcome, why: why))
        }
        let names = Set(rows.map(\.variant))
        let unmatched = (before.variants + after.variants).map(\.name).filter { !names.contains($0) }
        return RunComparison(rows: rows, unmatched: Array(Set(unmatched)).sorted(), unit: before.slopeUnit)
    }

    /// The comparison as a markdown table.
    public func markdown() -> String {
        let header = [
            "variant", "slope A \(unit) [95%]", "slope B \(unit) [95%]", "peak A MB", "peak B MB",
            "files/s A", "files/s B", "verdict A", "verdict B", "B vs A", "why",
        ]
        let table = rows.map { r -> [String] in
            [
                r.variant,
                Gate.describe(r.before.slopeMBPer1000Files, unit: "").replacingOccurrences(of: "  ", with: " "),
                Gate.describe(r.after.slopeMBPer1000Files, unit: "").replacingOccurrences(of: "  ", with: " "),
                ReportFormat.optional(r.before.rssPeakMB), ReportFormat.optional(r.after.rssPeakMB),
                ReportFormat.fixed(r.before.filesPerS, 1), ReportFormat.fixed(r.after.filesPerS, 1),
                r.before.verdict.rawValue, r.after.verdict.rawValue,
                r.outcome == .same ? "same" : "**\(r.outcome.rawValue)**", r.why,
            ]
        }
        var text = MarkdownTable.render(header: header, rows: table)
        if !unmatched.isEmpty { text += "\nIn only one run: " + unmatched.joined(separator: ", ") + "\n" }
        return text
    }
}
