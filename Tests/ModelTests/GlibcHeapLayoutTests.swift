import Foundation
import Testing
@testable import Model

struct GlibcHeapLayoutTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/malloc-info/arena-retention-glibc.xml").path

    /// The snapshot `run arena-retention` took of its glibc variant: ten arenas, nearly all free memory at their tops.
    /// Expected figures computed from the same file by an independent reading (regular expressions, Python).
    @Test func readsWhereTheFreeMemorySits() throws {
        let layout = try #require(GlibcHeapLayout.parse(String(contentsOfFile: Self.fixture, encoding: .utf8)))
        #expect(layout.arenas == 10)
        #expect(layout.systemBytes == 344_276_992)
        #expect(layout.freeTopBytes == 336_897_360)
        #expect(layout.freeHoleBytes == 6_983_590)
        #expect(layout.mmappedBytes == 0)
    }

    @Test func holesAndTopsAreToldApart() throws {
        // One arena: 1 MiB system, a 256 KiB free chunk in a bin, 64 B in a fast bin, a 512 KiB top.
        let xml = """
            <malloc version="1">
            <heap nr="0">
            <sizes>
              <size from="49" to="64" total="64" count="1"/>
              <size from="262144" to="262144" total="262144" count="1"/>
            </sizes>
            <total type="fast" count="1" size="64"/>
            <total type="rest" count="2" size="786432"/>
            <system type="current" size="1048576"/>
            <system type="max" size="1048576"/>
            <aspace type="total" size="1048576"/>
            <aspace type="mprotect" size="1048576"/>
            </heap>
            <total type="fast" count="1" size="64"/>
            <total type="rest" count="2" size="786432"/>
            <total type="mmap" count="2" size="8388608"/>
            <system type="current" size="1048576"/>
            </malloc>
            """
        let layout = try #require(GlibcHeapLayout.parse(xml))
        #expect(layout.arenas == 1)
        #expect(layout.freeTopBytes == 524_288)
        #expect(layout.freeHoleBytes == 262_144 + 64)
        #expect(layout.mmappedBytes == 8_388_608)
        #expect(GlibcHeapLayout.parse("<malloc version=\"1\"></malloc>") == nil)
    }
}
