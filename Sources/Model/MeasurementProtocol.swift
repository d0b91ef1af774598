import Foundation

/// How a child measures, so that the decision rule has clean evidence: a quiet window after every pass's release,
/// and a settle that lasts until RSS is steady.
///
/// - Quiet window: after a pass has released its state (futures, kept results, closed writers) the main thread
///   submits nothing for at least `quietWindowMs` and `quietWindowSamples` samples. The last pass has its window
///   too, before the settle begins, so every pass's floor is read the same way.
/// - Settle: at least the variant's `settle` seconds, then until RSS is steady (its range over the last
///   `steadySpanMs` within max(`steadyRangeMB`, `steadyFraction` of RSS)) or `settleExtraSeconds` more have passed.
///   Whether it became steady is recorded; the sampler stops before anything is torn down.
public enum MeasurementProtocol {
    /// Shortest quiet window, milliseconds.
    public static let quietWindowMs: Int64 = 500
    /// Fewest samples in a quiet window.
    public static let quietWindowSamples = 10
    /// RSS is steady when its range over this span...
    public static let steadySpanMs: Int64 = 1000
    /// ...is within this many MB...
    public static let steadyRangeMB = 1.0
    /// ...or this share of RSS, whichever is larger.
    public static let steadyFraction = 0.01
    /// How much longer than its minimum a settle may wait for RSS to become steady, seconds.
    public static let settleExtraSeconds = 10.0

    /// Whether RSS figures (MB) over the steady span lie within the steady range.
    public static func isSteady(_ rssMB: [Double]) -> Bool {
        guard let low = rssMB.min(), let high = rssMB.max() else { return false }
        return high - low <= max(steadyRangeMB, steadyFraction * high)
    }
}
