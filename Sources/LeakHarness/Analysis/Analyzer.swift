import Foundation

/// Turns one variant's samples into a verdict and a cause (pure: no I/O).
///
/// What is measured (x = files_done, memory in MB of 1024 kB):
/// - Warm-up: samples before `warmupFraction` of the run's files are done are dropped.
/// - Slopes use the work samples only (before `settleStartMs`), without each pass's release tail (from
///   `passEndMs[i]` on, and repeated samples at the pass's last files_done). The RSS slope is a within-pass fit
///   (one intercept per pass, least squares with a 95% Student-t interval, and Theil-Sen within each pass);
///   `rssTrend` is the plain fit over the whole work.
/// - Floors: the minimum RSS from `passEndMs[i]` until the next pass's first file is done or the settle begins (the
///   first sample at or after `passEndMs[i]` when none is in between): every floor is taken at the same point of the
///   cycle, with the run's other state alive; what the final teardown gives back shows in the RSS after settle.
///   Peaks: the maximum RSS of each pass. Floor slope: least squares across passes, MB per pass.
///
/// Verdict, first rule that applies:
/// 1. `FAILED` when `failure` is set (the figures are still computed; the reason starts with the failure).
/// 2. `INCONCLUSIVE` when fewer than `minFiles` files or fewer than 10 samples remain after the warm-up.
/// 3. `LEAK` when the floors rise: at least two floors, floor slope above the per-pass tolerance
///    (max(tolerance × files per pass / 1000, 4 MB)), and the last floor above the one before by at least half of it
///    (a single early step is not a leak) — unless the RSS after the settle is back within the per-pass tolerance of
///    the first floor with no descriptor kept: then `RETENTION` (held while the work ran, given back after it).
/// 4. `LEAK`, cause `descriptors`, when descriptors rose by ≥ 4 over the work (slope > 0.5 per 1000 files) and are
///    still ≥ 4 above the start at the end of the settle: never closed, whatever RSS does.
/// 5. Growth within passes — least-squares interval entirely above +tolerance and Theil-Sen above +tolerance:
///    with floors, `RETENTION` (released at each pass end); with one pass and no floor, `RETENTION` when the RSS
///    after the settle has given back at least half the growth since the start, else `LEAK`.
/// 6. Flat — Theil-Sen within ±tolerance and either the interval within ±tolerance or, for a step then flat, the
///    interval over the second half of the work within ±tolerance: `STABLE`, unless the anonymous RSS after the settle
///    is at least 3× the live heap and 50 MB above it while the live heap is flat: then `RETENTION`,
///    cause `allocator-retention` (memory kept by the allocator, not the program).
/// 7. Noisy but bounded — at least two floors that do not keep rising (rule 3 did not apply: the floor slope is within
///    the per-pass tolerance, or the floors stepped up once and the last is not above the one before): `STABLE` (a
///    working set of large files that come and go), or `RETENTION`, cause `allocator-retention`, under the allocator
///    rule of 6.
/// 8. Otherwise `INCONCLUSIVE`: too noisy (the interval straddles the tolerance) or the two estimators disagree.
///
/// Cause, for LEAK, RETENTION and FAILED-with-growth (growth g: the whole-work RSS trend for a floor leak, else the
/// within-pass slope), first that applies: `descriptors` (fds rose by ≥ 4, fds slope > 0.5 per 1000 files, still ≥ 4 up after the settle);
/// `live-heap` (live-heap slope ≥ g/2, unless its interval reaches zero while the anonymous RSS after the settle is
/// far above the live heap, the allocator test of rule 6); `native-buffers` (live heap flat or unknown, and open_writers rose by ≥ 2
/// or the RssFile slope ≥ g/4); `allocator-retention` (live heap flat: RSS minus live heap carries the growth, or
/// stays far above it after the settle); without heap statistics, `live-heap` as "unknown heap", said in the reason.
/// heap_held is never used for the cause: after malloc_trim it stays high while the pages are back with the kernel.
public enum Analyzer {
    /// kB per MB: RSS is read in kB from /proc, reported in MB.
    public static let kbPerMB = 1024.0
    /// Fewer work samples after the warm-up: INCONCLUSIVE.
    public static let minSamples = 10
    /// The floors must rise by at least this much per pass, whatever the tolerance, to count as a leak.
    public static let floorMarginMB = 4.0
    /// Anonymous RSS after settle at least this many times the live heap...
    public static let allocatorRatio = 3.0
    /// ...and at least this many MB above it: the allocator keeps memory the program freed.
    public static let allocatorGapMB = 50.0
    /// Whether an anonymous RSS of `anonMB` after the settle is memory the allocator keeps beyond a live heap of
    /// `liveMB`: at least `allocatorRatio` times it and `allocatorGapMB` above it.
    public static func allocatorKeeps(anonMB: Double, liveMB: Double) -> Bool {
        anonMB >= allocatorRatio * liveMB && anonMB - liveMB >= allocatorGapMB
    }

    /// Descriptors must rise by at least this many over the work to be the cause.
    public static let fdsRise = 4

    /// Analyses one variant's samples; `filesPerPass` defaults to the files of the run divided by its passes.
    public static func analyze(samples: [SampleRow], report: ChildReport?, failure: String?, thresholds: Thresholds,
                               filesPerPass: Int? = nil) -> VariantAnalysis {
        let m = Measurements(samples: samples, report: report, thresholds: thresholds, filesPerPass: filesPerPass)
        let (verdict, cause, reason) = m.decide(failure: failure)
        var a = VariantAnalysis(verdict: verdict, cause: cause, reason: reason)
        a.sampleCount = samples.count
        a.workSampleCount = m.used.count
        a.files = m.totalFiles
        a.warmupFiles = m.warmupFiles
        a.passes = m.passes
        a.rssSlope = m.rssSlope
        a.rssRobustSlope = m.rssRobust
        a.rssTrend = m.rssTrend
        a.heapLiveSlope = m.liveSlope
        a.heapHeldSlope = m.heldSlope
        a.fdsSlope = m.fdsSlope
        a.floorsMB = m.floors
        a.peaksMB = m.peaks
        a.floorSlopeMBPerPass = m.floorSlope
        a.floorToleranceMBPerPass = m.floorTolerance
        a.rssStartMB = m.rssStart
        a.rssEndMB = m.rssEnd
        a.rssPeakMB = m.rssPeak
        a.rssAfterSettleMB = m.rssAfterSettle
        a.rssAnonAfterSettleMB = m.anonAfterSettle
        a.heapLiveAfterSettleMB = m.liveAfterSettle
        a.fdsStart = m.fdsStart
        a.fdsEnd = m.fdsEnd
        return a
    }

    /// A signed figure with one decimal, never "-0.0".
    static func signed(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return String(format: "%+.1f", r == 0 ? 0 : r)
    }

    /// A figure with one decimal.
    static func plain(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return String(format: "%.1f", r == 0 ? 0 : r)
    }

    /// "+12.3 MB/1000 files [10.1, 14.5]".
    static func describe(_ s: SlopeEstimate, unit: String = "MB/1000 files") -> String {
        "\(signed(s.estimate)) \(unit) [\(signed(s.low)), \(signed(s.high))]"
    }
}

/// Everything measured from one series, computed once.
private struct Measurements {
    let thresholds: Thresholds
    let tolerance: Double
    var totalFiles = 0
    var warmupFiles = 0
    var passes = 1
    var filesPerPass = 0
    var used: [SampleRow] = []
    var work: [SampleRow] = []
    var settle: [SampleRow] = []

    var rssSlope: SlopeEstimate?
    var rssRobust: Double?
    var rssTrend: SlopeEstimate?
    var tailSlope: SlopeEstimate?
    var liveSlope: SlopeEstimate?
    var liveTrend: SlopeEstimate?
    var heldSlope: SlopeEstimate?
    var gapSlope: SlopeEstimate?
    var gapTrend: SlopeEstimate?
    var fileSlope: SlopeEstimate?
    var fileTrend: SlopeEstimate?
    var fdsSlope: SlopeEstimate?
    var floors: [Double] = []
    var peaks: [Double] = []
    var floorSlope: Double?
    var floorTolerance: Double?
    var rssStart: Double?
    var rssEnd: Double?
    var rssPeak: Double?
    var rssAfterSettle: Double?
    var anonAfterSettle: Double?
    var liveAfterSettle: Double?
    var fdsStart: Int?
    var fdsEnd: Int?
    var fdsAfterSettle: Int?
    var writersStart: Double?
    var writersEnd: Double?

    init(samples: [SampleRow], report: ChildReport?, thresholds: Thresholds, filesPerPass: Int?) {
        self.thresholds = thresholds
        tolerance = thresholds.toleranceMBPer1000Files
        let rows = samples.enumerated().sorted { ($0.element.tMs, $0.offset) < ($1.element.tMs, $1.offset) }.map(\.element)
        guard !rows.isEmpty else { return }
        let settleStart = report?.settleStartMs ?? Int64.max
        work = rows.filter { $0.tMs < settleStart }
        settle = rows.filter { $0.tMs >= settleStart }
        let maxFiles = Int(rows.map(\.filesDone).max() ?? 0)
        totalFiles = report.map { max($0.files, maxFiles) } ?? maxFiles
        let passEnds = report?.passEndMs ?? []
        passes = max(1, passEnds.count, Int(rows.map(\.pass).max() ?? 1))
        self.filesPerPass = filesPerPass ?? max(1, (totalFiles + passes - 1) / passes)
        warmupFiles = Int((Double(totalFiles) * thresholds.warmupFraction).rounded(.up))

        // Work samples after the warm-up, without each pass's release tail.
        var lastFiles: [Int64: Int64] = [:]
        for r in work { lastFiles[r.pass] = max(lastFiles[r.pass] ?? 0, r.filesDone) }
        var seenLast: Set<Int64> = []
        for r in work where r.filesDone >= Int64(warmupFiles) {
            let p = Int(max(1, r.pass))
            if p <= passEnds.count, r.tMs >= passEnds[p - 1] { continue }
            if r.filesDone == lastFiles[r.pass] {
                if seenLast.contains(r.pass) { continue }
                seenLast.insert(r.pass)
            }
            used.append(r)
        }

        let x = used.map { Double($0.filesDone) }
        let g = used.map { Int($0.pass) }
        let rss = used.map { mb($0.rssKB) }
        rssSlope = Statistics.leastSquaresSlope(x: x, y: rss, groups: g)?.scaled(by: 1000)
        rssRobust = Statistics.theilSenSlope(x: x, y: rss, groups: g).map { $0 * 1000 }
        rssTrend = Statistics.leastSquaresSlope(x: x, y: rss)?.scaled(by: 1000)
        if let lo = x.first, let hi = x.last {
            let half = (lo + hi) / 2
            let tail = used.indices.filter { x[$0] >= half }
            tailSlope = Statistics.leastSquaresSlope(x: tail.map { x[$0] }, y: tail.map { rss[$0] }, groups: tail.map { g[$0] })?.scaled(by: 1000)
        }
        fileSlope = Statistics.leastSquaresSlope(x: x, y: used.map { mb($0.rssFileKB) }, groups: g)?.scaled(by: 1000)
        fileTrend = Statistics.leastSquaresSlope(x: x, y: used.map { mb($0.rssFileKB) })?.scaled(by: 1000)
        fdsSlope = Statistics.leastSquaresSlope(x: x, y: used.map { Double($0.fds) })?.scaled(by: 1000)
        let withLive = used.filter { $0.heapLiveBytes != nil }
        let lx = withLive.map { Double($0.filesDone) }, lg = withLive.map { Int($0.pass) }
        let live = withLive.map { Double($0.heapLiveBytes!) / 1_048_576 }
        let gap = withLive.map { anonOrTotal($0) - Double($0.heapLiveBytes!) / 1_048_576 }
        liveSlope = Statistics.leastSquaresSlope(x: lx, y: live, groups: lg)?.scaled(by: 1000)
        liveTrend = Statistics.leastSquaresSlope(x: lx, y: live)?.scaled(by: 1000)
        gapSlope = Statistics.leastSquaresSlope(x: lx, y: gap, groups: lg)?.scaled(by: 1000)
        gapTrend = Statistics.leastSquaresSlope(x: lx, y: gap)?.scaled(by: 1000)
        let withHeld = used.filter { $0.heapHeldBytes != nil }
        heldSlope = Statistics.leastSquaresSlope(x: withHeld.map { Double($0.filesDone) }, y: withHeld.map { Double($0.heapHeldBytes!) / 1_048_576 },
                                                 groups: withHeld.map { Int($0.pass) })?.scaled(by: 1000)

        // Floors and peaks.
        for end in passEnds {
            guard let k = rows.firstIndex(where: { $0.tMs >= end }) else { continue }
            let filesAtRelease = rows[k].filesDone
            var low = mb(rows[k].rssKB)
            for r in rows[k...] {
                if r.filesDone > filesAtRelease || r.tMs >= settleStart { break }
                low = min(low, mb(r.rssKB))
            }
            floors.append(low)
        }
        for p in 1...passes {
            if let top = work.filter({ Int(max(1, $0.pass)) == p }).map({ mb($0.rssKB) }).max() { peaks.append(top) }
        }
        floorTolerance = max(tolerance * Double(self.filesPerPass) / 1000, Analyzer.floorMarginMB)
        if floors.count >= 2 {
            floorSlope = Statistics.leastSquaresSlope(x: floors.indices.map(Double.init), y: floors).map(\.estimate)
                ?? (floors[1] - floors[0])
        }

        // Levels.
        let head = Array(used.prefix(5)), tail = Array(work.suffix(5))
        rssStart = Statistics.median(head.map { mb($0.rssKB) })
        rssEnd = Statistics.median(tail.map { mb($0.rssKB) })
        rssPeak = rows.map { mb($0.rssKB) }.max()
        fdsStart = Statistics.median(head.map { Double($0.fds) }).map { Int($0.rounded()) }
        fdsEnd = Statistics.median(tail.map { Double($0.fds) }).map { Int($0.rounded()) }
        writersStart = Statistics.median(head.map { Double($0.openWriters) })
        writersEnd = Statistics.median(tail.map { Double($0.openWriters) })
        if let last = settle.last {
            let lastSecond = settle.filter { $0.tMs >= last.tMs - 1000 }
            rssAfterSettle = Statistics.median(lastSecond.map { mb($0.rssKB) })
            fdsAfterSettle = Statistics.median(lastSecond.map { Double($0.fds) }).map { Int($0.rounded()) }
            anonAfterSettle = Statistics.median(lastSecond.map(anonOrTotal))
            let lives = lastSecond.compactMap(\.heapLiveBytes)
            if let v = Statistics.median(lives.map(Double.init)) ?? settle.last(where: { $0.heapLiveBytes != nil })?.heapLiveBytes.map(Double.init) {
                liveAfterSettle = v / 1_048_576
            }
        }
    }

    func mb(_ kb: Int64) -> Double { Double(kb) / Analyzer.kbPerMB }

    /// Anonymous RSS (where the heap lives) when the sampler read it, else the whole RSS.
    func anonOrTotal(_ r: SampleRow) -> Double { r.rssAnonKB > 0 ? mb(r.rssAnonKB) : mb(r.rssKB) }

    var floorsRise: Bool {
        guard floors.count >= 2, let s = floorSlope, let tol = floorTolerance else { return false }
        return s > tol && floors[floors.count - 1] - floors[floors.count - 2] > tol / 2
    }

    /// Descriptors rose during the work and were not closed by the end of the settle.
    var descriptorsKept: Bool {
        guard let a = fdsStart, let b = fdsEnd, let f = fdsSlope else { return false }
        let last = fdsAfterSettle ?? b
        return b - a >= Analyzer.fdsRise && f.estimate > 0.5 && last - a >= Analyzer.fdsRise
    }

    var growsWithinPass: Bool {
        guard let s = rssSlope, let r = rssRobust else { return false }
        return s.low > tolerance && r > tolerance
    }

    var flat: Bool {
        guard let s = rssSlope, let r = rssRobust, abs(r) <= tolerance else { return false }
        return s.isWithin(tolerance) || (tailSlope?.isWithin(tolerance) ?? false)
    }

    /// The anonymous RSS after the settle is far above the live heap then.
    var keptAfterSettle: Bool {
        guard let anon = anonAfterSettle, let live = liveAfterSettle else { return false }
        return Analyzer.allocatorKeeps(anonMB: anon, liveMB: live)
    }

    /// The allocator keeps far more than the program holds, after everything was released, with a flat live heap.
    var allocatorHold: Bool {
        (liveSlope?.estimate ?? 0) <= tolerance && keptAfterSettle
    }

    var floorsText: String {
        guard let s = floorSlope else { return "" }
        return ", floors \(Analyzer.signed(s)) MB/pass over \(floors.count) passes"
    }

    var slopeText: String {
        guard let s = rssSlope else { return "RSS slope unknown" }
        let robust = rssRobust.map { " (robust \(Analyzer.signed($0)))" } ?? ""
        return "RSS \(Analyzer.describe(s))\(robust)\(passes > 1 ? " within passes" : "")"
    }

    /// The verdict, the cause and the sentence.
    func decide(failure: String?) -> (Verdict, Cause, String) {
        let tol = Analyzer.plain(tolerance)
        if let failure {
            var text = "failed: \(failure)"
            var cause = Cause.none
            if rssSlope != nil {
                text += "; before it stopped, \(slopeText)\(floorsText)"
                if floorsRise || growsWithinPass {
                    let c = self.cause(growth: floorsRise ? (rssTrend?.estimate ?? 0) : (rssSlope?.estimate ?? 0), overall: floorsRise)
                    cause = c.cause
                    text += "; \(c.text)"
                }
            }
            return (.failed, cause, text)
        }
        let after = max(0, totalFiles - warmupFiles)
        if after < thresholds.minFiles {
            return (.inconclusive, .none, "too short: \(after) files after a warm-up of \(warmupFiles), need \(thresholds.minFiles)")
        }
        if used.count < Analyzer.minSamples {
            return (.inconclusive, .none, "too few samples: \(used.count) during the work after the warm-up, need \(Analyzer.minSamples)")
        }
        guard let slope = rssSlope, rssRobust != nil else {
            return (.inconclusive, .none, "files_done did not advance during the sampled work: no slope")
        }
        if floorsRise, let fs = floorSlope, let ft = floorTolerance, let first = floors.first, let settled = rssAfterSettle,
           settled <= first + ft, !descriptorsKept {
            // The floors rose while the work ran, but the settle gave it all back: held, not lost (e.g. jemalloc's decay).
            let c = cause(growth: rssTrend?.estimate ?? slope.estimate, overall: true)
            return (.retention, c.cause, "RSS floors \(Analyzer.signed(fs)) MB/pass over \(floors.count) passes, but \(Analyzer.plain(settled)) MB "
                + "after settle, back to the first floor (\(Analyzer.plain(first)) MB): given back after the work; \(c.text)")
        }
        if floorsRise, let fs = floorSlope, let ft = floorTolerance {
            let c = cause(growth: rssTrend?.estimate ?? slope.estimate, overall: true)
            return (.leak, c.cause, "RSS floors \(Analyzer.signed(fs)) MB/pass over \(floors.count) passes (tolerance \(Analyzer.plain(ft))), "
                + "\(slopeText): memory is not given back; \(c.text)")
        }
        if descriptorsKept, let a = fdsStart, let b = fdsEnd {
            return (.leak, .descriptors, "descriptors \(a) → \(b) over the work and \(fdsAfterSettle ?? b) after settle: never closed; \(slopeText)\(floorsText)")
        }
        if growsWithinPass {
            let c = cause(growth: slope.estimate, overall: false)
            if floors.count >= 2 {
                return (.retention, c.cause, "\(slopeText)\(floorsText): released at each pass end; \(c.text)")
            }
            if let settled = rssAfterSettle, let start = rssStart, let end = rssEnd {
                if settled - start <= 0.5 * (end - start) {
                    return (.retention, c.cause, "\(slopeText), \(Analyzer.plain(end)) MB at the end, \(Analyzer.plain(settled)) MB after settle: released when the work ended; \(c.text)")
                }
                return (.leak, c.cause, "\(slopeText), still \(Analyzer.plain(settled)) MB after settle (\(Analyzer.plain(start)) MB at start): not given back; \(c.text)")
            }
            return (.inconclusive, c.cause, "\(slopeText) with one pass and no settle samples: whether it is released cannot be told")
        }
        if flat {
            if allocatorHold, let anon = anonAfterSettle, let live = liveAfterSettle {
                return (.retention, .allocatorRetention, "\(slopeText)\(floorsText), but \(Analyzer.plain(anon)) MB anonymous RSS after settle against "
                    + "\(Analyzer.plain(live)) MB live heap: memory kept by the allocator, not the program")
            }
            let how = slope.isWithin(tolerance) ? "within ±\(tol)" : "a step, then flat: second half \(tailSlope.map { Analyzer.describe($0) } ?? "")"
            return (.stable, .none, "\(slopeText)\(floorsText): \(how)")
        }
        if floors.count >= 2, let fs = floorSlope, let ft = floorTolerance {
            // Neither growing nor flat within passes, but the floors do not keep rising (rule 3 did not apply): a noisy
            // working set, which may have stepped up once (the first long file) and then held.
            let how = fs <= ft ? "does not accumulate across passes" : "stepped up once, then held (the last floor is not above the one before)"
            if allocatorHold, let anon = anonAfterSettle, let live = liveAfterSettle {
                return (.retention, .allocatorRetention, "\(slopeText)\(floorsText): a noisy working set that \(how), but \(Analyzer.plain(anon)) MB "
                    + "anonymous RSS after settle against \(Analyzer.plain(live)) MB live heap: memory kept by the allocator, not the program")
            }
            return (.stable, .none, "\(slopeText)\(floorsText): a noisy working set (large files come and go) that \(how)")
        }
        if let r = rssRobust, (r > tolerance) != (slope.low > tolerance) || (r < -tolerance) != (slope.high < -tolerance) {
            return (.inconclusive, .none, "\(slopeText)\(floorsText): least squares and the robust slope disagree about ±\(tol)")
        }
        return (.inconclusive, .none, "\(slopeText)\(floorsText): too noisy, the interval straddles ±\(tol)")
    }

    /// The cause of a growth of `growth` MB/1000 files; `overall` compares whole-work trends (a floor leak), else within-pass slopes.
    func cause(growth g: Double, overall: Bool) -> (cause: Cause, text: String) {
        if let a = fdsStart, let b = fdsEnd, b - a >= Analyzer.fdsRise, let f = fdsSlope, f.estimate > 0.5,
           (fdsAfterSettle ?? b) - a >= Analyzer.fdsRise {
            return (.descriptors, "cause descriptors: \(a) → \(b) open, \(Analyzer.signed(f.estimate)) per 1000 files")
        }
        let live = overall ? liveTrend : liveSlope
        let file = overall ? fileTrend : fileSlope
        let writersRise = (writersEnd ?? 0) - (writersStart ?? 0) >= 2
        let fileRise = (file?.estimate ?? 0) >= max(g / 4, 0.5)
        let native = writersRise || fileRise
        let nativeText = writersRise
            ? "open writers \(Int(writersStart ?? 0)) → \(Int(writersEnd ?? 0))"
            : "RssFile \(Analyzer.signed(file?.estimate ?? 0)) MB/1000 files"
        guard let live else {
            if native { return (.nativeBuffers, "cause native-buffers: \(nativeText), no heap statistics") }
            return (.liveHeap, "cause live-heap assumed: no heap statistics (unknown heap)")
        }
        // A live-heap slope whose interval reaches zero does not outweigh an allocator that holds far more than
        // the live heap after the settle (a noisy heap of large files, read at 5 Hz under glibc).
        if live.estimate > 0, live.estimate >= g / 2, !(keptAfterSettle && live.low <= 0) {
            return (.liveHeap, "cause live-heap: live heap \(Analyzer.describe(live))")
        }
        if native {
            return (.nativeBuffers, "cause native-buffers: live heap flat (\(Analyzer.signed(live.estimate)) MB/1000 files), \(nativeText)")
        }
        let gap = (overall ? gapTrend : gapSlope)?.estimate ?? 0
        let held = keptAfterSettle ? ", \(Analyzer.plain(anonAfterSettle ?? 0)) MB anonymous RSS after settle against \(Analyzer.plain(liveAfterSettle ?? 0)) MB live" : ""
        return (.allocatorRetention, "cause allocator-retention: live heap flat (\(Analyzer.signed(live.estimate)) MB/1000 files), RSS minus live heap \(Analyzer.signed(gap)) MB/1000 files\(held)")
    }
}
