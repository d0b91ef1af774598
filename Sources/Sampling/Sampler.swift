import Foundation
import CThread
public import Synchronization
public import FeaturePipeline
public import Model

/// A thread that samples this process's memory at a fixed interval and appends each sample to a CSV file.
///
/// Per sample it reads `/proc/self/status` and the descriptor count, the allocator's heap figures, and the
/// pipeline's counters; once started it allocates nothing.
public final class Sampler: Sendable {
    private let reader: ProcReader
    private let stats: AllocatorStats
    private let writer: SampleCSVWriter
    private let counters: PipelineCounters
    private let intervalNs: UInt64
    private let origin: UInt64
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    /// Samples written so far.
    public let samples = Atomic<Int>(0)
    /// RSS of the latest sample, kB: what the settle watches to tell when memory is steady.
    public let lastRSSKB = Atomic<Int64>(0)
    /// The first write error, which stops sampling (e.g. ENOSPC).
    public let writeFailed = Atomic<Bool>(false)
    /// Every row written, when the sampler keeps them (for a decision taken inside the sampled process).
    private let kept: Mutex<[SampleRow]>?

    /// A sampler writing to `csvPath`, reading `counters`; time 0 is now. With `keepRows`, it also keeps every row
    /// in memory, in an array reserved here for `reserve` rows, so that sampling allocates nothing until it is full.
    public init(
        csvPath: String, counters: PipelineCounters, intervalMs: Int, keepRows: Bool = false,
        reserve: Int = 4096
    ) throws(SamplingError) {
        // The full status about twice a second, whatever the interval: its VmHWM is a maximum since the start,
        // and threads change rarely; statm gives RSS at every sample.
        reader = try ProcReader(statusEvery: max(1, Self.statusIntervalMs / max(1, intervalMs)))
        stats = AllocatorStats()
        writer = try SampleCSVWriter(path: csvPath)
        self.counters = counters
        intervalNs = UInt64(intervalMs) * 1_000_000
        kept = keepRows ? Mutex([SampleRow]()) : nil
        kept?.withLock { $0.reserveCapacity(reserve) }
        origin = Self.now()
    }

    /// The rows written so far; empty unless the sampler keeps them.
    public func rows() -> [SampleRow] {
        kept?.withLock { $0 } ?? []
    }

    /// How often `/proc/self/status` is read, in milliseconds (rounded to whole samples).
    public static let statusIntervalMs = 500

    /// Milliseconds since the sampler was made, on the clock of the `t_ms` column.
    public func elapsedMs() -> Int64 { Int64((Self.now() - origin) / 1_000_000) }

    /// Which allocator's heap figures the samples carry.
    public var allocatorSource: AllocatorStats.Source { stats.source }

    /// Takes one sample now and writes it (on the calling thread).
    public func sampleOnce() {
        var row = SampleRow()
        row.tMs = elapsedMs()
        reader.read(into: &row)
        if let heap = stats.read(nowMs: row.tMs) {
            row.heapLiveBytes = heap.live
            row.heapHeldBytes = heap.held
        }
        row.filesDone = Int64(counters.filesDone.load(ordering: .relaxed))
        row.pass = Int64(counters.pass.load(ordering: .relaxed))
        row.inflight = Int64(counters.inflight.load(ordering: .relaxed))
        row.retainedResults = Int64(counters.retainedResults.load(ordering: .relaxed))
        row.openWriters = Int64(counters.openWriters.load(ordering: .relaxed))
        lastRSSKB.store(row.rssKB, ordering: .relaxed)
        do {
            try writer.append(row)
            kept?.withLock { $0.append(row) }
            samples.add(1, ordering: .relaxed)
        } catch {
            writeFailed.store(true, ordering: .relaxed)
        }
    }

    /// Starts the sampling thread (named `lh-sampler`); the first sample is taken at once.
    public func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            lh_name_current_thread("lh-sampler")
            var next = Self.now()
            while running.load(ordering: .acquiring), !writeFailed.load(ordering: .relaxed) {
                sampleOnce()
                next += intervalNs
                let now = Self.now()
                if next > now {
                    var request = timespec(
                        tv_sec: Int((next - now) / 1_000_000_000), tv_nsec: Int((next - now) % 1_000_000_000))
                    nanosleep(&request, nil)
                } else {
                    next = now
                }
            }
            stopped.signal()
        }
        thread.start()
    }

    /// Takes a last sample, then stops the thread and waits for it.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        stopped.wait()
        sampleOnce()
    }

    private static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
