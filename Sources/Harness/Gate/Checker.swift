import Foundation
public import Model
import Supervision
public import Reporting

/// What `check` runs: a scenario, or a run directory already made (e.g. merged from a CI matrix).
public enum CheckTarget: Sendable {
    /// Run this scenario's variants, then check them.
    case scenario(Scenario)
    /// Check this run directory's variants without running anything (its report is rewritten first).
    case runDirectory(String)
}

/// What `check` found over all its targets.
public struct CheckResult: Sendable {
    /// Each target's run directory and summary, in order.
    public var runs: [(summary: RunSummary, directory: String)]
    /// One per variant, in order.
    public var checks: [VariantCheck]
    /// A run was stopped by SIGINT or SIGTERM.
    public var interrupted: Bool

    /// Whether every variant passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }
}

/// Runs `check`'s targets and applies the gate.
public enum Checker {
    /// Runs (or reloads) every target in order and checks each variant; `baseline` nil skips the baseline comparison.
    public static func run(
        targets: [CheckTarget], options: ScenarioRunner.Options, baseline: Baseline?,
        tolerance: GateTolerance
    ) throws(GateError) -> CheckResult {
        var result = CheckResult(runs: [], checks: [], interrupted: false)
        for target in targets {
            if Interruption.signal != 0 { result.interrupted = true; break }
            let directory: String
            switch target {
            case .scenario(let scenario):
                do {
                    let run = try ScenarioRunner(scenario: scenario, options: options).run()
                    directory = run.directory
                    result.interrupted = result.interrupted || run.manifest.interrupted
                } catch {
                    throw .run(path: options.outputRoot, why: "\(error)")
                }
            case .runDirectory(let path):
                directory = path
            }
            let summary: RunSummary
            do { summary = try RunReporter.write(runDirectory: directory) } catch {
                throw .run(path: directory, why: "\(error)")
            }
            result.runs.append((summary, directory))
            result.checks += Gate.evaluate(summary, baseline: baseline, tolerance: tolerance)
        }
        return result
    }
}
