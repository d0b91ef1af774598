import ArgumentParser
import Model
import Foundation
import Harness
import Supervision
import Reporting
import Sites

/// `leakharness run NAME|FILE`: every variant in its own child, then the report.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a scenario's variants, each in its own process, and write a report.")

    @Argument(help: "A scenario name from scenarios/ or a YAML file.")
    var scenario: String

    @OptionGroup var overrides: RunOverrides

    @Flag(help: "Sample allocation sites with jemalloc's heap profiler.")
    var sites = false

    func run() throws {
        let scenario = try overrides.scenario(self.scenario, extra: sites ? [.profile: "sites"] : [:])
        var options = ScenarioRunner.Options()
        options.outputRoot = overrides.out
        options.progress = isatty(2) == 1
        options.earlyStop = !overrides.full
        options.jobs = overrides.jobs
        let result: RunResult
        do {
            result = try ScenarioRunner(scenario: scenario, options: options).run()
        } catch {
            throw UsageFailure(message: "\(error)")
        }
        let summary = try RunReporter.write(runDirectory: result.directory)
        if result.manifest.variants.contains(where: \.settings.profilesSites) {
            do { try SiteReport.write(runDirectory: result.directory) } catch {
                logger.error("leakharness: sites: \(error)")
            }
        }
        print(MarkdownTable.verdicts(summary))
        print(result.directory)
        if Interruption.signal != 0 { throw ExitCode(ExitStatus.signalled(Interruption.signal)) }
        if result.manifest.variants.contains(where: { $0.failure != nil }) { throw ExitCode(.variantFailed) }
    }
}
