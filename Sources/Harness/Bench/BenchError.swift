/// Why a bench stage could not be measured.
public enum BenchError: Error, Sendable, CustomStringConvertible {
    /// The corpus could not be found, generated or read.
    case corpus(String)
    /// A stage failed: which one, and why.
    case stage(String, reason: String)
    /// A helper process (`probe-sampler`, `run`) failed.
    case child(command: String, reason: String)
    /// The baseline file could not be read.
    case baseline(path: String, reason: String)

    public var description: String {
        switch self {
        case .corpus(let reason): "bench corpus: \(reason)"
        case .stage(let stage, let reason): "bench stage \(stage): \(reason)"
        case .child(let command, let reason): "bench helper `\(command)`: \(reason)"
        case .baseline(let path, let reason): "\(path): cannot read the bench baseline: \(reason)"
        }
    }
}
