public import Foundation
public import Model

/// One knob's value before and after a change.
public struct KnobChange: Sendable, Hashable, Codable {
    /// The knob's YAML name.
    public var knob: String
    public var from: String
    public var to: String

    /// Makes a change of `knob` from `from` to `to`.
    public init(knob: Knob, from: String, to: String) {
        self.knob = knob.rawValue
        self.from = from
        self.to = to
    }

    /// The workload knobs whose values differ between two configurations, in knob order.
    public static func between(_ a: VariantConfig, _ b: VariantConfig) -> [KnobChange] {
        Knob.allCases.filter(\.isWorkload).compactMap { k in
            let (x, y) = (a.value(of: k), b.value(of: k))
            return x == y ? nil : KnobChange(knob: k, from: x, to: y)
        }
    }

    /// "writer: abandon → close".
    public var text: String { "\(knob): \(from) → \(to)" }
}

/// One replayed step: what changed, what the document saw, what was measured, and whether they agree.
public struct BisectStep: Sendable, Hashable, Codable {
    /// The step's variant name.
    public var step: String
    /// Workload knobs changed from the previous step (the first step: from the scenario's base).
    public var changes: [KnobChange]
    /// What the case study observed.
    public var document: String?
    /// What of the case study the step's knobs stand for (the scenario's `models:`).
    public var models: String?
    /// The direction the document states (see `Direction`).
    public var documentDirection: Direction
    /// The direction the verdict measures.
    public var measuredDirection: Direction
    /// Whether they agree; nil when either is unknown.
    public var agrees: Bool?
    public var verdict: Verdict
    public var cause: Cause
    /// The analysis's sentence with the numbers.
    public var reason: String
    /// RSS after the warm-up, MB.
    public var rssStartMB: Double?
    /// RSS when the work ended, MB.
    public var rssEndMB: Double?
    /// RSS slope within passes, MB per 1000 files, with its 95% interval.
    public var slopeMBPer1000Files: SlopeEstimate?
    /// What the scenario expects, and whether it was met.
    public var expect: Expectation?
    public var expectationMet: Bool?
    /// Files processed.
    public var files: Int
    /// Wall seconds of the child, settle included.
    public var seconds: Double
    /// Why the step failed, when it did.
    public var failure: String?
}

/// One probe of the automatic bisection: `from` with some changes applied, and whether memory still grows.
public struct BisectProbe: Sendable, Hashable, Codable {
    /// 1-based, in run order.
    public var index: Int
    /// The changes applied to `from`, in knob order.
    public var applied: [String]
    /// Whether memory still grows: LEAK, RETENTION, or an RSS slope interval above the tolerance; INCONCLUSIVE and
    /// FAILED count as growing (the growth was not shown removed).
    public var grows: Bool
    /// The analysis's verdict of a full run; nil when the probe stopped early.
    public var verdict: Verdict?
    public var cause: Cause?
    /// "early stop" or "full run".
    public var decidedBy: String
    /// The sentence with the numbers.
    public var reason: String
    /// Files processed when the probe ended.
    public var files: Int
    /// Wall seconds of the probe's child.
    public var seconds: Double
    /// Why the probe failed, when it did.
    public var failure: String?
    /// The probe's run directory, relative to the bisect directory.
    public var directory: String
}

/// One 1-minimality check of the result: a change undone, the probe that ran it, and whether memory grew again.
public struct MinimalityCheck: Sendable, Hashable, Codable {
    /// The knob whose change was undone.
    public var undone: String
    /// The probe's index.
    public var probe: Int
    /// Whether memory grew again without the change (true for a 1-minimal set).
    public var grows: Bool
}

/// The automatic bisection between `from:` and `to:`.
public struct AutoBisection: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    /// The workload knobs in which the two variants differ: the changes searched.
    public var differing: [KnobChange]
    public var outcome: DeltaDebugging.Outcome
    /// The smallest set of changes that removes the growth (empty unless found).
    public var minimal: [KnobChange]
    /// Each change of `minimal` undone in turn.
    public var checks: [MinimalityCheck]
    /// Every probe, in run order.
    public var probes: [BisectProbe]
    /// Whether probes could stop early (`EarlyStopRule`).
    public var earlyStop: Bool
}

/// `bisect.json`: a replay of `steps:` or an automatic bisection, with the machine and the time it took.
public struct BisectResult: Sendable, Hashable, Codable {
    /// Which kind of bisection.
    public enum Mode: String, Sendable, Hashable, Codable { case replay, auto }

    public var schemaVersion = 1
    public var mode: Mode
    public var scenario: String
    public var scenarioPath: String
    /// ISO 8601.
    public var createdAt: String
    public var machine: MachineInfo
    /// `/proc/loadavg`'s 1, 5 and 15 minute averages when the bisection started and ended (the machine is shared).
    public var loadStart: String
    public var loadEnd: String
    public var thresholds: Thresholds
    /// Wall seconds of the whole bisection.
    public var totalSeconds: Double
    /// The replayed steps, in order (replay).
    public var steps: [BisectStep]?
    /// The automatic bisection (auto).
    public var auto: AutoBisection?
    /// The bisect directory.
    public var directory: String

    /// Whether a step or a probe failed (exit status 3).
    public var failed: Bool {
        (steps ?? []).contains { $0.failure != nil } || (auto?.probes ?? []).contains { $0.failure != nil }
    }

    /// Sorted keys, pretty printed.
    public func encoded() throws -> Data {
        try JSONCoding.encode(self)
    }

    /// Reads `bisect.json` of a bisect directory.
    public static func load(directory: String) throws -> BisectResult {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/bisect.json"))
        return try JSONCoding.decode(BisectResult.self, from: data)
    }
}
