import Foundation
public import Model

/// Turns one variant's samples into a verdict and a cause (pure: no I/O).
///
/// The samples become `SeriesEvidence` (per-pass floors from the quiet windows, per-pass slopes, the settle) and
/// `DecisionRule` decides from it; this type adds the figures the reports show beside the decision
/// (x = files_done, memory in MB of 1024 kB):
/// - Work samples: before the settle, after the warm-up (`warmupFraction` of the run's files), outside the quiet
///   windows. The RSS slope is a within-pass fit (one intercept per pass, least squares with a 95% Student-t
///   interval, and Theil-Sen within each pass); `rssTrend` is the plain fit over the whole work.
/// - Floors: the robust level of each pass's quiet window after the warm-up; the floor slope is their median
///   increment, MB per pass. Peaks: the maximum RSS of each pass.
/// - Levels after the settle: medians of its last second, before anything was torn down.
public enum Analyzer {
    /// kB per MB: RSS is read in kB from /proc, reported in MB.
    public static let kbPerMB = 1024.0
    /// Fewer work samples after the warm-up: INCONCLUSIVE.
    public static let minSamples = 10

    /// Whether an anonymous RSS of `anonMB` after the settle is memory the allocator keeps beyond a live heap of
    /// `liveMB`, `baselineMB` having been held above it before the work (the rule's own test).
    public static func allocatorKeeps(anonMB: Double, liveMB: Double, baselineMB: Double?) -> Bool {
        DecisionRule.allocatorKeeps(anon: anonMB, live: liveMB, baseline: baselineMB ?? 0)
    }

    /// Analyses one variant's samples; `filesPerPass` defaults to the files of the run divided by its passes.
    public static func analyze(
        samples: [SampleRow], report: ChildReport?, failure: String?, thresholds: Thresholds,
        filesPerPass: Int? = nil
    ) -> VariantAnalysis {
        let evidence = SeriesEvidence(
            samples: samples, report: report, warmupFraction: thresholds.warmupFraction,
            filesPerPass: filesPerPass)
        return analyze(evidence: evidence, samples: samples, report: report, failure: failure, thresholds: thresholds)
    }

    /// Analyses a series whose evidence is already read (a run's passes, or a watched command's windows).
    public static func analyze(
        evidence: SeriesEvidence, samples: [SampleRow], report: ChildReport?, failure: String?,
        thresholds: Thresholds
    ) -> VariantAnalysis {
        let m = Measurements(samples: samples, report: report, thresholds: thresholds, evidence: evidence)
        let limits = DecisionRule.Limits(
            tolerance: thresholds.toleranceMBPer1000Files, xPerSegment: evidence.xPerSegment)
        var decision = DecisionRule.decide(evidence, limits: limits, failure: failure)
        if failure == nil {
            let after = max(0, m.totalFiles - m.warmupFiles)
            if after < thresholds.minFiles {
                decision = .init(
                    verdict: .inconclusive, cause: .none,
                    reason:
                        "too short: \(after) files after a warm-up of \(m.warmupFiles), need \(thresholds.minFiles)",
                    toDecide: "rerun with more files")
            } else if m.used.count < minSamples {
                decision = .init(
                    verdict: .inconclusive, cause: .none,
                    reason: "too few samples: \(m.used.count) during the work after the warm-up, need \(minSamples)",
                    toDecide: "rerun with more files or a shorter sample interval")
            }
        }
        var a = VariantAnalysis(verdict: decision.verdict, cause: decision.cause, reason: decision.reason)
        a.toDecide = decision.toDecide
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
        a.floorsMB = evidence.segments.compactMap(\.floorRSS)
        a.liveFloorsMB = evidence.segments.compactMap(\.floorLive)
        a.fdsFloors = evidence.segments.compactMap(\.floorFds)
        a.passSlopesMBPer1000Files = evidence.segments.compactMap(\.slopeRSS)
        a.peaksMB = m.peaks
        let increments = zip(a.floorsMB.dropFirst(), a.floorsMB).map { $0 - $1 }
        a.floorSlopeMBPerPass = Statistics.median(increments)
        a.floorToleranceMBPerPass = limits.floorTolerance
        a.rssStartMB = m.rssStart
        a.rssEndMB = m.rssEnd
        a.rssPeakMB = m.rssPeak
        a.rssAfterSettleMB = evidence.settle?.rss
        a.rssAnonAfterSettleMB = evidence.settle?.anon
        a.heapLiveAfterSettleMB = evidence.settle?.live
        a.settleSteady = evidence.settle?.steady
        a.anonPeakMB = evidence.anonPeak
        a.baselineGapMB = evidence.baselineGap
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

/// The figures of one series that the reports show beside the decision, computed once.
private struct Measurements {
    var totalFiles = 0
    var warmupFiles = 0
    var passes = 1
    var used: [SampleRow] = []
    var rssSlope: SlopeEstimate?
    var rssRobust: Double?
    var rssTrend: SlopeEstimate?
    var liveSlope: SlopeEstimate?
    var heldSlope: SlopeEstimate?
    var fdsSlope: SlopeEstimate?
    var peaks: [Double] = []
    var rssStart: Double?
    var rssEnd: Double?
    var rssPeak: Double?
    var fdsStart: Int?
    var fdsEnd: Int?

    init(samples: [SampleRow], report: ChildReport?, thresholds: Thresholds, evidence: SeriesEvidence) {
        let rows = SampleRow.ordered(samples, until: report?.settleEndMs)
        guard !rows.isEmpty else { return }
        let settleStart = report?.settleStartMs ?? Int64.max
        let work = rows.filter { $0.tMs < settleStart }
        totalFiles = Int(evidence.totalX)
        warmupFiles = Int(evidence.warmupX)
        let passEnds = report?.passEndMs ?? []
        passes = max(1, passEnds.count, Int(rows.map(\.pass).max() ?? 1))
        let windows = report?.quietWindows ?? []

        // Work samples after the warm-up, without the quiet windows and each pass's release tail.
        var lastFiles: [Int64: Int64] = [:]
        for r in work { lastFiles[r.pass] = max(lastFiles[r.pass] ?? 0, r.filesDone) }
        var seenLast: Set<Int64> = []
        for r in work where r.filesDone >= Int64(warmupFiles) {
            let p = Int(max(1, r.pass))
            if p <= passEnds.count, r.tMs >= passEnds[p - 1] { continue }
            if windows.contains(where: { r.tMs >= $0.startMs && r.tMs <= $0.endMs }) { continue }
            if r.filesDone == lastFiles[r.pass] {
                if seenLast.contains(r.pass) { continue }
                seenLast.insert(r.pass)
            }
            used.append(r)
        }

        let x = used.map { Double($0.filesDone) }
        let g = used.map { Int($0.pass) }
        let rss = used.map { SeriesEvidence.mb($0.rssKB) }
        rssSlope = Statistics.leastSquaresSlope(x: x, y: rss, groups: g)?.scaled(by: 1000)
        rssRobust = Statistics.theilSenSlope(x: x, y: rss, groups: g).map { $0 * 1000 }
        rssTrend = Statistics.leastSquaresSlope(x: x, y: rss)?.scaled(by: 1000)
        fdsSlope = Statistics.leastSquaresSlope(x: x, y: used.map { Double($0.fds) })?.scaled(by: 1000)
        let withLive = used.filter { $0.heapLiveBytes != nil }
        liveSlope = Statistics.leastSquaresSlope(
            x: withLive.map { Double($0.filesDone) },
            y: withLive.compactMap(SeriesEvidence.live),
            groups: withLive.map { Int($0.pass) })?.scaled(by: 1000)
        let withHeld = used.filter { $0.heapHeldBytes != nil }
        heldSlope = Statistics.leastSquaresSlope(
            x: withHeld.map { Double($0.filesDone) },
            y: withHeld.map { Units.mb(bytes: $0.heapHeldBytes!) },
            groups: withHeld.map { Int($0.pass) })?.scaled(by: 1000)
        for p in 1...passes {
            if let top = work.filter({ Int(max(1, $0.pass)) == p }).map({ SeriesEvidence.mb($0.rssKB) }).max() {
                peaks.append(top)
            }
        }
        let head = Array(used.prefix(5)), tail = Array(work.suffix(5))
        rssStart = Statistics.median(head.map { SeriesEvidence.mb($0.rssKB) })
        rssEnd = Statistics.median(tail.map { SeriesEvidence.mb($0.rssKB) })
        rssPeak = rows.map { SeriesEvidence.mb($0.rssKB) }.max()
        fdsStart = Statistics.median(head.map { Double($0.fds) }).map { Int($0.rounded()) }
        fdsEnd = Statistics.median(tail.map { Double($0.fds) }).map { Int($0.rounded()) }
    }
}
