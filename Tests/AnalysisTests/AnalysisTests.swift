import Foundation
import Testing
import TestSupport
@testable import Analysis
@testable import Model

extension AnalysisSyntheticRun {
    /// The analysis of the run's samples and report.
    func analyze(failure: String? = nil, thresholds: Thresholds = Thresholds()) -> VariantAnalysis {
        let (samples, report) = build()
        return Analyzer.analyze(samples: samples, report: report, failure: failure, thresholds: thresholds)
    }
}

struct AnalyzerTests {
    @Test func linearLeakOverThreePassesIsALiveHeapLeak() {
        // +50 MB per 1000 files, never released; the live heap carries it.
        let run = AnalysisSyntheticRun(
            work: { _, _, done in AnalysisLevels(rss: 100 + 0.05 * Double(done), live: 20 + 0.05 * Double(done)) },
            released: { p in AnalysisLevels(rss: 100 + 0.05 * Double(p * 500) - 1, live: 20 + 0.05 * Double(p * 500)) })
        let a = run.analyze()
        #expect(a.verdict == .leak)
        #expect(a.cause == .liveHeap)
        #expect(abs(a.rssSlope!.estimate - 50) < 1)
        #expect(abs(a.floorSlopeMBPerPass! - 25) < 1)
        #expect(a.floorsMB.count == 3)
        #expect(a.reason.contains("live-heap floors 45.0 → 70.0 → 95.0 MB rise"))
    }

    @Test func sawtoothReleasedAtEachPassEndIsRetention() {
        let run = AnalysisSyntheticRun(
            work: { _, k, _ in AnalysisLevels(rss: 100 + 0.06 * Double(k), live: 10 + 0.06 * Double(k)) },
            released: { _ in AnalysisLevels(rss: 100, live: 10) })
        let a = run.analyze()
        #expect(a.verdict == .retention)
        #expect(a.cause == .liveHeap)
        #expect(abs(a.rssSlope!.estimate - 60) < 1)
        #expect(abs(a.floorSlopeMBPerPass!) < 0.5)
        #expect(a.peaksMB.allSatisfy { abs($0 - 130) < 0.5 })
        #expect(a.reason.contains("released at each pass's end"))
    }

    @Test func flatNoisyLineIsStable() {
        var noise = AnalysisNoise(seed: 42)
        var levels: [AnalysisLevels] = []
        for _ in 0..<2000 {
            levels.append(AnalysisLevels(rss: 200 + noise.gaussian(sd: 3), live: 170 + noise.gaussian(sd: 1)))
        }
        var i = 0
        let run = AnalysisSyntheticRun(
            work: { _, _, _ in
                i += 1; return levels[i % levels.count]
            },
            released: { _ in AnalysisLevels(rss: 199, live: 170) })
        let a = run.analyze()
        #expect(a.verdict == .stable)
        #expect(a.cause == Cause.none)
        #expect(a.rssSlope!.isWithin(8))
        #expect(abs(a.rssRobustSlope!) < 8)
    }

    @Test func stepEarlyInTheFirstPassDoesNotRaiseTheFloors() {
        let run = AnalysisSyntheticRun(
            work: { p, k, _ in AnalysisLevels(rss: p == 1 && k < 100 ? 100 : 140, live: 30) },
            released: { _ in AnalysisLevels(rss: 139, live: 30) })
        let a = run.analyze()
        #expect(a.verdict != .leak)
        #expect(abs(a.floorSlopeMBPerPass!) < 1)
    }

    @Test func rssRisingWithFlatLiveHeapIsAllocatorRetention() {
        let run = AnalysisSyntheticRun(
            work: { _, _, done in AnalysisLevels(rss: 100 + 0.04 * Double(done), live: 5) },
            released: { p in AnalysisLevels(rss: 100 + 0.04 * Double(p * 500), live: 5) })
        let a = run.analyze()
        // RSS grows within each pass while the live heap stays flat: the allocator, not the program.
        #expect(a.verdict == .retention)
        #expect(a.cause == .allocatorRetention)
        #expect(abs(a.heapLiveSlope!.estimate) < 0.01)
    }

    @Test func flatFloorsFarAboveTheLiveHeapAreAllocatorRetention() {
        let run = AnalysisSyntheticRun(
            work: { _, _, _ in AnalysisLevels(rss: 450, live: 3) }, released: { _ in AnalysisLevels(rss: 449, live: 2) }
        )
        let a = run.analyze()
        #expect(a.verdict == .retention)
        #expect(a.cause == .allocatorRetention)
        #expect(a.reason.contains("kept by the allocator"))
    }

    @Test func highHeldHeapWhileRSSFallsBackIsNotAllocatorRetention() {
        // malloc_trim gave the pages back: RSS falls, glibc's held figure stays at 400 MB.
        let sawtooth = AnalysisSyntheticRun(
            work: { _, k, _ in AnalysisLevels(rss: 60 + 0.05 * Double(k), live: 30 + 0.05 * Double(k), held: 400) },
            released: { _ in AnalysisLevels(rss: 60, live: 30, held: 400) })
        let a = sawtooth.analyze()
        #expect(a.verdict == .retention)
        #expect(a.cause == .liveHeap)
        let flat = AnalysisSyntheticRun(
            work: { _, _, _ in AnalysisLevels(rss: 60, live: 30, held: 400) },
            released: { _ in AnalysisLevels(rss: 60, live: 30, held: 400) })
        let b = flat.analyze()
        #expect(b.verdict == .stable)
        #expect(b.cause == Cause.none)
    }

    @Test func risingDescriptorsAreTheCauseEvenWithBuffers() {
        // An abandoned writer per 100 files: its descriptor and its buffer stay.
        let run = AnalysisSyntheticRun(
            work: { _, _, done in
                AnalysisLevels(
                    rss: 100 + 0.03 * Double(done), live: 20, fds: 12 + Int64(done / 100), writers: Int64(done / 100))
            },
            released: { p in
                AnalysisLevels(
                    rss: 100 + 0.03 * Double(p * 500), live: 20, fds: 12 + Int64(p * 5), writers: Int64(p * 5))
            })
        let a = run.analyze()
        #expect(a.verdict == .leak)
        #expect(a.cause == .descriptors)
        #expect(abs(a.fdsSlope!.estimate - 10) < 0.5)
    }

    @Test func descriptorsNeverClosedAreALeakEvenWhenRSSIsReleased() {
        let run = AnalysisSyntheticRun(
            work: { _, k, done in
                AnalysisLevels(rss: 100 + 0.06 * Double(k), live: 10 + 0.06 * Double(k), fds: 12 + Int64(done / 25))
            },
            released: { p in AnalysisLevels(rss: 100, live: 10, fds: 12 + Int64(p * 20)) })
        let a = run.analyze()
        #expect(a.verdict == .leak)
        #expect(a.cause == .descriptors)
        #expect(a.reason.contains("never closed"))
        // The same descriptors closed at the end of the run: no leak, the RSS retention decides.
        var closed = run
        closed.settled = AnalysisLevels(rss: 100, live: 10, fds: 12)
        #expect(closed.analyze().verdict == .retention)
    }

    @Test func openWritersWithFlatHeapAreNativeBuffers() {
        let run = AnalysisSyntheticRun(
            work: { _, _, done in AnalysisLevels(rss: 100 + 0.03 * Double(done), live: 20, writers: Int64(done / 100))
            },
            released: { p in AnalysisLevels(rss: 100 + 0.03 * Double(p * 500), live: 20, writers: Int64(p * 5)) })
        #expect(run.analyze().cause == .nativeBuffers)
    }

    @Test func withoutHeapStatisticsTheCauseIsAnUnknownHeap() {
        // RSS floors alone: three increments make the claim, two say what would decide it.
        let run = { (passes: Int) in
            AnalysisSyntheticRun(
                passes: passes, work: { _, _, done in AnalysisLevels(rss: 100 + 0.05 * Double(done)) },
                released: { p in AnalysisLevels(rss: 100 + 0.05 * Double(p * 500)) }
            ).analyze()
        }
        let a = run(4)
        #expect(a.verdict == .leak)
        #expect(a.cause == .liveHeap)
        #expect(a.reason.contains("unknown heap"))
        #expect(a.heapLiveSlope == nil)
        let short = run(3)
        #expect(short.verdict == .inconclusive && short.toDecide == "rerun with --passes 5", "\(short.reason)")
    }

    @Test func tooFewFilesIsInconclusive() {
        let run = AnalysisSyntheticRun(
            passes: 1, files: 60, work: { _, _, _ in AnalysisLevels(rss: 100) },
            released: { _ in AnalysisLevels(rss: 100) })
        let a = run.analyze()
        #expect(a.verdict == .inconclusive)
        #expect(a.reason.contains("too short: 54 files"))
    }

    @Test func tooFewSamplesIsInconclusive() {
        let run = AnalysisSyntheticRun(
            passes: 1, files: 400, filesPerSample: 100, work: { _, _, _ in AnalysisLevels(rss: 100) },
            released: { _ in AnalysisLevels(rss: 100) })
        let a = run.analyze()
        #expect(a.verdict == .inconclusive)
        #expect(a.reason.contains("too few samples"))
    }

    /// Large files come and go at random: the within-pass interval is wide, but floors do not rise.
    private func noisyWorkingSet(settledRSS: Double) -> VariantAnalysis {
        var noise = AnalysisNoise(seed: 21)
        let run = AnalysisSyntheticRun(
            passes: 3, files: 600, filesPerSample: 6,
            work: { _, _, _ in
                let spike = noise.gaussian(sd: 1) > 1.2 ? 150.0 : 0
                return AnalysisLevels(rss: 80 + spike + noise.gaussian(sd: 10), live: 5 + spike / 2)
            }, released: { _ in AnalysisLevels(rss: 60, live: 1) }, settled: AnalysisLevels(rss: settledRSS, live: 1))
        return run.analyze()
    }

    @Test func noisyWorkingSetWithFlatFloorsIsStable() {
        let a = noisyWorkingSet(settledRSS: 40)
        #expect(a.rssSlope.map { !$0.isWithin(8) } == true, "the series must be too noisy for the flat rule")
        #expect(a.verdict == .stable)
        #expect(a.reason.contains("noisy working set"))
    }

    @Test func noisyWorkingSetKeptByTheAllocatorIsAllocatorRetention() {
        let a = noisyWorkingSet(settledRSS: 300)
        #expect(a.verdict == .retention)
        #expect(a.cause == .allocatorRetention)
    }

    /// Pattern A under glibc: the first long file takes the arenas up (floor 1 → 2), then the floors hold.
    private func steppedWorkingSet(settledRSS: Double) -> VariantAnalysis {
        var noise = AnalysisNoise(seed: 33)
        let floors = [60.0, 300, 290]
        let run = AnalysisSyntheticRun(
            passes: 3, files: 600, filesPerSample: 6,
            work: { p, _, _ in
                let spike = noise.gaussian(sd: 1) > 1.2 ? 150.0 : 0
                return AnalysisLevels(rss: floors[p - 1] + 20 + spike + noise.gaussian(sd: 10), live: 5 + spike / 2)
            }, released: { p in AnalysisLevels(rss: floors[p - 1], live: 1) },
            settled: AnalysisLevels(rss: settledRSS, live: 1))
        return run.analyze()
    }

    @Test func floorsThatStepUpOnceThenHoldAreNotALeak() {
        let kept = steppedWorkingSet(settledRSS: 290)
        #expect(kept.floorSlopeMBPerPass.map { $0 > 50 } == true, "the floors must step up by more than the tolerance")
        #expect(kept.verdict == .retention)
        #expect(kept.cause == .allocatorRetention)
        #expect(kept.reason.contains("memory kept by the allocator"))
        let given = steppedWorkingSet(settledRSS: 40)
        #expect(given.verdict == .stable)
        #expect(given.reason.contains(": held"))
    }

    @Test func aNoisyLiveHeapDoesNotOutweighAnAllocatorThatHoldsFarMore() throws {
        // RSS climbs within each pass and falls back at its end, while the live heap swings with large files
        // (read now and then, as mallinfo2 at 5 Hz): its slope is positive but its interval reaches zero.
        func run(seed: UInt64, settledRSS: Double) -> VariantAnalysis {
            var noise = AnalysisNoise(seed: seed)
            var sample = 0
            return AnalysisSyntheticRun(
                passes: 3, files: 600, filesPerSample: 6,
                work: { _, k, _ in
                    sample += 1
                    let spike = noise.gaussian(sd: 1) > 1.0 ? 400.0 : 0
                    return AnalysisLevels(
                        rss: 80 + 0.1 * Double(k) + noise.gaussian(sd: 2), live: sample % 5 == 0 ? 2 + spike : nil)
                }, released: { _ in AnalysisLevels(rss: 80, live: 2) },
                settled: AnalysisLevels(rss: settledRSS, live: 2)
            ).analyze()
        }
        let held = run(seed: 2, settledRSS: 300)
        let live = try #require(held.heapLiveSlope)
        let growth = try #require(held.rssSlope?.estimate)
        #expect(
            live.estimate >= growth / 2 && live.low <= 0,
            "the live-heap slope must be large but not significant: \(live)")
        #expect(held.verdict == .retention)
        #expect(held.cause == .allocatorRetention, "\(held.reason)")
        // The same samples with nothing kept after the settle: the live heap's slope decides, as before.
        // The same samples with nothing kept after the settle: per-pass robust slopes see through the spikes of the
        // live heap, which stays flat, so the allocator still carries the growth within passes.
        let released = run(seed: 2, settledRSS: 40)
        #expect(released.verdict == .retention && released.cause == .allocatorRetention, "\(released.reason)")
    }

    @Test func twoHeapReadingsPerPassLayTheGrowthOnTheLiveHeapOnlyWhenItCarriesTheSawtooth() {
        // Short passes: the live heap is read twice in each (mallinfo2 is read at a few Hz), too few to test that it
        // accumulates. RSS climbs 36 MB in each pass and falls back at its end.
        func run(live: @escaping (Int) -> Double) -> VariantAnalysis {
            AnalysisSyntheticRun(
                passes: 3, files: 300, filesPerSample: 6,
                work: { _, k, _ in
                    AnalysisLevels(rss: 33 + 0.12 * Double(k), live: k == 96 || k == 204 ? live(k) : nil)
                }, released: { _ in AnalysisLevels(rss: 33, live: 4.6) }
            ).analyze()
        }
        // Results kept until the pass ends: the live heap rises with RSS.
        let kept = run { k in 4.6 + 0.12 * Double(k) }
        #expect(kept.verdict == .retention && kept.cause == .liveHeap, "\(kept.reason)")
        // A long file in flight at one reading: the live heap's slope is large, its rise a fraction of RSS's.
        let spike = run { k in k == 204 ? 12 : 4.6 }
        #expect(spike.verdict == .retention && spike.cause == .allocatorRetention, "\(spike.reason)")
        // A reading lands on a long file as large as RSS's climb, while the allocator holds 150 MB above the live
        // heap at every floor: the allocator keeps the memory, not the program.
        let held = AnalysisSyntheticRun(
            passes: 3, files: 300, filesPerSample: 6,
            work: { _, k, _ in
                AnalysisLevels(rss: 180 + 0.12 * Double(k), live: k == 96 ? 4.6 : k == 204 ? 45 : nil)
            }, released: { _ in AnalysisLevels(rss: 180, live: 4.6) }
        ).analyze()
        #expect(held.verdict == .retention && held.cause == .allocatorRetention, "\(held.reason)")
    }

    @Test func floorsThatRiseButComeBackAfterTheSettleAreNotKept() {
        // Floors climb 20 MB a pass while the work runs (an allocator that frees slowly) and the live heap holds.
        let run = { (passes: Int, settled: AnalysisLevels?) in
            AnalysisSyntheticRun(
                passes: passes,
                work: { p, k, _ in
                    AnalysisLevels(rss: 100 + 20 * Double(p - 1) + Double(k % 50) / 10, live: 10)
                }, released: { p in AnalysisLevels(rss: 100 + 20 * Double(p - 1), live: 10) }, settled: settled
            ).analyze()
        }
        // Given back in the settle, to what the process held before the work: nothing kept.
        let given = run(3, AnalysisLevels(rss: 35, live: 10))
        #expect(given.verdict == .stable, "\(given.reason)")
        // Kept after the settle: the allocator keeps what the work added, whether over two increments or four.
        let short = run(3, nil)
        #expect(short.verdict == .retention && short.cause == .allocatorRetention, "\(short.reason)")
        let long = run(5, nil)
        #expect(long.verdict == .retention && long.cause == .allocatorRetention, "\(long.reason)")
    }

    @Test func failureIsFailedAndKeepsTheFigures() {
        let run = AnalysisSyntheticRun(
            work: { _, _, done in AnalysisLevels(rss: 100 + 0.05 * Double(done), live: 20 + 0.05 * Double(done)) },
            released: { p in AnalysisLevels(rss: 100 + 0.05 * Double(p * 500), live: 20 + 0.05 * Double(p * 500)) })
        let a = run.analyze(failure: "killed by signal 9 (ceiling 512 MB)")
        #expect(a.verdict == .failed)
        #expect(a.reason.hasPrefix("failed: killed by signal 9 (ceiling 512 MB)"))
        #expect(a.cause == .liveHeap)
        #expect(a.rssSlope != nil)
    }

    @Test func noSamplesIsInconclusiveAndDoesNotCrash() {
        let a = Analyzer.analyze(samples: [], report: nil, failure: nil, thresholds: Thresholds())
        #expect(a.verdict == .inconclusive)
    }
}
