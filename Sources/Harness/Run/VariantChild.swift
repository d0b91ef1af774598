import Foundation
import FeaturePipeline
import Synchronization
import CAllocator
public import Model
import Supervision
import Sampling
import Analysis
import Reporting
import Logging

/// The child side of a variant: samples itself while it runs the pipeline, then settles and reports.
public enum VariantChild {
    /// A child's problems before it can write a report; they reach the parent's `run.log`.
    private static let logger = Logger(label: "leakharness.child")

    /// Runs the variant of `spec` in this process; returns the exit status.
    public static func run(_ spec: ChildSpec) -> Int32 {
        OrphanCleanup.install(workFolder: spec.workDirectory)
        var report = ChildReport()
        let config = spec.config
        report.plannedFiles = config.pipeline.files * config.pipeline.passes
        let counters = PipelineCounters()
        let sampler: Sampler
        do {
            sampler = try Sampler(
                csvPath: spec.samplesPath, counters: counters, intervalMs: config.sampleIntervalMs,
                keepRows: spec.earlyStop != nil)
        } catch {
            logger.error("child: \(error)")
            return ExitStatus.usage.rawValue
        }
        sampler.start()
        report.allocatorLoaded = AllocatorStats.loadedDescription
        report.jemallocMapped =
            FileHandle(forReadingAtPath: "/proc/self/maps")
            .map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self).contains("libjemalloc") } ?? false
        if config.allocator == .jemalloc || config.profile == .sites, sampler.allocatorSource != .jemalloc {
            report.failure =
                "jemalloc was requested but is not loaded in the child (LD_PRELOAD=\(ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "unset"))"
            sampler.stop()
            write(report, to: spec.resultPath)
            return ExitStatus.variantFailed.rawValue
        }

        let passEnds = Mutex<[Int64]>([])
        var hooks = PipelineHooks()
        if config.allocator == .glibcTrim {
            hooks.afterShard = { AllocatorStats.trim() }
        }
        let profileDirectory = spec.profileDirectory
        if config.profile == .sites, let profileDirectory {
            hooks.beforePassRelease = { pass in HeapProfile.dump(to: "\(profileDirectory)/pass-\(pass)-held.heap") }
        }
        let quietWindows = Mutex<[QuietWindow]>([])
        hooks.afterPass = { pass in
            passEnds.withLock { $0.append(sampler.elapsedMs()) }
            let window = MeasurementProtocol.quietWindow(sampler: sampler)
            quietWindows.withLock { $0.append(window) }
            if config.profile == .sites, let profileDirectory {
                HeapProfile.dump(to: "\(profileDirectory)/pass-\(pass).heap")
            }
        }
        let decidedEarly = Mutex<EarlyDecision?>(nil)
        if let thresholds = spec.earlyStop {
            let rule = {
                var rule = EarlyStopRule(thresholds: thresholds, filesPerPass: config.pipeline.files)
                rule.plannedFiles = config.pipeline.files * config.pipeline.passes
                return rule
            }()
            hooks.anotherPass = { pass in
                guard
                    let d = rule.decide(
                        samples: sampler.rows(), passEndMs: passEnds.withLock { $0 },
                        quietWindows: quietWindows.withLock { $0 })
                else { return true }
                let files = counters.filesDone.load(ordering: .relaxed)
                decidedEarly.withLock {
                    $0 = EarlyDecision(
                        passes: pass, configuredPasses: config.pipeline.passes, files: files,
                        verdict: d.verdict, cause: d.cause, reason: d.reason)
                }
                return false
            }
        }
        switch config.fault {
        case .crashAfterFiles(let n)?:
            hooks.shouldStop = {
                if counters.filesDone.load(ordering: .relaxed) >= n { Foundation.kill(getpid(), SIGSEGV) }
                return false
            }
        case .enospcAfterShards(let n)?:
            hooks.failWritesAfterShards = n
        case nil:
            break
        }

        var manifest: Manifest?
        var workers: WorkerSet?
        do {
            let pipeline = Pipeline(
                options: config.pipeline, outputDirectory: spec.workDirectory, counters: counters,
                hooks: hooks, keepShards: false)
            let result = try pipeline.run()
            report.files = result.files
            report.seconds = result.seconds
            report.skipped = result.skipped
            report.segments = result.segments
            report.shards = result.shards
            manifest = result.manifest
            workers = result.workers
        } catch {
            report.files = counters.filesDone.load(ordering: .relaxed)
            report.shards = counters.shards.load(ordering: .relaxed)
            report.failure = error.errno == ENOSPC ? "ENOSPC: \(error)" : "\(error)"
        }
        report.passEndMs = passEnds.withLock { $0 }
        report.quietWindows = quietWindows.withLock { $0 }
        report.decidedEarly = decidedEarly.withLock { $0 }
        report.settleStartMs = sampler.elapsedMs()
        // jemalloc gives freed pages back over its decay time (about ten seconds); the settle asks for them at once,
        // so that it measures what jemalloc keeps, not how slowly it returns the rest.
        if sampler.allocatorSource == .jemalloc { report.jemallocPurged = AllocatorStats.purgeJemalloc() }
        // Settle: nothing of the pipeline's remains but abandoned writers, the manifest (read at the end) and the
        // workers' scratch, which a service keeps for its next job.
        if config.settleSeconds > 0 {
            report.settleSteady = MeasurementProtocol.settle(sampler: sampler, minimumSeconds: config.settleSeconds)
        }
        // The last sample is taken before anything is torn down: nothing after it counts.
        sampler.stop()
        report.settleEndMs = sampler.elapsedMs()
        // Where glibc's free memory sits now, with the settle's RSS: at the arenas' tops or in holes.
        report.glibcHeap = GlibcHeapLayout.read()
        _ = manifest?.count
        manifest = nil
        withExtendedLifetime(workers) {}
        workers = nil
        OrphanCleanup.removal.withLock { _ in try? FileManager.default.removeItem(atPath: spec.workDirectory) }
        write(report, to: spec.resultPath)
        return (report.failure == nil ? ExitStatus.success : .variantFailed).rawValue
    }

    private static func write(_ report: ChildReport, to path: String) {
        if let data = try? JSONCoding.encode(report) {
            try? AtomicFile.write(data, to: path)
        }
    }
}

/// jemalloc heap profiles written through `prof.dump`.
public enum HeapProfile {
    /// Writes a profile to `path`; false when jemalloc's profiler is not active.
    @discardableResult
    public static func dump(to path: String) -> Bool {
        lh_jemalloc_prof_dump(path) == 0
    }
}
