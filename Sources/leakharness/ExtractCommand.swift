import ArgumentParser
import Model
import Foundation
import FeaturePipeline

/// `leakharness extract`: the pipeline once over a corpus, plainly, writing TFRecord shards.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract log-mel features of a corpus into TFRecord shards (no measurement).")

    @Option(help: "A VCTK-layout directory (default: the built-in corpus).")
    var corpus: String?

    @Option(help: "Directory for the shards.")
    var out: String

    @Option(help: "Worker threads.")
    var workers = 2

    @Option(help: "Files per shard.")
    var shardSize = 25

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers: must be from 1 to 64") }
        guard shardSize > 0 else { throw ValidationError("--shard-size: must be positive") }
        if let corpus {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--corpus: \(corpus) is not a directory")
            }
        }
    }

    func run() throws {
        let result: PipelineResult
        do {
            result = try Extraction.run(corpus: corpus, out: out, workers: workers, shardSize: shardSize)
        } catch {
            logger.error("leakharness extract: \(error)")
            throw ExitCode(.checkFailed)
        }
        print(
            "files: \(result.files - result.skipped.values.reduce(0, +)) done, \(result.skipped.values.reduce(0, +)) skipped"
        )
        for (reason, count) in result.skipped.sorted(by: { $0.key < $1.key }) {
            print("  skipped \(count): \(reason)")
        }
        print("segments: \(result.segments)")
        print("shards: \(result.shards) in \(out)")
        print(String(format: "seconds: %.2f", result.seconds))
    }
}
