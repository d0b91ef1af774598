/// What went wrong while reading heap profiles or symbolizing their stacks.
public enum SitesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A heap profile could not be read.
    case unreadable(path: String, reason: String)
    /// A line of a heap profile is not in jemalloc's `heap_v2` format.
    case malformed(path: String, line: Int, reason: String)
    /// An ELF file could not be parsed.
    case badELF(path: String, reason: String)
    /// A report file could not be written.
    case unwritable(path: String, reason: String)

    /// One sentence: what failed, where, why.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read heap profile \(path): \(reason)"
        case .malformed(let path, let line, let reason): "\(path):\(line): not a heap_v2 profile: \(reason)"
        case .badELF(let path, let reason): "cannot read ELF symbols of \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
