import Foundation
import Testing
@testable import LeakHarness

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

struct AllocatorAdviceTests {
    func variant(_ name: String, allocator: String, anon: Double, live: Double, heap: GlibcHeapLayout?,
                 cause: Cause, knobs: [String: String] = [:]) -> VariantSummary {
        var report = ChildReport()
        report.glibcHeap = heap
        let outcome = VariantOutcome(name: name, knobs: ["allocator": allocator, "files": "600"].merging(knobs) { $1 },
                                     overrides: ["allocator": allocator], expect: nil, document: nil, exitStatus: 0, signal: nil,
                                     failure: nil, wallSeconds: 1, report: report)
        var analysis = VariantAnalysis(verdict: cause == .none ? .stable : .leak, cause: cause, reason: "synthetic")
        analysis.rssAfterSettleMB = anon + 25
        analysis.rssAnonAfterSettleMB = anon
        analysis.heapLiveAfterSettleMB = live
        return VariantSummary(outcome: outcome, analysis: analysis, sampleCount: 10)
    }

    @Test func namesTheMechanismAndTheSettingsThatDidNotKeepIt() {
        let mib = 1_048_576
        let tops = GlibcHeapLayout(arenas: 10, systemBytes: 340 * mib, freeTopBytes: 330 * mib, freeHoleBytes: 5 * mib, mmappedBytes: 0)
        let glibc = variant("glibc", allocator: "glibc", anon: 338, live: 0.5, heap: tops, cause: .allocatorRetention)
        let all = [
            glibc,
            variant("glibc-trim", allocator: "glibc-trim", anon: 400, live: 0.5, heap: tops, cause: .allocatorRetention),
            variant("jemalloc", allocator: "jemalloc", anon: 19, live: 0.9, heap: nil, cause: .none),
            // Not comparable: another knob differs.
            variant("reused", allocator: "glibc", anon: 400, live: 399, heap: tops, cause: .liveHeap, knobs: ["buffers": "reused"]),
        ]
        let text = ReportMarkdown.advice(glibc, among: all)
        #expect(text.contains("330.0 MB free at the tops of its 10 arenas"))
        #expect(text.contains("mmap threshold"))
        #expect(text.contains("`jemalloc` (44.0 MB after settle) did not keep it"))
        #expect(text.contains("`glibc-trim` (425.0 MB after settle) kept it too"))
        #expect(!text.contains("reused"))

        let holes = GlibcHeapLayout(arenas: 2, systemBytes: 300 * mib, freeTopBytes: 10 * mib, freeHoleBytes: 250 * mib, mmappedBytes: 0)
        let fragmented = variant("glibc", allocator: "glibc", anon: 270, live: 40, heap: holes, cause: .allocatorRetention)
        let holeText = ReportMarkdown.advice(fragmented, among: [fragmented])
        #expect(holeText.contains("fragmentation"))
        #expect(holeText.contains("Compare the allocator variants"))
    }
}
