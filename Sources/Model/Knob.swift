public import FeaturePipeline

/// One setting a variant can change; its name is the YAML key and the JSON key passed to a child.
public enum Knob: String, Sendable, CaseIterable, Codable, Comparable {
    case submit, futures, consume, results, writer, allocator, buffers, order, manifest, corpus
    case workers
    case shardSize = "shard-size"
    case files, passes, settle, seed
    case sampleIntervalMs = "sample-interval-ms"
    case profile
    case lgProfSample = "lg-prof-sample"
    case ceilingMB = "ceiling-mb"
    case timeLimitS = "time-limit-s"
    case fault

    /// Whether the YAML value must be an integer (or, for `settle`, a number).
    public var isNumeric: Bool {
        switch self {
        case .workers, .shardSize, .files, .passes, .settle, .seed, .sampleIntervalMs, .lgProfSample, .ceilingMB,
            .timeLimitS:
            true
        default: false
        }
    }

    /// Knobs that describe the workload (bisection and the report's "changes" column use these).
    public var isWorkload: Bool {
        switch self {
        case .sampleIntervalMs, .profile, .lgProfSample, .ceilingMB, .timeLimitS, .fault: false
        default: true
        }
    }

    /// The values accepted, for error messages.
    public var accepted: String {
        switch self {
        case .submit: "all, batched, window:N"
        case .futures: FuturesMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .consume: ConsumeMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .results: ResultsMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .writer: WriterMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .allocator: Allocator.allCases.map(\.rawValue).joined(separator: ", ")
        case .buffers: BuffersMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .order: FileOrder.allCases.map(\.rawValue).joined(separator: ", ")
        case .manifest: ManifestMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .corpus: "built-in, long-tail, or a directory"
        case .workers: "an integer from 1 to 64"
        case .shardSize: "an integer from 1 to 100000"
        case .files: "an integer from 1 to 10000000"
        case .passes: "an integer from 1 to 1000"
        case .settle: "seconds from 0 to 600"
        case .seed: "a non-negative integer"
        case .sampleIntervalMs: "milliseconds from 1 to 10000"
        case .profile: "none, sites"
        case .lgProfSample: "an integer from 0 to 40"
        case .ceilingMB: "megabytes from 16 to 1000000"
        case .timeLimitS: "seconds from 1 to 86400"
        case .fault: "crash-after-files:N, enospc-after-shards:N"
        }
    }

    public static func < (a: Knob, b: Knob) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A knob given a value it does not accept.
public struct KnobError: Error, Sendable, Equatable, CustomStringConvertible {
    public var knob: Knob
    public var value: String
    public var description: String { "'\(value)' is not valid; expected \(knob.accepted)" }
}

/// The allocator a variant's child runs under.
public enum Allocator: String, Sendable, Hashable, CaseIterable, Codable {
    case glibc
    case glibcArena2 = "glibc-arena2"
    case glibcTrim = "glibc-trim"
    case glibcMmapThreshold = "glibc-mmap-threshold"
    case jemalloc
}

/// Whether the child samples allocation sites with jemalloc's heap profiler.
public enum ProfileMode: String, Sendable, Hashable, CaseIterable, Codable {
    case none, sites
}

/// A fault injected into a child, for the harness's own tests (only scenarios under `Tests/` may set it).
public enum Fault: Sendable, Hashable, CustomStringConvertible {
    case crashAfterFiles(Int)
    case enospcAfterShards(Int)

    public var description: String {
        switch self {
        case .crashAfterFiles(let n): "crash-after-files:\(n)"
        case .enospcAfterShards(let n): "enospc-after-shards:\(n)"
        }
    }

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { return nil }
        switch parts[0] {
        case "crash-after-files": self = .crashAfterFiles(n)
        case "enospc-after-shards": self = .enospcAfterShards(n)
        default: return nil
        }
    }
}

/// Everything one child needs to run one variant: the pipeline's knobs and the harness's own.
public struct VariantConfig: Sendable, Hashable {
    public var pipeline = PipelineOptions()
    public var allocator: Allocator = .glibc
    /// Seconds of sampling after the work, with everything released.
    public var settleSeconds: Double = 2
    public var sampleIntervalMs = 50
    public var profile: ProfileMode = .none
    public var lgProfSample = 17
    public var ceilingMB = 4096
    public var timeLimitS = 300
    public var fault: Fault?

    public init() {}

    /// Sets `knob` from its textual value, validating range and spelling.
    public mutating func set(_ knob: Knob, _ text: String) throws(KnobError) {
        let bad = KnobError(knob: knob, value: text)
        func int(_ range: ClosedRange<Int>) throws(KnobError) -> Int {
            guard let n = Int(text), range.contains(n) else { throw bad }
            return n
        }
        func parse<T: RawRepresentable<String>>(_: T.Type) throws(KnobError) -> T {
            guard let v = T(rawValue: text) else { throw bad }
            return v
        }
        switch knob {
        case .submit:
            guard let v = SubmitMode(text) else { throw bad }
            pipeline.submit = v
        case .futures: pipeline.futures = try parse(FuturesMode.self)
        case .consume: pipeline.consume = try parse(ConsumeMode.self)
        case .results: pipeline.results = try parse(ResultsMode.self)
        case .writer: pipeline.writer = try parse(WriterMode.self)
        case .allocator: allocator = try parse(Allocator.self)
        case .buffers: pipeline.buffers = try parse(BuffersMode.self)
        case .order: pipeline.order = try parse(FileOrder.self)
        case .manifest: pipeline.manifest = try parse(ManifestMode.self)
        case .corpus:
            guard let v = CorpusSource(text) else { throw bad }
            pipeline.corpus = v
        case .workers: pipeline.workers = try int(1...64)
        case .shardSize: pipeline.shardSize = try int(1...100_000)
        case .files: pipeline.files = try int(1...10_000_000)
        case .passes: pipeline.passes = try int(1...1000)
        case .settle:
            guard let s = Double(text), s >= 0, s <= 600 else { throw bad }
            settleSeconds = s
        case .seed:
            guard let s = UInt64(text) else { throw bad }
            pipeline.seed = s
        case .sampleIntervalMs: sampleIntervalMs = try int(1...10_000)
        case .profile: profile = try parse(ProfileMode.self)
        case .lgProfSample: lgProfSample = try int(0...40)
        case .ceilingMB: ceilingMB = try int(16...1_000_000)
        case .timeLimitS: timeLimitS = try int(1...86_400)
        case .fault:
            guard let f = Fault(text) else { throw bad }
            fault = f
        }
    }

    /// The textual value of `knob`, as `set` accepts it.
    public func value(of knob: Knob) -> String {
        switch knob {
        case .submit: pipeline.submit.description
        case .futures: pipeline.futures.rawValue
        case .consume: pipeline.consume.rawValue
        case .results: pipeline.results.rawValue
        case .writer: pipeline.writer.rawValue
        case .allocator: allocator.rawValue
        case .buffers: pipeline.buffers.rawValue
        case .order: pipeline.order.rawValue
        case .manifest: pipeline.manifest.rawValue
        case .corpus: pipeline.corpus.description
        case .workers: String(pipeline.workers)
        case .shardSize: String(pipeline.shardSize)
        case .files: String(pipeline.files)
        case .passes: String(pipeline.passes)
        case .settle: settleSeconds == settleSeconds.rounded() ? String(Int(settleSeconds)) : String(settleSeconds)
        case .seed: String(pipeline.seed)
        case .sampleIntervalMs: String(sampleIntervalMs)
        case .profile: profile.rawValue
        case .lgProfSample: String(lgProfSample)
        case .ceilingMB: String(ceilingMB)
        case .timeLimitS: String(timeLimitS)
        case .fault: fault?.description ?? ""
        }
    }

    /// Every knob with its value (an unset fault is left out), in the catalogue's order.
    public var knobs: [Knob: String] {
        var out: [Knob: String] = [:]
        for knob in Knob.allCases where !(knob == .fault && fault == nil) {
            out[knob] = value(of: knob)
        }
        return out
    }

    /// Builds a configuration from textual knobs, applied in catalogue order over the defaults.
    public init(knobs: [Knob: String]) throws(KnobError) {
        self.init()
        for knob in Knob.allCases {
            if let text = knobs[knob] { try set(knob, text) }
        }
    }
}
