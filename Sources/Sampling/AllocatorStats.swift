import Glibc
import CAllocator
public import Model

/// Heap figures of the allocator the process runs on: jemalloc's when it is loaded, else glibc's.
public final class AllocatorStats: @unchecked Sendable {
    /// Which allocator's statistics are read.
    public enum Source: String, Sendable {
        case jemalloc, glibc
    }

    public let source: Source
    /// glibc's `mallinfo2` locks every arena: read it at most this often. Runs last seconds, and 5 Hz gives the
    /// live-heap slope enough points per pass at a cost of microseconds per read.
    private let glibcMinIntervalMs: Int64
    private var lastReadMs: Int64 = -1_000_000_000

    /// Detects jemalloc (a `mallctl` symbol in the process) once.
    public init(glibcMinIntervalMs: Int64 = 200) {
        source = lh_jemalloc_loaded() != 0 ? .jemalloc : .glibc
        self.glibcMinIntervalMs = glibcMinIntervalMs
    }

    /// Bytes the program has allocated and not freed (`live`), and bytes the allocator holds for it (`held`).
    /// Under glibc the figures are read at most once per `glibcMinIntervalMs`, and nil in between: a sample
    /// carries only figures read at its own instant, so live heap and RSS of one row always belong together.
    public func read(nowMs: Int64) -> (live: Int64, held: Int64)? {
        switch source {
        case .jemalloc:
            var allocated: UInt64 = 0, active: UInt64 = 0, resident: UInt64 = 0, mapped: UInt64 = 0
            guard lh_jemalloc_stats(&allocated, &active, &resident, &mapped) == 0 else { return nil }
            return (Int64(allocated), Int64(resident))
        case .glibc:
            guard nowMs - lastReadMs >= glibcMinIntervalMs else { return nil }
            let info = lh_glibc_mallinfo()
            lastReadMs = nowMs
            return (Int64(info.uordblks + info.hblkhd), Int64(info.arena + info.hblkhd))
        }
    }

    /// A description of the allocator loaded, e.g. "jemalloc 5.3.0-0-g54eaed1d8b56b1aa528be3bdd1877e59c56fa90c" or "glibc 2.36".
    public static var loadedDescription: String {
        if let version = lh_jemalloc_version() { return "jemalloc \(String(cString: version))" }
        return "glibc \(String(cString: lh_glibc_version()))"
    }

    /// Returns freed memory at the top of glibc's heaps to the kernel (`malloc_trim(0)`); no effect under jemalloc.
    public static func trim() { _ = lh_glibc_trim(0) }

    /// Returns jemalloc's unused pages to the kernel at once instead of over its decay time; false when jemalloc is
    /// not the allocator.
    @discardableResult
    public static func purgeJemalloc() -> Bool { lh_jemalloc_purge_all() == 0 }

    /// Bytes ever allocated by the calling thread (jemalloc's `thread.allocated`), nil without jemalloc.
    public static func threadAllocatedBytes() -> UInt64? {
        var value = 0
        guard lh_jemalloc_read_size("thread.allocated", &value) == 0 else { return nil }
        return UInt64(value)
    }
}

extension GlibcHeapLayout {
    /// Takes a snapshot of this process's glibc heap; nil under jemalloc (whose heap glibc does not see) or when
    /// `malloc_info` fails. Locks every arena while it runs: call it once, not per sample.
    public static func read() -> GlibcHeapLayout? {
        guard lh_jemalloc_loaded() == 0 else { return nil }
        var length = 0
        guard let text = lh_glibc_malloc_info(&length) else { return nil }
        defer { free(text) }
        return parse(String(cString: text))
    }
}
