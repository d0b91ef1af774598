import Foundation

/// `grow`, the program the `watch` tests watch: allocates and touches memory at a fixed rate, keeping it (a list
/// that grows) or freeing it at once, and prints its progress as `i/N`.
enum GrowFixture {
    /// Runs for `seconds`, `mbPerSecond` MB per second in 20 steps a second; `free` drops each block at once.
    static func run(mbPerSecond: Double, seconds: Double, free: Bool) {
        let steps = max(1, Int(seconds * 20))
        let block = max(4096, Int(mbPerSecond * 1_048_576 / 20))
        var kept: [[UInt8]] = []
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 1...steps {
            var bytes = [UInt8](repeating: 0, count: block)
            // Touch every page so the memory is resident.
            for page in stride(from: 0, to: block, by: 4096) { bytes[page] = UInt8(truncatingIfNeeded: i) }
            if free {
                if bytes[block / 2] == 255 { print("") }
            } else {
                kept.append(bytes)
            }
            print("\(i)/\(steps)")
            fflush(nil)
            let due = start + UInt64(i) * 50_000_000
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(UInt32((due - now) / 1000)) }
        }
        withExtendedLifetime(kept) {}
    }
}
