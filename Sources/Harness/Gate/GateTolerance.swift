/// How much worse than a baseline a variant may measure before `check` fails it.
///
/// A figure is worse only when it exceeds the baseline by more than both the relative and the absolute tolerance:
/// the allowance is `max(absolute, relative × |baseline|)`.
public struct GateTolerance: Sendable, Hashable, Codable {
    /// Share of the baseline's figure allowed on top of it (0.25: 25%).
    public var relative: Double
    /// Slope allowance in MB per 1000 files (per 1000 of the run's x unit).
    public var slopeMB: Double
    /// Peak RSS allowance in MB.
    public var peakMB: Double

    /// Defaults: 25%, 2 MB/1000 files, 32 MB of peak RSS.
    public init(relative: Double = 0.25, slopeMB: Double = 2, peakMB: Double = 32) {
        self.relative = relative
        self.slopeMB = slopeMB
        self.peakMB = peakMB
    }

    /// The allowance above a baseline slope figure.
    public func slopeAllowance(_ baseline: Double) -> Double { max(slopeMB, relative * abs(baseline)) }

    /// The allowance above a baseline peak.
    public func peakAllowance(_ baseline: Double) -> Double { max(peakMB, relative * abs(baseline)) }
}
