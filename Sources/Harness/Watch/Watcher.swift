import Foundation
public import Model
public import Supervision
import Sampling
public import Reporting
import Sites

/// `watch`: runs any command, samples its whole process tree from outside and its heap from inside (the probe library),
/// and writes a run directory and report.
public enum Watcher {
    /// How to watch.
    public struct Options: Sendable {
        /// Milliseconds between samples.
        public var intervalMs = 100
        /// A regular expression whose first capture group (or whole match) is a count in the command's output.
        public var progressRegex: String?
        /// Run directories are made under this folder.
        public var outputRoot = "reports/runs"
        /// Slope tolerance: MB/s with time as x, MB/1000 items with a progress count; nil: 0.1 MB/s or 8 MB/1000 items.
        public var tolerance: Double?
        /// The `leakharness` executable that starts the command (`exec-child`) and guards it (`watch-guard`).
        public var executable = ChildLauncher.currentExecutable()
        /// Seconds between SIGTERM and SIGKILL to the command's tree when `watch` itself dies.
        public var graceSeconds = 5.0
        /// Allocators to run the command under, one after the other; empty: once, under whatever it links.
        public var allocators: [Allocator] = []
        /// Profile allocation sites with jemalloc's sampling heap profiler.
        public var sites = false
        /// Under `sites` without a progress pattern: milliseconds between heap profiles.
        public var sitesIntervalMs = 1000
        /// Under `sites` with a progress pattern: a heap profile each time the count advances by this much.
        public var sitesEvery: Int64 = 100
        /// Under `sites`: one sample per 2^lgProfSample bytes allocated, on average.
        public var lgProfSample = 17

        /// Defaults.
        public init() {}
    }

    /// What a watch ended with.
    public struct Result: Sendable {
        /// The run directory written.
        public var directory: String
        /// The summary of the one variant (the command).
        public var summary: RunSummary
        /// How the command ended.
        public var termination: ChildProcess.Termination
        /// The exit status `watch` should end with: the command's (the first run that did not exit 0, with several
        /// allocators), or 128 + its signal.
        public var exitStatus: Int32 {
            switch termination {
            case .exited(let s): s
            case .signalled(let s): 128 + s
            }
        }
    }

    /// Checks a progress pattern: it must compile.
    public static func validate(progressRegex: String) throws(WatchError) {
        do { _ = try Regex(progressRegex) } catch { throw .regex(pattern: progressRegex, why: "\(error)") }
    }

    /// The executable for `command`: itself when it holds a '/', else the first executable match on `path` (default $PATH).
    public static func resolve(_ command: String, path: String? = nil) throws(WatchError) -> String {
        let path = path ?? ProcessInfo.processInfo.environment["PATH"]
        let fm = FileManager.default
        if command.contains("/") {
            guard fm.isExecutableFile(atPath: command) else { throw .notFound(command: command) }
            return command
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
                fm.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        throw .notFound(command: command)
    }

    /// Runs `command` with `arguments` once per allocator of `options.allocators` (once as it is when there are none),
    /// one after the other, with the probe library preloaded: passing stdin through, copying its stdout and stderr to
    /// ours, forwarding SIGINT and SIGTERM, sampling its process tree every `intervalMs` from outside and its heap from
    /// inside; then writes one run directory, one variant per allocator, and its report.
    ///
    /// Everything that can be checked is checked before the command starts: the command, the pattern, the probe
    /// library, jemalloc when an allocator or `--sites` needs it.
    public static func run(command: String, arguments: [String], options: Options) throws(WatchError) -> Result {
        let executable = try resolve(command)
        if let p = options.progressRegex { try validate(progressRegex: p) }
        let probe = try ProbeLibrary.locate()
        if options.sites || options.allocators.contains(.jemalloc), AllocatorEnvironment.jemallocPath() == nil {
            let flag = options.sites ? "--sites" : "--allocator jemalloc"
            throw .allocatorMissing(
                allocator: "jemalloc",
                why: "libjemalloc.so.2 is not installed (needed by \(flag); "
                    + "run scripts/setup.sh or set LEAKHARNESS_JEMALLOC)")
        }
        if let path = AllocatorEnvironment.jemallocPath(), options.sites || options.allocators.contains(.jemalloc),
            !FileManager.default.fileExists(atPath: path)
        {
            throw .allocatorMissing(allocator: "jemalloc", why: "\(path) does not exist")
        }
        let commandName = RunFiles.fileName((command as NSString).lastPathComponent)
        let directory: String
        do {
            directory = try RunDirectory.create(root: options.outputRoot, scenario: "watch")
        } catch {
            throw .output(path: options.outputRoot, why: "\(error)")
        }
        Interruption.install()
        let commandLine = ([command] + arguments).map(shellQuoted).joined(separator: " ")
        let allocators: [Allocator?] = options.allocators.isEmpty ? [nil] : options.allocators
        var runs: [VariantRun] = []
        for allocator in allocators {
            let name = allocator?.rawValue ?? commandName
            do {
                let run = try runVariant(
                    name: name, allocator: allocator, executable: executable, command: command,
                    arguments: arguments, commandLine: commandLine, probe: probe,
                    directory: directory, options: options)
                runs.append(run)
            } catch {
                // Nothing ran: no run directory is left behind.
                if runs.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
                throw error
            }
            if Interruption.signal != 0 { break }
        }

        let xUnit = options.progressRegex == nil ? "ms" : "items"
        var thresholds = Thresholds()
        thresholds.toleranceMBPer1000Files = options.tolerance ?? (xUnit == "ms" ? 0.1 : 8)
        thresholds.minFiles = xUnit == "ms" ? 1000 : 10
        let base = CommandSettings(
            commandLine: commandLine, intervalMs: options.intervalMs, progressRegex: options.progressRegex,
            allocator: nil, sitesLgProfSample: options.sites ? options.lgProfSample : nil)
        let names = options.allocators.map(\.rawValue).joined(separator: ", ")
        let what = options.allocators.isEmpty ? "" : " under \(names), one after the other"
        let description =
            "`leakharness watch -- \(commandLine)`\(what): the command's process tree, sampled from "
            + "outside, and its heap, reported by the probe preloaded into every process."
        var manifest = RunManifest(
            scenario: "watch", description: description, scenarioPath: "–",
            createdAt: ISO8601DateFormatter().string(from: Date()),
            machine: MachineInfo.current(), thresholds: thresholds, base: .command(base),
            variants: runs.map(\.outcome))
        manifest.xUnit = xUnit
        manifest.interrupted = runs.count < allocators.count
        if options.sites { WatchSites.collect(runDirectory: directory, variants: runs.map(\.outcome.name)) }
        let summary: RunSummary
        do {
            try AtomicFile.write(try JSONCoding.encode(manifest), to: "\(directory)/run.json")
            try AtomicFile.write(runs.map(\.log).joined(), to: "\(directory)/run.log")
            summary = try RunReporter.write(runDirectory: directory)
            if options.sites { try SiteReport.write(runDirectory: directory) }
        } catch {
            throw .output(path: directory, why: "\(error)")
        }
        let ended = runs.first { $0.termination != .exited(0) } ?? runs.last!
        return Result(directory: directory, summary: summary, termination: ended.termination)
    }

    /// One run of the command: how it ended and its line of `run.log`.
    private struct VariantRun {
        var outcome: VariantOutcome
        var termination: ChildProcess.Termination
        var log: String
    }

    /// Runs the command once under `allocator`, writing `samples/<name>.csv` and `samples/<name>.processes.csv`.
    private static func runVariant(
        name: String, allocator: Allocator?, executable: String, command: String,
        arguments: [String], commandLine: String, probe: String, directory: String,
        options: Options
    ) throws(WatchError) -> VariantRun {
        let csvPath = "\(directory)/samples/\(name).csv"
        let writer: SampleCSVWriter
        do { writer = try SampleCSVWriter(path: csvPath) } catch { throw .output(path: csvPath, why: "\(error)") }
        let processesPath = "\(directory)/samples/\(name).processes.csv"
        let header = Data((ProcessSampleLog.header + "\n").utf8)
        guard FileManager.default.createFile(atPath: processesPath, contents: header),
            let processLog = FileHandle(forWritingAtPath: processesPath)
        else {
            throw .output(path: processesPath, why: "cannot create")
        }
        defer { try? processLog.close() }
        processLog.seekToEndOfFile()
        let channel = try ProbeChannel()
        var sites: ProbeLibrary.SitesSettings?
        if options.sites {
            let profiles = "\(directory)/profiles/\(name)"
            try? FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
            let request = "\(profiles)/dump-requests"
            _ = FileManager.default.createFile(atPath: request, contents: Data(count: 8))
            let every = options.progressRegex == nil ? options.sitesIntervalMs : nil
            sites = .init(
                directory: profiles, dumpIntervalMs: every, requestPath: request,
                lgProfSample: options.lgProfSample)
        }
        let environment = ProbeLibrary.environment(
            base: ProcessInfo.processInfo.environment, probe: probe,
            channel: channel.environmentValue, intervalMs: options.intervalMs,
            allocator: allocator, sites: sites)

        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .system(call: "pipe", errno: errno) }
        // The originals close on exec; the child gets its copies as 1 and 2.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let count = ProgressCount()
        let relays = [
            OutputRelay(source: outPipe[0], target: 1, pattern: options.progressRegex, count: count),
            OutputRelay(source: errPipe[0], target: 2, pattern: options.progressRegex, count: count),
        ]
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsedMs() -> Int64 { Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000) }
        let child: ChildProcess
        let guardian: WatchGuard
        do {
            guardian = try WatchGuard(executable: options.executable, graceSeconds: options.graceSeconds)
        } catch {
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { _ = close($0) }
            try? FileManager.default.removeItem(atPath: directory)
            throw .spawn(command: "\(options.executable) watch-guard", why: "\(error)")
        }
        // The exec's outcome comes back on this pipe: EOF once the command runs, an errno when it could not start.
        var status: [Int32] = [0, 0]
        guard pipe(&status) == 0 else { throw .system(call: "pipe", errno: errno) }
        _ = fcntl(status[0], F_SETFD, FD_CLOEXEC)
        do {
            // `exec-child` binds the command to this process (parent-death signal), then becomes the command.
            child = try channel.inheritable {
                try ChildProcess(
                    executable: options.executable, arguments: ["exec-child", "--", executable] + arguments,
                    environment: ExecChild.environment(
                        ParentDeath.childEnvironment(environment),
                        statusFD: status[1]),
                    logPath: nil, stdoutFD: outPipe[1], stderrFD: errPipe[1])
            }
        } catch {
            guardian.finish()
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1], status[0], status[1]].forEach { _ = close($0) }
            throw .spawn(command: command, why: "\(error)")
        }
        close(status[1])
        let failedExec = ExecChild.outcome(readFD: status[0])
        close(status[0])
        if let code = failedExec {
            _ = child.wait()
            guardian.finish()
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { _ = close($0) }
            throw .spawn(command: command, why: String(cString: strerror(code)))
        }
        guardian.update(members: [child.pid])
        close(outPipe[1])
        close(errPipe[1])
        relays[0].start(name: "lh-watch-out")
        relays[1].start(name: "lh-watch-err")

        let sampler = TreeSampler(root: child.pid)
        var heap = TreeHeap()
        var lastSampleMs: Int64 = -1
        var lastCount: Int64 = -1
        var countSettledMs: Int64 = -1
        var nextSample: Int64 = 0
        var dumpsAsked: Int64 = 0
        var dumpAskedAt: Int64 = 0
        let supervisor = Supervisor(pollMs: min(20, options.intervalMs), onInterrupt: .forward)
        let supervised = supervisor.supervise(child, started: started) { _ in
            channel.drain()
            let now = elapsedMs()
            if now >= nextSample {
                if var row = sampler.sample() {
                    row.tMs = now
                    row.pass = 1
                    row.filesDone = options.progressRegex == nil ? now : count.total
                    row.inflight = Int64(sampler.lastCount)
                    heap.fill(&row, members: sampler.lastMembers, channel: channel)
                    try? writer.append(row)
                    processLog.write(
                        ProcessSampleLog.lines(
                            tMs: now, members: sampler.lastMembers,
                            names: sampler.names, channel: channel))
                    lastSampleMs = now
                    guardian.update(members: sampler.lastMembers.map(\.pid))
                    if row.filesDone != lastCount {
                        lastCount = row.filesDone
                        countSettledMs = now
                    }
                }
                nextSample += Int64(options.intervalMs)
                if nextSample < now { nextSample = now }
            }
            if let sites, options.progressRegex != nil, count.total >= dumpAskedAt + options.sitesEvery {
                // A heap profile each time the progress count has advanced by sitesEvery.
                dumpAskedAt = count.total
                dumpsAsked += 1
                WatchSites.request(dumpsAsked, path: sites.requestPath)
            }
        }
        let termination = supervised.termination
        let forwarded = supervised.forwarded
        channel.drain()
        let seconds = Double(elapsedMs()) / 1000
        guardian.finish()
        for relay in relays { _ = relay.wait(seconds: 1) }

        var failure: String?
        var exitStatus: Int32?
        var signal: Int32?
        switch termination {
        case .exited(let s): exitStatus = s
        case .signalled(let s):
            signal = s
            if !forwarded.contains(s) { failure = "killed by signal \(s) (\(String(cString: strsignal(s))))" }
        }
        let processes = heap.processes(names: sampler.names, channel: channel, root: child.pid)
        let rootAllocator = channel.latest[child.pid]?.allocator.name ?? processes.first { $0.records > 0 }?.allocator
        if allocator == .jemalloc || options.sites, failure == nil,
            !processes.contains(where: { $0.allocator == ProbeRecord.Allocator.jemalloc.name })
        {
            failure =
                processes.contains(where: { $0.records > 0 })
                ? "jemalloc was not loaded: the probe found glibc's allocator in every process"
                : "jemalloc could not be verified: no process of the command reported its heap "
                    + "(a static or setuid program?)"
        }
        var report = ChildReport()
        report.seconds = seconds
        report.files = Int(options.progressRegex == nil ? max(0, lastSampleMs) : count.total)
        // No settle phase of its own: the samples after the progress count last moved, else the last sample, stand
        // for it.
        if options.progressRegex != nil, count.seen, countSettledMs >= 0, countSettledMs < lastSampleMs {
            report.settleStartMs = countSettledMs
        } else {
            report.settleStartMs = lastSampleMs >= 0 ? lastSampleMs : nil
        }
        report.allocatorLoaded = rootAllocator ?? "unknown (no probe records)"
        report.processes = processes
        let settings = CommandSettings(
            commandLine: commandLine, intervalMs: options.intervalMs, progressRegex: options.progressRegex,
            allocator: allocator, sitesLgProfSample: options.sites ? options.lgProfSample : nil)
        let overrides = allocator.map { [Knob.allocator: $0.rawValue] } ?? [:]
        let outcome = VariantOutcome(
            name: name, settings: .command(settings), overrides: overrides, expect: nil, document: nil,
            exitStatus: exitStatus, signal: signal, failure: failure, wallSeconds: seconds,
            report: report)
        let log =
            "watch \(allocator.map { "--allocator \($0.rawValue) " } ?? "")\(commandLine)\nended: \(termination)"
            + "\(forwarded.isEmpty ? "" : ", signals forwarded: \(forwarded.sorted())")\n"
        return VariantRun(outcome: outcome, termination: termination, log: log)
    }

    /// A word as a POSIX shell would need it written.
    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
