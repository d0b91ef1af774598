import Foundation
public import Model

/// The one rule that decides whether memory leaks, is retained, or is stable, and why: pure, over `SeriesEvidence`.
///
/// `run`, `check`, `bisect`, early stopping and `watch` all call `decide`; nothing else decides whether memory grows.
/// The pass is the unit of evidence (a window of time or of the progress count for `watch`). With the tolerance t
/// (MB per 1000 files) and the floor tolerance T = max(t × files per pass / 1000, `floorMarginMB`) MB per pass:
///
/// - A series of floors *rises* when its median increment exceeds T, at least two thirds of its increments exceed
///   T/2, and the last floor is above the first by more than T/2 per increment (a single step, one high floor, or
///   a rise that fell back, is not a rise). It is *held* when it does not rise, none of
///   the later half of its increments exceeds T, and the floors of that later half lie within 2T of each other (it
///   may have stepped up once, early, then held), or when that later half only falls, over two increments at least. Otherwise it is
///   unclear. Descriptor floors rise when most increments are at least one descriptor.
/// - A claim of a rise needs `minIncrements` increments, or a second series rising with it.
/// - Growth within passes: the median of the per-pass Theil-Sen slopes exceeds t and at least two thirds of them
///   exceed t/2, for RSS; or the same for the live heap at `liveOnlyFactor` times t with its median Kendall tau
///   against files done at least `accumulationTau` (an allocator may reuse what the last pass freed, so that RSS
///   stands still while the program's heap accumulates). Flat within passes: the RSS median is within ±t.
/// - The allocator keeps memory when, after a settle, anonymous RSS minus the live heap has grown since before the
///   work by at least `allocatorGapMB`.
///
/// Verdicts, the first that applies: FAILED (the child failed); INCONCLUSIVE without two floors after the warm-up;
/// LEAK, cause descriptors (descriptor floors rise and stay up after the settle); LEAK, cause live-heap (live-heap
/// floors rise, with RSS or over enough passes); LEAK, cause native-buffers (open writers or file RSS rise with RSS);
/// LEAK, live-heap assumed (RSS floors rise over enough passes and the heap is unknown); RETENTION (growth within
/// passes while the program's floors are held; cause live-heap when the live heap carries at least half the growth
/// within passes and accumulates, else native buffers, else the allocator); RETENTION, cause allocator-retention (RSS floors rise over enough passes while the live heap
/// is held: the allocator keeps more each pass); INCONCLUSIVE when the program's
/// floors are unclear; then, the floors held and no growth within passes: RETENTION, cause allocator-retention, when
/// the allocator keeps memory after a steady settle, INCONCLUSIVE when it does after a settle that never became
/// steady, when RSS grew within some passes only, or when RSS floors rose over too few passes and were not given
/// back; else STABLE.
public enum DecisionRule {
    /// The floors must rise by at least this much per pass, whatever the tolerance, to count.
    public static let floorMarginMB = 4.0
    /// Increments a rise of one series needs to be claimed alone.
    public static let minIncrements = 3
    /// The allocator keeps memory: at least this many MB more above the live heap after the settle than before the work.
    public static let allocatorGapMB = 40.0
    /// The live heap alone (RSS not growing) shows growth within passes at this many times the tolerance: it is read
    /// at most every 200 ms under glibc, and large files in flight swing it.
    public static let liveOnlyFactor = 3.0
    /// ...and it must accumulate: the median over passes of its Kendall tau against files done at least this (a long
    /// file in flight near a pass's end raises its slope, not its tau).
    public static let accumulationTau = 0.6

    /// What the rule decided, why, and what would decide it when it could not.
    public struct Decision: Sendable, Hashable {
        public var verdict: Verdict
        public var cause: Cause
        /// One sentence with the numbers behind the decision.
        public var reason: String
        /// For INCONCLUSIVE: what would decide it, e.g. "rerun with --passes 6".
        public var toDecide: String?
    }

    /// How a series of floors behaves across passes.
    public enum Trend: String, Sendable, Hashable {
        case rises, held, unclear
    }

    /// The limits the rule applies to one series.
    public struct Limits: Sendable, Hashable {
        /// Slopes within ± this are flat, MB per 1000 x.
        public var tolerance: Double
        /// Floor increments above this are a rise, MB per pass.
        public var floorTolerance: Double

        /// Limits for `tolerance` MB per 1000 x and passes of `xPerSegment`.
        public init(tolerance: Double, xPerSegment: Double) {
            self.tolerance = tolerance
            floorTolerance = max(tolerance * xPerSegment / 1000, DecisionRule.floorMarginMB)
        }
    }

    /// How the floors `values` behave, against the per-pass tolerance `limit`.
    public static func trend(_ values: [Double], limit: Double) -> Trend {
        guard values.count >= 2 else { return .unclear }
        let inc = zip(values.dropFirst(), values).map { $0 - $1 }
        let needed = (2 * inc.count + 2) / 3
        let net = values[values.count - 1] - values[0]
        if let m = Statistics.median(inc), m > limit, inc.filter({ $0 > limit / 2 }).count >= needed,
            net > Double(inc.count) * limit / 2
        {
            return .rises
        }
        let later = inc.suffix((inc.count + 1) / 2)
        let laterFloors = values.suffix(later.count + 1)
        let spread = (laterFloors.max() ?? 0) - (laterFloors.min() ?? 0)
        // Floors that only fall over the later half (two increments at least) are held too: memory given back.
        let falling = later.count >= 2 && later.allSatisfy { $0 <= 0 }
        return later.allSatisfy({ $0 <= limit }) && spread <= 2 * limit || falling ? .held : .unclear
    }

    /// Whether per-pass slopes show growth within passes (`> 0`), flatness (`0`) or neither (`< 0`... nil).
    static func within(_ slopes: [Double], tolerance t: Double) -> (grows: Bool, flat: Bool, median: Double?) {
        guard let m = Statistics.median(slopes) else { return (false, false, nil) }
        let needed = (2 * slopes.count + 2) / 3
        let grows = m > t && slopes.filter { $0 > t / 2 }.count >= needed
        return (grows, abs(m) <= t, m)
    }

    /// Whether the allocator keeps memory after the settle: anonymous RSS `anon` against the live heap `live`.
    /// `baseline` is what the process held above its live heap before the work (its binary's heap, the allocator's
    /// own start-up): only what the work added counts.
    public static func allocatorKeeps(anon: Double, live: Double, baseline: Double = 0) -> Bool {
        anon - live - baseline >= allocatorGapMB
    }

    /// Decides one series. `failure` is set when the child failed; its figures still give a cause.
    public static func decide(_ e: SeriesEvidence, limits: Limits, failure: String? = nil) -> Decision {
        let d = Reading(e, limits: limits)
        if let failure {
            var text = "failed: \(failure)"
            var cause = Cause.none
            if let growth = d.growth() {
                cause = growth.cause
                text += "; before it stopped, \(growth.text)"
            }
            return Decision(verdict: .failed, cause: cause, reason: text)
        }
        return d.decide()
    }
}

/// The rule applied to one evidence: the trends read once, the verdicts in order.
private struct Reading {
    let e: SeriesEvidence
    let t: Double
    let floorT: Double
    let rss: [Double], live: [Double], fds: [Double], writers: [Double], file: [Double]
    let rssTrend: DecisionRule.Trend
    let liveTrend: DecisionRule.Trend?
    let fdsRise: Bool
    let within: (grows: Bool, flat: Bool, median: Double?)
    let liveWithin: Double?
    /// The live heap grows within passes by the rule's test, whatever RSS does (an allocator reusing freed memory).
    let liveGrowsWithin: Bool
    /// The live heap rises steadily through the passes (median Kendall tau at least `accumulationTau`, over the passes
    /// with three readings or more): a long file in flight lifts its slope, not its tau. Without such a pass, two
    /// readings landing on a spike must not lay the growth on the program: then the live heap accumulates only when
    /// it carries the sawtooth (its rise from floor to peak within the passes at least half of RSS's) and the
    /// allocator holds no more than the rule's gap above it at the last floor.
    let liveAccumulates: Bool
    let fileWithin: Double?
    let increments: Int

    init(_ e: SeriesEvidence, limits: DecisionRule.Limits) {
        self.e = e
        t = limits.tolerance
        floorT = limits.floorTolerance
        let s = e.segments
        rss = s.compactMap(\.floorRSS)
        live = e.heapKnown && s.allSatisfy({ $0.floorLive != nil }) ? s.compactMap(\.floorLive) : []
        fds = s.compactMap(\.floorFds)
        writers = s.compactMap(\.floorWriters)
        file = s.compactMap(\.floorFile)
        increments = max(0, rss.count - 1)
        rssTrend = DecisionRule.trend(rss, limit: floorT)
        liveTrend = live.count == rss.count && !live.isEmpty ? DecisionRule.trend(live, limit: floorT) : nil
        let fdsInc = zip(fds.dropFirst(), fds).map { $0 - $1 }
        fdsRise =
            fdsInc.count >= 2 && (Statistics.median(fdsInc) ?? 0) >= 1
            && fdsInc.filter { $0 >= 1 }.count >= (2 * fdsInc.count + 2) / 3
        within = DecisionRule.within(s.compactMap(\.slopeRSS), tolerance: t)
        let tau = Statistics.median(s.compactMap(\.tauLive))
        if let tau {
            liveAccumulates = tau >= DecisionRule.accumulationTau
        } else {
            let liveRise = Statistics.median(
                s.compactMap { g in g.peakLive.flatMap { p in g.floorLive.map { p - $0 } } })
            let rssRise = Statistics.median(s.compactMap { g in g.peakRSS.flatMap { p in g.floorRSS.map { p - $0 } } })
            let carries = liveRise.flatMap { l in rssRise.map { r in r > 0 && l >= r / 2 } } ?? false
            let held = s.last.flatMap { g in
                g.floorAnon.flatMap { a in
                    g.floorLive.map { DecisionRule.allocatorKeeps(anon: a, live: $0, baseline: e.baselineGap ?? 0) }
                }
            }
            liveAccumulates = carries && held == false
        }
        liveGrowsWithin =
            DecisionRule.within(s.compactMap(\.slopeLive), tolerance: DecisionRule.liveOnlyFactor * t).grows
            && tau.map({ $0 >= DecisionRule.accumulationTau }) == true
        liveWithin = Statistics.median(s.compactMap(\.slopeLive)) ?? e.pooledLiveSlope
        fileWithin = Statistics.median(s.compactMap(\.slopeFile))
    }

    var word: String { e.segmentWord }
    var words: String { e.segmentWord == "pass" ? "passes" : "\(e.segmentWord)s" }
    var enough: Bool { increments >= DecisionRule.minIncrements }
    var writersRise: Bool { (writers.last ?? 0) - (writers.first ?? 0) >= 2 * Double(max(1, writers.count - 1)) }
    var fileRise: Bool { DecisionRule.trend(file, limit: max(floorT / 4, 1)) == .rises }

    func f(_ x: Double) -> String { Analyzer.plain(x) }
    func signed(_ x: Double) -> String { Analyzer.signed(x) }
    func list(_ v: [Double]) -> String { v.map(f).joined(separator: " → ") }

    var floorsText: String {
        "RSS floors \(list(rss)) MB over \(rss.count) \(words) (tolerance \(f(floorT)) MB/\(word))"
    }
    var liveText: String { live.isEmpty ? "live heap unknown" : "live-heap floors \(list(live)) MB" }
    var withinText: String {
        guard let m = within.median else { return "no slope within \(words)" }
        return "RSS \(signed(m)) MB/1000 within \(words) (median of \(e.segments.compactMap(\.slopeRSS).count))"
    }

    /// "rerun with --passes N": enough passes for a claim of one series alone.
    var morePasses: String {
        let passes = e.segmentsSeen + max(2, DecisionRule.minIncrements + 1 - rss.count)
        return e.segmentWord == "pass" ? "rerun with --passes \(passes)" : "watch for longer"
    }

    func decide() -> DecisionRule.Decision {
        if rss.count < 2 {
            return .init(
                verdict: .inconclusive, cause: .none,
                reason: "\(rss.count) \(word) floor\(rss.count == 1 ? "" : "s") after the warm-up: floors need two",
                toDecide: morePasses)
        }
        if let leak = leak() { return leak }
        let programHeld = liveTrend.map { $0 == .held } ?? (rssTrend == .held)
        if within.grows || liveGrowsWithin, programHeld || liveTrend == nil && rssTrend != .rises {
            let c = withinCause()
            return .init(
                verdict: .retention, cause: c.cause,
                reason: "\(withinText), \(floorsText), \(liveText): released at each \(word)'s end; \(c.text)")
        }
        if rssTrend == .rises, enough, liveTrend == .held {
            return .init(
                verdict: .retention, cause: .allocatorRetention,
                reason: "\(floorsText) while the \(liveText) hold: the allocator keeps more each \(word)")
        }
        if !programHeld {
            let what = liveTrend == nil ? floorsText : "\(liveText) (\(floorsText))"
            return .init(
                verdict: .inconclusive, cause: .none,
                reason: "\(what): neither rising steadily nor held", toDecide: morePasses)
        }
        return settled()
    }

    /// LEAK when a program series rises, or nil.
    func leak() -> DecisionRule.Decision? {
        if fdsRise, let start = fds.first, let last = fds.last {
            let after = e.settle?.fds ?? last
            if after - start >= 1 {
                return .init(
                    verdict: .leak, cause: .descriptors,
                    reason: "descriptor floors \(list(fds)) over \(fds.count) \(words) and \(f(after)) after the work: "
                        + "never closed; \(floorsText)")
            }
        }
        if fds.count == 2, fds[1] - fds[0] >= 1, (e.settle?.fds ?? fds[1]) - fds[0] >= 1 {
            return .init(
                verdict: .inconclusive, cause: .none,
                reason: "descriptor floors \(list(fds)) over 2 \(words): one rise, not yet a trend",
                toDecide: morePasses)
        }
        if liveTrend == .rises, enough || rssTrend == .rises {
            return .init(
                verdict: .leak, cause: .liveHeap, reason: "\(liveText) rise, \(floorsText): memory the program keeps")
        }
        if rssTrend == .rises, writersRise || fileRise, enough || liveTrend != nil {
            let what = writersRise ? "open writers \(list(writers))" : "file RSS floors \(list(file)) MB"
            return .init(
                verdict: .leak, cause: .nativeBuffers,
                reason: "\(floorsText), \(what), \(liveText): native buffers kept")
        }
        if rssTrend == .rises, enough, liveTrend == nil {
            return .init(
                verdict: .leak, cause: .liveHeap,
                reason: "\(floorsText): memory is not given back; cause live-heap assumed (unknown heap)")
        }
        return nil
    }

    /// The cause of growth within passes.
    func withinCause() -> (cause: Cause, text: String) {
        let g = within.median ?? 0
        if let l = liveWithin, l >= g / 2 && liveAccumulates || liveGrowsWithin {
            return (.liveHeap, "cause live-heap: live heap \(signed(l)) MB/1000 within \(words)")
        }
        if let fl = fileWithin, fl >= max(g / 4, 0.5) {
            return (.nativeBuffers, "cause native-buffers: file RSS \(signed(fl)) MB/1000 within \(words)")
        }
        guard let l = liveWithin else {
            return (.liveHeap, "cause live-heap assumed: no heap statistics (unknown heap)")
        }
        return (.allocatorRetention, "cause allocator-retention: live heap \(signed(l)) MB/1000 within \(words)")
    }

    /// The floors held and nothing grows within passes: STABLE, unless the allocator keeps memory after the settle.
    func settled() -> DecisionRule.Decision {
        let how = within.flat ? withinText : "\(withinText): a noisy working set that does not accumulate"
        if let s = e.settle, let l = s.live,
            DecisionRule.allocatorKeeps(anon: s.anon, live: l, baseline: e.baselineGap ?? 0)
        {
            let kept =
                "\(f(s.anon)) MB anonymous RSS after the settle against \(f(l)) MB live heap "
                + "(peak \(f(e.anonPeak ?? s.anon)) MB during the work)"
            if !s.steady {
                return .init(
                    verdict: .inconclusive, cause: .none,
                    reason: "\(how); \(kept), but RSS was still moving when the settle ended "
                        + "after \(f(s.seconds)) s",
                    toDecide: "rerun with --settle \(Int((s.seconds * 2).rounded(.up)))")
            }
            return .init(
                verdict: .retention, cause: .allocatorRetention,
                reason: "\(how), \(floorsText); \(kept): memory kept by the allocator, not the program")
        }
        if let m = within.median, m > t, !within.grows {
            return .init(
                verdict: .inconclusive, cause: .none,
                reason: "\(withinText): growth in some \(words) only, \(floorsText)", toDecide: morePasses)
        }
        if rssTrend == .rises, let first = rss.first, (e.settle?.rss ?? rss[rss.count - 1]) > first + floorT {
            return .init(
                verdict: .inconclusive, cause: .none,
                reason: "\(floorsText) rise while the \(liveText) hold, and are not given back after the work: "
                    + "too few \(words) to call it the allocator's", toDecide: morePasses)
        }
        return .init(verdict: .stable, cause: .none, reason: "\(how), \(floorsText), \(liveText): held")
    }

    /// For a failed child: the growth its figures show, if any.
    func growth() -> (cause: Cause, text: String)? {
        if rss.count >= 2, let l = leak() { return (l.cause, l.reason) }
        if within.grows { let c = withinCause(); return (c.cause, "\(withinText); \(c.text)") }
        return nil
    }
}
