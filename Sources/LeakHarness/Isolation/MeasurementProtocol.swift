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

    /// Waits out one quiet window while `sampler` samples; returns its span on the samples' clock.
    static func quietWindow(sampler: Sampler) -> QuietWindow {
        let start = sampler.elapsedMs()
        let firstSample = sampler.samples.load(ordering: .relaxed)
        while sampler.elapsedMs() - start < quietWindowMs
            || sampler.samples.load(ordering: .relaxed) - firstSample < quietWindowSamples
        {
            usleep(10_000)
        }
        return QuietWindow(startMs: start, endMs: sampler.elapsedMs())
    }

    /// Settles for at least `minimumSeconds`, then until RSS is steady or the cap; true when it became steady.
    static func settle(sampler: Sampler, minimumSeconds: Double) -> Bool {
        let start = sampler.elapsedMs()
        let minimumMs = Int64(minimumSeconds * 1000)
        let capMs = minimumMs + Int64(settleExtraSeconds * 1000)
        var recent: [(t: Int64, kb: Int64)] = []
        recent.reserveCapacity(256)
        while true {
            usleep(20_000)
            let now = sampler.elapsedMs()
            recent.append((now, sampler.lastRSSKB.load(ordering: .relaxed)))
            recent.removeAll { $0.t < now - steadySpanMs }
            let elapsed = now - start
            if elapsed >= minimumMs, elapsed >= steadySpanMs, isSteady(recent.map { Double($0.kb) / 1024 }) {
                return true
            }
            if elapsed >= capMs { return false }
        }
    }

    /// Whether RSS figures (MB) over the steady span lie within the steady range.
    public static func isSteady(_ rssMB: [Double]) -> Bool {
        guard let low = rssMB.min(), let high = rssMB.max() else { return false }
        return high - low <= max(steadyRangeMB, steadyFraction * high)
    }
}
