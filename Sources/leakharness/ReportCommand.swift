import ArgumentParser
import Foundation
import Harness
import Reporting

/// `leakharness report RUN_DIR` rebuilds a run directory's reports (or prints them for a pull request);
/// `leakharness report merge DIR... --out DIR` merges runs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run directory's reports, or merge run directories made on several machines.",
        subcommands: [ReportRebuildCommand.self, ReportMergeCommand.self],
        defaultSubcommand: ReportRebuildCommand.self
    )
}

/// `leakharness report [rebuild] RUN_DIR [--for files|pull-request]`: rebuild summary.json, summary.csv, report.md
/// and charts from run.json and the CSVs, or print markdown with charts GitHub draws.
struct ReportRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild a run directory's summaries, report.md and charts from run.json and samples/*.csv."
    )

    @Argument(help: "A run directory written by `leakharness run` (it holds run.json).")
    var runDirectory: String

    @Option(
        name: .customLong("for"),
        help: "files: rewrite the run directory's reports; pull-request: print markdown with charts GitHub draws.")
    var audience: ReportAudience = .files

    func run() throws {
        if audience == .pullRequest {
            do {
                print(try PullRequestReport.render(runDirectory: runDirectory), terminator: "")
            } catch {
                throw UsageFailure(message: "report: \(error)")
            }
            return
        }
        do {
            try RunReporter.write(runDirectory: runDirectory)
        } catch .writeFailed(let path, let why) {
            logger.error("leakharness: report: \(path): cannot write: \(why)")
            throw ExitCode(.checkFailed)
        } catch {
            throw UsageFailure(message: "report: \(error)")
        }
        print(RunFiles.reportPath(runDirectory: runDirectory))
    }
}
