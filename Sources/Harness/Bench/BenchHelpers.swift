import Foundation
import Model
import Supervision
import Sampling

/// The bench stages that run a helper process: the sampler probe, and a supervised run whose parent is measured.
enum BenchHelpers {
    /// Runs `leakharness probe-sampler --samples N` under jemalloc (when installed) and decodes its JSON.
    static func probeSampler(executable: String, samples: Int) throws(BenchError) -> SamplerProbe.Cost {
        var environment = ProcessInfo.processInfo.environment
        if let jemalloc = AllocatorEnvironment.jemallocPath() { environment["LD_PRELOAD"] = jemalloc }
        let command = "probe-sampler --samples \(samples)"
        let output: Data
        do {
            output = try runCapturing(
                executable, ["probe-sampler", "--samples", "\(samples)"], environment: environment)
        } catch {
            throw .child(command: command, reason: "\(error)")
        }
        do {
            return try JSONCoding.decode(SamplerProbe.Cost.self, from: output)
        } catch {
            throw .child(
                command: command, reason: "unreadable output '\(String(decoding: output, as: UTF8.self))': \(error)")
        }
    }

    /// Peak resident memory (VmHWM, MB) of `leakharness run` on a one-variant scenario of `files` files, read while it runs.
    static func harnessRSS(executable: String, files: Int, corpus: String?, work: String) throws(BenchError) -> Double {
        let scenario = "\(work)/bench-harness.yaml"
        let corpusLine = corpus.map { ", corpus: \"\($0)\"" } ?? ""
        let yaml = """
            name: bench-harness
            description: Bench - the harness parent supervising one child.
            thresholds: {min_files: 10}
            base: {workers: 2, files: \(files), passes: 1, settle: 0, sample-interval-ms: 10\(corpusLine)}
            variants:
              fixed: {}

            """
        let command = "run \(scenario)"
        do {
            try yaml.write(toFile: scenario, atomically: true, encoding: .utf8)
        } catch {
            throw .stage("harness rss", reason: "\(scenario): \(error)")
        }
        let child: ChildProcess
        do {
            // Ends with this process, however this process ends.
            child = try ChildProcess(
                executable: executable, arguments: ["run", scenario, "--out", "\(work)/runs"],
                environment: ParentDeath.childEnvironment(ProcessInfo.processInfo.environment),
                logPath: "/dev/null", newProcessGroup: true)
        } catch {
            throw .child(command: command, reason: "\(error)")
        }
        let reader = try? ProcReader(pid: child.pid)
        var peakKB: Int64 = 0
        let ended = Supervisor(pollMs: 10).supervise(child) { _ in
            var row = SampleRow()
            if let reader, reader.read(into: &row) { peakKB = max(peakKB, row.hwmKB) }
        }.termination
        guard ended == .exited(0) else {
            throw .child(command: command, reason: Self.describe(ended))
        }
        guard peakKB > 0 else {
            throw .child(command: command, reason: "could not read /proc/\(child.pid)/status while it ran")
        }
        return Units.mb(kilobytes: peakKB)
    }

    /// Median wall seconds of `repeats` runs of `leakharness ARGUMENTS --out WORK/timed`, each of which must exit with
    /// one of `statuses`.
    static func timed(
        executable: String, _ arguments: [String], repeats: Int, work: String,
        statuses: Set<Int32> = [0]
    ) throws(BenchError) -> Double {
        var seconds: [Double] = []
        for _ in 0..<repeats {
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try runCapturing(
                executable, arguments + ["--out", "\(work)/timed"],
                environment: ProcessInfo.processInfo.environment, statuses: statuses)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        return BenchClock.median(seconds)
    }

    /// Runs `executable` with `arguments` to its end and returns its standard output; throws unless it exited with
    /// one of `statuses`.
    static func runCapturing(
        _ executable: String, _ arguments: [String], environment: [String: String],
        statuses: Set<Int32> = [0]
    ) throws(BenchError) -> Data {
        let command = arguments.joined(separator: " ")
        let captured: ChildProcess.Captured
        do {
            captured = try ChildProcess.capture(
                executable: executable, arguments: arguments,
                environment: ParentDeath.childEnvironment(environment))
        } catch {
            throw .child(command: command, reason: "\(error)")
        }
        guard case .exited(let status) = captured.termination, statuses.contains(status) else {
            throw .child(command: command, reason: describe(captured.termination))
        }
        return captured.output
    }

    /// How a child ended, for an error message.
    private static func describe(_ termination: ChildProcess.Termination) -> String {
        switch termination {
        case .exited(let status): "exited with status \(status)"
        case .signalled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }
}
