/// Why an audio file could not be decoded.
public enum AudioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libsndfile refused to open the file (missing, unreadable, unknown or corrupt format).
    case open(path: String, reason: String)
    /// The file holds no audio frames.
    case empty(path: String)
    /// Decoding stopped early: truncated or damaged data.
    case read(path: String, reason: String)

    /// The file that failed.
    public var path: String {
        switch self {
        case .open(let path, _), .empty(let path), .read(let path, _): path
        }
    }

    /// One line naming the file and the reason.
    public var description: String {
        switch self {
        case .open(let path, let reason): "cannot open audio file \(path): \(reason)"
        case .empty(let path): "audio file \(path) is empty: no frames"
        case .read(let path, let reason): "cannot read audio file \(path): \(reason)"
        }
    }
}
