import Foundation

/// The load `bench` measures the probe under: a process that allocates, touches and frees memory at a fixed rate.
public enum ProbeLoad {
    /// Runs for `seconds`, `mbPerSecond` MB per second in 20 blocks a second, each freed once its pages are touched.
    public static func run(mbPerSecond: Double, seconds: Double) {
        let steps = max(1, Int(seconds * 20))
        let block = max(4096, Int(mbPerSecond * 1_048_576 / 20))
        let start = DispatchTime.now().uptimeNanoseconds
        var touched = 0
        for i in 1...steps {
            var bytes = [UInt8](repeating: 0, count: block)
            // Touch every page so the memory is resident.
            for page in stride(from: 0, to: block, by: 4096) { bytes[page] = UInt8(truncatingIfNeeded: i) }
            touched &+= Int(bytes[block / 2])
            let due = start + UInt64(i) * 50_000_000
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(UInt32((due - now) / 1000)) }
        }
        withExtendedLifetime(touched) {}
    }
}
