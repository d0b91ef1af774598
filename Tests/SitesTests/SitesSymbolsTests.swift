import Foundation
import Testing
@testable import Sites

struct ELFSymbolsTests {
    @Test func readsTheFunctionSymbolsOfThisTestBinary() throws {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let elf = try ELFSymbols(path: path)
        #expect(elf.symbols.count > 1000)
        let symbol = try #require(
            elf.symbols.first { $0.name.hasPrefix("$s5Sites10SiteReportO") && $0.size > 4 })
        #expect(elf.symbol(containing: symbol.address) == symbol)
        #expect(elf.symbol(containing: symbol.address + symbol.size - 1) == symbol)
        #expect(
            elf.symbols
                == elf.symbols.sorted { $0.address < $1.address || ($0.address == $1.address && $0.size >= $1.size) })
        // The first loadable segment of a PIE starts at file offset 0 and address 0.
        #expect(elf.virtualAddress(fileOffset: 0x10) == 0x10)
    }

    @Test func rejectsAFileThatIsNotELF() {
        #expect(throws: SitesError.badELF(path: SitesFixtures.path("pass-1.heap"), reason: "no ELF magic")) {
            try ELFSymbols(path: SitesFixtures.path("pass-1.heap"))
        }
    }
}

struct SwiftDemanglerTests {
    @Test func demanglesSwiftNamesWithTheRuntime() {
        let name = SwiftDemangler.demangle("$s15FeaturePipeline14TFRecordWriterC5closeyyAA0C5ErrorOYKF")
        #expect(name.hasPrefix("FeaturePipeline.TFRecordWriter.close()"))
        #expect(SwiftDemangler.demangle("malloc") == "malloc")
    }

    @Test func readsTheModuleOfAMangledName() {
        #expect(
            SwiftDemangler.module(of: "$s15FeaturePipeline14TFRecordWriterC5closeyyAA0C5ErrorOYKF") == "FeaturePipeline"
        )
        #expect(SwiftDemangler.module(of: "$s11LeakHarness10SiteReportO") == "LeakHarness")
        // Standard-library specializations have no plain module prefix.
        #expect(SwiftDemangler.module(of: "$sSa22_allocateUninitializedySayxG_SpyxGtSiFZs5UInt8V_Tt0gq5") == nil)
        #expect(SwiftDemangler.module(of: "swift_slowAlloc") == nil)
    }

    @Test func skipsAllocatorAndRuntimeLibraries() {
        #expect(Symbolizer.isSkipped("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))
        #expect(Symbolizer.isSkipped("/opt/swift/usr/lib/swift/linux/libswiftCore.so"))
        #expect(Symbolizer.isSkipped("/usr/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(!Symbolizer.isSkipped("/work/main/.build/release/leakharness"))
        #expect(!Symbolizer.isSkipped("/usr/lib/x86_64-linux-gnu/libsndfile.so.1.0.35"))
    }
}
