import Foundation
import Testing
@testable import Sites

/// The committed dumps: two `prof.dump` files of a `writer-without-close` child (`leaky`), trimmed to three stacks
/// and a few mappings, the executable's path replaced by `/nonexistent/leakharness` so sites are named by offset.
enum SitesFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/sites"
    ).path
    static func path(_ name: String) -> String { "\(directory)/\(name)" }
}

struct HeapDumpTests {
    @Test func parsesHeaderStacksAndMappings() throws {
        let dump = try HeapDump.load(path: SitesFixtures.path("pass-1.heap"))
        #expect(dump.period == 131072)
        #expect(dump.totalObjects == 52)
        #expect(dump.totalBytes == 86102)
        #expect(dump.stacks.map(\.objects) == [6, 1, 2])
        #expect(dump.stacks.map(\.bytes) == [1951617, 40736, 3407924])
        #expect(dump.stacks[0].addresses.count == 23)
        #expect(dump.stacks[0].addresses.first == 0x7fb6f56a2630)
        #expect(dump.stacks[0].addresses.last == 0x55b8a3c524d1)
        #expect(dump.mappings.count == 13)
        #expect(
            dump.mappings[0]
                == HeapDump.Mapping(
                    start: 0x55b8a3bd9000, end: 0x55b8a4362000, permissions: "r-xp",
                    offset: 0, path: "/nonexistent/leakharness"))
    }

    @Test func findsTheMappingOfAnAddress() throws {
        let dump = try HeapDump.load(path: SitesFixtures.path("pass-1.heap"))
        #expect(dump.mapping(containing: 0x55b8a3e00d9a)?.path == "/nonexistent/leakharness")
        #expect(dump.mapping(containing: 0x7fb6f4e6fa6f)?.path.hasSuffix("libswiftCore.so") == true)
        #expect(dump.mapping(containing: 0x7fb6f56a2630)?.offset == 0x9000)
        #expect(dump.mapping(containing: 0x1000) == nil)
        #expect(dump.mapping(containing: 0x55b8a4362000) == nil)  // the gap before the next mapping
    }

    @Test func unbiasesEachStackAsJemallocDoes() throws {
        let dump = try HeapDump.load(path: SitesFixtures.path("pass-1.heap"))
        let period = Double(dump.period)
        // 6 objects, 1951617 bytes: mean 325269.5 B, scale 1/(1-exp(-325269.5/131072)) = 1.091237.
        let large = dump.stacks[0].unbiased(period: period)
        #expect(abs(large.objects - 6.547420) < 1e-5)
        #expect(abs(large.bytes - 2_129_676.162) < 1e-2)
        // One object of 40736 bytes, far below the period: scaled by 3.743454.
        let small = dump.stacks[1].unbiased(period: period)
        #expect(abs(small.objects - 3.743454) < 1e-5)
        #expect(abs(small.bytes - 152_493.337) < 1e-2)
        // Objects far above the period are always sampled: barely scaled.
        #expect(abs(dump.stacks[2].unbiased(period: period).bytes - 3_407_931.70) < 1e-1)
        #expect(abs(dump.unbiasedBytes - (2_129_676.162 + 152_493.337 + 3_407_931.702)) < 1)
        #expect(HeapDump.Stack(addresses: [], objects: 0, bytes: 0).unbiased(period: period) == (0, 0))
    }

    @Test func rejectsWhatIsNotAHeapV2Dump() {
        #expect(
            throws: SitesError.malformed(path: "x", line: 1, reason: "expected `heap_v2/<period>`, found `heap_v1/1`")
        ) {
            try HeapDump.parse("heap_v1/1\n", path: "x")
        }
        #expect(throws: SitesError.malformed(path: "x", line: 3, reason: "bad address `0xzz`")) {
            try HeapDump.parse("heap_v2/524288\n  t*: 1: 10 [0: 0]\n@ 0x10 0xzz\n", path: "x")
        }
        #expect(throws: SitesError.self) { try HeapDump.load(path: "/nonexistent/pass-1.heap") }
    }

    @Test func parsesADumpWithoutMappings() throws {
        let dump = try HeapDump.parse(
            "heap_v2/524288\n  t*: 3: 30 [0: 0]\n@ 0x10 0x20\n  t*: 3: 30 [0: 0]\n  t0: 3: 30 [0: 0]\n")
        #expect(dump.period == 524288)
        #expect(dump.stacks == [HeapDump.Stack(addresses: [0x10, 0x20], objects: 3, bytes: 30)])
        #expect(dump.mappings.isEmpty)
    }
}
