import Foundation
import Testing
import FeaturePipeline

/// Bit-at-a-time CRC-32C, the reference the sliced implementation is checked against.
private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

struct CRC32CTests {
    @Test func knownVectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func slicedMatchesBitwiseForEveryLengthAndAlignment() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        for start in 0..<9 {
            for length in stride(from: 0, through: data.count - start, by: 7) {
                let slice = Array(data[start..<start + length])
                #expect(CRC32C.checksum(slice) == referenceCRC32C(slice), "start \(start) length \(length)")
            }
        }
    }

    @Test func tablesMatchBitwiseForEveryLengthAndAlignment() {
        // checksum() takes the crc32 instruction where the CPU has it; the tables serve the others.
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 5) }
        for start in 0..<9 {
            for length in stride(from: 0, through: data.count - start, by: 5) {
                let slice = Array(data[start..<start + length])
                let table = slice.withUnsafeBytes { CRC32C.tableChecksum($0) }
                #expect(table == referenceCRC32C(slice), "start \(start) length \(length)")
                #expect(CRC32C.checksum(slice) == table, "start \(start) length \(length)")
            }
        }
    }

    @Test func hardwareIsUsedWhereTheCPUHasIt() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ")) } ?? []
        #if arch(x86_64)
        #expect(CRC32C.hardware == flags.contains("sse4_2"))
        #else
        #expect(!CRC32C.hardware)
        #endif
    }

    @Test func continuingEqualsWhole() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let whole = CRC32C.checksum(data)
        for split in [0, 1, 5, 8, 13, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(data[..<split]))
            let both = data[split...].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            #expect(both == whole, "split at \(split)")
        }
    }

    @Test func maskRoundTripsAndMatchesTensorFlow() {
        for crc: UInt32 in [0, 1, 0xE306_9283, 0xFFFF_FFFF, 0x8000_0000] {
            #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
            #expect(CRC32C.mask(crc) != crc)
        }
        // TensorFlow's framing of an empty record stores mask(crc(8 zero bytes)) = 0x07980329 (bytes 29 03 98 07).
        let zeros = [UInt8](repeating: 0, count: 8)
        #expect(zeros.withUnsafeBytes { CRC32C.maskedChecksum($0) } == 0x0798_0329)
    }
}
