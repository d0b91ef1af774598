import Testing
@testable import Model
@testable import Sampling

/// `GlibcHeapLayout.read`: the layout of this process's own heap.
struct AllocatorStatsTests {
    @Test func readsThisProcessUnderGlibc() throws {
        // The test process runs on glibc: the snapshot sees at least the main arena, and a freed block inside it.
        let keep = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        let layout = try #require(GlibcHeapLayout.read())
        keep.deallocate()
        #expect(layout.arenas >= 1)
        #expect(layout.systemBytes > 0)
        #expect(layout.freeTopBytes + layout.freeHoleBytes <= layout.systemBytes)
    }
}
