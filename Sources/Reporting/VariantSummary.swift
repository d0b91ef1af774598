public import Model

/// One variant's line of `summary.json`: what ran, what it measured and what was decided.
///
/// Memory in MB of 1024 kB, slopes per 1000 files processed; optional figures are absent when not measured.
public struct VariantSummary: Sendable, Hashable, Codable {
    /// How the child ended.
    public struct Exit: Sendable, Hashable, Codable {
        /// Exit status, when the child exited.
        public var status: Int32?
        /// Signal that ended it, when one did.
        public var signal: Int32?
        /// Why the variant failed; absent when it did not.
        public var failure: String?

        /// Makes an exit record.
        public init(status: Int32?, signal: Int32?, failure: String?) {
            self.status = status
            self.signal = signal
            self.failure = failure
        }
    }

    /// The variant's name.
    public var name: String
    /// Every knob of its configuration.
    public var knobs: [String: String]
    /// The knobs it sets against the scenario's base.
    public var overrides: [String: String]
    /// The allocator the child found itself running on (or the knob, when the child did not say).
    public var allocator: String
    /// Files processed over all passes.
    public var files: Int
    /// Passes seen.
    public var passes: Int
    /// Seconds of pipeline work, settle excluded.
    public var seconds: Double
    /// Files per second of work.
    public var filesPerS: Double
    /// Samples in the CSV.
    public var samples: Int
    /// RSS just after the warm-up, MB.
    public var rssStartMB: Double?
    /// RSS when the work ended, MB.
    public var rssEndMB: Double?
    /// Highest RSS sampled, MB.
    public var rssPeakMB: Double?
    /// RSS at the end of the settle phase, MB.
    public var rssAfterSettleMB: Double?
    /// Anonymous RSS (where the heap lives) at the end of the settle phase, MB.
    public var rssAnonAfterSettleMB: Double?
    /// Live heap at the end of the settle phase, MB.
    public var heapLiveAfterSettleMB: Double?
    /// Highest anonymous RSS of the work after the warm-up, MB: what the allocator test compares with.
    public var rssAnonPeakMB: Double?
    /// Anonymous RSS above the live heap before the work, MB: what the allocator test leaves out.
    public var baselineGapMB: Double?
    /// Whether RSS became steady before the settle's cap; absent without a settle.
    public var settleSteady: Bool?
    /// Where glibc's free memory sat at the end of the settle (`malloc_info`); absent under jemalloc.
    public var glibcHeap: GlibcHeapLayout?
    /// Descriptors open after the warm-up.
    public var fdsStart: Int?
    /// Descriptors open when the work ended.
    public var fdsEnd: Int?
    /// How the child ended.
    public var exit: Exit
    /// Files skipped, by reason.
    public var skipped: [String: Int]
    /// What memory does, as decided.
    public var verdict: Verdict
    /// Why it grows; `none` when it does not.
    public var cause: Cause
    /// One sentence with the numbers behind the verdict.
    public var reason: String
    /// For INCONCLUSIVE: what would decide it.
    public var toDecide: String?
    /// Set when the child ended its passes once the rule had settled: passes run of those configured, files done.
    public var decidedEarly: EarlyDecision?
    /// Whether jemalloc's unused pages were purged at the start of the settle instead of waiting for its decay.
    public var jemallocPurged: Bool?
    /// RSS slope within passes, least squares with its 95% interval.
    public var slopeMBPer1000Files: SlopeEstimate?
    /// RSS slope within passes, Theil-Sen.
    public var robustSlopeMBPer1000Files: Double?
    /// Median increment of the pass floors, MB per pass.
    public var floorSlopeMBPerPass: Double?
    /// RSS floor of each pass after the warm-up: the robust level of its quiet window.
    public var floorsMB: [Double]
    /// Live-heap floor of each pass after the warm-up; empty without heap statistics.
    public var liveFloorsMB: [Double]?
    /// Descriptor floor of each pass after the warm-up.
    public var fdsFloors: [Double]?
    /// Theil-Sen RSS slope within each pass after the warm-up, MB per 1000 files.
    public var passSlopesMBPer1000Files: [Double]?
    /// Maximum RSS of each pass.
    public var peaksMB: [Double]
    /// Live-heap slope within passes, MB per 1000 files.
    public var heapLiveSlopeMBPer1000Files: Double?
    /// Descriptor slope over the work, per 1000 files.
    public var fdsSlopePer1000Files: Double?
    /// What the scenario expects of this variant.
    public var expect: Expectation?
    /// Whether the verdict and cause meet `expect`; absent without one.
    public var expectationMet: Bool?
    /// What the case study observed for this step.
    public var document: String?

    enum CodingKeys: String, CodingKey {
        case name, knobs, overrides, allocator, files, passes, seconds, samples, exit, skipped, verdict, cause, reason,
            expect, document
        case filesPerS = "files_per_s"
        case rssStartMB = "rss_start_mb"
        case rssEndMB = "rss_end_mb"
        case rssPeakMB = "rss_peak_mb"
        case rssAfterSettleMB = "rss_after_settle_mb"
        case heapLiveAfterSettleMB = "heap_live_after_settle_mb"
        case rssAnonAfterSettleMB = "rss_anon_after_settle_mb"
        case rssAnonPeakMB = "rss_anon_peak_mb"
        case baselineGapMB = "baseline_gap_mb"
        case settleSteady = "settle_steady"
        case toDecide = "to_decide"
        case decidedEarly = "decided_early"
        case jemallocPurged = "jemalloc_purged"
        case liveFloorsMB = "live_floors_mb"
        case fdsFloors = "fds_floors"
        case passSlopesMBPer1000Files = "pass_slopes_mb_per_1000_files"
        case glibcHeap = "glibc_heap"
        case fdsStart = "fds_start"
        case fdsEnd = "fds_end"
        case slopeMBPer1000Files = "slope_mb_per_1000_files"
        case robustSlopeMBPer1000Files = "robust_slope_mb_per_1000_files"
        case floorSlopeMBPerPass = "floor_slope_mb_per_pass"
        case floorsMB = "floors_mb"
        case peaksMB = "peaks_mb"
        case heapLiveSlopeMBPer1000Files = "heap_live_slope_mb_per_1000_files"
        case fdsSlopePer1000Files = "fds_slope_per_1000_files"
        case expectationMet = "expectation_met"
    }

    /// Builds a variant's summary from how it ended and what the analysis found; figures rounded to 0.001.
    public init(outcome: VariantOutcome, analysis: VariantAnalysis, sampleCount: Int) {
        let r3 = { (x: Double) in (x * 1000).rounded() / 1000 }
        name = outcome.name
        knobs = outcome.settings.text
        overrides = Dictionary(uniqueKeysWithValues: outcome.overrides.map { ($0.key.rawValue, $0.value) })
        let loaded = outcome.report?.allocatorLoaded ?? ""
        allocator = loaded.isEmpty ? (outcome.settings.allocator?.rawValue ?? "unknown") : loaded
        files = outcome.report?.files ?? analysis.files
        passes = analysis.passes
        seconds = r3(outcome.report?.seconds ?? outcome.wallSeconds)
        filesPerS = seconds > 0 ? r3(Double(files) / seconds) : 0
        samples = sampleCount
        rssStartMB = analysis.rssStartMB.map(r3)
        rssEndMB = analysis.rssEndMB.map(r3)
        rssPeakMB = analysis.rssPeakMB.map(r3)
        rssAfterSettleMB = analysis.rssAfterSettleMB.map(r3)
        heapLiveAfterSettleMB = analysis.heapLiveAfterSettleMB.map(r3)
        rssAnonAfterSettleMB = analysis.rssAnonAfterSettleMB.map(r3)
        rssAnonPeakMB = analysis.anonPeakMB.map(r3)
        baselineGapMB = analysis.baselineGapMB.map(r3)
        settleSteady = analysis.settleSteady
        glibcHeap = outcome.report?.glibcHeap
        fdsStart = analysis.fdsStart
        fdsEnd = analysis.fdsEnd
        exit = Exit(
            status: outcome.exitStatus, signal: outcome.signal, failure: outcome.failure ?? outcome.report?.failure)
        skipped = outcome.report?.skipped ?? [:]
        verdict = analysis.verdict
        cause = analysis.cause
        reason = analysis.reason
        toDecide = analysis.toDecide
        decidedEarly = outcome.report?.decidedEarly
        jemallocPurged = outcome.report?.jemallocPurged
        slopeMBPer1000Files = analysis.rssSlope.map {
            SlopeEstimate(estimate: r3($0.estimate), low: r3($0.low), high: r3($0.high))
        }
        robustSlopeMBPer1000Files = analysis.rssRobustSlope.map(r3)
        floorSlopeMBPerPass = analysis.floorSlopeMBPerPass.map(r3)
        floorsMB = analysis.floorsMB.map(r3)
        liveFloorsMB = analysis.liveFloorsMB.map(r3)
        fdsFloors = analysis.fdsFloors.map(r3)
        passSlopesMBPer1000Files = analysis.passSlopesMBPer1000Files.map(r3)
        peaksMB = analysis.peaksMB.map(r3)
        heapLiveSlopeMBPer1000Files = analysis.heapLiveSlope.map { r3($0.estimate) }
        fdsSlopePer1000Files = analysis.fdsSlope.map { r3($0.estimate) }
        expect = outcome.expect
        expectationMet = outcome.expect?.isMet(verdict: analysis.verdict, cause: analysis.cause)
        document = outcome.document
    }
}
