/// The sequential rule that ends a bisection probe once its answer (grows or flat) is settled, from the samples so far.
///
/// Samples before the warm-up (`warmupFraction` of the run's planned files) are dropped, and so are the samples at a
/// finished pass's last files_done (its release). Nothing is decided before `minFiles` files after the warm-up
/// (max(`min_files`, min(300, files per pass))) and 10 samples. Then, with the RSS slope within passes (least squares
/// with its 95% interval and Theil-Sen, MB per 1000 files) and tolerance t:
/// - grows: the interval is entirely above +t and Theil-Sen is above +t; or descriptors rose by at least 4 with
///   their slope's interval above 0.5 per 1000 files (never closed);
/// - flat: only once a pass has ended (floors need a pass end): the interval is entirely within ±t, Theil-Sen within
///   ±t, descriptors did not rise by 4, and the floor after the first pass (the lowest RSS of the next pass so far)
///   is at most the floor tolerance (max(t × files per pass / 1000, 4 MB)) above the RSS at the start.
/// It cannot see memory that the allocator keeps after the settle (allocator retention is judged after the
/// settle): bisect allocator knobs without early stop.
public struct EarlyStopRule: Sendable, Hashable {
    /// What the rule settled, with the numbers behind it.
    public enum Decision: Sendable, Hashable {
        case grows(String)
        case flat(String)

        /// Whether memory grows.
        public var grows: Bool {
            if case .grows = self { return true }
            return false
        }

        /// The sentence with the numbers.
        public var reason: String {
            switch self {
            case .grows(let s), .flat(let s): s
            }
        }
    }

    /// Slopes within ± this are flat, MB per 1000 files.
    public var tolerance: Double
    /// Files dropped at the start.
    public var warmupFiles: Int
    /// Files needed after the warm-up before anything is decided.
    public var minFiles: Int
    /// The floor after the first pass may be this much above the start, MB.
    public var floorTolerance: Double

    /// The rule for a run of `filesPerPass` × `passes` files under `thresholds`.
    public init(thresholds: Thresholds, filesPerPass: Int, passes: Int) {
        tolerance = thresholds.toleranceMBPer1000Files
        warmupFiles = Int((Double(filesPerPass * passes) * thresholds.warmupFraction).rounded(.up))
        minFiles = max(thresholds.minFiles, min(300, filesPerPass))
        floorTolerance = max(tolerance * Double(filesPerPass) / 1000, Analyzer.floorMarginMB)
    }

    /// The settled answer for the samples so far, or nil while it is not settled.
    public func decide(_ samples: [SampleRow]) -> Decision? {
        let rows = samples.sorted { $0.tMs < $1.tMs }
        guard let last = rows.last else { return nil }
        let currentPass = last.pass
        var lastFiles: [Int64: Int64] = [:]
        for r in rows { lastFiles[r.pass] = max(lastFiles[r.pass] ?? 0, r.filesDone) }
        let used = rows.filter { r in
            r.filesDone >= Int64(warmupFiles) && !(r.pass < currentPass && r.filesDone == lastFiles[r.pass])
        }
        guard let first = used.first, let end = used.last, used.count >= Analyzer.minSamples,
              end.filesDone - Int64(warmupFiles) >= Int64(minFiles) else { return nil }
        let x = used.map { Double($0.filesDone) }
        let rss = used.map { Double($0.rssKB) / Analyzer.kbPerMB }
        let groups = used.map { Int($0.pass) }
        guard let slope = Statistics.leastSquaresSlope(x: x, y: rss, groups: groups)?.scaled(by: 1000),
              let robust = Statistics.theilSenSlope(x: x, y: rss, groups: groups).map({ $0 * 1000 }) else { return nil }
        let slopeText = "RSS \(Analyzer.describe(slope)) (robust \(Analyzer.signed(robust))) after \(end.filesDone) files"
        let tol = Analyzer.plain(tolerance)
        if slope.low > tolerance, robust > tolerance {
            return .grows("\(slopeText): above +\(tol)")
        }
        let fdsRise = end.fds - first.fds
        let fdsSlope = Statistics.leastSquaresSlope(x: x, y: used.map { Double($0.fds) })?.scaled(by: 1000)
        if fdsRise >= Int64(Analyzer.fdsRise), let f = fdsSlope, f.low > 0.5 {
            return .grows("descriptors \(first.fds) → \(end.fds) after \(end.filesDone) files (\(Analyzer.describe(f, unit: "per 1000 files"))): not closed")
        }
        let nextPass = rows.filter { $0.pass == 2 }
        guard nextPass.count >= 3, slope.isWithin(tolerance), abs(robust) <= tolerance, fdsRise < Int64(Analyzer.fdsRise),
              let start = Statistics.median(used.prefix(5).map { Double($0.rssKB) / Analyzer.kbPerMB }) else { return nil }
        let floor = nextPass.map { Double($0.rssKB) / Analyzer.kbPerMB }.min()!
        guard floor - start <= floorTolerance else { return nil }
        return .flat("\(slopeText): within ±\(tol); floor after pass 1 \(Analyzer.plain(floor)) MB against \(Analyzer.plain(start)) MB at the start")
    }
}
