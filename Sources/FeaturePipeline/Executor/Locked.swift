import Foundation

/// A value behind a lock: `Mutex`'s `withLock`, on a pthread mutex.
///
/// Synchronization's `Mutex` waits on a raw futex on Linux, which ThreadSanitizer cannot see, so it reported
/// false races between two `withLock` bodies; with a pthread mutex underneath, `scripts/test.sh --tsan` is meaningful.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// A lock holding `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
