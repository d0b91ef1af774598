import Foundation
import FeaturePipeline
public import Model

/// What a synthetic child shows at one instant.
public struct AnalysisLevels: Sendable {
    /// Resident set, MB.
    public var rss: Double
    /// Live heap, MB (nil: the allocator does not tell).
    public var live: Double?
    /// Heap the allocator holds, MB.
    public var held: Double?
    /// Anonymous resident memory, MB (nil: `rss - file`).
    public var anon: Double?
    /// File-backed resident memory, MB.
    public var file: Double
    /// Open file descriptors.
    public var fds: Int64
    /// Open shard writers.
    public var writers: Int64

    /// Levels in MB (descriptors and writers as counts); the anonymous part defaults to `rss - file`.
    public init(
        rss: Double, live: Double? = nil, held: Double? = nil, anon: Double? = nil, file: Double = 20,
        fds: Int64 = 12, writers: Int64 = 0
    ) {
        self.rss = rss
        self.live = live
        self.held = held
        self.anon = anon
        self.file = file
        self.fds = fds
        self.writers = writers
    }
}

/// Builds the samples and the child report of a synthetic run: `passes` passes of `files` files, a sample every
/// `filesPerSample` files, a quiet window of ten samples after each pass's release, then `settleSamples` samples of
/// settle.
public struct AnalysisSyntheticRun {
    /// Passes over the files.
    public var passes: Int
    /// Files per pass.
    public var files: Int
    /// Files between two samples during the work.
    public var filesPerSample: Int
    /// Samples of the settle phase after the last pass.
    public var settleSamples: Int
    /// AnalysisLevels during the work: pass (1-based), file index within the pass, files done over the run.
    public var work: (_ pass: Int, _ file: Int, _ done: Int) -> AnalysisLevels
    /// AnalysisLevels once pass `pass` has released its state.
    public var released: (_ pass: Int) -> AnalysisLevels
    /// AnalysisLevels during the settle phase; defaults to the last pass's released levels.
    public var settled: AnalysisLevels?

    /// A run of `passes` passes of `files` files whose levels `work`, `released` and `settled` give.
    public init(
        passes: Int = 3, files: Int = 500, filesPerSample: Int = 2, settleSamples: Int = 40,
        work: @escaping (_ pass: Int, _ file: Int, _ done: Int) -> AnalysisLevels,
        released: @escaping (_ pass: Int) -> AnalysisLevels, settled: AnalysisLevels? = nil
    ) {
        self.passes = passes
        self.files = files
        self.filesPerSample = filesPerSample
        self.settleSamples = settleSamples
        self.work = work
        self.released = released
        self.settled = settled
    }

    /// The samples, one every 50 ms, and the child report with its pass ends, quiet windows and settle phase.
    public func build() -> (samples: [SampleRow], report: ChildReport) {
        var rows: [SampleRow] = []
        var report = ChildReport()
        var t: Int64 = 0
        func add(_ l: AnalysisLevels, done: Int, pass: Int) {
            var r = SampleRow()
            r.tMs = t
            r.filesDone = Int64(done)
            r.pass = Int64(pass)
            r.rssKB = Int64((l.rss * 1024).rounded())
            r.rssAnonKB = Int64(((l.anon ?? (l.rss - l.file)) * 1024).rounded())
            r.rssFileKB = Int64((l.file * 1024).rounded())
            r.hwmKB = r.rssKB
            r.vmSizeKB = r.rssKB * 4
            r.threads = 9
            r.fds = l.fds
            r.heapLiveBytes = l.live.map { Int64($0 * 1_048_576) }
            r.heapHeldBytes = l.held.map { Int64($0 * 1_048_576) }
            r.openWriters = l.writers
            rows.append(r)
            t += 50
        }
        // Before the work: the child's sampler starts with the binary and a small heap.
        for _ in 0..<3 { add(AnalysisLevels(rss: 30, live: 1, file: 20), done: 0, pass: 1) }
        for p in 1...passes {
            for k in stride(from: 0, to: files, by: filesPerSample) {
                let done = (p - 1) * files + k
                add(work(p, k, done), done: done, pass: p)
            }
            add(work(p, files, p * files), done: p * files, pass: p)
            report.passEndMs.append(t)
            let start = t
            for _ in 0..<10 { add(released(p), done: p * files, pass: p) }
            report.quietWindows = (report.quietWindows ?? []) + [QuietWindow(startMs: start, endMs: t - 50)]
        }
        report.settleStartMs = t
        for _ in 0..<settleSamples { add(settled ?? released(passes), done: passes * files, pass: passes) }
        report.settleEndMs = t - 50
        report.files = passes * files
        report.seconds = Double(t) / 1000
        return (rows, report)
    }
}

/// A deterministic generator for synthetic noise (SplitMix64, Box-Muller).
public struct AnalysisNoise {
    private var random: SeededRandom

    /// The generator seeded with `seed`: the same seed gives the same numbers.
    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { random.next() }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Normal with mean 0 and standard deviation `sd`.
    public mutating func gaussian(sd: Double) -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return sd * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
