import Foundation
import Testing
import FeaturePipeline

struct TFRecordReaderTests {
    static let records: [[UInt8]] = [
        Array(repeating: 1, count: 10), Array(repeating: 2, count: 40), Array(repeating: 3, count: 5),
    ]
    /// Byte offset of the second record: the first is 10 bytes plus 16 of framing.
    static let secondOffset = 26

    private func expectCorrupt(_ bytes: [UInt8], at offset: Int, reason: String, recordsBefore: Int) throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        try file.replace(with: bytes)
        for reader in [try TFRecordReader(path: file.path), TFRecordReader(bytes: bytes, name: file.path)] {
            for index in 0..<recordsBefore { #expect(try reader.next() == Self.records[index]) }
            do {
                _ = try reader.next()
                Issue.record("damaged input was read without error")
            } catch {
                guard case .corrupt(let path, let at, let why) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(path == file.path)
                #expect(at == offset)
                #expect(why.contains(reason), "reason: \(why)")
                #expect(error.description.contains("offset \(offset)"))
            }
        }
    }

    @Test func truncatedDataReportsTheRecordOffset() throws {
        let whole = try framed(Self.records)
        try expectCorrupt(
            Array(whole[..<(Self.secondOffset + 30)]), at: Self.secondOffset, reason: "truncated record",
            recordsBefore: 1)
    }

    @Test func truncatedHeaderReportsTheRecordOffset() throws {
        let whole = try framed(Self.records)
        try expectCorrupt(
            Array(whole[..<(Self.secondOffset + 5)]), at: Self.secondOffset, reason: "truncated header",
            recordsBefore: 1)
    }

    @Test func flippedBitInDataFailsTheDataChecksum() throws {
        var bytes = try framed(Self.records)
        bytes[Self.secondOffset + 12 + 17] ^= 0x10
        try expectCorrupt(bytes, at: Self.secondOffset, reason: "data checksum mismatch", recordsBefore: 1)
    }

    @Test func flippedBitInLengthFailsTheLengthChecksum() throws {
        var bytes = try framed(Self.records)
        bytes[Self.secondOffset + 1] ^= 0x01
        try expectCorrupt(bytes, at: Self.secondOffset, reason: "length checksum mismatch", recordsBefore: 1)
    }

    @Test func flippedBitInStoredChecksumIsCaught() throws {
        var bytes = try framed(Self.records)
        bytes[bytes.count - 1] ^= 0x80
        try expectCorrupt(bytes, at: Self.secondOffset + 40 + 16, reason: "data checksum mismatch", recordsBefore: 2)
    }

    @Test func hugeLengthWithValidChecksumIsRejectedBeforeAllocating() throws {
        var length = UInt64(1 << 62).littleEndian
        var header = withUnsafeBytes(of: &length) { Array($0) }
        var crc = header.withUnsafeBytes { CRC32C.maskedChecksum($0) }.littleEndian
        header += withUnsafeBytes(of: &crc) { Array($0) }
        let bytes = header + [0, 0, 0, 0, 0]
        let reader = TFRecordReader(bytes: bytes)
        #expect(throws: TFRecordError.self) { _ = try reader.next() }
        do { _ = try reader.next() } catch {
            guard case .corrupt(_, 0, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reason.contains("length \(1 << 62)"))
        }
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try TFRecordReader(bytes: []).next() == nil)
    }

    @Test func missingFileGivesOpenError() {
        #expect(
            throws: TFRecordError.open(
                path: "/nonexistent/x", errno: ENOENT, message: String(cString: strerror(ENOENT)))
        ) {
            _ = try TFRecordReader(path: "/nonexistent/x")
        }
    }
}
