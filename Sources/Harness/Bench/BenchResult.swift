import FeaturePipeline

/// The figures `leakharness bench` measures; JSON keys are the snake_case names below.
public struct BenchResult: Sendable, Codable, Equatable {
    /// Seconds of audio decoded (libsndfile, one thread) per wall second.
    public var decodeAudioSPerS = 0.0
    /// Seconds of 48 kHz audio taken through decode, log-mel and Example encoding per CPU second (one thread).
    public var featuresAudioSPerCPUS = 0.0
    /// TFRecord framing and writing throughput, in MB (10^6 bytes) per wall second.
    public var tfrecordWriteMBPerS = 0.0
    /// Files per second of the whole pipeline with one worker.
    public var pipelineFilesPerS1Worker = 0.0
    /// Files per second of the whole pipeline with two workers.
    public var pipelineFilesPerS2Workers = 0.0
    /// `pipelineFilesPerS2Workers / pipelineFilesPerS1Worker`.
    public var scaling2Workers = 0.0
    /// Microseconds one sample costs the sampling thread.
    public var samplerUsPerSample = 0.0
    /// Heap allocations per sample: 0 when the sampling thread allocated no byte, else an estimate (bytes / 64, at least 1).
    public var samplerAllocationsPerSample = 0.0
    /// Bytes the sampling thread allocated per sample (jemalloc's `thread.allocated`).
    public var samplerBytesPerSample = 0.0
    /// CPU of the sampler thread at a 10 ms interval while the two-worker pipeline runs, in percent of one core.
    public var samplerCPUPercentAt100Hz = 0.0
    /// Peak resident memory (VmHWM) of `leakharness run` while it supervises a child, in MB.
    public var harnessRSSMB = 0.0
    /// Microseconds one sampling step of the probe library (`watch`) costs, glibc's `mallinfo2` included.
    public var probeUsPerSample = 0.0
    /// CPU of the probe thread at a 100 ms interval in a process allocating and freeing 20 MB/s, percent of one core.
    public var probeCPUPercentAt10Hz = 0.0
    /// Bytes the probe thread allocated over a run under jemalloc (`thread.allocated`).
    public var probeAllocatedBytes = 0.0
    /// Wall seconds of `leakharness bisect document-bisection` (the case study's replay), median of 3; 0 when not
    /// measured (`bench --verdicts`).
    public var replaySeconds = 0.0
    /// Wall seconds of `leakharness check ci`, median of 3; 0 when not measured.
    public var checkCISeconds = 0.0
    /// The machine's one-minute load average when the bench started.
    public var loadAverage1m = 0.0
    /// The machine's one-minute load average when the bench ended.
    public var loadAverageEnd1m = 0.0
    /// 1 for a `--quick` run (tiny sizes: its figures are not comparable), else 0.
    public var quick = 0.0

    /// Creates a result with every figure 0.
    public init() {}

    /// Decodes a result; a missing key reads as 0, so baselines of older versions still load.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Double { try c.decodeIfPresent(Double.self, forKey: key) ?? 0 }
        decodeAudioSPerS = try value(.decodeAudioSPerS)
        featuresAudioSPerCPUS = try value(.featuresAudioSPerCPUS)
        tfrecordWriteMBPerS = try value(.tfrecordWriteMBPerS)
        pipelineFilesPerS1Worker = try value(.pipelineFilesPerS1Worker)
        pipelineFilesPerS2Workers = try value(.pipelineFilesPerS2Workers)
        scaling2Workers = try value(.scaling2Workers)
        samplerUsPerSample = try value(.samplerUsPerSample)
        samplerAllocationsPerSample = try value(.samplerAllocationsPerSample)
        samplerBytesPerSample = try value(.samplerBytesPerSample)
        samplerCPUPercentAt100Hz = try value(.samplerCPUPercentAt100Hz)
        harnessRSSMB = try value(.harnessRSSMB)
        probeUsPerSample = try value(.probeUsPerSample)
        probeCPUPercentAt10Hz = try value(.probeCPUPercentAt10Hz)
        probeAllocatedBytes = try value(.probeAllocatedBytes)
        replaySeconds = try value(.replaySeconds)
        checkCISeconds = try value(.checkCISeconds)
        loadAverage1m = try value(.loadAverage1m)
        loadAverageEnd1m = try value(.loadAverageEnd1m)
        quick = try value(.quick)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
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
    }

    /// The compared figures as (key, value, higher is better), in the order.
    public var figures: [(key: String, value: Double, higherIsBetter: Bool)] {
        [
            (CodingKeys.decodeAudioSPerS.rawValue, decodeAudioSPerS, true),
            (CodingKeys.featuresAudioSPerCPUS.rawValue, featuresAudioSPerCPUS, true),
            (CodingKeys.tfrecordWriteMBPerS.rawValue, tfrecordWriteMBPerS, true),
            (CodingKeys.pipelineFilesPerS1Worker.rawValue, pipelineFilesPerS1Worker, true),
            (CodingKeys.pipelineFilesPerS2Workers.rawValue, pipelineFilesPerS2Workers, true),
            (CodingKeys.scaling2Workers.rawValue, scaling2Workers, true),
            (CodingKeys.samplerUsPerSample.rawValue, samplerUsPerSample, false),
            (CodingKeys.samplerAllocationsPerSample.rawValue, samplerAllocationsPerSample, false),
            (CodingKeys.samplerCPUPercentAt100Hz.rawValue, samplerCPUPercentAt100Hz, false),
            (CodingKeys.harnessRSSMB.rawValue, harnessRSSMB, false),
            (CodingKeys.probeUsPerSample.rawValue, probeUsPerSample, false),
            (CodingKeys.probeCPUPercentAt10Hz.rawValue, probeCPUPercentAt10Hz, false),
            (CodingKeys.probeAllocatedBytes.rawValue, probeAllocatedBytes, false),
            (CodingKeys.replaySeconds.rawValue, replaySeconds, false),
            (CodingKeys.checkCISeconds.rawValue, checkCISeconds, false),
        ]
    }

    /// The target for each figure that has one: (key, bound, must be at least the bound).
    public static let targets: [(key: String, bound: Double, atLeast: Bool)] = [
        (CodingKeys.featuresAudioSPerCPUS.rawValue, 3500, true),
        (CodingKeys.scaling2Workers.rawValue, 1.9, true),
        (CodingKeys.samplerUsPerSample.rawValue, 20, false),
        (CodingKeys.samplerAllocationsPerSample.rawValue, 0, false),
        (CodingKeys.samplerCPUPercentAt100Hz.rawValue, 0.5, false),
        (CodingKeys.harnessRSSMB.rawValue, 40, false),
        (CodingKeys.probeCPUPercentAt10Hz.rawValue, 1, false),
        (CodingKeys.probeAllocatedBytes.rawValue, 0, false),
        (CodingKeys.replaySeconds.rawValue, 60, false),
        (CodingKeys.checkCISeconds.rawValue, 10, false),
    ]
}
