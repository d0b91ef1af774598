import Foundation
import Supervision
import Sampling

/// What the probe library costs a watched command: time per sample, CPU at 10 Hz, bytes its thread allocates.
enum ProbeCost {
    /// The figures.
    struct Figures {
        /// Mean wall microseconds of one sampling step (glibc: `mallinfo2`), in this process.
        var microsecondsPerSample: Double
        /// CPU of the probe thread (`lh-probe`) at a 100 ms interval in a process allocating and freeing 20 MB/s,
        /// in percent of one core.
        var cpuPercentAt10Hz: Double
        /// Bytes the probe thread allocated over a run under jemalloc (`thread.allocated` in its last record).
        var allocatedBytes: Double
    }

    /// Measures the probe: `samples` steps in this process, then two runs of `seconds` of `probe-load` with
    /// the probe preloaded, under glibc (CPU) and under jemalloc (bytes allocated).
    static func measure(executable: String, samples: Int, seconds: Double) throws(BenchError) -> Figures {
        let library: String
        do { library = try ProbeLibrary.locate() } catch { throw .stage("probe", reason: "\(error)") }
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            throw .stage("probe", reason: "cannot load \(library)")
        }
        defer { dlclose(handle) }
        guard let symbol = dlsym(handle, "lh_probe_cost_ns") else {
            throw .stage("probe", reason: "no lh_probe_cost_ns in \(library)")
        }
        let cost = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Double).self)
        _ = cost(min(samples, 100))  // warm-up
        let microseconds = cost(samples) / 1000

        let cpu = try run(executable: executable, library: library, jemalloc: nil, seconds: seconds).cpuPercent
        var allocated = 0.0
        if let jemalloc = AllocatorEnvironment.jemallocPath() {
            allocated = try run(executable: executable, library: library, jemalloc: jemalloc, seconds: seconds)
                .allocatedBytes
        }
        return Figures(microsecondsPerSample: microseconds, cpuPercentAt10Hz: cpu, allocatedBytes: allocated)
    }

    /// One run of the fixture with the probe at 10 Hz: the probe thread's CPU share and the bytes it allocated.
    private static func run(
        executable: String, library: String, jemalloc: String?,
        seconds: Double
    ) throws(BenchError) -> (cpuPercent: Double, allocatedBytes: Double) {
        let channel: ProbeChannel
        do { channel = try ProbeChannel() } catch { throw .stage("probe", reason: "\(error)") }
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = ([jemalloc].compactMap { $0 } + [library]).joined(separator: ":")
        environment["MALLOC_CONF"] = jemalloc == nil ? nil : "background_thread:true"
        environment["LEAKHARNESS_PROBE"] = channel.environmentValue
        environment["LEAKHARNESS_PROBE_INTERVAL_MS"] = "100"
        let child: ChildProcess
        do {
            child = try channel.inheritable {
                try ChildProcess(
                    executable: executable,
                    arguments: ["probe-load", "--mb-per-s", "20", "--seconds", String(seconds)],
                    environment: environment, logPath: "/dev/null")
            }
        } catch {
            throw .child(command: "probe-load", reason: "\(error)")
        }
        let started = BenchClock.wallNs()
        var probeThread: String?
        var runtime: UInt64 = 0
        var measuredAt = started
        _ = Supervisor(pollMs: 50).supervise(child) { _ in
            channel.drain()
            if probeThread == nil { probeThread = thread(named: "lh-probe", of: child.pid) }
            if let probeThread, let text = SamplerCPU.procText("\(probeThread)/schedstat"),
                let ns = text.split(separator: " ").first.flatMap({ UInt64($0) })
            {
                runtime = ns
                measuredAt = BenchClock.wallNs()
            }
        }
        channel.drain()
        guard probeThread != nil, measuredAt > started else {
            throw .stage("probe", reason: "the probe thread never ran in probe-load")
        }
        var own: Int64 = 0
        if jemalloc != nil {
            guard let counted = channel.latest[child.pid]?.probeAllocatedBytes else {
                throw .stage("probe", reason: "under jemalloc the probe did not report thread.allocated")
            }
            own = counted
        }
        return (Double(runtime) / Double(measuredAt - started) * 100, Double(own))
    }

    /// `/proc/PID/task/TID` of the thread of `pid` named `name`.
    private static func thread(named name: String, of pid: Int32) -> String? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        for task in tasks
        where SamplerCPU.procText("/proc/\(pid)/task/\(task)/comm")?
            .trimmingCharacters(in: .whitespacesAndNewlines) == name
        {
            return "/proc/\(pid)/task/\(task)"
        }
        return nil
    }
}
