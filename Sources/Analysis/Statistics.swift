import Foundation
public import Model

/// Pure statistics over arrays of numbers: medians, least-squares and Theil-Sen slopes, Student's t quantiles.
///
/// No I/O and no state; every function is deterministic.
public enum Statistics {
    /// The median of `values`; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Kendall's tau of `y` against `x`: +1 when y rises with x at every pair, -1 when it falls, near 0 without a
    /// monotone trend (a spike among flat values included). Above `maxPoints` points every k-th point is used.
    /// Nil with fewer than three points.
    public static func kendallTau(x: [Double], y: [Double], maxPoints: Int = 400) -> Double? {
        precondition(x.count == y.count, "series of different lengths")
        let step = max(1, (x.count + maxPoints - 1) / maxPoints)
        let idx = Swift.stride(from: 0, to: x.count, by: step).map { $0 }
        guard idx.count >= 3 else { return nil }
        var concordant = 0.0, discordant = 0.0
        for a in 0..<idx.count {
            for b in (a + 1)..<idx.count {
                let s = (x[idx[b]] - x[idx[a]]) * (y[idx[b]] - y[idx[a]])
                if s > 0 { concordant += 1 } else if s < 0 { discordant += 1 }
            }
        }
        let pairs = Double(idx.count * (idx.count - 1) / 2)
        return (concordant - discordant) / pairs
    }

    /// Wilson's 95% interval for a share of `successes` in `trials` ((0, 1) when there are no trials).
    public static func wilsonInterval(successes: Int, trials: Int, z: Double = 1.959964) -> (low: Double, high: Double)
    {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials), p = Double(successes) / n
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// The arithmetic mean of `values`; nil when empty.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Least-squares slope of `y` against `x` with a 95% interval from Student's t.
    ///
    /// With `groups`, each group gets its own intercept and the slope is the one common to all groups
    /// (a pooled within-group fit: the growth within each pass, whatever the level each pass starts at).
    /// Nil when there are fewer than three points per degree of freedom needed or `x` does not vary.
    public static func leastSquaresSlope(
        x: [Double], y: [Double], groups: [Int]? = nil, confidence: Double = 0.95
    ) -> SlopeEstimate? {
        precondition(x.count == y.count && (groups == nil || groups!.count == x.count), "series of different lengths")
        let n = x.count
        let g = groups ?? Array(repeating: 0, count: n)
        var sums: [Int: (sx: Double, sy: Double, n: Double)] = [:]
        for i in 0..<n {
            let s = sums[g[i], default: (0, 0, 0)]
            sums[g[i]] = (s.sx + x[i], s.sy + y[i], s.n + 1)
        }
        let df = n - sums.count - 1
        guard df >= 1 else { return nil }
        var sxx = 0.0, sxy = 0.0
        var dx = [Double](repeating: 0, count: n), dy = dx
        for i in 0..<n {
            let s = sums[g[i]]!
            dx[i] = x[i] - s.sx / s.n
            dy[i] = y[i] - s.sy / s.n
            sxx += dx[i] * dx[i]
            sxy += dx[i] * dy[i]
        }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx
        var sse = 0.0
        for i in 0..<n {
            let r = dy[i] - b * dx[i]
            sse += r * r
        }
        let se = (sse / Double(df) / sxx).squareRoot()
        let t = tQuantile(probability: 1 - (1 - confidence) / 2, degreesOfFreedom: Double(df))
        return SlopeEstimate(estimate: b, low: b - t * se, high: b + t * se)
    }

    /// Theil-Sen slope: the median of the slopes of every pair of points (within the same group when `groups` is given).
    ///
    /// Robust to outliers and steps that involve fewer than half the pairs. Above `maxPoints` points, every k-th
    /// point is used (deterministic) so the cost stays near `maxPoints`² / 2 pairs. Nil when no pair has distinct x.
    public static func theilSenSlope(x: [Double], y: [Double], groups: [Int]? = nil, maxPoints: Int = 400) -> Double? {
        precondition(x.count == y.count && (groups == nil || groups!.count == x.count), "series of different lengths")
        let stride = max(1, (x.count + maxPoints - 1) / maxPoints)
        let idx = Array(Swift.stride(from: 0, to: x.count, by: stride))
        var slopes: [Double] = []
        slopes.reserveCapacity(idx.count * (idx.count - 1) / 2)
        for a in 0..<idx.count {
            let i = idx[a]
            for b in (a + 1)..<idx.count {
                let j = idx[b]
                if let g = groups, g[i] != g[j] { continue }
                let d = x[j] - x[i]
                if d != 0 { slopes.append((y[j] - y[i]) / d) }
            }
        }
        return median(slopes)
    }

    /// The quantile of Student's t distribution: the t below which `probability` of the mass lies.
    ///
    /// Exact to about 1e-10: the CDF comes from the regularized incomplete beta function and is inverted by bisection.
    /// `degreesOfFreedom` may be fractional; infinity gives the normal quantile.
    public static func tQuantile(probability p: Double, degreesOfFreedom df: Double) -> Double {
        precondition(p > 0 && p < 1 && df > 0, "quantile needs 0 < p < 1 and df > 0")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -tQuantile(probability: 1 - p, degreesOfFreedom: df) }
        if df == 1 { return tan(Double.pi * (p - 0.5)) }
        if df == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        var lo = 0.0, hi = 1.0
        while tCDF(hi, degreesOfFreedom: df) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if tCDF(mid, degreesOfFreedom: df) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 * max(1, hi) { break }
        }
        return (lo + hi) / 2
    }

    /// The cumulative distribution function of Student's t.
    public static func tCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if df.isInfinite { return 0.5 * erfc(-t / 2.0.squareRoot()) }
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: df / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnBeta + lnPowers
        let front = exp(lnFront)
        if x > (a + 1) / (a + b + 2) {
            return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
        }
        return front * betaContinuedFraction(x, a: a, b: b) / a
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let m2 = 2 * m
            let even: Double = m * (b - m) * x
            var aa: Double = even / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd: Double = -(a + m) * (a + b + m) * x
            aa = odd / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-15 { break }
        }
        return h
    }
}
