import Glibc
import SystemPackage

/// Why `watch` could not run or report a command.
public enum WatchError: Error, Sendable, CustomStringConvertible {
    /// The command was not found on PATH or is not executable.
    case notFound(command: String)
    /// The command could not be started.
    case spawn(command: String, why: String)
    /// `--progress-regex` does not compile.
    case regex(pattern: String, why: String)
    /// A system call failed.
    case system(call: String, errno: Int32)
    /// The run directory or its report could not be written.
    case output(path: String, why: String)
    /// The probe library is missing or cannot be loaded.
    case probe(path: String, why: String)
    /// An allocator the command should run under is not installed.
    case allocatorMissing(allocator: String, why: String)

    /// What failed, where and why.
    public var description: String {
        switch self {
        case .notFound(let c): "\(c): command not found (not an executable file, nor on PATH)"
        case .spawn(let c, let why): "\(c): cannot start: \(why)"
        case .regex(let p, let why): "--progress-regex \(p): \(why)"
        case .system(let call, let e): "\(call) failed: \(Errno(rawValue: e))"
        case .output(let path, let why): "\(path): \(why)"
        case .probe(let path, let why): "probe library \(path): \(why)"
        case .allocatorMissing(let allocator, let why): "\(allocator): \(why)"
        }
    }
}
