import Foundation
public import Model
import Analysis

/// How long a run should take, said before it starts: "10 variants, 3 side by side: about 31 s (62 s if none
/// stops early)".
///
/// A variant takes its start-up, each pass's files at the pipeline's rate, each pass's quiet window, and its settle;
/// variants side by side share that wall time, but not the cores: the run takes at least their workers' CPU time
/// spread over the cores. The rates are this project's measured ones on a 2-core machine (release build): about 800
/// files/s per worker with reused buffers and 310 with fresh buffers per file; a faster or slower machine shifts
/// every figure alike. Early, a variant is counted at the fewest passes the early-stop rule needs.
public struct RunEstimate: Sendable, Hashable {
    /// Seconds when every variant stops as early as the rule allows, and when none does.
    public var seconds: Double
    public var fullSeconds: Double
    public var variants: Int
    public var jobs: Int
    public var earlyStop: Bool

    /// Files per second of one worker, reused buffers and fresh buffers per file.
    static let filesPerSecondPerWorker = (reused: 800.0, perFile: 310.0)
    /// Start-up and teardown of a child, seconds.
    static let overheadSeconds = 0.4

    public init(scenario: Scenario, earlyStop: Bool, jobs: Int, cores: Int? = nil) {
        let cores = Double(max(1, cores ?? ProcessInfo.processInfo.activeProcessorCount))
        let side = Double(max(1, min(jobs, scenario.variants.count)))
        // Wall seconds and worker seconds, every pass and the fewest passes early stopping needs.
        var wall = (full: 0.0, early: 0.0), cpu = (full: 0.0, early: 0.0)
        for variant in scenario.variants {
            let p = variant.config.pipeline
            let perWorker =
                p.buffers == .perFile ? Self.filesPerSecondPerWorker.perFile : Self.filesPerSecondPerWorker.reused
            let workSeconds = Double(p.files) / (perWorker * min(Double(max(1, p.workers)), cores))
            let pass = workSeconds + Double(MeasurementProtocol.quietWindowMs) / 1000
            let fixed = Self.overheadSeconds + variant.config.settleSeconds
            let earlyPasses = Double(min(p.passes, EarlyStopRule.minimumFloorsDefault))
            wall.full += fixed + Double(p.passes) * pass
            wall.early += fixed + earlyPasses * pass
            cpu.full += Double(p.passes * p.files) / perWorker
            cpu.early += earlyPasses * Double(p.files) / perWorker
        }
        fullSeconds = max(wall.full / side, cpu.full / cores)
        seconds = earlyStop ? max(wall.early / side, cpu.early / cores) : fullSeconds
        variants = scenario.variants.count
        self.jobs = jobs
        self.earlyStop = earlyStop
    }

    /// The line printed before the run.
    public var line: String {
        var text = "\(variants) variant\(variants == 1 ? "" : "s")"
        if jobs > 1, variants > 1 { text += ", \(min(jobs, variants)) side by side" }
        text += String(format: ": about %.0f s", seconds.rounded(.up))
        if earlyStop, fullSeconds - seconds >= 1 {
            text += String(format: " (%.0f s if none stops early)", fullSeconds.rounded(.up))
        }
        return text
    }
}
