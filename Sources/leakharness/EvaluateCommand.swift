import ArgumentParser
import Foundation
import Harness
import Scenarios
import Model

/// `leakharness evaluate [--json]`: the decision rule against the truth set; `evaluate pack DIR... --out FILE`
/// packs recorded run directories into it.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract:
            "Measure the decision rule against series whose answer is known; exit 1 when a rate misses its target.",
        subcommands: [EvaluateRunCommand.self, EvaluatePackCommand.self],
        defaultSubcommand: EvaluateRunCommand.self
    )
}

/// Decides every synthetic and recorded series and prints the rates, the matrices and the rerun agreement.
struct EvaluateRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Decide every series of the truth set and print the rates, confusion matrices and rerun agreement."
    )

    @Flag(help: "Print the evaluation as JSON (keys false_leak_rate, missed_leak_rate_2x, ... cases).")
    var json = false

    @Option(help: "Synthetic series to generate.")
    var synthetic = 2400

    @Option(help: "Seed of the synthetic series.")
    var seed: UInt64 = 1

    @Option(help: "The packed recorded series (default: Tests/TruthSet/real-series.jsonl.gz beside scenarios/).")
    var real: String?

    @Flag(help: "Leave the recorded series out.")
    var syntheticOnly = false

    func validate() throws {
        guard synthetic >= 0 else { throw ValidationError("--synthetic must be 0 or more") }
    }

    func run() throws {
        var cases = SyntheticSeries.truthSet(count: synthetic, seed: seed)
        if !syntheticOnly {
            let path: String
            if let real {
                path = real
            } else {
                let catalog = try ScenarioCatalogLookup.catalog()
                path = ((catalog.directory as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent(RealSeries.defaultPath)
            }
            do { cases += try RealSeries.read(path) } catch { throw UsageFailure(message: "evaluate: \(error)") }
        }
        let evaluation = Evaluation(cases: cases)
        if json {
            print(try JSONCoding.text(evaluation))
        } else {
            print(EvaluationMarkdown.render(evaluation))
        }
        if !evaluation.passed { throw ExitCode(.checkFailed) }
    }
}

/// Packs run directories into the recorded part of the truth set, labelled by their variants' `expect:`.
struct EvaluatePackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack the run directories under DIR... into the recorded part of the truth set."
    )

    @Argument(help: "Folders searched for run directories (folders holding run.json).")
    var directories: [String]

    @Option(help: "The gzip file to write.")
    var out: String

    func run() throws {
        let catalog = try ScenarioCatalogLookup.catalog()
        do {
            let cases = try RealSeries.collect(roots: directories, catalog: catalog)
            guard !cases.isEmpty else {
                throw UsageFailure(
                    message:
                        "evaluate pack: no run directory with labelled variants under \(directories.joined(separator: " "))"
                )
            }
            try RealSeries.write(cases, to: out)
            print("\(cases.count) series from \(Set(cases.map(\.kind)).count) variants packed into \(out)")
        } catch let failure as RealSeries.Failure {
            throw UsageFailure(message: "evaluate pack: \(failure)")
        }
    }
}

/// The scenarios folder, as `run` finds it; a usage failure when there is none.
enum ScenarioCatalogLookup {
    static func catalog() throws -> ScenarioCatalog {
        do { return try ScenarioCatalog.locate() } catch { throw UsageFailure(message: "\(error)") }
    }
}
