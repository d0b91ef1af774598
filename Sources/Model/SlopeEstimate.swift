/// A slope with its 95% confidence interval, in the caller's units.
public struct SlopeEstimate: Sendable, Hashable, Codable {
    /// The point estimate.
    public var estimate: Double
    /// Lower bound of the 95% interval.
    public var low: Double
    /// Upper bound of the 95% interval.
    public var high: Double

    /// Makes an estimate from its point value and bounds.
    public init(estimate: Double, low: Double, high: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
    }

    /// The same estimate with every figure multiplied by `factor` (a change of units); a negative factor swaps the bounds.
    public func scaled(by factor: Double) -> SlopeEstimate {
        let a = low * factor, b = high * factor
        return SlopeEstimate(estimate: estimate * factor, low: min(a, b), high: max(a, b))
    }

    /// Whether the whole interval lies within ± `tolerance`.
    public func isWithin(_ tolerance: Double) -> Bool { low >= -tolerance && high <= tolerance }
}
