import Foundation
import FeaturePipeline
import Supervision

/// `leakharness bench`: measures the pipeline's stages, the sampler's cost and the harness's own memory.
///
/// Single-thread stages run in this process, one after another; the sampler probe (under jemalloc, which alone
/// counts bytes per thread) and the supervised run whose parent RSS is measured run as helper processes.
public enum Bench {
    /// Runs every stage; `progress` is told the name of each stage as it starts.
    public static func run(
        options: BenchOptions, progress: (String) -> Void = { _ in }
    ) throws(BenchError) -> BenchResult {
        var result = BenchResult()
        result[.quick] = options.quick ? 1 : 0
        result[.loadAverage1m] = BenchClock.loadAverage()
        let directory: String
        let entries: [CorpusEntry]
        do {
            directory = try BuiltInCorpus.directory(for: options.corpus.map { .directory($0) } ?? .builtIn)
            // The single-thread stages measure readable audio only; the pipeline stages skip bad files as usual.
            entries = Array(try CorpusIndex.load(directory: directory).filter(isDecodable).prefix(options.stageFiles))
        } catch {
            throw .corpus("\(error)")
        }
        guard !entries.isEmpty else { throw .corpus("\(directory): no decodable audio file") }
        let work: String
        do {
            work = try TemporaryFolder.make(prefix: "leakharness-bench-", root: options.temporaryRoot)
        } catch {
            throw .stage("setup", reason: "\(error)")
        }
        defer { TemporaryFolder.remove(work) }

        progress("decode")
        result[.decodeAudioSPerS] = try decode(entries, repeats: options.decodeRepeats)
        progress("features")
        let (features, examples) = try features(entries, repeats: options.featureRepeats)
        result[.featuresAudioSPerCPUS] = features
        progress("tfrecord")
        result[.tfrecordWriteMBPerS] = try tfrecord(
            examples, bytes: options.tfrecordBytes, repeats: options.tfrecordRepeats,
            path: "\(work)/bench.tfrecord")
        progress("pipeline")
        var one: [Double] = [], two: [Double] = []
        for _ in 0..<options.pipelineRepeats {
            one.append(try pipeline(directory, workers: 1, files: options.pipelineFiles, output: "\(work)/shards"))
            two.append(try pipeline(directory, workers: 2, files: options.pipelineFiles, output: "\(work)/shards"))
        }
        result[.pipelineFilesPerS1Worker] = BenchClock.median(one)
        result[.pipelineFilesPerS2Workers] = BenchClock.median(two)
        result[.scaling2Workers] =
            result[.pipelineFilesPerS1Worker] > 0
            ? result[.pipelineFilesPerS2Workers] / result[.pipelineFilesPerS1Worker] : 0
        progress("sampler cpu")
        result[.samplerCPUPercentAt100Hz] = try SamplerCPU.measure(
            corpus: directory, files: options.samplerPipelineFiles, work: work)
        progress("sampler probe")
        let cost = try BenchHelpers.probeSampler(executable: options.executable, samples: options.probeSamples)
        result[.samplerUsPerSample] = cost.microsecondsPerSample
        let bytes = cost.bytesAllocatedPerSample ?? 0
        result[.samplerBytesPerSample] = bytes
        result[.samplerAllocationsPerSample] = bytes == 0 ? 0 : max(1, bytes / 64)
        progress("harness rss")
        result[.harnessRSSMB] = try BenchHelpers.harnessRSS(
            executable: options.executable, files: options.harnessFiles, corpus: options.corpus, work: work)
        progress("probe")
        let probe = try ProbeCost.measure(
            executable: options.executable, samples: options.probeSamples,
            seconds: options.quick ? 1 : 4)
        result[.probeUsPerSample] = probe.microsecondsPerSample
        result[.probeCPUPercentAt10Hz] = probe.cpuPercentAt10Hz
        result[.probeAllocatedBytes] = probe.allocatedBytes
        if options.verdicts {
            progress("replay")
            result[.replaySeconds] = try BenchHelpers.timed(
                executable: options.executable, ["bisect", "document-bisection"] + options.verdictSizes,
                repeats: options.verdictRepeats, work: work)
            progress("check ci")
            result[.checkCISeconds] = try BenchHelpers.timed(
                executable: options.executable, ["check", "ci"] + options.verdictSizes,
                repeats: options.verdictRepeats, work: work,
                // At --quick sizes a verdict may miss its expectation (exit 1); the gate still ran in full.
                statuses: options.quick ? [0, 1] : [0])
        }
        result[.loadAverageEnd1m] = BenchClock.loadAverage()
        return result
    }

    /// Whether `entry` opens and decodes (the built-in corpus holds a few broken files on purpose).
    static func isDecodable(_ entry: CorpusEntry) -> Bool {
        guard let file = try? AudioFile(path: entry.path) else { return false }
        return (try? file.readMono()) != nil
    }

    /// Seconds of audio decoded per wall second, one thread (median of `repeats` passes over `entries`).
    static func decode(_ entries: [CorpusEntry], repeats: Int) throws(BenchError) -> Double {
        var samples: [Float] = [], scratch: [Int16] = []
        var rates: [Double] = []
        for pass in 0...repeats {
            var audio = 0.0
            let start = BenchClock.wallNs()
            for entry in entries {
                do {
                    let file = try AudioFile(path: entry.path)
                    let count = try file.readMono(into: &samples, scratch: &scratch)
                    audio += Double(count) / Double(file.sampleRate)
                } catch {
                    throw .stage("decode", reason: "\(error)")
                }
            }
            let seconds = Double(BenchClock.wallNs() - start) / 1e9
            if pass > 0 { rates.append(audio / seconds) }  // pass 0 warms the page cache
        }
        return BenchClock.median(rates)
    }

    /// Seconds of audio per CPU second through decode, log-mel, encoding and checksum, one thread (a worker's whole
    /// share of a file); and some examples for the writer.
    static func features(_ entries: [CorpusEntry], repeats: Int) throws(BenchError) -> (Double, [[UInt8]]) {
        var durations: [Double] = []
        for entry in entries {
            do { durations.append(try AudioFile.duration(path: entry.path)) } catch {
                throw .stage("features", reason: "\(error)")
            }
        }
        let processor = FileProcessor()
        var kept: [[UInt8]] = []
        var rates: [Double] = []
        for pass in 0...repeats {
            var audio = 0.0
            let start = BenchClock.processCPUNs()
            for (index, entry) in entries.enumerated() {
                do {
                    let examples = try processor.process(entry)
                    audio += durations[index]
                    if pass == 0, kept.count < 64 {
                        kept.append(contentsOf: examples.prefix(64 - kept.count).map(\.bytes))
                    }
                } catch {
                    continue  // a file the pipeline would skip: no audio counted
                }
            }
            let seconds = Double(BenchClock.processCPUNs() - start) / 1e9
            if pass > 0, seconds > 0 { rates.append(audio / seconds) }
        }
        guard !kept.isEmpty else { throw .stage("features", reason: "no file of the corpus gave an example") }
        return (BenchClock.median(rates), kept)
    }

    /// MB (10^6 bytes) framed and written per wall second, `close()` included (median of `repeats`).
    static func tfrecord(_ examples: [[UInt8]], bytes: Int, repeats: Int, path: String) throws(BenchError) -> Double {
        var rates: [Double] = []
        for _ in 0..<repeats {
            let start = BenchClock.wallNs()
            let written: Int
            do {
                let writer = try TFRecordWriter(path: path)
                var index = 0
                while writer.bytesWritten < bytes {
                    try writer.write(examples[index % examples.count])
                    index += 1
                }
                written = writer.bytesWritten
                try writer.close()
            } catch {
                throw .stage("tfrecord", reason: "\(error)")
            }
            rates.append(Double(written) / 1e6 / (Double(BenchClock.wallNs() - start) / 1e9))
            unlink(path)
        }
        return BenchClock.median(rates)
    }

    /// Files per wall second of one pass of the fixed pipeline (windowed submission, writers closed, shards removed).
    static func pipeline(
        _ corpus: String, workers: Int, files: Int, output: String,
        counters: PipelineCounters = PipelineCounters()
    ) throws(BenchError) -> Double {
        var options = PipelineOptions()
        options.corpus = .directory(corpus)
        options.files = files
        options.passes = 1
        options.workers = workers
        options.submit = .window(workers * 4)
        do {
            let result = try Pipeline(options: options, outputDirectory: output, counters: counters, keepShards: false)
                .run()
            return Double(result.files) / result.seconds
        } catch {
            throw .stage("pipeline (\(workers) workers)", reason: "\(error)")
        }
    }
}
