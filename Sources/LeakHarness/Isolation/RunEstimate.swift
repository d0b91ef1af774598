import Foundation

/// How long a run should take, said before it starts: "10 variants, 2 side by side: about 45 s (80 s if none
/// stops early)".
///
/// A variant takes its start-up, each pass's files at the pipeline's rate, each pass's quiet window, and its settle.
/// The rates are this project's measured ones on a 2-core machine (release build, two workers): about 800 files/s
/// per worker with reused buffers and 310 with fresh buffers per file; a faster or slower machine shifts every
/// figure alike. Early, a variant is counted at the fewest passes the early-stop rule needs.
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

    public init(scenario: Scenario, earlyStop: Bool, jobs: Int) {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var early = 0.0, full = 0.0
        for variant in scenario.variants {
            let p = variant.config.pipeline
            let perWorker =
                p.buffers == .perFile ? Self.filesPerSecondPerWorker.perFile : Self.filesPerSecondPerWorker.reused
            let rate = perWorker * Double(max(1, min(p.workers, cores)))
            let pass = Double(p.files) / rate + Double(MeasurementProtocol.quietWindowMs) / 1000
            let fixed = Self.overheadSeconds + variant.config.settleSeconds
            full += fixed + Double(p.passes) * pass
            early += fixed + Double(min(p.passes, EarlyStopRule.minimumFloorsDefault)) * pass
        }
        let side = Double(max(1, min(jobs, scenario.variants.count)))
        seconds = (earlyStop ? early : full) / side
        fullSeconds = full / side
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
