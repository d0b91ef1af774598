/// What the analysis found in one variant's samples: the figures, the verdict, the cause and one sentence why.
///
/// Memory figures are in MB of 1024 kB (as /proc's kB), slopes per 1000 files processed, floor slopes per pass.
public struct VariantAnalysis: Sendable, Hashable, Codable {
    /// The decision.
    public var verdict: Verdict
    /// Why memory grows; `.none` when it does not or the verdict is undecided.
    public var cause: Cause
    /// One sentence with the numbers behind the verdict.
    public var reason: String
    /// For INCONCLUSIVE: what would decide it, e.g. "rerun with --passes 6".
    public var toDecide: String?

    /// Samples read, and those used for the slopes (during the work, after the warm-up).
    public var sampleCount: Int = 0
    /// Samples used for the slopes.
    public var workSampleCount: Int = 0
    /// Files processed over all passes.
    public var files: Int = 0
    /// Files dropped as warm-up.
    public var warmupFiles: Int = 0
    /// Passes seen (from the child's report or the samples).
    public var passes: Int = 0

    /// RSS slope within passes, MB per 1000 files, least squares with its 95% interval.
    public var rssSlope: SlopeEstimate?
    /// RSS slope within passes, MB per 1000 files, Theil-Sen.
    public var rssRobustSlope: Double?
    /// RSS slope over the whole work, passes ignored, MB per 1000 files.
    public var rssTrend: SlopeEstimate?
    /// Live heap slope within passes, MB per 1000 files.
    public var heapLiveSlope: SlopeEstimate?
    /// Held heap slope within passes, MB per 1000 files.
    public var heapHeldSlope: SlopeEstimate?
    /// Descriptor slope over the whole work, descriptors per 1000 files.
    public var fdsSlope: SlopeEstimate?

    /// RSS floor of each pass after the warm-up (the robust level of its quiet window), MB.
    public var floorsMB: [Double] = []
    /// Live-heap floor of each pass after the warm-up, MB; empty without heap statistics.
    public var liveFloorsMB: [Double] = []
    /// Descriptor floor of each pass after the warm-up.
    public var fdsFloors: [Double] = []
    /// Theil-Sen RSS slope within each pass after the warm-up, MB per 1000 files.
    public var passSlopesMBPer1000Files: [Double] = []
    /// Maximum RSS during each pass, MB.
    public var peaksMB: [Double] = []
    /// Median increment of the floors from pass to pass, MB per pass.
    public var floorSlopeMBPerPass: Double?
    /// The rise of the floors that counts as a leak, MB per pass.
    public var floorToleranceMBPerPass: Double?

    /// RSS just after the warm-up (median of the first five samples used), MB.
    public var rssStartMB: Double?
    /// RSS when the work ended (median of the last five work samples), MB.
    public var rssEndMB: Double?
    /// Highest RSS sampled, MB.
    public var rssPeakMB: Double?
    /// RSS at the end of the settle phase (median of its last second), MB.
    public var rssAfterSettleMB: Double?
    /// Whether RSS became steady before the settle's cap; nil without a settle.
    public var settleSteady: Bool?
    /// Highest anonymous RSS of the work after the warm-up, MB.
    public var anonPeakMB: Double?
    /// Anonymous RSS above the live heap before the work, MB.
    public var baselineGapMB: Double?
    /// Anonymous RSS at the end of the settle phase, MB.
    public var rssAnonAfterSettleMB: Double?
    /// Live heap at the end of the settle phase, MB.
    public var heapLiveAfterSettleMB: Double?
    /// Descriptors open just after the warm-up.
    public var fdsStart: Int?
    /// Descriptors open when the work ended.
    public var fdsEnd: Int?

    /// Makes an analysis with only its decision; the figures default to empty.
    public init(verdict: Verdict, cause: Cause, reason: String) {
        self.verdict = verdict
        self.cause = cause
        self.reason = reason
    }
}
