import Foundation
public import Model
import Analysis

/// A series whose answer is known, with what the rule needs to decide it.
public struct TruthCase: Sendable, Codable {
    /// "synthetic" or "real".
    public var source: String
    /// The kind of series (synthetic) or "scenario/variant" (real).
    public var kind: String
    /// Which series of that kind: a seed or a rerun's folder.
    public var instance: String
    /// The known answer.
    public var verdict: Verdict
    public var cause: Cause
    /// A leak at about the tolerance: either answer is right, so it counts in no rate.
    public var borderline: Bool = false
    /// For leaks: the leak per pass in multiples of the floor tolerance (0 when there is none).
    public var leakTolerances: Double = 0
    /// The thresholds the series is judged with.
    public var thresholds: Thresholds
    /// Files of each pass.
    public var filesPerPass: Int
    /// What the child reported (quiet windows, settle), as a run would have it.
    public var report: ChildReport
    /// The samples, as the CSV holds them.
    public var samplesCSV: String
    /// The seed a synthetic series was generated from.
    public var seed: UInt64?

    /// Decodes the samples.
    public var samples: [SampleRow] { SampleRow.parse(csv: samplesCSV) }

    /// Makes a case; `samples` are written as the CSV would hold them.
    public init(
        source: String, kind: String, instance: String, verdict: Verdict, cause: Cause, thresholds: Thresholds,
        filesPerPass: Int, report: ChildReport, samples: [SampleRow]
    ) {
        self.source = source
        self.kind = kind
        self.instance = instance
        self.verdict = verdict
        self.cause = cause
        self.thresholds = thresholds
        self.filesPerPass = filesPerPass
        self.report = report
        samplesCSV = ([SampleRow.header] + samples.map(\.csvLine)).joined(separator: "\n") + "\n"
    }

    /// What the rule decides for this series.
    public func decide() -> VariantAnalysis {
        Analyzer.analyze(
            samples: samples, report: report, failure: nil, thresholds: thresholds, filesPerPass: filesPerPass)
    }

    /// The series a child with early stopping would have recorded, and its passes: `EarlyStopRule` is asked after
    /// each pass but the last, as the child asks it. A synthetic series is generated again with that many passes; a
    /// recorded one is cut after that pass's quiet window and given its own settle, moved to follow it (its levels
    /// are those after every pass: higher than they would be for a leak, the same for memory that is held).
    public func earlyStopped() -> (series: TruthCase, passes: Int) {
        let rows = samples
        let windows = report.quietWindows ?? []
        let passes = report.passEndMs.count
        var rule = EarlyStopRule(thresholds: thresholds, filesPerPass: filesPerPass)
        let planned = report.plannedFiles ?? report.files
        rule.plannedFiles = planned
        guard windows.count == passes, passes > 1,
            let k = (1..<passes).first(where: { k in
                rule.decide(
                    samples: rows, passEndMs: Array(report.passEndMs.prefix(k)),
                    quietWindows: Array(windows.prefix(k))) != nil
            })
        else { return (self, passes) }
        if source == "synthetic", let seed, let kind = SyntheticSeries.Kind(rawValue: kind) {
            var cut = SyntheticSeries.make(kind, seed: seed, passes: k)
            cut.report.plannedFiles = planned
            cut.instance = instance
            cut.borderline = borderline
            cut.leakTolerances = leakTolerances
            return (cut, k)
        }
        return (cut(after: k, rows: rows), k)
    }

    /// This recorded series ended after pass `k`'s quiet window, followed by its settle.
    private func cut(after k: Int, rows: [SampleRow]) -> TruthCase {
        guard let windows = report.quietWindows, let end = windows.prefix(k).last?.endMs else { return self }
        let settleStart = report.settleStartMs ?? Int64.max
        let shift = (end + 1) - settleStart
        var kept = rows.filter { $0.tMs <= end }
        kept += rows.filter { $0.tMs >= settleStart && $0.tMs <= (report.settleEndMs ?? Int64.max) }.map { row in
            var moved = row
            moved.tMs += shift
            return moved
        }
        var cutReport = report
        cutReport.passEndMs = Array(report.passEndMs.prefix(k))
        cutReport.quietWindows = Array(windows.prefix(k))
        cutReport.files = Int(kept.filter { $0.tMs <= end }.map(\.filesDone).max() ?? 0)
        cutReport.plannedFiles = report.plannedFiles ?? report.files
        cutReport.settleStartMs = report.settleStartMs.map { $0 + shift }
        cutReport.settleEndMs = report.settleEndMs.map { $0 + shift }
        var c = TruthCase(
            source: source, kind: kind, instance: instance, verdict: verdict, cause: cause,
            thresholds: thresholds, filesPerPass: filesPerPass, report: cutReport, samples: kept)
        c.borderline = borderline
        c.leakTolerances = leakTolerances
        return c
    }
}
