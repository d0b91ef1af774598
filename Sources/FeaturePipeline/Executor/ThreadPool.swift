import Foundation
import CThread
import Synchronization

/// A fixed pool of named OS threads that runs submitted closures in FIFO order.
///
/// The case study is about threads, so these are real threads, never the cooperative pool.
/// The pool's state is one enum behind one condition lock; `shutdown` drains or cancels explicitly.
public final class ThreadPool: @unchecked Sendable {
    /// What a worker does: it is told its own index, so it can use per-thread scratch.
    public typealias Work = @Sendable (_ worker: Int) -> Void

    private struct Item {
        var work: Work
        var cancel: @Sendable () -> Void
    }

    private enum State {
        case running
        case draining
        case stopped
    }

    /// How `shutdown` treats work still queued.
    public enum ShutdownMode: Sendable {
        /// Run every queued item, then stop.
        case drain
        /// Drop queued items (their futures fail with `ExecutorError.cancelled`), then stop.
        case cancel
    }

    // Guarded by `condition`.
    private var state = State.running
    /// Queued items; a slot is emptied when its item starts, so nothing keeps a started item's future alive.
    private var queue: [Item?] = []
    private var head = 0
    private let condition = NSCondition()
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    /// The number of worker threads.
    public let size: Int

    /// Starts `size` threads named `"\(name)-\(i)"` (names are cut to 15 bytes, as Linux keeps them).
    public init(size: Int, name: String = "lh-worker") {
        precondition(size > 0, "a pool needs at least one thread")
        self.size = size
        for index in 0..<size {
            finished.enter()
            let thread = Thread { [self] in
                lh_name_current_thread("\(name)-\(index)")
                self.workerLoop(index)
                self.finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.name = String("\(name)-\(index)".prefix(15))
            threads.append(thread)
            thread.start()
        }
    }

    deinit {
        shutdown(.cancel)
    }

    /// Queues `work`; false when the pool is shutting down.
    @discardableResult
    func enqueue(_ work: @escaping Work, onCancel: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard case .running = state else { return false }
        queue.append(Item(work: work, cancel: onCancel))
        condition.signal()
        return true
    }

    /// Runs `body` on a worker and returns its future.
    public func submit<T: Sendable>(_ body: @escaping @Sendable (_ worker: Int) throws -> T) -> Future<T> {
        let future = Future<T>()
        let accepted = enqueue(
            { worker in
                future.complete(Result { try body(worker) })
            },
            onCancel: {
                future.complete(.failure(ExecutorError.cancelled))
            })
        if !accepted { future.complete(.failure(ExecutorError.shutDown)) }
        return future
    }

    /// Runs `body` on a worker; when it finishes, its future is delivered to `completions`.
    public func submit<T: Sendable>(
        to completions: CompletionQueue<T>, _ body: @escaping @Sendable (_ worker: Int) throws -> T
    ) -> Future<T> {
        let future = submit(body)
        future.whenComplete { completions.push(future) }
        return future
    }

    /// Items queued and not yet started.
    public var pending: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count - head
    }

    /// Stops the pool: drains or cancels queued work, then joins every thread. Idempotent.
    public func shutdown(_ mode: ShutdownMode = .drain) {
        var toCancel: [@Sendable () -> Void] = []
        condition.lock()
        if case .running = state {
            state = .draining
            if case .cancel = mode {
                toCancel = queue[head...].compactMap { $0?.cancel }
                queue.removeAll()
                head = 0
            }
        }
        condition.broadcast()
        condition.unlock()
        for cancel in toCancel { cancel() }
        finished.wait()
        condition.lock()
        state = .stopped
        condition.unlock()
    }

    private func workerLoop(_ index: Int) {
        while true {
            condition.lock()
            while head == queue.count, case .running = state {
                condition.wait()
            }
            if head == queue.count {
                condition.unlock()
                return
            }
            let item = queue[head]!
            queue[head] = nil
            head += 1
            if head > 1024, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            item.work(index)
        }
    }
}

/// Why a future failed without running its work.
public enum ExecutorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pool was shut down with `.cancel` before the work started.
    case cancelled
    /// The work was submitted after `shutdown`.
    case shutDown

    public var description: String {
        switch self {
        case .cancelled: "cancelled: the pool shut down before the work started"
        case .shutDown: "rejected: the pool had been shut down"
        }
    }
}
