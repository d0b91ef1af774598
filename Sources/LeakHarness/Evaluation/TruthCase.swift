public import Foundation

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

    /// Decodes the samples.
    public var samples: [SampleRow] { SampleRow.parse(csv: samplesCSV) }

    /// Makes a case; `samples` are written as the CSV would hold them.
    public init(source: String, kind: String, instance: String, verdict: Verdict, cause: Cause, thresholds: Thresholds,
                filesPerPass: Int, report: ChildReport, samples: [SampleRow]) {
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
        Analyzer.analyze(samples: samples, report: report, failure: nil, thresholds: thresholds, filesPerPass: filesPerPass)
    }
}
