import Testing
@testable import Analysis
@testable import Model

/// Early stopping: the decision rule on the passes finished so far, asked by the child after each quiet window.
struct EarlyStopRuleTests {
    /// A rule for passes of 600 files, tolerance 8 MB/1000 files.
    private let rule = EarlyStopRule(thresholds: Thresholds(), filesPerPass: 600)

    /// What a child has recorded after `passes` passes of 600 files: a sample every 10 files, then a quiet window of
    /// ten samples; RSS and live heap in MB from `mb(filesInPass, pass)`.
    private struct Finished {
        var rows: [SampleRow] = []
        var passEnds: [Int64] = []
        var windows: [QuietWindow] = []
    }

    private func series(
        passes: Int, fds: (Int) -> Int = { _ in 8 }, mb: (Int, Int) -> (rss: Double, live: Double)
    )
        -> Finished
    {
        var s = Finished()
        var t: Int64 = 0
        func add(_ files: Int, _ pass: Int, _ v: (rss: Double, live: Double)) {
            var r = SampleRow()
            r.tMs = t
            r.filesDone = Int64(files)
            r.pass = Int64(pass)
            r.rssKB = Int64(v.rss * 1024)
            r.rssAnonKB = Int64((v.rss - 25) * 1024)
            r.heapLiveBytes = Int64(v.live * 1_048_576)
            r.fds = Int64(fds(pass))
            s.rows.append(r)
            t += 50
        }
        for p in 1...passes {
            for f in stride(from: 10, through: 600, by: 10) { add((p - 1) * 600 + f, p, mb(f, p)) }
            s.passEnds.append(t)
            let start = t
            for _ in 0..<10 { add(p * 600, p, mb(0, p)) }
            s.windows.append(QuietWindow(startMs: start, endMs: t - 50))
        }
        return s
    }

    private func decide(_ s: Finished) -> DecisionRule.Decision? {
        rule.decide(samples: s.rows, passEndMs: s.passEnds, quietWindows: s.windows)
    }

    @Test func aLeakOfTheLiveHeapStopsWithLeakOnceItHasThreeFloors() {
        // +60 MB per pass, never released: live heap and RSS rise together.
        let leak: (Int, Int) -> (rss: Double, live: Double) = { f, p in
            let l = 60 * Double(p - 1) + 0.01 * Double(f)
            return (40 + l, 5 + l)
        }
        #expect(decide(series(passes: 2, mb: leak)) == nil, "two floors are not enough to stop")
        let decided = decide(series(passes: 3, mb: leak))
        #expect(decided?.verdict == .leak)
        #expect(decided?.cause == .liveHeap)
    }

    @Test func aStableSeriesStopsWithStableOnlyAfterThreeFloors() {
        let flat: (Int, Int) -> (rss: Double, live: Double) = { f, _ in (31 + Double(f % 3) * 0.01, 4) }
        #expect(decide(series(passes: 2, mb: flat)) == nil)
        let decided = decide(series(passes: 3, mb: flat))
        #expect(decided?.verdict == .stable)
    }

    @Test func retentionWithinPassesStopsWithItsCause() {
        let sawtooth: (Int, Int) -> (rss: Double, live: Double) = { f, _ in (40 + 0.1 * Double(f), 5 + 0.1 * Double(f))
        }
        let decided = decide(series(passes: 3, mb: sawtooth))
        #expect(decided?.verdict == .retention)
        #expect(decided?.cause == .liveHeap)
    }

    @Test func descriptorsThatRiseAreALeakEvenWithFlatMemory() {
        let decided = decide(series(passes: 3, fds: { 8 + 24 * $0 }) { _, _ in (31, 4) })
        #expect(decided?.verdict == .leak)
        #expect(decided?.cause == .descriptors)
    }

    @Test func aBorderlineSeriesRunsToItsFullSize() {
        // RSS floors rise while the live heap holds: INCONCLUSIVE over too few passes, then RETENTION by the allocator,
        // which only the settle after the last pass can confirm; never settled early.
        let kept: (Int, Int) -> (rss: Double, live: Double) = { f, p in (40 + 30 * Double(p - 1) + 0.001 * Double(f), 5)
        }
        for passes in 1...6 { #expect(decide(series(passes: passes, mb: kept)) == nil, "\(passes) passes") }
    }

    @Test func samplesAfterTheLastQuietWindowDoNotCount() {
        let flat: (Int, Int) -> (rss: Double, live: Double) = { _, _ in (31, 4) }
        var s = series(passes: 3, mb: flat)
        let clean = decide(s)
        // The next pass has begun, with a spike the rule must not see yet.
        var next = SampleRow()
        next.tMs = (s.rows.last?.tMs ?? 0) + 50
        next.filesDone = 1805
        next.pass = 4
        next.rssKB = 500 * 1024
        s.rows.append(next)
        #expect(decide(s) == clean)
    }
}
