import Foundation
import Testing
import FeaturePipeline

struct TFRecordWriterTests {
    /// Records of 0, 1, 7, 8, 9, ... bytes and two larger than any buffer used here.
    static func variedRecords() -> [[UInt8]] {
        var generator = SeededGenerator(seed: 42)
        let sizes = [0, 1, 7, 8, 9, 15, 16, 17, 100, 0, 4095, 4096, 70_000, 300_000, 3, 0]
        return sizes.map { size in (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) } }
    }

    @Test(arguments: [16, 100, 4096, TFRecordWriter.defaultBufferCapacity])
    func roundTripThroughReader(bufferCapacity: Int) throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        let records = Self.variedRecords()
        let writer = try TFRecordWriter(path: file.path, bufferCapacity: bufferCapacity)
        for record in records { try writer.write(record) }
        let expectedSize = records.reduce(0) { $0 + $1.count + TFRecordWriter.frameOverhead }
        #expect(writer.bytesWritten == expectedSize)
        #expect(writer.recordsWritten == records.count)
        try writer.close()
        #expect(try file.bytes().count == expectedSize)

        let reader = try TFRecordReader(path: file.path)
        #expect(try reader.readAll() == records)
        #expect(reader.offset == expectedSize)
        #expect(try reader.next() == nil)
    }

    @Test func recordsChecksummedElsewhereWriteTheSameBytes() throws {
        let plain = TemporaryFile(), checked = TemporaryFile()
        defer { plain.cleanup(); checked.cleanup() }
        let records = Self.variedRecords()
        let a = try TFRecordWriter(path: plain.path, bufferCapacity: 4096)
        let b = try TFRecordWriter(path: checked.path, bufferCapacity: 4096)
        for record in records {
            try a.write(record)
            let made = ChecksummedRecord(record)
            #expect(made.maskedChecksum == record.withUnsafeBytes { CRC32C.maskedChecksum($0) })
            try b.write(made)
        }
        try a.close()
        try b.close()
        #expect(try checked.bytes() == plain.bytes())
        #expect(b.bytesWritten == a.bytesWritten && b.recordsWritten == a.recordsWritten)
    }

    @Test func bytesWrittenCountsBufferedBytesBeforeFlush() throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        let writer = try TFRecordWriter(path: file.path)
        try writer.write([1, 2, 3])
        #expect(writer.bytesWritten == 3 + 16)
        #expect(try file.bytes().isEmpty, "a small record stays in the buffer until close")
        try writer.close()
        #expect(try file.bytes().count == 19)
    }

    @Test func framingIsByteIdenticalToTensorFlow() throws {
        // tf.io.TFRecordWriter (TensorFlow 2.21) writing b"", b"a", b"123456789".
        let expected = bytes(
            hex: "000000000000000029039807d8ea82a201000000000000000175de4161786ee428"
                + "090000000000000037f97139313233343536373839e5b08ac7")
        #expect(try framed([[], Array("a".utf8), Array("123456789".utf8)]) == expected)
    }

    @Test func closeIsIdempotentAndLaterWritesThrowClosed() throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        let writer = try TFRecordWriter(path: file.path, syncOnClose: true)
        try writer.write([9])
        try writer.close()
        try writer.close()
        #expect(writer.isClosed)
        #expect(throws: TFRecordError.closed(path: file.path)) { try writer.write([1]) }
        #expect(try TFRecordReader(path: file.path).readAll() == [[9]])
    }

    @Test func fullDeviceGivesENOSPC() throws {
        let writer = try TFRecordWriter(path: "/dev/full", bufferCapacity: 64)
        try writer.write([1, 2, 3])
        do {
            try writer.write([UInt8](repeating: 7, count: 100))
            Issue.record("a write to /dev/full succeeded")
        } catch {
            guard case .write(let path, let code, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == "/dev/full")
            #expect(code == ENOSPC)
            #expect(message == String(cString: strerror(ENOSPC)))
            #expect(error.description.contains("/dev/full"))
        }
        #expect(throws: TFRecordError.closed(path: "/dev/full")) { try writer.write([1]) }
        try writer.close()
    }

    @Test func closeReportsENOSPCOfTheFinalFlush() throws {
        let writer = try TFRecordWriter(path: "/dev/full")
        try writer.write([1, 2, 3])
        #expect(
            throws: TFRecordError.write(path: "/dev/full", errno: ENOSPC, message: String(cString: strerror(ENOSPC)))
        ) {
            try writer.close()
        }
        #expect(writer.isClosed)
    }

    @Test func missingDirectoryGivesOpenError() {
        let path = "/nonexistent-leakharness-dir/x.tfrecord"
        #expect(throws: TFRecordError.open(path: path, errno: ENOENT, message: String(cString: strerror(ENOENT)))) {
            _ = try TFRecordWriter(path: path)
        }
    }
}
