/// Why a pipeline run stopped.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// The corpus could not be found or listed.
    case corpus(String)
    /// A shard could not be created or written (disk full, permissions): the run cannot go on.
    case output(path: String, errno: Int32, message: String)

    public var description: String {
        switch self {
        case .corpus(let message): "corpus: \(message)"
        case .output(let path, _, let message): "\(path): \(message)"
        }
    }

    /// The errno of an output failure, if any (ENOSPC shows a full disk).
    public var errno: Int32? {
        if case .output(_, let errno, _) = self { return errno }
        return nil
    }
}
