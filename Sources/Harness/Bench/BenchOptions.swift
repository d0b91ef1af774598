import Foundation
import Supervision

/// What `leakharness bench` measures on, and how much.
public struct BenchOptions: Sendable {
    /// A corpus directory (VCTK layout); nil: the built-in corpus.
    public var corpus: String?
    /// Tiny sizes for tests: every figure is produced, none is meaningful.
    public var quick = false
    /// The `leakharness` executable used for the helper processes (`probe-sampler`, `run`).
    public var executable = ChildLauncher.currentExecutable()
    /// Also time the answers users wait for: the case study's replay and `check ci` (minutes at full size).
    public var verdicts = false
    /// Where temporary files go (shards, samples, a scenario, a run directory); removed afterwards.
    public var temporaryRoot = TemporaryFolder.root

    /// Default options: the built-in corpus, full sizes.
    public init() {}

    /// Files each single-thread stage reads per repetition.
    var stageFiles: Int { quick ? 8 : 300 }
    /// Repetitions of the decode stage (the median is reported).
    var decodeRepeats: Int { quick ? 1 : 15 }
    /// Repetitions of the features stage (the median is reported).
    var featureRepeats: Int { quick ? 1 : 5 }
    /// Bytes the TFRecord stage writes per repetition.
    var tfrecordBytes: Int { quick ? 4 << 20 : 256 << 20 }
    /// Repetitions of the TFRecord stage.
    var tfrecordRepeats: Int { quick ? 1 : 3 }
    /// Files of each pipeline run.
    var pipelineFiles: Int { quick ? 16 : 900 }
    /// Pipeline runs per worker count (the median is reported).
    var pipelineRepeats: Int { quick ? 1 : 3 }
    /// Files of the pipeline run during which the sampler's CPU is measured.
    var samplerPipelineFiles: Int { quick ? 40 : 3000 }
    /// Samples of the sampler probe (the issue asks for at least 10,000).
    var probeSamples: Int { quick ? 1000 : 10_000 }
    /// Runs of each timed command (the median is reported).
    var verdictRepeats: Int { quick ? 1 : 3 }
    /// Flags that shrink the timed commands under `--quick`.
    var verdictSizes: [String] { quick ? ["--files", "50", "--passes", "3", "--settle", "0"] : [] }
    /// Files of the supervised run of the harness RSS stage.
    var harnessFiles: Int { quick ? 20 : 1200 }
}
