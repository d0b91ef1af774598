import Foundation
public import Model

/// What one series says, segment by segment: the figures the decision rule reads, and nothing else.
///
/// A segment is a pass of a run (its work, then its quiet window) or, for `watch`, a window of time or of the
/// progress count. Memory is in MB of 1024 kB, slopes in MB per 1000 units of x (files, items or milliseconds).
public struct SeriesEvidence: Sendable, Hashable, Codable {
    /// One segment's levels and slopes.
    public struct Segment: Sendable, Hashable, Codable {
        /// 1-based pass or window number.
        public var index: Int
        /// x at the segment's end (files done when its quiet window began).
        public var endX: Double
        /// Robust levels of the segment's quiet window: the median of the window's second half.
        public var floorRSS: Double?
        public var floorAnon: Double?
        public var floorLive: Double?
        public var floorFds: Double?
        public var floorWriters: Double?
        public var floorFile: Double?
        /// Theil-Sen slopes of the segment's work after the warm-up, MB per 1000 x.
        public var slopeRSS: Double?
        public var slopeLive: Double?
        public var slopeFile: Double?
        /// Kendall's tau of the live heap against x within the segment's work: near 1 when it accumulates.
        public var tauLive: Double?
        /// Highest RSS of the segment's work, MB.
        public var peakRSS: Double?
        /// Highest live heap of the segment's work, MB.
        public var peakLive: Double?

        /// A segment with no figures yet.
        public init(index: Int, endX: Double) {
            self.index = index
            self.endX = endX
        }
    }

    /// What the series showed after the work, everything released.
    public struct Settle: Sendable, Hashable, Codable {
        /// Medians over the settle's last second, before anything was torn down.
        public var rss: Double
        public var anon: Double
        public var live: Double?
        public var fds: Double
        /// Whether RSS became steady before the settle's cap.
        public var steady: Bool
        /// Seconds the settle lasted.
        public var seconds: Double
    }

    /// Segments whose floors count (after the warm-up), in order.
    public var segments: [Segment] = []
    /// Segments seen in all, warm-up included.
    public var segmentsSeen = 0
    /// Units of x per segment (files per pass, or the window's span).
    public var xPerSegment: Double = 0
    /// x dropped as warm-up.
    public var warmupX: Double = 0
    /// x at the end of the series' work.
    public var totalX: Double = 0
    /// Work samples after the warm-up.
    public var workSamples = 0
    /// Whether the allocator's live heap was read.
    public var heapKnown = false
    /// The live heap's slope within passes pooled over them (one intercept per pass, least squares), MB per 1000 x:
    /// for passes too short for three heap readings each.
    public var pooledLiveSlope: Double?
    /// Highest anonymous RSS of the work after the warm-up, MB.
    public var anonPeak: Double?
    /// Anonymous RSS above the live heap before the work (median of the first samples with a live heap), MB.
    public var baselineGap: Double?
    /// Descriptors when the work began (after the warm-up): median of the first five samples.
    public var fdsStart: Double?
    /// After the settle; nil when the series has none (a watched command, a child that failed).
    public var settle: Settle?
    /// The word for a segment in sentences: "pass" or "window".
    public var segmentWord = "pass"

    /// An empty evidence.
    public init() {}

    /// Evidence of a run's variant: passes with their quiet windows from `report`, or, for samples recorded without
    /// quiet windows, the samples from each pass's release until the next pass's files advance.
    public init(samples: [SampleRow], report: ChildReport?, warmupFraction: Double, filesPerPass: Int?) {
        let rows = SampleRow.ordered(samples, until: report?.settleEndMs)
        guard !rows.isEmpty else { return }
        let settleStart = report?.settleStartMs ?? Int64.max
        let maxFiles = Double(rows.map(\.filesDone).max() ?? 0)
        totalX = max(Double(report?.files ?? 0), maxFiles)
        let passEnds = report?.passEndMs ?? []
        let passes = max(1, passEnds.count, Int(rows.map(\.pass).max() ?? 1))
        xPerSegment = Double(filesPerPass ?? max(1, (Int(totalX) + passes - 1) / passes))
        // The warm-up is a share of the run as configured: a run whose passes ended early drops the same files.
        warmupX = (max(totalX, Double(report?.plannedFiles ?? 0)) * warmupFraction).rounded(.up)
        var windows = (report?.quietWindows ?? []).map { ($0.startMs, $0.endMs) }
        if windows.isEmpty {
            windows = passEnds.map { end in
                let k = rows.firstIndex { $0.tMs >= end }
                let files = k.map { rows[$0].filesDone } ?? 0
                let stop =
                    rows.first { $0.tMs >= end && ($0.filesDone > files || $0.tMs >= settleStart) }?.tMs ?? settleStart
                return (end, max(end, stop - 1))
            }
        }
        // A pass's work ends at its release. The samples of a finished pass after its quiet window (taken while the
        // child decides whether to run another, or before the next pass's first file) lie at the floor: they are
        // not the next pass's first work samples.
        let work = rows.filter { r in
            let p = Int(max(1, r.pass))
            return r.tMs < settleStart && !(p <= passEnds.count && r.tMs >= passEnds[p - 1])
        }
        var previousEnd = Int64.min
        for (i, window) in windows.enumerated() {
            let inWindow = rows.filter { $0.tMs >= window.0 && $0.tMs <= window.1 }
            let passWork = work.filter { $0.tMs > previousEnd && $0.tMs < window.0 && Double($0.filesDone) >= warmupX }
            previousEnd = window.1
            segmentsSeen += 1
            let endX = Double(inWindow.first?.filesDone ?? passWork.last?.filesDone ?? 0)
            guard endX > warmupX else { continue }
            var segment = Self.levels(of: inWindow, index: i + 1, endX: endX)
            Self.slopes(of: passWork, into: &segment)
            segments.append(segment)
        }
        let outside = work.filter { r in
            Double(r.filesDone) >= warmupX && !windows.contains { r.tMs >= $0.0 && r.tMs <= $0.1 }
        }
        fill(work: outside)
        baselineGap = Self.baselineGap(rows)
        let withLive = outside.filter { $0.heapLiveBytes != nil }
        pooledLiveSlope = Statistics.leastSquaresSlope(
            x: withLive.map { Double($0.filesDone) },
            y: withLive.compactMap(Self.live),
            groups: withLive.map { Int($0.pass) }
        )
        .map { $0.estimate * 1000 }
        let settleRows = rows.filter { $0.tMs >= settleStart }
        settle = Self.settle(of: settleRows, steady: report?.settleSteady)
    }

    /// Evidence of a watched command: its x range after the warm-up cut into `windows` equal windows (four: three
    /// increments, enough for a claim), each series' floor the median of its lowest quarter in the window, its slope
    /// Theil-Sen over the window. The samples from the report's
    /// `settleStartMs` on (the command's tail after its progress count last moved) are its settle.
    public init(
        watched samples: [SampleRow], report: ChildReport? = nil, warmupFraction: Double, windows count: Int = 4
    ) {
        let all = SampleRow.ordered(samples, until: nil)
        let settleStart = report?.settleStartMs ?? Int64.max
        let settleRows = all.filter { $0.tMs >= settleStart }
        let rows = settleRows.count >= 2 ? all.filter { $0.tMs < settleStart } : all
        segmentWord = "window"
        baselineGap = Self.baselineGap(all)
        // watch cannot make the command wait: its tail is taken as it is, and only its length is checked.
        if let first = settleRows.first, let last = settleRows.last {
            settle = Self.settle(of: settleRows, steady: last.tMs - first.tMs >= MeasurementProtocol.steadySpanMs)
        }
        guard let first = rows.first, let last = rows.last, last.filesDone > first.filesDone else { return }
        let x0 = Double(first.filesDone), x1 = Double(last.filesDone)
        totalX = x1 - x0
        warmupX = x0 + (totalX * warmupFraction).rounded(.up)
        xPerSegment = (x1 - warmupX) / Double(max(1, count))
        let work = rows.filter { Double($0.filesDone) >= warmupX }
        for i in 0..<count where xPerSegment > 0 {
            let lo = warmupX + Double(i) * xPerSegment, hi = lo + xPerSegment
            let inside = work.filter { Double($0.filesDone) >= lo && (Double($0.filesDone) < hi || i == count - 1) }
            segmentsSeen += 1
            guard inside.count >= 4 else { continue }
            var segment = Self.lowLevels(of: inside, index: i + 1, endX: hi)
            Self.slopes(of: inside, into: &segment)
            segments.append(segment)
        }
        fill(work: work)
    }

    static func mb(_ kb: Int64) -> Double { Units.mb(kilobytes: kb) }

    /// Anonymous RSS (where the heap lives) when the sampler read it, else the whole RSS.
    static func anon(_ r: SampleRow) -> Double { r.rssAnonKB > 0 ? mb(r.rssAnonKB) : mb(r.rssKB) }

    static func live(_ r: SampleRow) -> Double? { r.heapLiveBytes.map { Units.mb(bytes: $0) } }

    /// Floors of a quiet window: medians of its second half (or of all of it, for `wholeWindow`).
    static func levels(of window: [SampleRow], index: Int, endX: Double, wholeWindow: Bool = false) -> Segment {
        var s = Segment(index: index, endX: endX)
        guard !window.isEmpty else { return s }
        let half = wholeWindow ? window : Array(window.suffix(max(1, (window.count + 1) / 2)))
        s.floorRSS = Statistics.median(half.map { mb($0.rssKB) })
        s.floorAnon = Statistics.median(half.map(anon))
        s.floorFds = Statistics.median(half.map { Double($0.fds) })
        s.floorWriters = Statistics.median(half.map { Double($0.openWriters) })
        s.floorFile = Statistics.median(half.map { mb($0.rssFileKB) })
        let lives = half.compactMap(live)
        s.floorLive = Statistics.median(lives.isEmpty ? window.compactMap(live) : lives)
        return s
    }

    /// Floors of a window of a watched command: each series' own lowest quarter, its median.
    static func lowLevels(of window: [SampleRow], index: Int, endX: Double) -> Segment {
        var s = Segment(index: index, endX: endX)
        func low(_ values: [Double]) -> Double? {
            Statistics.median(Array(values.sorted().prefix(max(2, values.count / 4))))
        }
        s.floorRSS = low(window.map { mb($0.rssKB) })
        s.floorAnon = low(window.map(anon))
        s.floorFds = low(window.map { Double($0.fds) })
        s.floorWriters = low(window.map { Double($0.openWriters) })
        s.floorFile = low(window.map { mb($0.rssFileKB) })
        let lives = window.compactMap(live)
        s.floorLive = lives.isEmpty ? nil : low(lives)
        return s
    }

    /// Within-segment Theil-Sen slopes of `work`, MB per 1000 x; none from fewer than five samples.
    static func slopes(of work: [SampleRow], into s: inout Segment) {
        s.peakRSS = work.map { mb($0.rssKB) }.max()
        s.peakLive = work.compactMap(live).max()
        guard work.count >= 5 else { return }
        let x = work.map { Double($0.filesDone) }
        guard let lo = x.min(), let hi = x.max(), hi > lo else { return }
        s.slopeRSS = Statistics.theilSenSlope(x: x, y: work.map { mb($0.rssKB) }).map { $0 * 1000 }
        s.slopeFile = Statistics.theilSenSlope(x: x, y: work.map { mb($0.rssFileKB) }).map { $0 * 1000 }
        let withLive = work.filter { $0.heapLiveBytes != nil }
        if withLive.count >= 3 {
            let lx = withLive.map { Double($0.filesDone) }, ly = withLive.compactMap(live)
            s.slopeLive = Statistics.theilSenSlope(x: lx, y: ly).map { $0 * 1000 }
            s.tauLive = Statistics.kendallTau(x: lx, y: ly)
        }
    }

    /// Anonymous RSS above the live heap in the first samples that read the heap.
    static func baselineGap(_ rows: [SampleRow]) -> Double? {
        let first = rows.filter { $0.heapLiveBytes != nil }.prefix(3)
        return Statistics.median(first.map { anon($0) - (live($0) ?? 0) })
    }

    mutating func fill(work: [SampleRow]) {
        workSamples = work.count
        heapKnown = work.contains { $0.heapLiveBytes != nil }
        anonPeak = work.map(Self.anon).max()
        fdsStart = Statistics.median(work.prefix(5).map { Double($0.fds) })
    }

    /// The settle's figures over its last second; `steady` from the child, else judged from those samples.
    static func settle(of rows: [SampleRow], steady: Bool?) -> Settle? {
        guard let last = rows.last, let first = rows.first else { return nil }
        let lastSecond = rows.filter { $0.tMs >= last.tMs - MeasurementProtocol.steadySpanMs }
        let rss = lastSecond.map { mb($0.rssKB) }
        let lives = lastSecond.compactMap(live)
        return Settle(
            rss: Statistics.median(rss) ?? 0,
            anon: Statistics.median(lastSecond.map(anon)) ?? 0,
            live: Statistics.median(lives) ?? rows.last { $0.heapLiveBytes != nil }.flatMap(live),
            fds: Statistics.median(lastSecond.map { Double($0.fds) }) ?? 0,
            steady: steady
                ?? (last.tMs - first.tMs >= MeasurementProtocol.steadySpanMs && MeasurementProtocol.isSteady(rss)),
            seconds: Double(last.tMs - first.tMs) / 1000)
    }
}

extension SeriesEvidence {
    /// The RSS floor of each quiet window of `report`, in order (nil for a window without samples): what a chart
    /// marks on each window.
    public static func windowFloorsRSS(samples: [SampleRow], report: ChildReport?) -> [Double?] {
        let rows = SampleRow.ordered(samples, until: report?.settleEndMs)
        return (report?.quietWindows ?? []).enumerated().map { i, w in
            let inside = rows.filter { $0.tMs >= w.startMs && $0.tMs <= w.endMs }
            guard let r = inside.first else { return nil }
            return levels(of: inside, index: i + 1, endX: Double(r.filesDone)).floorRSS
        }
    }
}
