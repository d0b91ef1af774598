import Foundation

/// The decision rule measured against series whose answer is known: confusion matrices, error rates with Wilson 95%
/// intervals, and the agreement of reruns of one variant.
///
/// Rates, each over the cases it names (borderline leaks, at about the tolerance, count in none):
/// - false LEAK: cases whose answer is not LEAK, called LEAK;
/// - missed LEAK at 2x and 3x: synthetic leaks of 2 and 3 floor tolerances per pass (and, for 2x, every real
///   series labelled LEAK), not called LEAK;
/// - cause accuracy: cases called LEAK or RETENTION whose answer is LEAK or RETENTION, with the right cause;
/// - INCONCLUSIVE: all cases, called INCONCLUSIVE;
/// - rerun agreement: for each real variant, the share of its reruns that give its most common verdict and cause;
///   the key is the lowest over variants.
public struct Evaluation: Sendable, Codable {
    /// A share of `total` with its Wilson 95% interval.
    public struct Rate: Sendable, Codable, Hashable {
        public var count: Int
        public var total: Int
        public var rate: Double
        public var low: Double
        public var high: Double
        /// The most (or least, for shares that must be high) the rate may be.
        public var target: Double
        /// Whether the rate is at most the target (at least it, for `higherIsBetter`).
        public var met: Bool

        init(count: Int, total: Int, target: Double, higherIsBetter: Bool = false) {
            self.count = count
            self.total = total
            rate = total == 0 ? 0 : Double(count) / Double(total)
            (low, high) = Statistics.wilsonInterval(successes: count, trials: total)
            self.target = target
            met = total > 0 && (higherIsBetter ? rate >= target : rate <= target)
        }
    }

    /// One real variant's reruns.
    public struct Agreement: Sendable, Codable, Hashable {
        public var variant: String
        public var reruns: Int
        /// The most common verdict and cause, "LEAK/descriptors".
        public var modal: String
        public var share: Double
        /// What its `expect:` says.
        public var expected: String
    }

    public var cases: Int
    public var syntheticCases: Int
    public var realCases: Int
    public var falseLeakRate: Rate
    public var missedLeakRate2x: Rate
    public var missedLeakRate3x: Rate
    public var causeAccuracy: Rate
    public var inconclusiveRate: Rate
    public var rerunAgreementMin: Double?
    public var agreement: [Agreement]
    /// Counts by "truth → called" verdict, and by "truth → called" cause for cases whose verdicts both grow.
    public var verdictMatrix: [String: [String: Int]]
    public var causeMatrix: [String: [String: Int]]
    /// Every case the rule got wrong (borderline ones excepted): kind, instance, truth, called.
    public var misses: [String]

    enum CodingKeys: String, CodingKey {
        case cases, agreement, misses
        case syntheticCases = "synthetic_cases"
        case realCases = "real_cases"
        case falseLeakRate = "false_leak_rate"
        case missedLeakRate2x = "missed_leak_rate_2x"
        case missedLeakRate3x = "missed_leak_rate_3x"
        case causeAccuracy = "cause_accuracy"
        case inconclusiveRate = "inconclusive_rate"
        case rerunAgreementMin = "rerun_agreement_min"
        case verdictMatrix = "verdict_matrix"
        case causeMatrix = "cause_matrix"
    }

    /// The lowest rerun agreement a variant may have.
    public static let agreementTarget = 0.9

    /// Whether every rate meets its target.
    public var passed: Bool {
        [falseLeakRate, missedLeakRate2x, causeAccuracy, inconclusiveRate].allSatisfy(\.met)
            && (rerunAgreementMin.map { $0 >= Self.agreementTarget } ?? true)
    }

    /// Decides every case with the rule and measures the rates.
    public init(cases all: [TruthCase]) {
        let decided = all.map { ($0, $0.decide()) }
        cases = all.count
        syntheticCases = all.filter { $0.source == "synthetic" }.count
        realCases = cases - syntheticCases
        let judged = decided.filter { !$0.0.borderline }
        let notLeak = judged.filter { $0.0.verdict != .leak }
        falseLeakRate = Rate(count: notLeak.filter { $0.1.verdict == .leak }.count, total: notLeak.count, target: 0.01)
        let leaks2 = judged.filter { $0.0.verdict == .leak && ($0.0.leakTolerances == 2 || $0.0.source == "real") }
        missedLeakRate2x = Rate(count: leaks2.filter { $0.1.verdict != .leak }.count, total: leaks2.count, target: 0.05)
        let leaks3 = judged.filter { $0.0.verdict == .leak && $0.0.leakTolerances == 3 }
        missedLeakRate3x = Rate(count: leaks3.filter { $0.1.verdict != .leak }.count, total: leaks3.count, target: 0.05)
        let grows: Set<Verdict> = [.leak, .retention]
        let withCause = judged.filter { grows.contains($0.1.verdict) && grows.contains($0.0.verdict) }
        causeAccuracy = Rate(count: withCause.filter { $0.1.cause == $0.0.cause }.count, total: withCause.count,
                             target: 0.95, higherIsBetter: true)
        inconclusiveRate = Rate(count: judged.filter { $0.1.verdict == .inconclusive }.count, total: judged.count,
                                target: 0.10)
        var vm: [String: [String: Int]] = [:], cm: [String: [String: Int]] = [:]
        for (c, a) in judged {
            vm[c.verdict.rawValue, default: [:]][a.verdict.rawValue, default: 0] += 1
            if grows.contains(a.verdict), grows.contains(c.verdict) {
                cm[c.cause.rawValue, default: [:]][a.cause.rawValue, default: 0] += 1
            }
        }
        verdictMatrix = vm
        causeMatrix = cm
        misses = judged.filter { $0.1.verdict != $0.0.verdict || (grows.contains($0.0.verdict) && $0.1.cause != $0.0.cause) }
            .map { c, a in
                "\(c.source) \(c.kind) \(c.instance): \(c.verdict.rawValue)/\(c.cause.rawValue) → "
                    + "\(a.verdict.rawValue)/\(a.cause.rawValue): \(a.reason)"
            }
        var byVariant: [String: [(TruthCase, VariantAnalysis)]] = [:]
        for d in decided where d.0.source == "real" { byVariant[d.0.kind, default: []].append(d) }
        agreement = byVariant.keys.sorted().map { variant in
            let runs = byVariant[variant]!
            var counts: [String: Int] = [:]
            for (_, a) in runs { counts["\(a.verdict.rawValue)/\(a.cause.rawValue)", default: 0] += 1 }
            let modal = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!
            let truth = runs[0].0
            return Agreement(variant: variant, reruns: runs.count, modal: modal.key,
                             share: Double(modal.value) / Double(runs.count),
                             expected: "\(truth.verdict.rawValue)/\(truth.cause.rawValue)")
        }
        rerunAgreementMin = agreement.map(\.share).min()
    }
}
