import Foundation
import FeaturePipeline
import Sampling

/// The CPU the sampler thread uses at 10 ms while the two-worker pipeline runs in the same process.
enum SamplerCPU {
    /// Percent of one core used by the `lh-sampler` thread over a pipeline run of `files` files.
    static func measure(corpus: String, files: Int, work: String) throws(BenchError) -> Double {
        let counters = PipelineCounters()
        let sampler: Sampler
        do {
            sampler = try Sampler(csvPath: "\(work)/samples.csv", counters: counters, intervalMs: 10)
        } catch {
            throw .stage("sampler cpu", reason: "\(error)")
        }
        sampler.start()
        var tid: Int32?
        for _ in 0..<200 where tid == nil {
            tid = threadID(named: "lh-sampler")
            if tid == nil { usleep(5_000) }
        }
        guard let tid else {
            sampler.stop()
            throw .stage("sampler cpu", reason: "no thread named lh-sampler in /proc/self/task")
        }
        let cpuBefore = runtimeNs(tid: tid)
        let start = BenchClock.wallNs()
        let outcome = Result { () throws(BenchError) in
            _ = try Bench.pipeline(corpus, workers: 2, files: files, output: "\(work)/sampled", counters: counters)
        }
        let cpuAfter = runtimeNs(tid: tid)
        let wall = BenchClock.wallNs() - start
        sampler.stop()
        try outcome.get()
        guard let cpuBefore, let cpuAfter, wall > 0 else {
            throw .stage("sampler cpu", reason: "cannot read /proc/self/task/\(tid)/schedstat")
        }
        return Double(cpuAfter - cpuBefore) / Double(wall) * 100
    }

    /// The id of this process's thread whose name is `name`.
    static func threadID(named name: String) -> Int32? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        for task in tasks {
            let comm = procText("/proc/self/task/\(task)/comm") ?? ""
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return Int32(task) }
        }
        return nil
    }

    /// Nanoseconds thread `tid` has run on a CPU (first field of its `schedstat`).
    static func runtimeNs(tid: Int32) -> UInt64? {
        guard let text = procText("/proc/self/task/\(tid)/schedstat") else { return nil }
        return text.split(separator: " ").first.flatMap { UInt64($0) }
    }

    /// The whole text of a small `/proc` file (their size reads as 0, so read until the end).
    static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 { return nil }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
