/// When a bisection probe or a run may stop before its configured size: as soon as the decision rule, applied to
/// the passes finished so far, settles on a verdict.
///
/// The samples so far carry no child report, so each finished pass's quiet window is read from them: the samples
/// of a pass whose next pass has begun, from its last file on (files_done no longer advances). `DecisionRule`
/// decides from those passes without a settle, so memory that only the allocator keeps after the settle cannot be
/// seen: such a variant runs to its full size (the rule says STABLE only from at least `minimumFloors` floors, and a
/// run whose cause would be allocator-retention never stops early).
public struct EarlyStopRule: Sendable, Hashable {
    /// What the rule settled, with the numbers behind it.
    public enum Decision: Sendable, Hashable {
        case grows(verdict: Verdict, cause: Cause, reason: String)
        case flat(String)

        /// Whether memory grows.
        public var grows: Bool {
            if case .grows = self { return true }
            return false
        }

        /// The sentence with the numbers.
        public var reason: String {
            switch self {
            case .grows(_, _, let s), .flat(let s): s
            }
        }
    }

    /// The scenario's thresholds.
    public var thresholds: Thresholds
    /// Files of each pass.
    public var filesPerPass: Int
    /// Passes configured.
    public var passes: Int
    /// Floors after the warm-up that a STABLE needs before the run may stop.
    public var minimumFloors = 3

    /// The rule for a run of `filesPerPass` × `passes` files under `thresholds`.
    public init(thresholds: Thresholds, filesPerPass: Int, passes: Int) {
        self.thresholds = thresholds
        self.filesPerPass = filesPerPass
        self.passes = passes
    }

    /// The settled answer for the samples so far, or nil while it is not settled.
    public func decide(_ samples: [SampleRow]) -> Decision? {
        let rows = SeriesEvidence.ordered(samples, until: nil)
        guard let current = rows.last?.pass, current >= 2 else { return nil }
        var report = ChildReport()
        report.files = filesPerPass * passes
        var windows: [QuietWindow] = []
        for pass in 1..<current {
            let own = rows.filter { $0.pass == pass }
            guard let last = own.map(\.filesDone).max(), let start = own.first(where: { $0.filesDone == last })?.tMs,
                  let end = own.last?.tMs else { continue }
            report.passEndMs.append(start)
            windows.append(QuietWindow(startMs: start, endMs: end))
        }
        report.quietWindows = windows
        let finished = rows.filter { $0.pass < current }
        let evidence = SeriesEvidence(samples: finished, report: report, warmupFraction: thresholds.warmupFraction,
                                      filesPerPass: filesPerPass)
        let limits = DecisionRule.Limits(tolerance: thresholds.toleranceMBPer1000Files, xPerSegment: Double(filesPerPass))
        let d = DecisionRule.decide(evidence, limits: limits)
        switch d.verdict {
        case .leak, .retention where d.cause != .allocatorRetention:
            return .grows(verdict: d.verdict, cause: d.cause, reason: "after \(current - 1) passes: \(d.reason)")
        case .stable where evidence.segments.count >= minimumFloors:
            return .flat("after \(current - 1) passes: \(d.reason)")
        default:
            return nil
        }
    }
}
