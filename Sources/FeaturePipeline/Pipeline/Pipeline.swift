import Foundation
import Synchronization

/// Callbacks a measuring harness can hang on the pipeline's loop without the pipeline knowing what it measures.
public struct PipelineHooks: Sendable {
    /// After each shard is finished (closed or abandoned): e.g. `malloc_trim(0)`.
    public var afterShard: (@Sendable () -> Void)?
    /// At the end of a pass's work, before its own state is released (its peak); given the 1-based pass.
    public var beforePassRelease: (@Sendable (_ pass: Int) -> Void)?
    /// After a pass's own state (futures, kept results) has been released; given the 1-based pass.
    public var afterPass: (@Sendable (_ pass: Int) -> Void)?
    /// Asked after `afterPass` whether to run the next pass; false ends the run there (a verdict already settled).
    public var anotherPass: (@Sendable (_ finished: Int) -> Bool)?
    /// Polled between files: true stops the run at the next file.
    public var shouldStop: (@Sendable () -> Bool)?
    /// A stand-in for the disk: when set, shard writes fail with ENOSPC after this many shards (reliability tests).
    public var failWritesAfterShards: Int?

    /// No hooks.
    public init() {}
}

/// What a pipeline run did.
public struct PipelineResult: Sendable {
    /// Files consumed over all passes, skipped ones included.
    public var files = 0
    /// Skipped files by reason.
    public var skipped: [String: Int] = [:]
    public var segments = 0
    public var shards = 0
    public var bytesWritten = 0
    public var seconds = 0.0
    /// The per-file summaries of `manifest: keep`, handed to the caller so it decides when they are freed.
    public var manifest: Manifest?
    /// The workers' buffers (per-thread scratch under `buffers: reused`), handed over for the same reason: a
    /// service keeps its pool's scratch between jobs, so a harness settles with it alive and then drops it.
    public var workers: WorkerSet?
}

/// The kept per-file summaries of `manifest: keep`.
public final class Manifest: Sendable {
    let entries = Locked<[[Float]]>([])

    /// Entries kept so far.
    public var count: Int { entries.withLock { $0.count } }
}

/// The case study's extraction loop: a thread pool decodes and featurises files; the calling thread
/// consumes them as they complete and writes their examples into TFRecord shards.
public final class Pipeline: Sendable {
    public let options: PipelineOptions
    public let outputDirectory: String
    public let counters: PipelineCounters
    public let hooks: PipelineHooks
    /// Delete each pass's shard files when the pass ends (measurement runs); `extract` keeps them.
    public let keepShards: Bool

    /// A pipeline that writes its shards into `outputDirectory` (created if missing).
    public init(
        options: PipelineOptions, outputDirectory: String, counters: PipelineCounters = PipelineCounters(),
        hooks: PipelineHooks = PipelineHooks(), keepShards: Bool = true
    ) {
        self.options = options
        self.outputDirectory = outputDirectory
        self.counters = counters
        self.hooks = hooks
        self.keepShards = keepShards
    }

    /// Runs every pass; blocks the calling thread, which plays the case study's main thread.
    public func run() throws(PipelineError) -> PipelineResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let entries = try corpusEntries()
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw .output(
                path: outputDirectory, errno: Int32((error as NSError).code),
                message: "cannot create: \(error.localizedDescription)")
        }
        let manifest = options.manifest == .keep ? Manifest() : nil
        let work = WorkerSet(options: options, manifest: manifest)
        let pool = ThreadPool(size: options.workers, name: "lh-worker")
        defer { pool.shutdown(.cancel) }

        var result = PipelineResult()
        result.manifest = manifest
        result.workers = work
        for pass in 1...options.passes {
            if hooks.shouldStop?() == true { break }
            counters.pass.store(pass, ordering: .relaxed)
            let order = PassPlan.files(for: pass, entries: entries, options: options)
            var state = PassState(pass: pass)
            try runPass(order, pool: pool, work: work, state: &state, result: &result)
            if !keepShards { state.removeShardFiles() }
            hooks.beforePassRelease?(pass)
            // The pass's own state is released here; only abandoned writers and the manifest outlive it.
            state.releaseRetained(counters: counters)
            hooks.afterPass?(pass)
            if pass < options.passes, hooks.anotherPass?(pass) == false { break }
        }
        result.skipped = work.skipped.withLock { $0 }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return result
    }

    private func corpusEntries() throws(PipelineError) -> [CorpusEntry] {
        do {
            let directory = try BuiltInCorpus.directory(for: options.corpus)
            let entries = try CorpusIndex.load(directory: directory)
            guard !entries.isEmpty else { throw PipelineError.corpus("\(directory): no audio files") }
            return entries
        } catch let error as PipelineError {
            throw error
        } catch {
            throw .corpus(String(describing: error))
        }
    }

    /// One pass: submit per the submit mode, consume in completion order, write shards.
    private func runPass(
        _ files: [CorpusEntry], pool: ThreadPool, work: WorkerSet, state: inout PassState,
        result: inout PipelineResult
    ) throws(PipelineError) {
        let completions = CompletionQueue<FileResult>()
        var next = 0
        func submit(_ count: Int) {
            let end = min(files.count, next + count)
            while next < end {
                let entry = files[next]
                _ = pool.submit(to: completions) { worker in try work.process(entry, worker: worker) }
                counters.inflight.add(1, ordering: .relaxed)
                next += 1
            }
        }
        let batch = options.shardSize
        switch options.submit {
        case .all: submit(files.count)
        case .batched: submit(batch)
        case .window(let n): submit(n)
        }
        var consumed = 0
        while consumed < files.count {
            if hooks.shouldStop?() == true { break }
            let future = completions.next()
            consumed += 1
            counters.inflight.subtract(1, ordering: .relaxed)
            try consume(future, state: &state, result: &result)
            counters.filesDone.add(1, ordering: .relaxed)
            result.files += 1
            switch options.submit {
            case .all: break
            case .batched: if consumed == next { submit(batch) }
            case .window: submit(1)
            }
        }
        // Drain what was submitted but not consumed (a stop request), so no worker outlives the pass's state.
        while consumed < next {
            _ = completions.next()
            consumed += 1
            counters.inflight.subtract(1, ordering: .relaxed)
        }
        try finishShard(&state, result: &result)
    }

    private func consume(
        _ future: Future<FileResult>, state: inout PassState, result: inout PipelineResult
    ) throws(PipelineError) {
        if options.futures == .keep {
            // as_completed before bpo-27144: the future, and the result inside it, stays referenced until the pass ends.
            state.keptFutures.append(future)
            counters.retainedResults.add(1, ordering: .relaxed)
        }
        guard options.consume != .none else { return }
        guard let file = try? future.result() else { return }  // skipped: counted by the worker
        if options.results == .keep {
            state.keptResults.append(file)
            counters.retainedResults.add(1, ordering: .relaxed)
        }
        result.segments += file.records.count
        guard options.consume == .write else { return }
        if state.writer == nil { try openShard(&state) }
        do {
            for record in file.records { try state.writer!.write(record) }
        } catch {
            throw outputError(error, path: state.writerPath)
        }
        state.filesInShard += 1
        if state.filesInShard == options.shardSize { try finishShard(&state, result: &result) }
    }

    private func openShard(_ state: inout PassState) throws(PipelineError) {
        let index = state.shardPaths.count + 1
        let path = "\(outputDirectory)/pass-\(state.pass)-shard-\(String(format: "%05d", index)).tfrecord"
        if let limit = hooks.failWritesAfterShards, counters.shards.load(ordering: .relaxed) >= limit {
            throw .output(path: path, errno: ENOSPC, message: String(cString: strerror(ENOSPC)))
        }
        do {
            state.writer = try TFRecordWriter(path: path)
        } catch {
            throw outputError(error, path: path)
        }
        state.writerPath = path
        state.shardPaths.append(path)
        counters.openWriters.add(1, ordering: .relaxed)
    }

    private func finishShard(_ state: inout PassState, result: inout PipelineResult) throws(PipelineError) {
        guard let writer = state.writer else { return }
        state.writer = nil
        state.filesInShard = 0
        switch options.writer {
        case .close:
            result.bytesWritten += writer.bytesWritten
            do { try writer.close() } catch { throw outputError(error, path: state.writerPath) }
            counters.openWriters.subtract(1, ordering: .relaxed)
        case .abandon:
            // Replaced without close(): still registered, so its descriptor and unflushed buffer stay alive.
            result.bytesWritten += writer.bytesWritten
            AbandonedWriters.keep(writer)
        }
        result.shards += 1
        counters.shards.add(1, ordering: .relaxed)
        hooks.afterShard?()
    }

    private func outputError(_ error: any Error, path: String) -> PipelineError {
        if let error = error as? TFRecordError, case .write(let p, let errno, let message) = error {
            return .output(path: p, errno: errno, message: message)
        }
        return .output(path: path, errno: 0, message: String(describing: error))
    }
}

/// Writers replaced without `close()`: registered for the life of the process, as a native writer stays registered.
enum AbandonedWriters {
    private static let writers = Locked<[TFRecordWriterBox]>([])

    static func keep(_ writer: TFRecordWriter) {
        writers.withLock { $0.append(TFRecordWriterBox(writer: writer)) }
    }

    /// How many writers have been abandoned.
    static var count: Int { writers.withLock { $0.count } }
}

/// A writer moved to the registry; nothing touches it again.
struct TFRecordWriterBox: @unchecked Sendable {
    let writer: TFRecordWriter
}

/// The main thread's state for one pass; released when the pass ends.
struct PassState {
    let pass: Int
    var keptFutures: [Future<FileResult>] = []
    var keptResults: [FileResult] = []
    var writer: TFRecordWriter?
    var writerPath = ""
    var filesInShard = 0
    var shardPaths: [String] = []

    init(pass: Int) { self.pass = pass }

    mutating func releaseRetained(counters: PipelineCounters) {
        let released = keptFutures.count + keptResults.count
        keptFutures = []
        keptResults = []
        counters.retainedResults.subtract(released, ordering: .relaxed)
    }

    func removeShardFiles() {
        for path in shardPaths { unlink(path) }
    }
}

/// One file's output: its serialized examples, checksummed by the worker that made them.
struct FileResult: Sendable {
    var records: [ChecksummedRecord]
}

/// The order of one pass's files.
enum PassPlan {
    static func files(for pass: Int, entries: [CorpusEntry], options: PipelineOptions) -> [CorpusEntry] {
        var base = entries
        switch options.order {
        case .corpus: break
        case .shuffled:
            var rng = SeededRandom(seed: options.seed &+ UInt64(pass))
            base.shuffle(using: &rng)
        case .byDuration:
            base = entries.sortedByDuration()
        }
        return (0..<options.files).map { base[$0 % base.count] }
    }
}

extension [CorpusEntry] {
    /// Ascending by duration read from each file's header; unreadable files first (they are skipped quickly).
    func sortedByDuration() -> [CorpusEntry] {
        let keyed = map { entry in (entry, (try? AudioFile.duration(path: entry.path)) ?? 0) }
        return keyed.sorted { a, b in a.1 != b.1 ? a.1 < b.1 : a.0.path < b.0.path }.map(\.0)
    }
}
