/// How files are handed to the pool.
public enum SubmitMode: Sendable, Hashable {
    /// Every file of the pass submitted at once.
    case all
    /// One shard's worth of files at a time; the next batch after the previous is consumed.
    case batched
    /// At most `n` files in flight.
    case window(Int)
}

/// Whether consumed futures stay referenced until the pass ends (bpo-27144) or are dropped.
public enum FuturesMode: String, Sendable, Hashable, CaseIterable, Codable {
    case keep, release
}

/// What the main thread does with each completed future.
public enum ConsumeMode: String, Sendable, Hashable, CaseIterable, Codable {
    case none, result, write
}

/// Whether fetched results are appended to a pass-level list or dropped after use.
public enum ResultsMode: String, Sendable, Hashable, CaseIterable, Codable {
    case keep, drop
}

/// Whether a finished shard's writer is closed, or abandoned while still registered.
public enum WriterMode: String, Sendable, Hashable, CaseIterable, Codable {
    case close, abandon
}

/// Allocation pattern of a worker: per-thread scratch, or fresh buffers for every file.
public enum BuffersMode: String, Sendable, Hashable, CaseIterable, Codable {
    case reused
    case perFile = "per-file"
}

/// Order in which a pass visits the corpus.
public enum FileOrder: String, Sendable, Hashable, CaseIterable, Codable {
    case corpus, shuffled
    case byDuration = "by-duration"
}

/// Whether a small per-file summary is kept until the end of the run.
public enum ManifestMode: String, Sendable, Hashable, CaseIterable, Codable {
    case none, keep
}

/// Which audio files a pass cycles through.
public enum CorpusSource: Sendable, Hashable {
    /// The generated synthetic corpus.
    case builtIn
    /// The built-in corpus plus about 1% of clips of 2-5 minutes.
    case longTail
    /// A VCTK-layout directory (WAV or FLAC).
    case directory(String)
}

/// The knobs of one pipeline run: everything that distinguishes one variant's workload from another's.
public struct PipelineOptions: Sendable, Hashable {
    public var submit: SubmitMode = .batched
    public var futures: FuturesMode = .release
    public var consume: ConsumeMode = .write
    public var results: ResultsMode = .drop
    public var writer: WriterMode = .close
    public var buffers: BuffersMode = .reused
    public var order: FileOrder = .corpus
    public var manifest: ManifestMode = .none
    public var corpus: CorpusSource = .builtIn
    public var workers: Int = 2
    public var shardSize: Int = 25
    /// Files per pass; the corpus is cycled to reach it.
    public var files: Int = 600
    public var passes: Int = 3
    /// Seed for `order: shuffled`.
    public var seed: UInt64 = 1

    public init() {}
}

extension SubmitMode: CustomStringConvertible, LosslessStringConvertible {
    public var description: String {
        switch self {
        case .all: "all"
        case .batched: "batched"
        case .window(let n): "window:\(n)"
        }
    }

    public init?(_ text: String) {
        switch text {
        case "all": self = .all
        case "batched": self = .batched
        default:
            guard text.hasPrefix("window:"), let n = Int(text.dropFirst("window:".count)), n > 0 else { return nil }
            self = .window(n)
        }
    }
}

extension CorpusSource: CustomStringConvertible, LosslessStringConvertible {
    public var description: String {
        switch self {
        case .builtIn: "built-in"
        case .longTail: "long-tail"
        case .directory(let path): path
        }
    }

    public init?(_ text: String) {
        switch text {
        case "": return nil
        case "built-in": self = .builtIn
        case "long-tail": self = .longTail
        default: self = .directory(text)
        }
    }
}
