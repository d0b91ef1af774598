/// Why a corpus could not be found, indexed or written.
public enum CorpusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The corpus directory does not exist or is not a directory.
    case missingDirectory(String)
    /// The directory holds no .wav or .flac file.
    case noAudio(directory: String)
    /// Listing the directory failed.
    case unreadable(directory: String, reason: String)
    /// Writing a generated file or directory failed.
    case write(path: String, reason: String)
    /// Generation parameters out of range.
    case invalidParameter(name: String, value: String, reason: String)

    /// One line naming the directory or file and the reason.
    public var description: String {
        switch self {
        case .missingDirectory(let directory):
            "corpus directory \(directory) does not exist or is not a directory"
        case .noAudio(let directory):
            "corpus directory \(directory) holds no audio: expected wav48/ (WAV), wav48_silence_trimmed/ (FLAC) or any .wav/.flac file"
        case .unreadable(let directory, let reason):
            "cannot list corpus directory \(directory): \(reason)"
        case .write(let path, let reason):
            "cannot write corpus file \(path): \(reason)"
        case .invalidParameter(let name, let value, let reason):
            "invalid corpus parameter \(name)=\(value): \(reason)"
        }
    }
}
