import Foundation
import Testing
@testable import Analysis
@testable import Model

/// A run as the child measures it: passes of work, a quiet window of ten samples after each release (the last
/// pass's included), a settle, and one sample after the settle's end (teardown) that must not count.
struct ProtocolRun {
    var passes = 4
    var files = 1000
    var samplesPerPass = 40
    var settleSamples = 40
    /// RSS (MB) and live heap (MB) during pass `pass` at `progress` (0...1) of its work.
    var work: (_ pass: Int, _ progress: Double) -> (rss: Double, live: Double)
    /// RSS and live heap in pass `pass`'s quiet window, at sample `k` of 10.
    var window: (_ pass: Int, _ k: Int) -> (rss: Double, live: Double)
    /// RSS and live heap at sample `k` of the settle.
    var settle: (_ k: Int) -> (rss: Double, live: Double)
    /// Descriptors open in pass `pass` (work and window).
    var fds: (_ pass: Int) -> Int64 = { _ in 12 }
    /// RSS of the teardown sample, after the settle's end.
    var teardownRSS = 30.0

    func build() -> (samples: [SampleRow], report: ChildReport) {
        var rows: [SampleRow] = []
        var report = ChildReport()
        var t: Int64 = 0
        func add(_ v: (rss: Double, live: Double), done: Int, pass: Int, fds: Int64) {
            var r = SampleRow()
            r.tMs = t
            r.filesDone = Int64(done)
            r.pass = Int64(pass)
            r.rssFileKB = 20 * 1024
            r.rssKB = Int64(v.rss * 1024)
            r.rssAnonKB = r.rssKB - r.rssFileKB
            r.fds = fds
            r.threads = 4
            r.heapLiveBytes = Int64(v.live * 1_048_576)
            rows.append(r)
            t += 50
        }
        // Before the work: the child's sampler starts with the binary and a small heap.
        for _ in 0..<3 { add((24, 1), done: 0, pass: 1, fds: 10) }
        for p in 1...passes {
            for k in 1...samplesPerPass {
                let progress = Double(k) / Double(samplesPerPass)
                add(work(p, progress), done: (p - 1) * files + Int(Double(files) * progress), pass: p, fds: fds(p))
            }
            report.passEndMs.append(t)
            let start = t
            for k in 0..<10 { add(window(p, k), done: p * files, pass: p, fds: fds(p)) }
            report.quietWindows = (report.quietWindows ?? []) + [QuietWindow(startMs: start, endMs: t - 50)]
        }
        report.settleStartMs = t
        for k in 0..<settleSamples { add(settle(k), done: passes * files, pass: passes, fds: fds(passes)) }
        report.settleEndMs = t - 50
        report.settleSteady = MeasurementProtocol.isSteady(rows.suffix(20).map { Double($0.rssKB) / 1024 })
        add((teardownRSS, 0.5), done: passes * files, pass: passes, fds: 3)
        report.files = passes * files
        return (rows, report)
    }

    func analyze() -> VariantAnalysis {
        let (samples, report) = build()
        return Analyzer.analyze(
            samples: samples, report: report, failure: nil, thresholds: Thresholds(),
            filesPerPass: files)
    }
}

/// The decision rule on the hard cases: what the child's timing and the allocators do to a series.
struct DecisionRuleTests {
    /// Tolerance 8 MB/1000 files, 1000 files per pass: the floor tolerance is 8 MB per pass.
    let floorT = 8.0

    @Test func trendsOfFloors() {
        #expect(DecisionRule.trend([10, 30, 50, 70], limit: 8) == .rises)
        #expect(DecisionRule.trend([10, 15, 30, 70], limit: 8) == .rises, "a doubling leak")
        #expect(DecisionRule.trend([10, 60, 60, 60], limit: 8) == .held, "a step, then held")
        #expect(DecisionRule.trend([10, 10, 10, 60], limit: 8) == .unclear, "one high last floor")
        #expect(DecisionRule.trend([10, 45, 51, 11], limit: 8) != .rises, "a rise that fell back")
        #expect(DecisionRule.trend([10, 10.5, 9.8, 10.2], limit: 8) == .held)
    }

    @Test func theAllocatorTestCountsWhatTheWorkAdded() {
        #expect(DecisionRule.allocatorKeeps(anon: 400, live: 1))
        #expect(DecisionRule.allocatorKeeps(anon: 60, live: 1, baseline: 10))
        #expect(!DecisionRule.allocatorKeeps(anon: 35, live: 1), "less than 40 MB above the live heap")
        #expect(!DecisionRule.allocatorKeeps(anon: 400, live: 1, baseline: 380), "held before the work began")
    }

    @Test func theLastPassEndingAtTheSettleStartDoesNotMakeAFloor() {
        // Results kept within each pass, released; glibc trims the earlier passes' memory when the next pass frees,
        // but nothing trims while the main thread sleeps: the last window and the settle stay high.
        let run = ProtocolRun(
            work: { _, x in (40 + 120 * x, 5 + 120 * x) },
            window: { p, _ in p == 4 ? (150, 5) : (40, 5) },
            settle: { _ in (150, 5) })
        let a = run.analyze()
        #expect(a.verdict == .retention && a.cause == .liveHeap, "\(a.reason)")
    }

    @Test func aSettleThatDropsOnlyAfterItsEndKeepsItsLevel() {
        // The allocator keeps 300 MB through the settle; the teardown sample falls to 30 MB and must not count.
        let run = ProtocolRun(
            work: { _, x in (320 + 10 * sin(x * 20), 1) },
            window: { _, _ in (320, 1) },
            settle: { _ in (320, 1) },
            teardownRSS: 30)
        let a = run.analyze()
        #expect(a.verdict == .retention && a.cause == .allocatorRetention, "\(a.reason)")
        #expect(abs((a.rssAfterSettleMB ?? 0) - 320) < 1)
    }

    @Test func floorsComeFromTheQuietWindowNotFromTheNextPass() {
        // Each pass starts with a long file (a spike at the start of its work); the window itself is clean.
        let run = ProtocolRun(
            work: { _, x in x < 0.1 ? (140, 100) : (40, 5) },
            window: { _, _ in (40, 5) },
            settle: { _ in (40, 5) })
        let a = run.analyze()
        #expect(a.verdict == .stable, "\(a.reason)")
        #expect(a.floorsMB.allSatisfy { abs($0 - 40) < 0.5 }, "\(a.floorsMB)")
    }

    @Test func aTwoPassStepIsALeakOnlyWhenTheLiveHeapStepsWithIt() {
        let live = ProtocolRun(
            passes: 2,
            work: { p, _ in (40 + Double(p - 1) * 50, 5 + Double(p - 1) * 50) },
            window: { p, _ in (40 + Double(p - 1) * 50, 5 + Double(p - 1) * 50) },
            settle: { _ in (90, 55) })
        let a = live.analyze()
        #expect(a.verdict == .leak && a.cause == .liveHeap, "\(a.reason)")
        // RSS alone steps (the allocator) and gives it back after the settle: no claim from one increment.
        let rssOnly = ProtocolRun(
            passes: 2,
            work: { p, _ in (40 + Double(p - 1) * 50, 5) },
            window: { p, _ in (40 + Double(p - 1) * 50, 5) },
            settle: { _ in (42, 5) })
        let b = rssOnly.analyze()
        #expect(b.verdict != .leak, "\(b.reason)")
    }

    @Test(arguments: [(0.6, Verdict.stable), (1.6, Verdict.leak)])
    func aLeakPerPassJustUnderAndJustOverTheTolerance(multiple: Double, expected: Verdict) {
        let perPass = multiple * floorT
        let run = ProtocolRun(
            passes: 6,
            work: { p, x in
                let l = perPass * (Double(p - 1) + x); return (40 + l, 5 + l)
            },
            window: { p, _ in
                let l = perPass * Double(p); return (40 + l, 5 + l)
            },
            settle: { _ in
                let l = perPass * 6; return (40 + l, 5 + l)
            })
        let a = run.analyze()
        #expect(a.verdict == expected, "\(multiple)x: \(a.reason)")
        if expected == .leak { #expect(a.cause == .liveHeap) }
    }

    @Test func aDoublingLeakIsALeak() {
        let level = { (passes: Double) in 6 * (pow(2, passes) - 1) }
        let run = ProtocolRun(
            passes: 5,
            work: { p, x in
                let l = level(Double(p - 1) + x); return (40 + l, 5 + l)
            },
            window: { p, _ in
                let l = level(Double(p)); return (40 + l, 5 + l)
            },
            settle: { _ in (40 + level(5), 5 + level(5)) })
        let a = run.analyze()
        #expect(a.verdict == .leak && a.cause == .liveHeap, "\(a.reason)")
    }

    @Test func jemallocReturningMemorySlowlyIsStable() {
        // Dirty pages come and go during the work; the settle returns them over seconds.
        let run = ProtocolRun(
            settleSamples: 240,
            work: { p, x in (120 + 15 * sin(Double(p) * 3 + x * 9), 2) },
            window: { p, _ in (118 + 4 * sin(Double(p) * 5), 2) },
            settle: { k in (26 + 94 * exp(-Double(k) / 40), 2) })
        let a = run.analyze()
        #expect(a.verdict == .stable && a.cause == Cause.none, "\(a.reason)")
    }

    @Test func aSawtoothOnTopOfAFloorRiseIsALeak() {
        let run = ProtocolRun(
            work: { p, x in
                let l = 25 * Double(p - 1); return (40 + l + 100 * x, 5 + l + 100 * x)
            },
            window: { p, _ in
                let l = 25 * Double(p); return (40 + l, 5 + l)
            },
            settle: { _ in (140, 105) })
        let a = run.analyze()
        #expect(a.verdict == .leak && a.cause == .liveHeap, "\(a.reason)")
    }

    @Test func descriptorsKeptEveryPassAreALeakOfDescriptors() {
        let run = ProtocolRun(
            work: { p, _ in (40 + Double(p), 5) },
            window: { p, _ in (40 + Double(p), 5) },
            settle: { _ in (44, 5) },
            fds: { p in 12 + 60 * Int64(p) })
        let a = run.analyze()
        #expect(a.verdict == .leak && a.cause == .descriptors, "\(a.reason)")
    }

    @Test func tooFewPassesSaysWhatWouldDecide() {
        let run = ProtocolRun(
            passes: 1,
            work: { _, x in (40 + 30 * x, 5) },
            window: { _, _ in (40, 5) },
            settle: { _ in (40, 5) })
        let a = run.analyze()
        #expect(a.verdict == .inconclusive)
        #expect(a.toDecide?.contains("--passes") == true, "\(a.toDecide ?? "nil")")
    }

    @Test func aSettleThatNeverBecameSteadyDoesNotDecideAllocatorRetention() {
        // RSS still falling at 1 MB per sample when the settle ends, far above the live heap.
        let run = ProtocolRun(
            work: { _, _ in (300, 1) },
            window: { _, _ in (300, 1) },
            settle: { k in (300 - Double(k), 1) })
        let a = run.analyze()
        #expect(a.verdict == .inconclusive, "\(a.reason)")
        #expect(a.toDecide?.contains("--settle") == true)
    }
}
