import Foundation

/// `watch`: runs any command, samples its whole process tree from outside, and writes a run directory and report.
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
        /// The exit status `watch` should end with: the command's, or 128 + its signal.
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
            if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .notFound(command: command)
    }

    /// Runs `command` with `arguments`, passing stdin through, copying its stdout and stderr to ours, forwarding SIGINT
    /// and SIGTERM, sampling its process tree every `intervalMs`; then writes the run directory and its report.
    public static func run(command: String, arguments: [String], options: Options) throws(WatchError) -> Result {
        let executable = try resolve(command)
        if let p = options.progressRegex { try validate(progressRegex: p) }
        let name = RunReporter.fileName((command as NSString).lastPathComponent)
        let directory: String
        do { directory = try RunDirectory.create(root: options.outputRoot, scenario: "watch") } catch { throw .output(path: options.outputRoot, why: "\(error)") }
        let csvPath = "\(directory)/samples/\(name).csv"
        let writer: SampleCSVWriter
        do { writer = try SampleCSVWriter(path: csvPath) } catch { throw .output(path: csvPath, why: "\(error)") }

        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw .system(call: "pipe", errno: errno) }
        // The originals close on exec; the child gets its copies as 1 and 2.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        SignalForwarder.install()
        let count = ProgressCount()
        let relays = [OutputRelay(source: outPipe[0], target: 1, pattern: options.progressRegex, count: count),
                      OutputRelay(source: errPipe[0], target: 2, pattern: options.progressRegex, count: count)]
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
        do {
            // `exec-child` binds the command to this process (parent-death signal), then becomes the command.
            child = try ChildProcess(executable: options.executable,
                                     arguments: ["exec-child", "--", executable] + arguments,
                                     environment: ParentDeath.childEnvironment(ProcessInfo.processInfo.environment),
                                     logPath: nil, stdoutFD: outPipe[1], stderrFD: errPipe[1])
        } catch {
            guardian.finish()
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { _ = close($0) }
            try? FileManager.default.removeItem(atPath: directory)
            throw .spawn(command: command, why: "\(error)")
        }
        guardian.update(members: [child.pid])
        close(outPipe[1])
        close(errPipe[1])
        relays[0].start(name: "lh-watch-out")
        relays[1].start(name: "lh-watch-err")

        let sampler = TreeSampler(root: child.pid)
        var forwarded: Set<Int32> = []
        var lastSampleMs: Int64 = -1
        var nextSample: Int64 = 0
        var termination: ChildProcess.Termination
        while true {
            let sig = SignalForwarder.take()
            if sig != 0 {
                child.kill(sig)
                forwarded.insert(sig)
            }
            if SignalForwarder.caught != 0 { forwarded.insert(SignalForwarder.caught) }
            if let ended = child.poll() { termination = ended; break }
            let now = elapsedMs()
            if now >= nextSample {
                if var row = sampler.sample() {
                    row.tMs = now
                    row.pass = 1
                    row.filesDone = options.progressRegex == nil ? now : count.total
                    row.inflight = Int64(sampler.lastCount)
                    try? writer.append(row)
                    lastSampleMs = now
                    guardian.update(members: sampler.lastMembers)
                }
                nextSample += Int64(options.intervalMs)
                if nextSample < now { nextSample = now }
            }
            usleep(UInt32(min(20, options.intervalMs) * 1000))
        }
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
        var report = ChildReport()
        report.seconds = seconds
        report.files = Int(options.progressRegex == nil ? max(0, lastSampleMs) : count.total)
        // No settle phase: the last sample, taken just before the command ended, stands for it.
        report.settleStartMs = lastSampleMs >= 0 ? lastSampleMs : nil
        report.allocatorLoaded = "unknown (external process)"
        let commandLine = ([command] + arguments).map(shellQuoted).joined(separator: " ")
        let xUnit = options.progressRegex == nil ? "ms" : "items"
        var thresholds = Thresholds()
        thresholds.toleranceMBPer1000Files = options.tolerance ?? (xUnit == "ms" ? 0.1 : 8)
        thresholds.minFiles = xUnit == "ms" ? 1000 : 10
        let knobs = ["command": commandLine, "interval-ms": String(options.intervalMs), "x": xUnit,
                     "progress-regex": options.progressRegex ?? "–", "passes": "1"]
        let outcome = VariantOutcome(name: name, knobs: knobs, overrides: [:], expect: nil, document: nil,
                                     exitStatus: exitStatus, signal: signal, failure: failure, wallSeconds: seconds, report: report)
        var manifest = RunManifest(scenario: "watch", description: "`leakharness watch -- \(commandLine)`: the command's process tree, sampled from outside.",
                                   scenarioPath: "–", createdAt: ISO8601DateFormatter().string(from: Date()), machine: MachineInfo.current(),
                                   thresholds: thresholds, baseKnobs: knobs, variants: [outcome])
        manifest.xUnit = xUnit
        let summary: RunSummary
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try AtomicFile.write(try encoder.encode(manifest), to: "\(directory)/run.json")
            try AtomicFile.write("watch \(commandLine)\nended: \(termination)\(forwarded.isEmpty ? "" : ", signals forwarded: \(forwarded.sorted())")\n",
                                 to: "\(directory)/run.log")
            summary = try RunReporter.write(runDirectory: directory)
        } catch {
            throw .output(path: directory, why: "\(error)")
        }
        return Result(directory: directory, summary: summary, termination: termination)
    }

    /// A word as a POSIX shell would need it written.
    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
