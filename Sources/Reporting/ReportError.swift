/// Why a run directory could not be read or its report written.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory is not a run directory: it has no `run.json`.
    case missingManifest(path: String)
    /// A file exists but could not be read.
    case unreadable(path: String, why: String)
    /// `run.json` or `summary.json` is not what this version writes.
    case malformed(path: String, why: String)
    /// A report file could not be written or renamed into place.
    case writeFailed(path: String, why: String)

    /// What failed, where and why.
    public var description: String {
        switch self {
        case .missingManifest(let path):
            "\(path): no run.json here; expected a run directory written by `leakharness run`"
        case .unreadable(let path, let why): "\(path): cannot read: \(why)"
        case .malformed(let path, let why): "\(path): not a valid file of this version: \(why)"
        case .writeFailed(let path, let why): "\(path): cannot write: \(why)"
        }
    }
}
