import Foundation
import FeaturePipeline
import Synchronization
import CAllocator
public import Model
import Supervision
import Sampling
import Reporting
import Logging

/// Runs a scenario's variants one after another, each in its own child process, and writes the run directory.
public final class ScenarioRunner: Sendable {
    /// Where and how to run.
    public struct Options: Sendable {
        /// Run directories are made under this folder.
        public var outputRoot = "reports/runs"
        /// Draw a progress bar on stderr (a terminal), print plain lines (false), or nothing (nil).
        public var progress: Bool? = false
        /// The executable that runs a child (`leakharness child --spec JSON`).
        public var executable = ChildLauncher.currentExecutable()
        /// Poll interval of the supervision loop.
        public var pollMs = 100
        /// Let each child end its passes once the decision rule has settled on them (`EarlyStopRule`); false runs
        /// every variant to its configured size (`--full`).
        public var earlyStop = true
        /// Variants run side by side, each in its own child; nil: `defaultJobs` for the scenario.
        public var jobs: Int?
        /// Print how long the run should take on stderr before the first child, whatever `progress` says.
        public var announce = true

        public init() {}
    }

    public let scenario: Scenario
    public let options: Options

    public init(scenario: Scenario, options: Options) {
        self.scenario = scenario
        self.options = options
    }

    /// Runs every variant and writes the report; the result names the run directory.
    public func run() throws(RunError) -> RunResult {
        Interruption.install()
        try checkCorpora()
        // Work folders of earlier runs whose parent was killed before it could remove them.
        WorkFolder.removeStale()
        let directory = try RunDirectory.create(root: options.outputRoot, scenario: scenario.name)
        let log = RunLog(path: "\(directory)/run.log")
        log.line("scenario \(scenario.name) from \(scenario.path): \(scenario.variants.count) variant(s)")
        var manifest = RunManifest(
            scenario: scenario.name, description: scenario.description, scenarioPath: scenario.path,
            createdAt: ISO8601DateFormatter().string(from: Date()), machine: MachineInfo.current(),
            thresholds: scenario.thresholds, base: .pipeline(scenario.base), variants: [])
        let jobs = max(1, min(options.jobs ?? Self.defaultJobs(scenario), scenario.variants.count))
        // Bars of variants side by side would draw over each other: plain lines then.
        let progress = jobs > 1 && options.progress == true ? false : options.progress
        let estimate = RunEstimate(scenario: scenario, earlyStop: options.earlyStop, jobs: jobs)
        log.line(estimate.line)
        if options.announce { progressLine(estimate.line) }
        // Each variant's outcome lands in its slot; run.json lists the finished ones in the scenario's order.
        let finished = Mutex<[VariantOutcome?]>(Array(repeating: nil, count: scenario.variants.count))
        let next = Atomic<Int>(0)
        let head = manifest
        let writeError = Mutex<RunError?>(nil)
        let worker = { @Sendable [self] in
            while Interruption.signal == 0 {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < scenario.variants.count else { return }
                let outcome = runVariant(
                    scenario.variants[index], index: index, directory: directory, log: log,
                    progress: progress)
                finished.withLock { slots in
                    slots[index] = outcome
                    var partial = head
                    partial.variants = slots.compactMap { $0 }
                    partial.interrupted = Interruption.signal != 0
                    do throws(RunError) { try writeManifest(partial, directory: directory) } catch {
                        writeError.withLock { $0 = error }
                    }
                }
            }
        }
        let done = DispatchGroup()
        for _ in 0..<jobs {
            done.enter()
            Thread {
                worker(); done.leave()
            }.start()
        }
        done.wait()
        if let error = writeError.withLock({ $0 }) { throw error }
        manifest.variants = finished.withLock { $0.compactMap { $0 } }
        if Interruption.signal != 0 {
            manifest.interrupted = true
            log.line("interrupted by signal \(Interruption.signal): partial report")
        }
        try writeManifest(manifest, directory: directory)
        return RunResult(directory: directory, manifest: manifest)
    }

    /// Variants side by side by default: as many as fill the cores. A child keeps its workers busy about a third of
    /// its time (it only samples through its quiet windows and its settle): one at a time on two cores, with two
    /// workers each, `check ci` used 8.4 CPU seconds in 12.3 s and the case study's replay 41.4 in 63.2, two thirds
    /// of a core. So three children per core for each worker: 3 × cores / workers, at least one.
    public static func defaultJobs(_ scenario: Scenario, cores: Int? = nil) -> Int {
        let cores = cores ?? ProcessInfo.processInfo.activeProcessorCount
        let workers = scenario.variants.map(\.config.pipeline.workers).max() ?? 1
        return max(1, 3 * cores / max(1, workers))
    }

    /// A corpus directory that is missing or holds no audio fails the run before any directory or child is made.
    private func checkCorpora() throws(RunError) {
        var checked = Set<String>()
        for variant in scenario.variants {
            guard case .directory(let path) = variant.config.pipeline.corpus, checked.insert(path).inserted else {
                continue
            }
            do {
                _ = try CorpusIndex.load(directory: path)
            } catch {
                throw .corpus(variant: variant.name, reason: error.description)
            }
        }
    }

    private func writeManifest(_ manifest: RunManifest, directory: String) throws(RunError) {
        do {
            try AtomicFile.write(try JSONCoding.encode(manifest), to: "\(directory)/run.json")
        } catch {
            throw .output(path: "\(directory)/run.json", reason: "\(error)")
        }
    }

    private func runVariant(
        _ variant: Variant, index: Int, directory: String, log: RunLog, progress: Bool?
    ) -> VariantOutcome {
        let config = variant.config
        let samples = "\(directory)/samples/\(variant.name).csv"
        let resultPath = "\(directory)/samples/\(variant.name).result.json"
        var profileDirectory: String?
        if config.profile == .sites {
            profileDirectory = "\(directory)/profiles/\(variant.name)"
            try? FileManager.default.createDirectory(atPath: profileDirectory!, withIntermediateDirectories: true)
        }
        var failure: String?
        let work: WorkFolder?
        do {
            work = try WorkFolder.create()
        } catch {
            work = nil
            failure = "work folder: \(error)"
        }
        let spec = ChildSpec(
            variant: variant.name, config: config, samplesPath: samples,
            resultPath: resultPath, workDirectory: work?.path ?? "",
            profileDirectory: profileDirectory,
            earlyStop: options.earlyStop ? scenario.thresholds : nil)
        let label = "[\(index + 1)/\(scenario.variants.count)] \(variant.name)"
        log.line(
            "\(label): start, \(variant.overrides.isEmpty ? "base knobs" : variant.overrides.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))"
        )
        if progress == false { progressLine("\(label): running") }

        var termination: ChildProcess.Termination?
        let started = DispatchTime.now().uptimeNanoseconds
        var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        do {
            let env = AllocatorEnvironment.environment(
                for: config, profilePrefix: profileDirectory.map { "\($0)/auto" })
            if failure != nil {
                // No work folder: the variant cannot run.
            } else if config.allocator == .jemalloc || config.profile == .sites, env["LD_PRELOAD"] == nil {
                failure = "jemalloc is not installed (no libjemalloc.so.2 found; run scripts/setup.sh)"
            } else {
                let child = try ChildLauncher.launch(
                    spec: spec, executable: options.executable, environment: env, logPath: log.path)
                let bar = ProgressDisplay(
                    label: label, samplesPath: samples, totalFiles: config.pipeline.files * config.pipeline.passes,
                    mode: progress)
                let reader = try? ProcReader(pid: child.pid)
                let supervisor = Supervisor(
                    pollMs: options.pollMs, onInterrupt: .terminate, ceilingMB: config.ceilingMB,
                    timeLimitS: config.timeLimitS, residentMB: { _ in ChildLauncher.rssMB(reader) })
                let supervised = supervisor.supervise(child, started: started) { tick in
                    bar.update(elapsed: tick.elapsed, rssMB: tick.rssMB ?? 0)
                }
                termination = supervised.termination
                failure = supervised.stop?.description
                bar.finish()
            }
        } catch {
            failure = "\(error)"
        }
        work?.remove()
        let report = ChildReport.load(path: resultPath)
        if failure == nil, Interruption.signal != 0, case .signalled? = termination {
            // Ctrl-C reaches the whole process group: the child died of the user's signal, it did not crash.
            failure = "interrupted by \(Interruption.signal == SIGINT ? "SIGINT" : "SIGTERM")"
        }
        if failure == nil {
            switch termination {
            case .signalled(let signal)?: failure = "crashed: signal \(signal) (\(String(cString: strsignal(signal))))"
            case .exited(let status)? where status != 0: failure = report?.failure ?? "exited with status \(status)"
            default: failure = report?.failure
            }
        }
        var exitStatus: Int32?
        var signal: Int32?
        switch termination {
        case .exited(let s)?: exitStatus = s
        case .signalled(let s)?: signal = s
        case nil: break
        }
        let outcome = VariantOutcome(
            name: variant.name, settings: .pipeline(config), overrides: variant.overrides,
            expect: variant.expect, document: variant.document, exitStatus: exitStatus, signal: signal,
            failure: failure, wallSeconds: elapsed, report: report)
        var summary = String(format: "%@: %@ in %.1f s", label, failure != nil ? "FAILED" : "done", elapsed)
        if let failure {
            summary += " (\(failure))"
        } else if let early = report?.decidedEarly {
            summary += ", decided early after \(early.files) files, \(early.passes) of \(early.configuredPasses) passes"
        }
        log.line(summary)
        if progress != nil { progressLine(summary) }
        return outcome
    }

    private func progressLine(_ text: String) {
        Self.logger.info("\(text)")
    }

    /// The run's progress for whoever started it (the estimate, each variant's start and end).
    private static let logger = Logger(label: "leakharness.run")
}

/// A finished run.
public struct RunResult: Sendable {
    public var directory: String
    public var manifest: RunManifest
}

/// Why a run could not be made.
public enum RunError: Error, Sendable, CustomStringConvertible {
    case output(path: String, reason: String)
    /// A variant's corpus directory is missing or holds no audio file.
    case corpus(variant: String, reason: String)

    public var description: String {
        switch self {
        case .output(let path, let reason): "\(path): \(reason)"
        case .corpus(let variant, let reason): "variant \(variant): corpus: \(reason)"
        }
    }
}

extension RunManifest {
    /// Reads `run.json` of a run directory.
    public static func load(runDirectory: String) throws -> RunManifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(runDirectory)/run.json"))
        return try JSONCoding.decode(RunManifest.self, from: data)
    }
}

extension ChildReport {
    /// Reads a child's result file; nil when the child died before writing it.
    static func load(path: String) -> ChildReport? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONCoding.decode(ChildReport.self, from: data)
    }
}

extension MachineInfo {
    /// This machine.
    public static func current() -> MachineInfo {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineInfo(
            host: ProcessInfo.processInfo.hostName, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGB: (Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            kernel: "Linux \(release)", glibc: String(cString: lh_glibc_version()),
            harnessVersion: LeakHarnessVersion.current)
    }
}

/// The harness's version, written into reports.
public enum LeakHarnessVersion {
    public static let current = "0.1.0"
}
