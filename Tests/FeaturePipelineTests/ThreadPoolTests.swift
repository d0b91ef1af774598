import Foundation
import Synchronization
import Testing
@testable import FeaturePipeline

struct ThreadPoolTests {
    @Test func futuresArriveInCompletionOrder() throws {
        let pool = ThreadPool(size: 3)
        defer { pool.shutdown() }
        let completions = CompletionQueue<Int>()
        // Longer sleeps for lower values: completion order is the reverse of submission order.
        for value in 0..<3 {
            _ = pool.submit(to: completions) { _ in
                usleep(UInt32((3 - value) * 60_000))
                return value
            }
        }
        let order = try completions.next(3).map { try $0.result() }
        #expect(order == [2, 1, 0])
    }

    @Test func resultRethrowsTheTaskError() {
        struct Boom: Error, Equatable {}
        let pool = ThreadPool(size: 1)
        defer { pool.shutdown() }
        let future = pool.submit { _ -> Int in throw Boom() }
        #expect(throws: Boom.self) { try future.result() }
    }

    @Test func workersHaveDistinctIndicesAndNames() throws {
        let pool = ThreadPool(size: 2, name: "lh-test")
        defer { pool.shutdown() }
        let gate = DispatchSemaphore(value: 0)
        let both = Atomic<Int>(0)
        let futures = (0..<2).map { _ in
            pool.submit { worker -> (Int, String) in
                // Hold each worker until both have started, so the two tasks run on two threads.
                if both.add(1, ordering: .relaxed).newValue == 2 { gate.signal(); gate.signal() }
                gate.wait()
                // The kernel's name of the thread, as `top -H` shows it.
                let comm =
                    FileManager.default.contents(atPath: "/proc/thread-self/comm").map {
                        String(decoding: $0, as: UTF8.self)
                    } ?? ""
                return (worker, comm.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let results = try futures.map { try $0.result() }
        #expect(Set(results.map(\.0)) == [0, 1])
        #expect(Set(results.map(\.1)) == ["lh-test-0", "lh-test-1"])
    }

    @Test func cancelShutdownFailsPendingWork() {
        let pool = ThreadPool(size: 1)
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let running = pool.submit { _ -> Int in
            started.signal()
            gate.wait()
            return 1
        }
        let pending = (0..<5).map { i in pool.submit { _ in i } }
        started.wait()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { gate.signal() }
        pool.shutdown(.cancel)
        #expect((try? running.result()) == 1)
        for future in pending {
            #expect(throws: ExecutorError.cancelled) { try future.result() }
        }
        #expect(throws: ExecutorError.shutDown) { try pool.submit { _ in 0 }.result() }
    }

    @Test func drainShutdownRunsPendingWork() throws {
        let pool = ThreadPool(size: 1)
        let futures = (0..<20).map { i in pool.submit { _ in i * 2 } }
        pool.shutdown(.drain)
        #expect(try futures.map { try $0.result() } == (0..<20).map { $0 * 2 })
    }
}
