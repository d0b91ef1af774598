/// One figure `leakharness bench` measures: its JSON key, which way is better, and its target where it has one.
public enum BenchFigure: String, CaseIterable, Sendable, Codable, CodingKeyRepresentable {
    case decodeAudioSPerS = "decode_audio_s_per_s"
    case featuresAudioSPerCPUS = "features_audio_s_per_cpu_s"
    case tfrecordWriteMBPerS = "tfrecord_write_mb_per_s"
    case pipelineFilesPerS1Worker = "pipeline_files_per_s_1_worker"
    case pipelineFilesPerS2Workers = "pipeline_files_per_s_2_workers"
    case scaling2Workers = "scaling_2_workers"
    case samplerUsPerSample = "sampler_us_per_sample"
    case samplerAllocationsPerSample = "sampler_allocations_per_sample"
    case samplerBytesPerSample = "sampler_bytes_per_sample"
    case samplerCPUPercentAt100Hz = "sampler_cpu_percent_at_100hz"
    case harnessRSSMB = "harness_rss_mb"
    case probeUsPerSample = "probe_us_per_sample"
    case probeCPUPercentAt10Hz = "probe_cpu_percent_at_10hz"
    case probeAllocatedBytes = "probe_allocated_bytes"
    case replaySeconds = "replay_seconds"
    case checkCISeconds = "check_ci_seconds"
    case loadAverage1m = "load_average_1m"
    case loadAverageEnd1m = "load_average_end_1m"
    case quick

    /// Which way a figure is better, or that it is context rather than a measure to compare.
    public enum Polarity: Sendable {
        case higherIsBetter, lowerIsBetter, context
    }

    /// A bound a figure must meet: at least or at most `bound`.
    public struct Target: Sendable, Hashable {
        public var bound: Double
        public var atLeast: Bool

        /// Whether `value` meets the bound.
        public func met(by value: Double) -> Bool { atLeast ? value >= bound : value <= bound }
    }

    /// What the figure measures.
    public var doc: String {
        switch self {
        case .decodeAudioSPerS: "seconds of audio decoded (libsndfile, one thread) per wall second"
        case .featuresAudioSPerCPUS:
            "seconds of 48 kHz audio through decode, log-mel and Example encoding per CPU second (one thread)"
        case .tfrecordWriteMBPerS: "TFRecord framing and writing throughput, MB per wall second"
        case .pipelineFilesPerS1Worker: "files per second of the whole pipeline with one worker"
        case .pipelineFilesPerS2Workers: "files per second of the whole pipeline with two workers"
        case .scaling2Workers: "two workers' files per second over one worker's"
        case .samplerUsPerSample: "microseconds one sample costs the sampling thread"
        case .samplerAllocationsPerSample:
            "heap allocations per sample: 0 when the sampling thread allocated no byte, else bytes / 64, at least 1"
        case .samplerBytesPerSample: "bytes the sampling thread allocated per sample (jemalloc's thread.allocated)"
        case .samplerCPUPercentAt100Hz:
            "CPU of the sampler thread at a 10 ms interval while the two-worker pipeline runs, percent of one core"
        case .harnessRSSMB: "peak resident memory (VmHWM) of `leakharness run` while it supervises a child, MB"
        case .probeUsPerSample: "microseconds one sampling step of the probe library costs, mallinfo2 included"
        case .probeCPUPercentAt10Hz:
            "CPU of the probe thread at 100 ms in a process allocating and freeing 20 MB/s, percent of one core"
        case .probeAllocatedBytes: "bytes the probe thread allocated over a run under jemalloc"
        case .replaySeconds: "wall seconds of `bisect document-bisection`, median of 3; 0 when not measured"
        case .checkCISeconds: "wall seconds of `check ci`, median of 3; 0 when not measured"
        case .loadAverage1m: "the one-minute load average when the bench started"
        case .loadAverageEnd1m: "the one-minute load average when the bench ended"
        case .quick: "1 for a --quick run (tiny sizes: its figures are not comparable), else 0"
        }
    }

    /// Which way is better; context figures are reported, never compared.
    public var polarity: Polarity {
        switch self {
        case .decodeAudioSPerS, .featuresAudioSPerCPUS, .tfrecordWriteMBPerS, .pipelineFilesPerS1Worker,
            .pipelineFilesPerS2Workers, .scaling2Workers:
            .higherIsBetter
        case .samplerUsPerSample, .samplerAllocationsPerSample, .samplerCPUPercentAt100Hz, .harnessRSSMB,
            .probeUsPerSample, .probeCPUPercentAt10Hz, .probeAllocatedBytes, .replaySeconds, .checkCISeconds:
            .lowerIsBetter
        case .samplerBytesPerSample, .loadAverage1m, .loadAverageEnd1m, .quick: .context
        }
    }

    /// The bound the figure must meet, where the project sets one.
    public var target: Target? {
        switch self {
        case .featuresAudioSPerCPUS: Target(bound: 3500, atLeast: true)
        case .scaling2Workers: Target(bound: 1.9, atLeast: true)
        case .samplerUsPerSample: Target(bound: 20, atLeast: false)
        case .samplerAllocationsPerSample: Target(bound: 0, atLeast: false)
        case .samplerCPUPercentAt100Hz: Target(bound: 0.5, atLeast: false)
        case .harnessRSSMB: Target(bound: 40, atLeast: false)
        case .probeCPUPercentAt10Hz: Target(bound: 1, atLeast: false)
        case .probeAllocatedBytes: Target(bound: 0, atLeast: false)
        case .replaySeconds: Target(bound: 60, atLeast: false)
        case .checkCISeconds: Target(bound: 10, atLeast: false)
        default: nil
        }
    }

    /// The figures compared with a baseline and shown in the table, in order.
    public static var compared: [BenchFigure] { allCases.filter { $0.polarity != .context } }
}

/// The figures of one `leakharness bench` run; in JSON, one number per figure under its key.
public struct BenchResult: Sendable, Codable, Equatable {
    private var values: [BenchFigure: Double] = [:]

    /// Creates a result with every figure 0.
    public init() {}

    /// A figure's value; 0 when it was not measured.
    public subscript(_ figure: BenchFigure) -> Double {
        get { values[figure] ?? 0 }
        set { values[figure] = newValue }
    }

    /// Every figure, 0 for those not measured.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        var all: [BenchFigure: Double] = [:]
        for figure in BenchFigure.allCases { all[figure] = self[figure] }
        try container.encode(all)
    }

    /// Decodes a result; a missing key reads as 0, so baselines of older versions still load.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode([String: Double].self)
        for figure in BenchFigure.allCases { values[figure] = text[figure.rawValue] ?? 0 }
    }

    public static func == (a: BenchResult, b: BenchResult) -> Bool {
        BenchFigure.allCases.allSatisfy { a[$0] == b[$0] }
    }
}
