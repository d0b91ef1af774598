import ArgumentParser
import Model
import Foundation
import Harness
import Reporting

/// `leakharness compare RUN_DIR RUN_DIR`: the variants of two runs side by side, better/worse/same by slope intervals.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the variants two runs have in common; exit 1 when any is worse in the second run.",
        discussion:
            "Worse: the second run's slope interval lies wholly above the first's and the estimates differ by more than --min-difference; better is the mirror case; anything else is the same."
    )

    @Argument(help: "The first (reference) run directory.")
    var before: String

    @Argument(help: "The second run directory.")
    var after: String

    @Option(help: "Smallest slope difference that counts, MB per 1000 files.")
    var minDifference = 1.0

    func run() throws {
        let summaries = try [before, after].map { dir -> RunSummary in
            do { return try RunSummary.load(runDirectory: dir) } catch {
                do { return try RunReporter.write(runDirectory: dir) } catch {
                    throw UsageFailure(message: "compare: \(error)")
                }
            }
        }
        let comparison = RunComparison.compare(before: summaries[0], after: summaries[1], minDifference: minDifference)
        if comparison.rows.isEmpty { throw UsageFailure(message: "compare: the two runs have no variant in common") }
        print("A: \(before)\nB: \(after)\n")
        print(comparison.markdown(), terminator: "")
        if comparison.anyWorse { throw ExitCode(.checkFailed) }
    }
}
