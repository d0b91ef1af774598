import Foundation
import Synchronization
import Testing
@testable import FeaturePipeline

/// The extraction loop's knobs, observed through its live counters and its result.
@Suite(.serialized)
struct PipelineTests {
    /// A small corpus (2 speakers × 5 utterances, plus the corrupt and the empty file), generated once per test.
    private func corpus() throws -> String {
        let directory = NSTemporaryDirectory() + "leakharness-pipeline-\(UUID().uuidString)"
        try SyntheticCorpus.generate(into: directory, speakers: 2, utterances: 5, seed: 7)
        return directory
    }

    /// Runs one pass of `files` files and returns what `retainedResults` was just before the pass released its state.
    private func retainedAtPassEnd(
        _ configure: (inout PipelineOptions) -> Void
    ) throws -> (retained: Int, result: PipelineResult) {
        var options = PipelineOptions()
        let directory = try corpus()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        options.corpus = .directory(directory)
        options.files = 24
        options.passes = 1
        options.workers = 2
        options.shardSize = 6
        configure(&options)
        let counters = PipelineCounters()
        let seen = Atomic<Int>(-1)
        var hooks = PipelineHooks()
        hooks.beforePassRelease = { _ in
            seen.store(counters.retainedResults.load(ordering: .relaxed), ordering: .relaxed)
        }
        let out = NSTemporaryDirectory() + "leakharness-shards-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try Pipeline(
            options: options, outputDirectory: out, counters: counters, hooks: hooks, keepShards: false
        ).run()
        #expect(counters.retainedResults.load(ordering: .relaxed) == 0, "released when the pass ends")
        #expect(counters.inflight.load(ordering: .relaxed) == 0)
        return (seen.load(ordering: .relaxed), result)
    }

    /// Runs `passes` passes of `files` files with `hooks` on the small corpus, shards deleted at each pass end.
    private func run(files: Int, passes: Int, workers: Int, hooks: PipelineHooks) throws -> PipelineResult {
        let directory = try corpus()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = PipelineOptions()
        options.corpus = .directory(directory)
        options.files = files
        options.passes = passes
        options.workers = workers
        options.shardSize = 4
        let out = NSTemporaryDirectory() + "leakharness-shards-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        return try Pipeline(options: options, outputDirectory: out, hooks: hooks, keepShards: false).run()
    }

    @Test func aRefusedPassEndsTheRunAfterThePassBeforeIt() throws {
        let released = Mutex<[Int]>([])
        let asked = Mutex<[Int]>([])
        var hooks = PipelineHooks()
        hooks.afterPass = { pass in released.withLock { $0.append(pass) } }
        hooks.anotherPass = { finished in
            asked.withLock { $0.append(finished) }
            return finished < 2
        }
        let result = try run(files: 8, passes: 5, workers: 2, hooks: hooks)
        #expect(result.files == 16)
        #expect(released.withLock { $0 } == [1, 2], "every pass run releases its state")
        #expect(asked.withLock { $0 } == [1, 2])
    }

    @Test func theLastPassIsNeverAskedAbout() throws {
        let asked = Mutex<[Int]>([])
        var hooks = PipelineHooks()
        hooks.anotherPass = { finished in
            asked.withLock { $0.append(finished) }
            return true
        }
        let result = try run(files: 4, passes: 2, workers: 1, hooks: hooks)
        #expect(result.files == 8)
        #expect(asked.withLock { $0 } == [1])
    }

    @Test func perFileBuffersWriteTheSameShardsAsReusedScratch() throws {
        let directory = try corpus()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func shards(_ buffers: BuffersMode) throws -> (bytes: [Data], result: PipelineResult) {
            var options = PipelineOptions()
            options.corpus = .directory(directory)
            options.files = 12
            options.passes = 1
            options.workers = 1  // one worker: files complete in order, so shard contents can be compared
            options.shardSize = 4
            options.buffers = buffers
            let out = NSTemporaryDirectory() + "leakharness-shards-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try Pipeline(options: options, outputDirectory: out).run()
            let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
            return (try names.map { try Data(contentsOf: URL(fileURLWithPath: "\(out)/\($0)")) }, result)
        }
        let reused = try shards(.reused)
        let perFile = try shards(.perFile)
        #expect(reused.bytes.count == 3)
        #expect(perFile.bytes == reused.bytes)
        // The workers' buffers outlive the run, for the caller to drop (a service keeps its pool's scratch).
        #expect(reused.result.workers != nil)
    }

    @Test func keptFuturesHoldEveryConsumedFileUntilThePassEnds() throws {
        let kept = try retainedAtPassEnd {
            $0.futures = .keep; $0.consume = .none; $0.submit = .all
        }
        let released = try retainedAtPassEnd {
            $0.futures = .release; $0.consume = .none; $0.submit = .all
        }
        #expect(kept.retained == 24)
        #expect(released.retained == 0)
    }

    @Test func keptResultsAreCountedOncePerGoodFile() throws {
        let kept = try retainedAtPassEnd {
            $0.results = .keep; $0.consume = .result
        }
        // The corrupt and the empty file fail in the worker: only good files leave a result to keep.
        let skipped = kept.result.skipped.values.reduce(0, +)
        #expect(skipped >= 2)
        #expect(kept.retained == 24 - skipped)
    }

    @Test func abandonedWritersStayOpenAfterTheRun() throws {
        let before = AbandonedWriters.count
        let run = try retainedAtPassEnd { $0.writer = .abandon }
        #expect(run.result.shards == 4)
        #expect(AbandonedWriters.count - before == 4)
    }

    @Test func everySubmitModeConsumesEveryFile() throws {
        for mode in [SubmitMode.all, .batched, .window(3)] {
            let run = try retainedAtPassEnd { $0.submit = mode }
            #expect(run.result.files == 24, "\(mode)")
            #expect(run.result.shards == 4, "\(mode)")
        }
    }
}
