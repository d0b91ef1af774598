import Foundation

/// What a child reports about its own run, written as `samples/<variant>.result.json` when it finishes.
public struct ChildReport: Sendable, Hashable, Codable {
    /// Files processed (decoded or skipped) over all passes.
    public var files: Int = 0
    /// Seconds of pipeline work, settle excluded.
    public var seconds: Double = 0
    /// Sample time at which the work ended and the settle phase began.
    public var settleStartMs: Int64?
    /// Sample time at which each pass's own state had been released.
    public var passEndMs: [Int64] = []
    /// The quiet window after each pass's release, the last pass's included: nothing submitted, only sampled.
    public var quietWindows: [QuietWindow]?
    /// Sample time at which the settle ended, before anything was torn down; later samples do not count.
    public var settleEndMs: Int64?
    /// Whether RSS became steady before the settle's cap (nil: no settle).
    public var settleSteady: Bool?
    /// Files skipped, by reason.
    public var skipped: [String: Int] = [:]
    public var segments: Int = 0
    public var shards: Int = 0
    /// The allocator the child found itself running on, e.g. "jemalloc 5.3.0" or "glibc 2.36".
    public var allocatorLoaded: String = ""
    /// Whether libjemalloc was mapped into the child (read from `/proc/self/maps`).
    public var jemallocMapped: Bool?
    /// Set when the child stopped on an error it caught (e.g. ENOSPC).
    public var failure: String?
    /// Where glibc's free memory sat at the end of the settle; nil under jemalloc.
    public var glibcHeap: GlibcHeapLayout?
    /// `watch`: every process of the command's tree and whether the probe reported its heap.
    public var processes: [WatchedProcess]?
    /// Files of every configured pass (files × passes), however many ran: the warm-up is a share of it.
    public var plannedFiles: Int?
    /// Set when the passes ended before the configured number because the decision rule had settled.
    public var decidedEarly: EarlyDecision?
    /// Whether jemalloc's unused dirty and muzzy pages were purged at the start of the settle (`arena.<all>.purge`),
    /// instead of waiting out its decay.
    public var jemallocPurged: Bool?

    public init() {}
}

/// Where and why a child ended its passes early.
public struct EarlyDecision: Sendable, Hashable, Codable {
    /// Passes run, of `configuredPasses`.
    public var passes: Int
    public var configuredPasses: Int
    /// Files done when the rule settled.
    public var files: Int
    /// What the rule said on those passes, before the settle.
    public var verdict: Verdict
    public var cause: Cause
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case passes, files, verdict, cause, reason
        case configuredPasses = "configured_passes"
    }

    public init(passes: Int, configuredPasses: Int, files: Int, verdict: Verdict, cause: Cause, reason: String) {
        self.passes = passes
        self.configuredPasses = configuredPasses
        self.files = files
        self.verdict = verdict
        self.cause = cause
        self.reason = reason
    }
}

/// A span of sample time in which the child only sampled, after a pass released its state.
public struct QuietWindow: Sendable, Hashable, Codable {
    /// First millisecond of the window (the release point).
    public var startMs: Int64
    /// Last millisecond of the window.
    public var endMs: Int64

    /// A window from `startMs` to `endMs`.
    public init(startMs: Int64, endMs: Int64) {
        self.startMs = startMs
        self.endMs = endMs
    }
}

/// How one variant ended, as the parent saw it, plus what its child reported.
public struct VariantOutcome: Sendable, Hashable, Codable {
    public var name: String
    /// What it ran with: every knob of its configuration, or a watched command's settings.
    public var settings: VariantSettings
    /// The knobs it sets against the base.
    public var overrides: [Knob: String]
    public var expect: Expectation?
    public var document: String?
    /// Exit status of the child, when it exited.
    public var exitStatus: Int32?
    /// Signal that ended the child, when one did.
    public var signal: Int32?
    /// Why the variant failed (crash, ceiling, time limit, ENOSPC, allocator not loaded); nil when it did not.
    public var failure: String?
    /// Wall seconds from spawn to exit, settle included.
    public var wallSeconds: Double
    public var report: ChildReport?

    enum CodingKeys: String, CodingKey {
        case name, overrides, expect, document, exitStatus, signal, failure, wallSeconds, report
        case settings = "knobs"
    }

    public init(
        name: String, settings: VariantSettings, overrides: [Knob: String], expect: Expectation?, document: String?,
        exitStatus: Int32?, signal: Int32?, failure: String?, wallSeconds: Double, report: ChildReport?
    ) {
        self.name = name
        self.settings = settings
        self.overrides = overrides
        self.expect = expect
        self.document = document
        self.exitStatus = exitStatus
        self.signal = signal
        self.failure = failure
        self.wallSeconds = wallSeconds
        self.report = report
    }
}

/// The machine a run was made on, for the report.
public struct MachineInfo: Sendable, Hashable, Codable {
    public var host: String
    public var cores: Int
    public var memoryGB: Double
    public var kernel: String
    public var glibc: String
    public var harnessVersion: String

    public init(host: String, cores: Int, memoryGB: Double, kernel: String, glibc: String, harnessVersion: String) {
        self.host = host
        self.cores = cores
        self.memoryGB = memoryGB
        self.kernel = kernel
        self.glibc = glibc
        self.harnessVersion = harnessVersion
    }
}

/// `run.json`: everything about a run except the samples; with `samples/*.csv` it is all `report` needs.
public struct RunManifest: Sendable, Hashable, Codable {
    public var schemaVersion = 1
    public var scenario: String
    public var description: String
    public var scenarioPath: String
    /// ISO 8601.
    public var createdAt: String
    public var machine: MachineInfo
    public var thresholds: Thresholds
    /// The settings the variants start from.
    public var base: VariantSettings
    /// In run order.
    public var variants: [VariantOutcome]
    /// The run was stopped by SIGINT or SIGTERM before every variant ran.
    public var interrupted = false
    /// What `files_done` counts when it is not files: "ms" (elapsed time, `watch`) or "items" (`watch --progress-regex`).
    public var xUnit: String?

    enum CodingKeys: String, CodingKey {
        case schemaVersion, scenario, description, scenarioPath, createdAt, machine, thresholds, variants, interrupted
        case xUnit
        case base = "baseKnobs"
    }

    public init(
        scenario: String, description: String, scenarioPath: String, createdAt: String, machine: MachineInfo,
        thresholds: Thresholds, base: VariantSettings, variants: [VariantOutcome]
    ) {
        self.scenario = scenario
        self.description = description
        self.scenarioPath = scenarioPath
        self.createdAt = createdAt
        self.machine = machine
        self.thresholds = thresholds
        self.base = base
        self.variants = variants
    }
}
