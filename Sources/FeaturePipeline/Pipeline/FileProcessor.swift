/// One thread's decode, log-mel and Example encoding of single files, exactly as a pipeline worker does it.
///
/// For measurements (`leakharness bench`): the same code and reused buffers as the worker loop, without the pool.
/// Not thread-safe: one instance per thread.
public final class FileProcessor {
    private let scratch = WorkerScratch()

    /// A processor with its own reused buffers.
    public init() {}

    /// The serialized examples of one file, each with its checksum; throws for an unreadable or too short file.
    public func process(_ entry: CorpusEntry) throws -> [ChecksummedRecord] {
        try scratch.process(entry, manifest: nil).records
    }
}
