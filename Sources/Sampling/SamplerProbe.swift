import Foundation
import FeaturePipeline
import Model

/// Measures what one sample costs: time, and bytes the sampling thread allocates (under jemalloc).
public enum SamplerProbe {
    /// The cost of `samples` consecutive samples taken on the calling thread.
    public struct Cost: Sendable, Codable {
        public var samples: Int
        public var microsecondsPerSample: Double
        /// Bytes allocated by the sampling thread per sample; nil without jemalloc (it alone counts per thread).
        public var bytesAllocatedPerSample: Double?
        /// The allocator whose heap figures were read.
        public var allocator: String
    }

    /// Takes `samples` samples into `/dev/null` after a warm-up, counting time and allocation.
    ///
    /// The sampler is configured for a scenario's default interval (50 ms), which sets how often it reads the full
    /// `/proc/self/status` (every tenth sample); the samples themselves are taken back to back.
    public static func measure(samples: Int) throws(SamplingError) -> Cost {
        let sampler = try Sampler(
            csvPath: "/dev/null", counters: PipelineCounters(), intervalMs: VariantConfig().sampleIntervalMs)
        for _ in 0..<100 { sampler.sampleOnce() }
        let allocatedBefore = AllocatorStats.threadAllocatedBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<samples { sampler.sampleOnce() }
        let end = DispatchTime.now().uptimeNanoseconds
        let allocatedAfter = AllocatorStats.threadAllocatedBytes()
        var perSample: Double?
        if let allocatedBefore, let allocatedAfter {
            perSample = Double(allocatedAfter - allocatedBefore) / Double(samples)
        }
        return Cost(
            samples: samples, microsecondsPerSample: Double(end - start) / 1000 / Double(samples),
            bytesAllocatedPerSample: perSample, allocator: sampler.allocatorSource.rawValue)
    }
}
