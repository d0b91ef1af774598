import ArgumentParser
import Foundation
import Harness
import Model
import Supervision
import Reporting

/// `leakharness check NAME|FILE|RUN_DIR...`: runs scenarios and fails (exit 1) on an unmet expectation or a regression against a baseline.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Run scenarios and exit 1 when a variant's verdict differs from its expect:, or is worse than a baseline.",
        discussion: """
            A run directory (holding run.json, e.g. from `report merge`) is checked without running it again. \
            With --baseline, a variant fails when its slope interval lies wholly above the baseline's interval plus \
            max(absolute, relative × baseline), or its peak RSS exceeds the baseline's by more than max(absolute, relative × baseline). \
            When GITHUB_STEP_SUMMARY is set, the verdict tables are appended to it as markdown.
            """)

    @Argument(help: "Scenario names from scenarios/, YAML files, or run directories.")
    var targets: [String]

    @OptionGroup var overrides: RunOverrides

    @Option(help: "Baseline JSON file to compare with (or to write, with --update-baseline).")
    var baseline: String?

    @Flag(help: "Write the measured figures into --baseline instead of comparing with it.")
    var updateBaseline = false

    @Option(help: "Write a JUnit XML file with one test case per variant.")
    var junit: String?

    @Option(help: "Relative tolerance against the baseline (0.25: 25%).")
    var relativeTolerance = 0.25

    @Option(help: "Absolute slope tolerance against the baseline, MB per 1000 files.")
    var slopeToleranceMb = 2.0

    @Option(help: "Absolute peak RSS tolerance against the baseline, MB.")
    var peakToleranceMb = 32.0

    func validate() throws {
        if targets.isEmpty { throw ValidationError("give at least one scenario or run directory") }
        if updateBaseline, baseline == nil { throw ValidationError("--update-baseline needs --baseline FILE") }
        guard relativeTolerance >= 0, slopeToleranceMb >= 0, peakToleranceMb >= 0 else {
            throw ValidationError("tolerances must not be negative")
        }
    }

    func run() throws {
        // Every scenario is resolved before anything runs: malformed files exit 2 at once, with all their problems.
        var resolved: [CheckTarget] = []
        var problems: [String] = []
        for t in targets {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(t)/run.json"),
                FileManager.default.fileExists(atPath: t, isDirectory: &isDir), isDir.boolValue
            {
                resolved.append(.runDirectory(t))
                continue
            }
            do {
                resolved.append(.scenario(try overrides.scenario(t)))
            } catch let failure as UsageFailure {
                problems.append(failure.message)
            }
        }
        if !problems.isEmpty { throw UsageFailure(message: problems.joined(separator: "\n")) }
        var existing: Baseline?
        if let baseline {
            if updateBaseline, !FileManager.default.fileExists(atPath: baseline) {
                existing = Baseline()
            } else {
                do { existing = try Baseline.load(path: baseline) } catch { throw UsageFailure(message: "\(error)") }
            }
        }
        var options = ScenarioRunner.Options()
        options.outputRoot = overrides.out
        options.progress = isatty(2) == 1
        options.earlyStop = !overrides.full
        options.jobs = overrides.jobs
        let tolerance = GateTolerance(relative: relativeTolerance, slopeMB: slopeToleranceMb, peakMB: peakToleranceMb)
        let result: CheckResult
        do {
            result = try Checker.run(
                targets: resolved, options: options, baseline: updateBaseline ? nil : existing, tolerance: tolerance)
        } catch {
            throw UsageFailure(message: "check: \(error)")
        }
        for run in result.runs {
            print("## \(run.summary.scenario)\n")
            print(MarkdownTable.verdicts(run.summary))
        }
        for check in result.checks {
            for note in check.notes { print("note: \(note)") }
            for failure in check.failures { print("FAIL: \(failure)") }
        }
        let failed = result.checks.filter { !$0.passed }.count
        print(
            failed == 0
                ? "check: all \(result.checks.count) variant(s) pass"
                : "check: \(failed) of \(result.checks.count) variant(s) fail")
        if updateBaseline, let baseline, var updated = existing {
            for run in result.runs { updated = updated.updated(with: run.summary) }
            do { try updated.write(path: baseline) } catch { throw UsageFailure(message: "\(error)") }
            print("baseline written: \(baseline)")
        }
        if let junit {
            do { try AtomicFile.write(JUnitReport.render(result.checks), to: junit) } catch {
                throw UsageFailure(message: "--junit: \(error)")
            }
        }
        if let path = StepSummary.path() {
            do { try StepSummary.append(Gate.stepSummary(result.runs, checks: result.checks), to: path) } catch {
                logger.warning("leakharness: GITHUB_STEP_SUMMARY: \(error)")
            }
        }
        for run in result.runs { print(run.directory) }
        if Interruption.signal != 0 { throw ExitCode(ExitStatus.signalled(Interruption.signal)) }
        if failed > 0 { throw ExitCode(.checkFailed) }
    }
}
