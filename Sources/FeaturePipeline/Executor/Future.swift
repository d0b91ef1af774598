import Foundation
import Synchronization

/// The eventual result of work submitted to a `ThreadPool`; it holds that result for as long as it is referenced.
public final class Future<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var callbacks: [@Sendable () -> Void] = []
    }

    private let state = Locked(State())
    private let done = DispatchSemaphore(value: 0)

    init() {}

    func complete(_ result: Result<Value, any Error>) {
        let callbacks = state.withLock { state -> [@Sendable () -> Void] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.callbacks = [] }
            return state.callbacks
        }
        done.signal()
        for callback in callbacks { callback() }
    }

    /// Runs `callback` once the future completes (at once, on this thread, when it already has).
    func whenComplete(_ callback: @escaping @Sendable () -> Void) {
        let already = state.withLock { state -> Bool in
            if state.result != nil { return true }
            state.callbacks.append(callback)
            return false
        }
        if already { callback() }
    }

    /// Whether the work has finished.
    public var isDone: Bool { state.withLock { $0.result != nil } }

    /// Blocks until the work finishes; returns its value or rethrows its error.
    public func result() throws -> Value {
        if let result = state.withLock({ $0.result }) { return try result.get() }
        done.wait()
        done.signal()
        return try state.withLock { $0.result! }.get()
    }
}

/// Completed futures in the order they completed: the `as_completed` of the case study.
public final class CompletionQueue<Value: Sendable>: Sendable {
    private struct State {
        var ready: [Future<Value>?] = []
        var head = 0
    }

    private let state = Locked(State())
    private let available = DispatchSemaphore(value: 0)

    /// An empty queue.
    public init() {}

    func push(_ future: Future<Value>) {
        state.withLock { $0.ready.append(future) }
        available.signal()
    }

    /// Blocks until a submitted future completes and returns it; the queue keeps no reference to it afterwards.
    public func next() -> Future<Value> {
        available.wait()
        return state.withLock { state in
            let future = state.ready[state.head]!
            state.ready[state.head] = nil
            state.head += 1
            if state.head == state.ready.count {
                state.ready.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return future
        }
    }

    /// The next `count` completed futures, in completion order.
    public func next(_ count: Int) -> AsCompleted<Value> { AsCompleted(queue: self, remaining: count) }
}

/// A sequence over the next N futures to complete.
public struct AsCompleted<Value: Sendable>: Sequence, IteratorProtocol {
    let queue: CompletionQueue<Value>
    var remaining: Int

    /// The next completed future, or nil after N.
    public mutating func next() -> Future<Value>? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        return queue.next()
    }
}
