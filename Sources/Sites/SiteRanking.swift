import Model

/// Classifies and ranks allocation sites from their estimated bytes per pass (pure functions).
///
/// The rule: a site is `growing` when its bytes in the after-release dumps never decrease from one pass to the
/// next (a leaked object, once sampled, stays in every later dump) and rise in total by at least `minimumRise`
/// and by at least `minimumRelativeRise` of the first pass's bytes (so sampling noise on a large working set is
/// not growth). Otherwise it is `held-released` when the pass's peak (`-held` dump) holds at least `minimumRise`
/// more than the dump after the release (retention within a pass), else `steady`. Growing sites rank first by
/// slope, then held-released sites by bytes released, then steady sites by bytes held.
public enum SiteRanking {
    /// What a site's series shows.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Bytes after each pass's release never decrease and rise: a leak.
        case growing
        /// Bytes held at the pass's peak are released at its end: retention.
        case heldReleased = "held-released"
        /// Neither.
        case steady
    }

    /// Thresholds of the rule.
    public struct Rule: Sendable, Hashable {
        /// Smallest total rise (first to last pass) and smallest release called growth or retention, bytes.
        public var minimumRise: Double = Units.bytesPerMB
        /// Smallest total rise relative to the first pass's bytes.
        public var minimumRelativeRise: Double = 0.1

        /// The default thresholds.
        public init() {}
    }

    /// One site's series: estimated bytes after each pass's release and at each pass's peak.
    public struct Series: Sendable, Hashable {
        /// Bytes in `pass-N.heap`, pass 1 first.
        public var after: [Double]
        /// Bytes in `pass-N-held.heap`; empty when there are no held dumps.
        public var held: [Double]

        /// A series.
        public init(after: [Double], held: [Double]) {
            self.after = after
            self.held = held
        }
    }

    /// What the rule concludes about one series.
    public struct Verdict: Sendable, Hashable {
        /// The class of the site.
        public var kind: Kind
        /// Least-squares slope of the after-release bytes per pass.
        public var slopePerPass: Double
        /// Largest bytes at a pass's peak.
        public var heldPeak: Double
        /// Largest bytes released at a pass's end (peak minus after-release).
        public var releasedPeak: Double
        /// Bytes after the last pass's release.
        public var last: Double
    }

    /// Classifies one series.
    public static func classify(_ series: Series, rule: Rule = Rule()) -> Verdict {
        let after = series.after
        let held = series.held.count == after.count ? series.held : after
        let first = after.first ?? 0, last = after.last ?? 0
        let heldPeak = zip(held, after).map { max($0, $1) }.max() ?? 0
        let releasedPeak = zip(held, after).map { max(0, $0 - $1) }.max() ?? 0
        let slope = slopePerPass(after)
        let monotone = zip(after, after.dropFirst()).allSatisfy { $1 >= $0 }
        let rise = last - first
        let kind: Kind
        if after.count >= 2, monotone, rise >= rule.minimumRise, rise >= rule.minimumRelativeRise * first {
            kind = .growing
        } else if releasedPeak >= rule.minimumRise {
            kind = .heldReleased
        } else {
            kind = .steady
        }
        return Verdict(kind: kind, slopePerPass: slope, heldPeak: heldPeak, releasedPeak: releasedPeak, last: last)
    }

    /// Orders named verdicts by the rule: growing by slope, held-released by bytes released, steady by bytes held;
    /// equal keys by name, so the ranks do not depend on the order the sites were found in.
    public static func order<T>(_ items: [(T, Verdict)], name: (T) -> String) -> [(T, Verdict)] {
        func key(_ verdict: Verdict) -> (Int, Double) {
            switch verdict.kind {
            case .growing: (0, -verdict.slopePerPass)
            case .heldReleased: (1, -verdict.releasedPeak)
            case .steady: (2, -verdict.heldPeak)
            }
        }
        return items.map { (item: $0, key: key($0.1), name: name($0.0)) }
            .sorted { ($0.key.0, $0.key.1, $0.name) < ($1.key.0, $1.key.1, $1.name) }
            .map(\.item)
    }

    /// Least-squares slope of `values` against 1, 2, 3...; 0 with fewer than two values.
    public static func slopePerPass(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let n = Double(values.count)
        let meanX = (n + 1) / 2
        let meanY = values.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (index, value) in values.enumerated() {
            let dx = Double(index + 1) - meanX
            sxy += dx * (value - meanY)
            sxx += dx * dx
        }
        return sxy / sxx
    }
}
