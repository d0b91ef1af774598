import ArgumentParser
import Foundation
import Harness
import Reporting

/// `leakharness report merge DIR... --out DIR`: run directories of one scenario from several machines become one report.
struct ReportMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract:
            "Merge run directories of one scenario (e.g. one per CI matrix job) into one run directory and report.")

    @Argument(help: "Run directories (each holds run.json and samples/).")
    var directories: [String]

    @Option(help: "The merged run directory to create (must not exist or be empty).")
    var out: String

    func validate() throws {
        if directories.isEmpty { throw ValidationError("give at least one run directory") }
    }

    func run() throws {
        let summary: RunSummary
        do { summary = try RunMerger.merge(directories: directories, out: out) } catch {
            throw UsageFailure(message: "report merge: \(error)")
        }
        print(MarkdownTable.verdicts(summary))
        print(out)
    }
}
