/// Why `check`, `compare`, a baseline or `report merge` could not do its work.
public enum GateError: Error, Sendable, CustomStringConvertible {
    /// A baseline file that cannot be read or decoded.
    case baseline(path: String, why: String)
    /// A file that cannot be written.
    case write(path: String, why: String)
    /// Run directories that cannot be merged.
    case merge(path: String, why: String)
    /// A run directory without a readable run.json or samples.
    case run(path: String, why: String)

    /// What failed, where and why.
    public var description: String {
        switch self {
        case .baseline(let path, let why): "\(path): baseline: \(why)"
        case .write(let path, let why): "\(path): cannot write: \(why)"
        case .merge(let path, let why): "\(path): cannot merge: \(why)"
        case .run(let path, let why): "\(path): \(why)"
        }
    }
}
