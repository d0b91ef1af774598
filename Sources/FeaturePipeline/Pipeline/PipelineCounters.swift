public import Synchronization

/// The pipeline's live counters: written by the pipeline, read lock-free by a sampler thread.
public final class PipelineCounters: Sendable {
    /// Files consumed by the main loop, over all passes (skipped files included).
    public let filesDone = Atomic<Int>(0)
    /// The 1-based pass being worked on; 0 before the first.
    public let pass = Atomic<Int>(0)
    /// Files submitted and not yet consumed.
    public let inflight = Atomic<Int>(0)
    /// Results (one per file) still referenced: kept futures and kept result lists.
    public let retainedResults = Atomic<Int>(0)
    /// Writers open: the current shard's plus every abandoned one.
    public let openWriters = Atomic<Int>(0)
    /// Shards finished.
    public let shards = Atomic<Int>(0)

    /// All counters at zero.
    public init() {}
}
