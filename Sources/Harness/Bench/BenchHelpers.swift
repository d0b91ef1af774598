import Foundation
import Model
import Supervision
import Sampling
import FeaturePipeline

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
            return try JSONDecoder().decode(SamplerProbe.Cost.self, from: output)
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", scenario, "--out", "\(work)/runs"]
        // Ends with this process, however this process ends.
        process.environment = ParentDeath.childEnvironment(ProcessInfo.processInfo.environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw .child(command: command, reason: "\(error)") }
        let reader = try? ProcReader(pid: process.processIdentifier)
        var peakKB: Int64 = 0
        while process.isRunning, let reader {
            var row = SampleRow()
            if reader.read(into: &row) { peakKB = max(peakKB, row.hwmKB) }
            usleep(10_000)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .child(command: command, reason: "exited with status \(process.terminationStatus)")
        }
        guard peakKB > 0 else {
            throw .child(
                command: command, reason: "could not read /proc/\(process.processIdentifier)/status while it ran")
        }
        return Double(peakKB) / 1024
    }

    /// Median wall seconds of `repeats` runs of `leakharness ARGUMENTS --out WORK/timed`, each of which must exit with
    /// one of `statuses`.
    static func timed(
        executable: String, _ arguments: [String], repeats: Int, work: String,
        statuses: Set<Int32> = [0]
    ) throws(BenchError) -> Double {
        let command = arguments.joined(separator: " ")
        var seconds: [Double] = []
        for _ in 0..<repeats {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                _ = try runCapturing(
                    executable, arguments + ["--out", "\(work)/timed"],
                    environment: ProcessInfo.processInfo.environment, statuses: statuses)
            } catch let error as BenchError {
                throw error
            } catch {
                throw .child(command: command, reason: "\(error)")
            }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        return BenchClock.median(seconds)
    }

    private static func runCapturing(
        _ executable: String, _ arguments: [String], environment: [String: String],
        statuses: Set<Int32> = [0]
    ) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ParentDeath.childEnvironment(environment)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard statuses.contains(process.terminationStatus) else {
            throw BenchError.child(
                command: arguments.joined(separator: " "), reason: "exited with status \(process.terminationStatus)")
        }
        return data
    }
}
