import Testing
@testable import LeakHarness

/// The early stop of bisection probes: the decision rule on the passes finished so far.
struct EarlyStopRuleTests {
    /// A rule for 600 files × 6 passes, tolerance 8 MB/1000 files.
    private let rule = EarlyStopRule(thresholds: Thresholds(), filesPerPass: 600, passes: 6)

    /// `passes` passes of 600 files (a sample every 10 files, then ten samples of quiet window), and the first
    /// sample of the next pass; RSS and live heap in MB from `mb(filesInPass, pass)`.
    private func series(passes: Int, fds: (Int) -> Int = { _ in 8 }, mb: (Int, Int) -> (rss: Double, live: Double))
        -> [SampleRow]
    {
        var rows: [SampleRow] = []
        var t: Int64 = 0
        func add(_ files: Int, _ pass: Int, _ v: (rss: Double, live: Double)) {
            var r = SampleRow()
            r.tMs = t
            r.filesDone = Int64(files)
            r.pass = Int64(pass)
            r.rssKB = Int64(v.rss * 1024)
            r.heapLiveBytes = Int64(v.live * 1_048_576)
            r.fds = Int64(fds(pass))
            rows.append(r)
            t += 50
        }
        for p in 1...passes {
            for f in stride(from: 10, through: 600, by: 10) { add((p - 1) * 600 + f, p, mb(f, p)) }
            for _ in 0..<10 { add(p * 600, p, mb(0, p)) }
        }
        add(passes * 600 + 5, passes + 1, mb(5, passes + 1))
        return rows
    }

    @Test func aLeakOfTheLiveHeapStopsAfterTwoPasses() {
        // +60 MB per pass, never released: live heap and RSS rise together.
        let leak: (Int, Int) -> (rss: Double, live: Double) = { f, p in
            let l = 60 * Double(p - 1) + 0.1 * Double(f)
            return (40 + l, 5 + l)
        }
        #expect(rule.decide(series(passes: 1, mb: leak)) == nil, "one floor decides nothing")
        let decided = rule.decide(series(passes: 2, mb: leak))
        #expect(decided?.grows == true)
        if case .grows(let verdict, let cause, _)? = decided { #expect(verdict == .leak && cause == .liveHeap) }
    }

    @Test func aStableSeriesStopsOnlyAfterThreeFloors() {
        let flat: (Int, Int) -> (rss: Double, live: Double) = { f, _ in (31 + Double(f % 3) * 0.01, 4) }
        #expect(rule.decide(series(passes: 2, mb: flat)) == nil)
        let decided = rule.decide(series(passes: 3, mb: flat))
        #expect(decided?.grows == false)
        #expect(decided?.reason.contains("after 3 passes") == true, "\(decided?.reason ?? "")")
    }

    @Test func retentionWithinPassesStopsAsGrowing() {
        let sawtooth: (Int, Int) -> (rss: Double, live: Double) = { f, _ in (40 + 0.1 * Double(f), 5 + 0.1 * Double(f)) }
        let decided = rule.decide(series(passes: 3, mb: sawtooth))
        if case .grows(let verdict, let cause, _)? = decided {
            #expect(verdict == .retention && cause == .liveHeap)
        } else {
            Issue.record("not settled: \(String(describing: decided))")
        }
    }

    @Test func descriptorsThatRiseAreGrowthEvenWithFlatMemory() {
        let rows = series(passes: 3, fds: { 8 + 24 * $0 }) { _, _ in (31, 4) }
        let decided = rule.decide(rows)
        #expect(decided?.grows == true)
        #expect(decided?.reason.contains("descriptor") == true)
    }

    @Test func aBorderlineSeriesRunsToItsSize() {
        // Floors that step and fall back: neither rising steadily nor held; never settled early.
        let noisy: (Int, Int) -> (rss: Double, live: Double) = { _, p in
            let l = [0.0, 30, 0, 30, 0, 30][(p - 1) % 6]
            return (40 + l, 5 + l)
        }
        for passes in 1...5 { #expect(rule.decide(series(passes: passes, mb: noisy))?.grows != false) }
        #expect(rule.decide(series(passes: 5, mb: noisy)) == nil)
    }
}
