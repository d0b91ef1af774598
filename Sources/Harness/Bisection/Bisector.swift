import Foundation
public import Model
import Supervision
import Analysis
import Reporting

/// `leakharness bisect`: replays a scenario's `steps:` or bisects the knobs between its `from:` and `to:`, and writes
/// `<out>/<time>-<scenario>-bisect/` with `bisect.json` and `report.md`.
public struct Bisector: Sendable {
    /// Where and how to run.
    public struct Options: Sendable {
        /// Bisect directories are made under this folder.
        public var outputRoot = "reports/runs"
        /// Progress of each child: a bar (true), plain lines (false) or nothing (nil), as `ScenarioRunner.Options`.
        public var progress: Bool? = false
        /// The executable that runs a child.
        public var executable = ChildLauncher.currentExecutable()
        /// Let steps and probes end their passes once their answer is settled (`EarlyStopRule`); false: `--full`.
        public var earlyStop = true
        /// Replayed steps run side by side; nil: `ScenarioRunner.defaultJobs`.
        public var jobs: Int?
        /// Receives one line per finished step or probe.
        public var log: (@Sendable (String) -> Void)?

        public init() {}
    }

    public let scenario: Scenario
    public let options: Options

    public init(scenario: Scenario, options: Options) {
        self.scenario = scenario
        self.options = options
    }

    /// Replays `steps:` when the scenario has them, else bisects `from:` → `to:`.
    public func run() throws(BisectError) -> BisectResult {
        if scenario.steps != nil { return try replay() }
        if scenario.from != nil, scenario.to != nil { return try bisect() }
        throw .nothingToBisect(scenario: scenario.name, path: scenario.path)
    }

    // MARK: Replay

    /// Runs every step in order, each one variant of one run, and compares its direction with the document's.
    public func replay() throws(BisectError) -> BisectResult {
        guard let names = scenario.steps, !names.isEmpty else {
            throw .nothingToBisect(scenario: scenario.name, path: scenario.path)
        }
        var variants: [Variant] = []
        for name in names {
            guard let v = scenario.variant(named: name) else {
                throw .unknownVariant(name: name, scenario: scenario.name)
            }
            variants.append(v)
        }
        let started = Date()
        let loadStart = Self.loadAverage()
        var steps = scenario
        steps.name = "\(scenario.name)-bisect"
        steps.variants = variants
        var runOptions = ScenarioRunner.Options()
        runOptions.outputRoot = options.outputRoot
        runOptions.progress = options.progress
        runOptions.executable = options.executable
        runOptions.earlyStop = options.earlyStop
        runOptions.jobs = options.jobs
        let run: RunResult
        do { run = try ScenarioRunner(scenario: steps, options: runOptions).run() } catch { throw .run(error) }
        if Interruption.signal != 0 { throw .interrupted(directory: run.directory) }
        let summary: RunSummary
        do { summary = try RunReporter.write(runDirectory: run.directory) } catch { throw .report(error) }

        var rows: [BisectStep] = []
        var previous = scenario.base
        for v in variants {
            guard let s = summary.variant(named: v.name),
                let outcome = run.manifest.variants.first(where: { $0.name == v.name })
            else { continue }
            let documented = Direction(document: v.document)
            let measured = Direction(verdict: s.verdict)
            let step = BisectStep(
                step: v.name, changes: KnobChange.between(previous, v.config), document: v.document, models: v.models,
                documentDirection: documented, measuredDirection: measured,
                agrees: Direction.agree(document: documented, measured: measured),
                verdict: s.verdict, cause: s.cause, reason: s.reason, rssStartMB: s.rssStartMB, rssEndMB: s.rssEndMB,
                slopeMBPer1000Files: s.slopeMBPer1000Files, expect: s.expect, expectationMet: s.expectationMet,
                files: s.files, seconds: outcome.wallSeconds, failure: outcome.failure ?? outcome.report?.failure)
            rows.append(step)
            previous = v.config
            options.log?(
                String(
                    format: "%@: %@ %@, document %@ → %@ (%.1f s)", v.name, s.verdict.rawValue, s.cause.rawValue,
                    documented.rawValue, step.agrees.map { $0 ? "agrees" : "DISAGREES" } ?? "undecided",
                    outcome.wallSeconds))
        }
        var result = makeResult(mode: .replay, directory: run.directory, started: started, loadStart: loadStart)
        result.steps = rows
        let runReport = ReportMarkdown.render(
            manifest: run.manifest, summary: summary, keepsFreedMemory: RunReporter.keepsFreedMemory(summary.variants))
        try write(result, directory: run.directory, appending: "\n---\n\n" + runReport)
        return result
    }

    // MARK: Automatic bisection

    /// Delta debugging over the workload knobs in which `from` and `to` differ; each probe is one run of one variant.
    public func bisect() throws(BisectError) -> BisectResult {
        guard let fromName = scenario.from, let toName = scenario.to else {
            throw .nothingToBisect(scenario: scenario.name, path: scenario.path)
        }
        guard let from = scenario.variant(named: fromName) else {
            throw .unknownVariant(name: fromName, scenario: scenario.name)
        }
        guard let to = scenario.variant(named: toName) else {
            throw .unknownVariant(name: toName, scenario: scenario.name)
        }
        let started = Date()
        let loadStart = Self.loadAverage()
        let directory: String
        do { directory = try RunDirectory.create(root: options.outputRoot, scenario: "\(scenario.name)-bisect") } catch
        { throw .run(error) }
        try? FileManager.default.removeItem(atPath: "\(directory)/samples")

        let differing = KnobChange.between(from.config, to.config)
        let knobs = Set(differing.compactMap { Knob(rawValue: $0.knob) })
        var probes: [BisectProbe] = []
        var probeOf: [Set<Knob>: Int] = [:]
        let search: DeltaDebugging.Result
        do {
            search = try DeltaDebugging.minimize(changes: knobs) { (applied: Set<Knob>) throws(BisectError) -> Bool in
                let probe = try runProbe(
                    index: probes.count + 1, applied: applied, from: from.config, to: to.config, directory: directory)
                probes.append(probe)
                probeOf[applied] = probe.index
                return probe.grows
            }
        } catch let error as BisectError {
            throw error
        } catch {
            throw .interrupted(directory: directory)
        }
        let changeOf = Dictionary(uniqueKeysWithValues: differing.map { ($0.knob, $0) })
        let minimal = search.minimal.compactMap { changeOf[$0.rawValue] }
        let checks = search.checks.map { c in
            MinimalityCheck(
                undone: c.undone.rawValue, probe: probeOf[Set(search.minimal).subtracting([c.undone])] ?? 0,
                grows: c.grows)
        }
        var result = makeResult(mode: .auto, directory: directory, started: started, loadStart: loadStart)
        result.auto = AutoBisection(
            from: fromName, to: toName, differing: differing, outcome: search.outcome, minimal: minimal,
            checks: checks, probes: probes, earlyStop: options.earlyStop)
        try write(result, directory: directory, appending: "")
        return result
    }

    /// Runs `from` with the changes in `applied` set to `to`'s values, and decides whether memory still grows.
    private func runProbe(
        index: Int, applied: Set<Knob>, from: VariantConfig, to: VariantConfig, directory: String
    ) throws(BisectError) -> BisectProbe {
        if Interruption.signal != 0 { throw .interrupted(directory: directory) }
        var config = from
        var overrides: [Knob: String] = [:]
        for knob in applied.sorted() {
            do { try config.set(knob, to.value(of: knob)) } catch { throw .knob(knob: knob, reason: error.description) }
            overrides[knob] = to.value(of: knob)
        }
        let name = String(format: "probe-%02d", index)
        let variant = Variant(name: name, config: config, overrides: overrides)
        let probeScenario = Scenario(
            name: name, description: "Probe \(index) of the bisection of \(scenario.name)", path: scenario.path,
            base: config, variants: [variant], thresholds: scenario.thresholds)
        var runOptions = ScenarioRunner.Options()
        runOptions.outputRoot = "\(directory)/probes"
        runOptions.progress = options.progress
        runOptions.executable = options.executable
        runOptions.earlyStop = options.earlyStop
        // One line per probe comes from the bisection's own log; an estimate per one-variant probe would be noise.
        runOptions.announce = false
        let run: RunResult
        do { run = try ScenarioRunner(scenario: probeScenario, options: runOptions).run() } catch { throw .run(error) }
        if Interruption.signal != 0 { throw .interrupted(directory: directory) }
        guard let outcome = run.manifest.variants.first else { throw .interrupted(directory: directory) }
        let samples: [SampleRow]
        do { samples = try RunFiles.loadSamples(runDirectory: run.directory, variant: name) } catch {
            throw .report(error)
        }
        let files = Int(samples.map(\.filesDone).max() ?? 0)
        let relative = String(run.directory.dropFirst(directory.count + 1))
        let failure = outcome.failure ?? outcome.report?.failure
        let a = Analyzer.analyze(
            samples: samples, report: outcome.report, failure: failure, thresholds: scenario.thresholds,
            filesPerPass: config.pipeline.files)
        // Whether it still grows is the rule's verdict: anything but STABLE (INCONCLUSIVE and FAILED included).
        let early = outcome.report?.decidedEarly
        let probe = BisectProbe(
            index: index, applied: applied.sorted().map(\.rawValue), grows: a.verdict != .stable,
            verdict: a.verdict, cause: a.cause,
            decidedBy: early.map { "early stop after \($0.passes) of \($0.configuredPasses) passes" } ?? "full run",
            reason: a.reason, files: files, seconds: outcome.wallSeconds, failure: failure,
            directory: relative)
        options.log?(
            String(
                format: "probe %d [%@]: %@ (%@, %d files, %.1f s)", index,
                probe.applied.isEmpty ? "from" : probe.applied.joined(separator: ","), probe.grows ? "grows" : "flat",
                probe.verdict?.rawValue ?? probe.decidedBy, files, outcome.wallSeconds))
        return probe
    }

    // MARK: Output

    private func makeResult(
        mode: BisectResult.Mode, directory: String, started: Date, loadStart: String
    ) -> BisectResult {
        BisectResult(
            mode: mode, scenario: scenario.name, scenarioPath: scenario.path,
            createdAt: ISO8601DateFormatter().string(from: started), machine: MachineInfo.current(),
            loadStart: loadStart, loadEnd: Self.loadAverage(), thresholds: scenario.thresholds,
            totalSeconds: Date().timeIntervalSince(started), steps: nil, auto: nil, directory: directory)
    }

    private func write(_ result: BisectResult, directory: String, appending extra: String) throws(BisectError) {
        do {
            try AtomicFile.write(try result.encoded(), to: "\(directory)/bisect.json")
        } catch let error as ReportError {
            throw .report(error)
        } catch {
            throw .report(.writeFailed(path: "\(directory)/bisect.json", why: "\(error)"))
        }
        do { try AtomicFile.write(BisectMarkdown.render(result) + extra, to: "\(directory)/report.md") } catch {
            throw .report(error)
        }
    }

    /// "0.52 0.58 0.59": the 1, 5 and 15 minute load averages.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
