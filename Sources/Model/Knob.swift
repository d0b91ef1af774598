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

    /// What a knob's value is, and the values it accepts.
    public enum Kind: Sendable, Hashable {
        /// An integer in a range, in a unit ("an integer", "milliseconds", ...).
        case integer(ClosedRange<Int>, unit: String)
        /// A number in a range, in a unit.
        case number(ClosedRange<Double>, unit: String)
        /// One of these words.
        case choice([String])
        /// Free text of a form the knob parses itself.
        case text(form: String)
    }

    /// A knob's entry in the table: its YAML key, what its value is, and what it does.
    public struct Spec: Sendable, Hashable {
        public var key: Knob
        public var kind: Kind
        public var doc: String
        /// Whether it describes the workload (bisection and the report's "changes" column use these) rather than
        /// how the harness measures it.
        public var isWorkload: Bool
    }

    /// The table: one entry per knob, the only place its range, accepted values and meaning are written.
    public var spec: Spec {
        func words<T: CaseIterable & RawRepresentable<String>>(_: T.Type) -> Kind {
            .choice(T.allCases.map(\.rawValue))
        }
        func workload(_ kind: Kind, _ doc: String) -> Spec { Spec(key: self, kind: kind, doc: doc, isWorkload: true) }
        func harness(_ kind: Kind, _ doc: String) -> Spec { Spec(key: self, kind: kind, doc: doc, isWorkload: false) }
        return switch self {
        case .submit: workload(.text(form: "all, batched, window:N"), "how files are submitted to the thread pool")
        case .futures: workload(words(FuturesMode.self), "what happens to each file's future once it is done")
        case .consume: workload(words(ConsumeMode.self), "when results are consumed")
        case .results: workload(words(ResultsMode.self), "whether results are kept after they are written")
        case .writer: workload(words(WriterMode.self), "whether each shard's writer is closed")
        case .allocator: workload(words(Allocator.self), "the allocator the child runs under")
        case .buffers: workload(words(BuffersMode.self), "per-file buffers, or scratch reused per worker")
        case .order: workload(words(FileOrder.self), "the order files are submitted in")
        case .manifest: workload(words(ManifestMode.self), "what is kept per file in the manifest")
        case .corpus: workload(.text(form: "built-in, long-tail, or a directory"), "the audio files")
        case .workers: workload(.integer(1...64, unit: "an integer"), "threads in the pool")
        case .shardSize: workload(.integer(1...100_000, unit: "an integer"), "examples per TFRecord shard")
        case .files: workload(.integer(1...10_000_000, unit: "an integer"), "files per pass")
        case .passes: workload(.integer(1...1000, unit: "an integer"), "passes over the files")
        case .settle: workload(.number(0...600, unit: "seconds"), "least sampling after the work, all released")
        case .seed: workload(.integer(0...Int.max, unit: "an integer"), "the corpus and order's seed")
        case .sampleIntervalMs: harness(.integer(1...10_000, unit: "milliseconds"), "time between samples")
        case .profile: harness(words(ProfileMode.self), "sample allocation sites with jemalloc's profiler")
        case .lgProfSample: harness(.integer(0...40, unit: "an integer"), "one site sample per 2^N bytes")
        case .ceilingMB: harness(.integer(16...1_000_000, unit: "megabytes"), "RSS at which the child is killed")
        case .timeLimitS: harness(.integer(1...86_400, unit: "seconds"), "wall time at which the child is killed")
        case .fault:
            harness(
                .text(form: "crash-after-files:N, enospc-after-shards:N"), "a fault injected for the harness's tests")
        }
    }

    /// Whether the YAML value must be an integer (or, for `settle`, a number).
    public var isNumeric: Bool {
        switch spec.kind {
        case .integer, .number: true
        case .choice, .text: false
        }
    }

    /// Knobs that describe the workload (bisection and the report's "changes" column use these).
    public var isWorkload: Bool { spec.isWorkload }

    /// The values accepted, for error messages.
    public var accepted: String {
        switch spec.kind {
        case .integer(let r, _) where r == 0...Int.max: "a non-negative integer"
        case .integer(let r, let unit): "\(unit) from \(r.lowerBound) to \(r.upperBound)"
        case .number(let r, let unit): "\(unit) from \(Self.plain(r.lowerBound)) to \(Self.plain(r.upperBound))"
        case .choice(let words): words.joined(separator: ", ")
        case .text(let form): form
        }
    }

    /// Reads an integer value within the knob's range.
    func integer(_ text: String) -> Int? {
        guard case .integer(let range, _) = spec.kind, let n = Int(text), range.contains(n) else { return nil }
        return n
    }

    /// Reads a number value within the knob's range.
    func number(_ text: String) -> Double? {
        guard case .number(let range, _) = spec.kind, let x = Double(text), range.contains(x) else { return nil }
        return x
    }

    static func plain(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    public static func < (a: Knob, b: Knob) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Knobs key JSON objects by their YAML names.
extension Knob: CodingKeyRepresentable {}

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

    /// Sets `knob` from its textual value, validated against the knob's table entry.
    public mutating func set(_ knob: Knob, _ text: String) throws(KnobError) {
        let bad = KnobError(knob: knob, value: text)
        func int() throws(KnobError) -> Int {
            guard let n = knob.integer(text) else { throw bad }
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
        case .workers: pipeline.workers = try int()
        case .shardSize: pipeline.shardSize = try int()
        case .files: pipeline.files = try int()
        case .passes: pipeline.passes = try int()
        case .settle:
            guard let s = knob.number(text) else { throw bad }
            settleSeconds = s
        case .seed:
            guard let s = UInt64(text) else { throw bad }
            pipeline.seed = s
        case .sampleIntervalMs: sampleIntervalMs = try int()
        case .profile: profile = try parse(ProfileMode.self)
        case .lgProfSample: lgProfSample = try int()
        case .ceilingMB: ceilingMB = try int()
        case .timeLimitS: timeLimitS = try int()
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

extension VariantConfig: TextSettings {
    /// Every knob's textual value keyed by the knob's YAML name, the form a scenario file uses.
    public var text: [String: String] {
        Dictionary(uniqueKeysWithValues: knobs.map { ($0.key.rawValue, $0.value) })
    }

    /// Every knob from its text, each validated against the knob's table entry.
    public init(text: [String: String]) throws(SettingError) {
        var typed: [Knob: String] = [:]
        for (key, value) in text {
            guard let knob = Knob(rawValue: key) else { throw SettingError(key: key, why: "unknown knob") }
            typed[knob] = value
        }
        do {
            try self.init(knobs: typed)
        } catch {
            throw SettingError(key: error.knob.rawValue, why: error.description)
        }
    }
}
