public import Model

/// When a child may end its passes before the configured number: as soon as the decision rule, applied to the passes
/// finished so far, has settled.
///
/// The child asks after each pass's quiet window, with its own samples, pass ends and windows, and the rule runs the
/// analysis a finished run gets (`Analyzer.analyze`, its minimum files and samples included) on exactly those. Without a settle the rule cannot see memory that only the
/// allocator keeps, so the rule settles on:
/// - LEAK, any cause, and RETENTION whose cause is the program's (live heap, native buffers);
/// - STABLE, from which the settle that follows may still make RETENTION by the allocator;
/// and on nothing before `minimumFloors` floors after the warm-up. INCONCLUSIVE and RETENTION by the allocator go on:
/// a borderline series runs to its full size. The verdict a run reports is the one its analysis gives after the
/// settle, from the passes run.
public struct EarlyStopRule: Sendable, Hashable {
    /// The scenario's thresholds.
    public var thresholds: Thresholds
    /// Files of each pass.
    public var filesPerPass: Int
    /// Files of every configured pass: the warm-up is a share of them, as in the full run's analysis.
    public var plannedFiles: Int?
    /// Floors after the warm-up the rule needs before it may settle.
    public var minimumFloors = Self.minimumFloorsDefault
    /// Three floors: two increments, the fewest from which the rule tells a rise from a step.
    public static let minimumFloorsDefault = 3

    /// The rule for passes of `filesPerPass` files under `thresholds`.
    public init(thresholds: Thresholds, filesPerPass: Int) {
        self.thresholds = thresholds
        self.filesPerPass = filesPerPass
    }

    /// The rule's decision on the passes finished so far when it is settled; nil to run another pass.
    ///
    /// `samples` up to the end of the last quiet window count; `passEndMs` and `quietWindows` are one per finished pass.
    public func decide(samples: [SampleRow], passEndMs: [Int64], quietWindows: [QuietWindow]) -> DecisionRule.Decision?
    {
        guard let end = quietWindows.last?.endMs, passEndMs.count == quietWindows.count else { return nil }
        let rows = samples.filter { $0.tMs <= end }
        var report = ChildReport()
        report.files = Int(rows.map(\.filesDone).max() ?? 0)
        report.passEndMs = passEndMs
        report.quietWindows = quietWindows
        report.plannedFiles = plannedFiles
        // The analysis a finished run gets, preconditions (files and samples after the warm-up) included.
        let a = Analyzer.analyze(
            samples: rows, report: report, failure: nil, thresholds: thresholds,
            filesPerPass: filesPerPass)
        guard a.floorsMB.count >= minimumFloors else { return nil }
        let decision = DecisionRule.Decision(verdict: a.verdict, cause: a.cause, reason: a.reason, toDecide: a.toDecide)
        switch decision.verdict {
        case .leak, .stable: return decision
        case .retention where decision.cause != .allocatorRetention: return decision
        default: return nil
        }
    }
}
