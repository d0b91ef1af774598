import Glibc
package import Model

/// The protocol's waits, timed on a running sampler's clock.
extension MeasurementProtocol {
    /// Waits out one quiet window while `sampler` samples; returns its span on the samples' clock.
    package static func quietWindow(sampler: Sampler) -> QuietWindow {
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
    package static func settle(sampler: Sampler, minimumSeconds: Double) -> Bool {
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
            if elapsed >= minimumMs, elapsed >= steadySpanMs, isSteady(recent.map { Units.mb(kilobytes: $0.kb) }) {
                return true
            }
            if elapsed >= capMs { return false }
        }
    }
}
