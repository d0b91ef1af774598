import Foundation
import Model
import Analysis

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
    /// The same cases as a child with early stopping would have recorded them; nil when not measured.
    public var earlyStop: EarlyStopEvaluation?

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
        case earlyStop = "early_stop"
    }

    /// The lowest rerun agreement a variant may have.
    public static let agreementTarget = 0.9

    /// Whether every rate meets its target, with early stopping too when it was measured.
    public var passed: Bool {
        [falseLeakRate, missedLeakRate2x, causeAccuracy, inconclusiveRate].allSatisfy(\.met)
            && (rerunAgreementMin.map { $0 >= Self.agreementTarget } ?? true)
            && (earlyStop.map { $0.passed && $0.noWorse(than: self) } ?? true)
    }

    /// The error rates of one set of decisions.
    struct Rates {
        var falseLeak, missed2x, missed3x, cause, inconclusive: Rate

        init(_ judged: [(TruthCase, VariantAnalysis)]) {
            let notLeak = judged.filter { $0.0.verdict != .leak }
            falseLeak = Rate(count: notLeak.filter { $0.1.verdict == .leak }.count, total: notLeak.count, target: 0.01)
            let leaks2 = judged.filter { $0.0.verdict == .leak && ($0.0.leakTolerances == 2 || $0.0.source == "real") }
            missed2x = Rate(count: leaks2.filter { $0.1.verdict != .leak }.count, total: leaks2.count, target: 0.05)
            let leaks3 = judged.filter { $0.0.verdict == .leak && $0.0.leakTolerances == 3 }
            missed3x = Rate(count: leaks3.filter { $0.1.verdict != .leak }.count, total: leaks3.count, target: 0.05)
            let grows: Set<Verdict> = [.leak, .retention]
            let withCause = judged.filter { grows.contains($0.1.verdict) && grows.contains($0.0.verdict) }
            cause = Rate(
                count: withCause.filter { $0.1.cause == $0.0.cause }.count, total: withCause.count,
                target: 0.95, higherIsBetter: true)
            inconclusive = Rate(
                count: judged.filter { $0.1.verdict == .inconclusive }.count, total: judged.count,
                target: 0.10)
        }
    }

    /// Decides every case with the rule and measures the rates; with `earlyStop`, also as the cases would have been
    /// recorded by children that end their passes once the rule has settled (`TruthCase.earlyStopped`).
    public init(cases all: [TruthCase], earlyStop measureEarly: Bool = true) {
        let decided = all.map { ($0, $0.decide()) }
        cases = all.count
        syntheticCases = all.filter { $0.source == "synthetic" }.count
        realCases = cases - syntheticCases
        let judged = decided.filter { !$0.0.borderline }
        let rates = Rates(judged)
        falseLeakRate = rates.falseLeak
        missedLeakRate2x = rates.missed2x
        missedLeakRate3x = rates.missed3x
        causeAccuracy = rates.cause
        inconclusiveRate = rates.inconclusive
        let grows: Set<Verdict> = [.leak, .retention]
        var vm: [String: [String: Int]] = [:], cm: [String: [String: Int]] = [:]
        for (c, a) in judged {
            vm[c.verdict.rawValue, default: [:]][a.verdict.rawValue, default: 0] += 1
            if grows.contains(a.verdict), grows.contains(c.verdict) {
                cm[c.cause.rawValue, default: [:]][a.cause.rawValue, default: 0] += 1
            }
        }
        verdictMatrix = vm
        causeMatrix = cm
        misses = judged.filter {
            $0.1.verdict != $0.0.verdict || (grows.contains($0.0.verdict) && $0.1.cause != $0.0.cause)
        }
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
            return Agreement(
                variant: variant, reruns: runs.count, modal: modal.key,
                share: Double(modal.value) / Double(runs.count),
                expected: "\(truth.verdict.rawValue)/\(truth.cause.rawValue)")
        }
        rerunAgreementMin = agreement.map(\.share).min()
        earlyStop = measureEarly ? EarlyStopEvaluation(decided) : nil
    }
}

/// The truth set as children with early stopping would have recorded it, against the full series.
public struct EarlyStopEvaluation: Sendable, Codable {
    public var falseLeakRate: Evaluation.Rate
    public var missedLeakRate2x: Evaluation.Rate
    public var missedLeakRate3x: Evaluation.Rate
    public var causeAccuracy: Evaluation.Rate
    public var inconclusiveRate: Evaluation.Rate
    /// Series that ended before their last pass.
    public var stoppedEarly: Int
    /// Passes run, and passes the series had in full.
    public var passesRun: Int
    public var passesFull: Int
    /// Series whose verdict and cause are the same early and in full (borderline ones included).
    public var sameAsFull: Evaluation.Rate
    /// Series the rule gets right in full and wrong early (borderline ones excepted).
    public var worseThanFull: [String]
    /// Series the rule gets wrong in full and right early (borderline ones excepted).
    public var betterThanFull: Int

    enum CodingKeys: String, CodingKey {
        case falseLeakRate = "false_leak_rate"
        case missedLeakRate2x = "missed_leak_rate_2x"
        case missedLeakRate3x = "missed_leak_rate_3x"
        case causeAccuracy = "cause_accuracy"
        case inconclusiveRate = "inconclusive_rate"
        case stoppedEarly = "stopped_early"
        case passesRun = "passes_run"
        case passesFull = "passes_full"
        case sameAsFull = "same_as_full"
        case worseThanFull = "worse_than_full"
        case betterThanFull = "better_than_full"
    }

    /// Whether its rates meet their targets.
    public var passed: Bool {
        [falseLeakRate, missedLeakRate2x, causeAccuracy, inconclusiveRate].allSatisfy(\.met)
    }

    /// Whether no error rate is above the full series' and the causes are right as often.
    public func noWorse(than full: Evaluation) -> Bool {
        falseLeakRate.rate <= full.falseLeakRate.rate && missedLeakRate2x.rate <= full.missedLeakRate2x.rate
            && missedLeakRate3x.rate <= full.missedLeakRate3x.rate && causeAccuracy.rate >= full.causeAccuracy.rate
            && inconclusiveRate.rate <= full.inconclusiveRate.rate
    }

    /// Cuts every case where the early-stop rule settles and decides it again; `full` holds the full decisions.
    init(_ full: [(TruthCase, VariantAnalysis)]) {
        let early = full.map { c, _ in c.earlyStopped() }
        let decided = early.map { ($0.series, $0.series.decide()) }
        let rates = Evaluation.Rates(decided.filter { !$0.0.borderline })
        falseLeakRate = rates.falseLeak
        missedLeakRate2x = rates.missed2x
        missedLeakRate3x = rates.missed3x
        causeAccuracy = rates.cause
        inconclusiveRate = rates.inconclusive
        stoppedEarly = zip(early, full).filter { $0.0.passes < $0.1.0.report.passEndMs.count }.count
        passesRun = early.map(\.passes).reduce(0, +)
        passesFull = full.map { $0.0.report.passEndMs.count }.reduce(0, +)
        let same = zip(decided, full).filter { $0.0.1.verdict == $0.1.1.verdict && $0.0.1.cause == $0.1.1.cause }.count
        sameAsFull = Evaluation.Rate(count: same, total: full.count, target: 0.95, higherIsBetter: true)
        func right(_ c: TruthCase, _ a: VariantAnalysis) -> Bool {
            a.verdict == c.verdict && (![.leak, .retention].contains(c.verdict) || a.cause == c.cause)
        }
        worseThanFull = zip(decided, full).filter { e, f in !f.0.borderline && right(f.0, f.1) && !right(e.0, e.1) }
            .map { e, f in
                "\(f.0.source) \(f.0.kind) \(f.0.instance): \(f.1.verdict.rawValue)/\(f.1.cause.rawValue) in full → "
                    + "\(e.1.verdict.rawValue)/\(e.1.cause.rawValue) after \(e.0.report.passEndMs.count) passes: \(e.1.reason)"
            }
        betterThanFull =
            zip(decided, full).filter { e, f in !f.0.borderline && !right(f.0, f.1) && right(e.0, e.1) }.count
    }
}
