import ArgumentParser
import Model
import Foundation
import Harness
import Supervision

/// `leakharness bisect NAME|FILE`: replays `steps:`, or bisects the knobs between `from:` and `to:`.
struct BisectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bisect",
        abstract:
            "Replay a scenario's steps: with the document's observations, or find the knob changes between from: and to: that remove the growth."
    )

    @Argument(help: "A scenario name from scenarios/ or a YAML file, with steps: or from:/to:.")
    var scenario: String

    @OptionGroup var overrides: RunOverrides

    func run() throws {
        let scenario = try overrides.scenario(self.scenario)
        guard scenario.steps != nil || (scenario.from != nil && scenario.to != nil) else {
            throw UsageFailure(
                message: "\(scenario.path): scenario \(scenario.name) has neither steps: nor from: and to:")
        }
        var options = Bisector.Options()
        options.outputRoot = overrides.out
        options.progress = isatty(2) == 1 ? true : nil
        options.earlyStop = !overrides.full
        options.jobs = overrides.jobs
        options.log = { line in logger.info("\(line)") }
        let result: BisectResult
        do {
            result = try Bisector(scenario: scenario, options: options).run()
        } catch {
            logger.error("leakharness: \(error)")
            throw ExitCode(
                Interruption.signal != 0 ? ExitStatus.signalled(Interruption.signal) : ExitStatus.variantFailed.rawValue
            )
        }
        if let steps = result.steps { print(BisectMarkdown.stepTable(steps)) }
        if let auto = result.auto {
            print(BisectMarkdown.probeTable(auto.probes))
            switch auto.outcome {
            case .found:
                print(
                    "minimal: " + auto.minimal.map(\.text).joined(separator: ", ")
                        + (auto.checks.allSatisfy(\.grows) ? " (1-minimal)" : " (NOT shown 1-minimal)"))
            case .fromDoesNotGrow: print("nothing to bisect: \(auto.from) does not grow")
            case .toStillGrows: print("no subset removes the growth: \(auto.to) still grows")
            }
        }
        print(String(format: "%.1f s", result.totalSeconds))
        print(result.directory)
        if result.failed { throw ExitCode(.variantFailed) }
    }
}
