import Foundation
import FeaturePipeline
import Model
import Analysis

/// Series with a known answer, generated with the child's timing: a sample every 50 ms, passes of 600-2000 files at
/// 300-900 files/s, a quiet window of ten samples after each pass's release (the last pass's included), then a
/// settle of 2 s (12 s for jemalloc's decay); RSS is the binary's 25 MB plus anonymous memory, which is the live
/// heap plus what the allocator holds, with noise, long-file spikes, and a sample after the settle's end (teardown)
/// that must not count.
public enum SyntheticSeries {
    /// The shapes of the truth set, each with its answer.
    public enum Kind: String, Sendable, CaseIterable {
        /// Flat, with noise.
        case stable
        /// A working set with long-file spikes that come and go, some seen in a quiet window.
        case boundedSpikes = "bounded-spikes"
        /// The live heap steps up once between the first passes (a cache filling), then holds.
        case plateau
        /// A fixed leak per pass of ½, 1, 2 or 3 floor tolerances, carried by the live heap.
        case leak
        /// A leak that doubles every pass.
        case doublingLeak = "doubling-leak"
        /// Descriptors kept every pass, with a little memory each.
        case descriptorLeak = "descriptor-leak"
        /// The live heap grows through each pass and is released at its end.
        case retention
        /// The same, under an allocator that keeps the released memory until the end (lazy trimming).
        case retentionLazyTrim = "retention-lazy-trim"
        /// A within-pass sawtooth on top of floors that rise.
        case sawtoothOnLeak = "sawtooth-on-leak"
        /// The live heap stays small while the allocator keeps what the work used, through the settle.
        case allocatorKept = "allocator-kept"
        /// jemalloc: dirty pages come and go during the work and are returned slowly in the settle.
        case jemallocDecay = "jemalloc-decay"
    }

    /// `count` cases, the kinds in turn, each from its own seed.
    public static func truthSet(count: Int, seed: UInt64 = 1) -> [TruthCase] {
        let kinds = Kind.allCases
        return (0..<count).map { i in make(kinds[i % kinds.count], seed: seed &* 1_000_003 &+ UInt64(i)) }
    }

    /// One case of `kind` from `seed`; with `passes`, the same series cut to that many passes, as a child that
    /// ended its passes there would have recorded it (the passes before are the same, the settle follows the last).
    public static func make(_ kind: Kind, seed: UInt64, passes: Int? = nil) -> TruthCase {
        var g = Generator(seed: seed, kind: kind, passes: passes)
        var c = g.build()
        c.seed = seed
        c.instance = "seed \(seed)"
        return c
    }
}

/// Builds one synthetic series.
private struct Generator {
    var rng: SeededRandom
    let kind: SyntheticSeries.Kind
    let passes: Int
    let filesPerPass: Int
    let rate: Double
    let tolerance = 8.0
    let floorT: Double
    let settleSeconds: Double
    var rows: [SampleRow] = []
    var t: Int64 = 0
    var files = 0.0
    var report = ChildReport()

    // Memory state, MB.
    var live: Double
    var held: Double
    var fds: Double = 12
    var spike = 0.0
    var spikeLeft = 0
    var leakMultiple = 0.0
    var dirtyLevel = 0.0
    /// Memory the allocator has not yet trimmed after a release, seen in RSS only.
    var untrimmed = 0.0

    init(seed: UInt64, kind: SyntheticSeries.Kind, passes cut: Int?) {
        rng = SeededRandom(seed: seed)
        self.kind = kind
        var r = rng
        let minPasses = [.plateau, .leak, .doublingLeak, .descriptorLeak].contains(kind) ? 3 : 2
        let drawn = Int.random(in: minPasses...8, using: &r)
        passes = min(drawn, cut ?? drawn)
        filesPerPass = [600, 1000, 2000].randomElement(using: &r)!
        rate = Double.random(in: 300...900, using: &r)
        floorT = max(tolerance * Double(filesPerPass) / 1000, DecisionRule.floorMarginMB)
        settleSeconds = kind == .jemallocDecay ? 12 : 2
        live = Double.random(in: 1...40, using: &r)
        held = Double.random(in: 2...30, using: &r)
        rng = r
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { uniform(0...1) < p }
    mutating func gaussian(_ sigma: Double) -> Double {
        let u = max(uniform(0...1), 1e-12), v = uniform(0...1)
        return sigma * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    mutating func build() -> TruthCase {
        var verdict = Verdict.stable, cause = Cause.none
        var borderline = false
        let noise = uniform(0.2...1.5)
        let withinGrowth = uniform(3...15) * tolerance * Double(filesPerPass) / 1000  // retention per pass, MB
        let stepUp = uniform(3...6) * floorT
        let kept = uniform(100...400)
        let descriptorsPerPass = Double(Int.random(in: 10...80, using: &rng))
        let spikesOn = kind == .boundedSpikes || chance(0.3)
        dirtyLevel = uniform(40...160)
        if kind == .jemallocDecay { held = dirtyLevel }  // the dirty pages fill up during the warm-up
        switch kind {
        case .leak:
            leakMultiple = [0.5, 1, 2, 3][Int.random(in: 0...3, using: &rng)]
            if leakMultiple >= 2 { (verdict, cause) = (.leak, .liveHeap) }
            borderline = leakMultiple == 1
        case .doublingLeak: (verdict, cause) = (.leak, .liveHeap)
        case .descriptorLeak: (verdict, cause) = (.leak, .descriptors)
        case .retention, .retentionLazyTrim: (verdict, cause) = (.retention, .liveHeap)
        case .sawtoothOnLeak:
            leakMultiple = uniform(2...3)
            (verdict, cause) = (.leak, .liveHeap)
        case .allocatorKept: (verdict, cause) = (.retention, .allocatorRetention)
        case .stable, .boundedSpikes, .plateau, .jemallocDecay: break
        }

        var passEnds: [Int64] = []
        var windows: [QuietWindow] = []
        var leakPerPass = leakMultiple * floorT
        if kind == .doublingLeak { leakPerPass = 0.75 * floorT }
        for pass in 1...passes {
            let startFiles = files
            let samples = Int((Double(filesPerPass) / rate / 0.05).rounded(.up))
            for k in 0..<samples {
                let progress = Double(k + 1) / Double(samples)
                files = startFiles + Double(filesPerPass) * progress
                switch kind {
                case .leak, .doublingLeak, .sawtoothOnLeak:
                    live += leakPerPass / Double(samples)
                case .allocatorKept where pass == 1:
                    held = max(held, kept * progress)
                case .jemallocDecay:
                    // Dirty pages wander around a level and are purged now and then.
                    held = max(5, 0.9 * held + 0.1 * dirtyLevel + gaussian(3))
                default: break
                }
                var within = 0.0
                if [.retention, .retentionLazyTrim, .sawtoothOnLeak].contains(kind) {
                    within = withinGrowth * progress
                }
                if spikesOn { stepSpike(big: kind == .boundedSpikes) }
                sample(pass: pass, live: live + within, held: held, noise: noise, writers: 1)
            }
            if kind == .descriptorLeak {
                fds += descriptorsPerPass
                held += uniform(0.2...1.5)
            }
            if kind == .doublingLeak { leakPerPass *= 2 }
            if kind == .plateau, pass == 1 { live += stepUp }
            // Release, then the quiet window.
            passEnds.append(t)
            let windowStart = t
            if kind == .retentionLazyTrim, pass == passes { held += withinGrowth }  // freed, not trimmed
            // Every file is done: a long file's buffers are freed, though the allocator may not have trimmed them yet.
            spike = 0
            spikeLeft = 0
            if spikesOn, chance(0.05) { untrimmed = uniform(0.3...1.5) * floorT }
            for _ in 0..<10 {
                sample(pass: pass, live: live, held: held + untrimmed, noise: noise, writers: 0)
            }
            untrimmed = 0
            windows.append(QuietWindow(startMs: windowStart, endMs: t - 50))
        }
        report.passEndMs = passEnds
        report.quietWindows = windows
        report.settleStartMs = t
        spike = 0
        let settleSamples = Int(settleSeconds / 0.05)
        for k in 0..<settleSamples {
            if kind == .jemallocDecay { held = 4 + (held - 4) * exp(-0.05 / 2.5) }
            _ = k
            sample(pass: passes, live: live, held: held, noise: 0.05, writers: 0)
        }
        report.settleEndMs = t - 50
        let lastSecond = rows.suffix(20).map { Units.mb(kilobytes: $0.rssKB) }
        report.settleSteady = MeasurementProtocol.isSteady(lastSecond)
        // Teardown: a sample after the settle's end, far from the rest; it must not count.
        sample(pass: passes, live: 0.5, held: 1, noise: 0, writers: 0)
        report.files = Int(files.rounded())
        var thresholds = Thresholds()
        thresholds.toleranceMBPer1000Files = tolerance
        var c = TruthCase(
            source: "synthetic", kind: kind.rawValue, instance: "", verdict: verdict, cause: cause,
            thresholds: thresholds, filesPerPass: filesPerPass, report: report, samples: rows)
        c.borderline = borderline
        c.leakTolerances = kind == .leak ? leakMultiple : 0
        return c
    }

    /// Long files: a spike of tens of MB for a few samples, now and then.
    mutating func stepSpike(big: Bool) {
        if spikeLeft > 0 {
            spikeLeft -= 1
            if spikeLeft == 0 { spike = 0 }
        } else if chance(big ? 0.02 : 0.005) {
            spike = big ? uniform(20...150) : uniform(5...30)
            spikeLeft = Int.random(in: 2...20, using: &rng)
        }
    }

    mutating func sample(pass: Int, live: Double, held: Double, noise: Double, writers: Int) {
        var r = SampleRow()
        r.tMs = t
        r.filesDone = Int64(files.rounded(.down))
        r.pass = Int64(pass)
        let anon = max(0.5, live + held + spike + gaussian(noise))
        r.rssAnonKB = Int64(anon * 1024)
        r.rssFileKB = 25 * 1024
        r.rssKB = r.rssAnonKB + r.rssFileKB
        r.fds = Int64(fds)
        r.threads = 4
        // Under glibc the heap is read at most every 200 ms; a long file's buffers are live while it is processed.
        if t % 200 == 0 { r.heapLiveBytes = Int64(max(0.1, live + spike + gaussian(0.05)) * Units.bytesPerMB) }
        r.openWriters = Int64(writers)
        rows.append(r)
        t += 50
    }
}
