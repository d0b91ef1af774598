#if canImport(Glibc)
import Glibc

#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong while encoding, writing, reading or decoding TFRecord files and their examples.
public enum TFRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `open(2)` or `fstat(2)` of `path` failed.
    case open(path: String, errno: Int32, message: String)
    /// `write(2)`, `fsync(2)` or `close(2)` of `path` failed (ENOSPC, EBADF, EIO...).
    case write(path: String, errno: Int32, message: String)
    /// `pread(2)` of `path` failed.
    case read(path: String, errno: Int32, message: String)
    /// A write to a writer that was already closed, or that failed before.
    case closed(path: String)
    /// The record starting at byte `offset` of `path` is damaged or truncated.
    case corrupt(path: String, offset: Int, reason: String)
    /// An example could not be built from the given values.
    case invalidInput(reason: String)
    /// Bytes that do not parse as a `tf.train.Example`.
    case invalidExample(reason: String)

    /// What failed, where, and why, in one line.
    public var description: String {
        switch self {
        case let .open(path, errno, message): "cannot open \(path): \(message) (errno \(errno))"
        case let .write(path, errno, message): "cannot write \(path): \(message) (errno \(errno))"
        case let .read(path, errno, message): "cannot read \(path): \(message) (errno \(errno))"
        case let .closed(path): "cannot write \(path): the writer is closed"
        case let .corrupt(path, offset, reason): "\(path): bad record at byte offset \(offset): \(reason)"
        case let .invalidInput(reason): "cannot encode example: \(reason)"
        case let .invalidExample(reason): "not a tf.train.Example: \(reason)"
        }
    }
}

/// The text of `strerror(code)`.
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Runs a system call, retrying on EINTR, and turns a result of -1 into a thrown error made from errno.
///
/// The one place where this folder converts C's `-1`/errno convention into a typed Swift error.
@inline(__always)
func systemCall<Result: FixedWidthInteger>(
    _ error: (_ errno: Int32, _ message: String) -> TFRecordError,
    _ call: () -> Result
) throws(TFRecordError) -> Result {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw error(code, errnoText(code))
    }
}
