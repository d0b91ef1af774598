import ArgumentParser
import Foundation
import Harness

/// `leakharness bench`: the performance figures, as a table or JSON.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the pipeline's speed, the sampler's cost and the harness's memory.")

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "A VCTK-layout directory (default: the built-in corpus).")
    var corpus: String?

    @Flag(help: "Tiny sizes (for tests): every figure is produced, none is meaningful.")
    var quick = false

    @Option(help: "A JSON file of an earlier `bench --json`: warn on stderr about figures that moved by more than 20%.")
    var baseline: String?

    @Flag(help: "Also time the case study's replay and `check ci`, three runs each (replay_seconds, check_ci_seconds).")
    var verdicts = false

    func validate() throws {
        if let corpus {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--corpus: \(corpus) is not a directory")
            }
        }
        if let baseline, !FileManager.default.isReadableFile(atPath: baseline) {
            throw ValidationError("--baseline: \(baseline) is not a readable file")
        }
    }

    func run() throws {
        var options = BenchOptions()
        options.corpus = corpus
        options.quick = quick
        options.verdicts = verdicts
        let before = try baseline.map { path throws in try BenchReport.loadBaseline(path: path) }
        let result = try Bench.run(options: options) { stage in logger.info("bench: \(stage)") }
        print(json ? BenchReport.json(result) : BenchReport.table(result))
        if let before {
            let warnings = BenchReport.compare(result, baseline: before)
            if warnings.isEmpty {
                logger.info("bench: every figure within 20% of the baseline")
            } else {
                logger.warning("\(warnings.joined(separator: "\n"))")
            }
        }
    }
}
