#if canImport(Glibc)
import Glibc

#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of a TFRecord file (or of bytes in memory) one by one, checking both checksums of each.
///
/// Any damage (a bad length or data checksum, a length that runs past the end, trailing
/// bytes too short for a header) throws `TFRecordError.corrupt` with the byte offset of
/// the record's start. A length is checked against the bytes left before anything is
/// allocated for it, so arbitrary input never causes a huge allocation.
public final class TFRecordReader {
    /// The file read, or the name given to bytes in memory.
    public let path: String
    /// Total size of the input in bytes.
    public let size: Int
    /// Byte offset of the next record.
    public private(set) var offset = 0

    private enum Source {
        case file(Int32)
        case memory([UInt8])
    }

    private var source: Source?

    /// Opens the file at `path` for reading.
    public init(path: String) throws(TFRecordError) {
        self.path = path
        let fd = try systemCall({ .open(path: path, errno: $0, message: $1) }) {
            open(path, O_RDONLY | O_CLOEXEC)
        }
        var status = stat()
        do throws(TFRecordError) {
            _ = try systemCall({ .open(path: path, errno: $0, message: $1) }) { fstat(fd, &status) }
        } catch {
            _ = closeReaderDescriptor(fd)
            throw error
        }
        size = Int(status.st_size)
        source = .file(fd)
    }

    /// Reads records from `bytes`; `name` stands for the path in errors.
    public init(bytes: [UInt8], name: String = "<memory>") {
        path = name
        size = bytes.count
        source = .memory(bytes)
    }

    deinit {
        if case .file(let fd) = source { _ = closeReaderDescriptor(fd) }
    }

    /// Releases the descriptor; later reads return nil.
    public func close() {
        if case .file(let fd) = source { _ = closeReaderDescriptor(fd) }
        source = nil
    }

    /// The next record's data, or nil at the end of the input.
    public func next() throws(TFRecordError) -> [UInt8]? {
        guard source != nil else { return nil }
        let start = offset
        let remaining = size - start
        if remaining == 0 { return nil }
        guard remaining >= 12 else {
            throw corrupt(start, "truncated header: \(remaining) bytes left, a header takes 12")
        }
        var header = [UInt8](repeating: 0, count: 12)
        try read(into: &header, at: start)
        let (length, lengthCRC) = header.withUnsafeBytes { bytes in
            (
                UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)),
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            )
        }
        let expectedLengthCRC = header.withUnsafeBytes {
            CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: $0[0..<8]))
        }
        guard lengthCRC == expectedLengthCRC else {
            throw corrupt(
                start, "length checksum mismatch (stored \(hex(lengthCRC)), computed \(hex(expectedLengthCRC)))")
        }
        let available = UInt64(remaining - 12)
        guard available >= 4, length <= available - 4 else {
            throw corrupt(
                start, "truncated record: length \(length) but only \(remaining - 12) bytes follow the header")
        }
        let count = Int(length)
        var frame = [UInt8](repeating: 0, count: count + 4)
        try read(into: &frame, at: start + 12)
        let (dataCRC, expectedDataCRC) = frame.withUnsafeBytes { bytes in
            (
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: count, as: UInt32.self)),
                CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
            )
        }
        guard dataCRC == expectedDataCRC else {
            throw corrupt(start, "data checksum mismatch (stored \(hex(dataCRC)), computed \(hex(expectedDataCRC)))")
        }
        frame.removeLast(4)
        offset = start + 16 + count
        return frame
    }

    /// Reads every remaining record.
    public func readAll() throws(TFRecordError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        while let record = try next() { records.append(record) }
        return records
    }

    private func corrupt(_ at: Int, _ reason: String) -> TFRecordError {
        .corrupt(path: path, offset: at, reason: reason)
    }

    private func read(into destination: inout [UInt8], at position: Int) throws(TFRecordError) {
        switch source {
        case .memory(let bytes):
            destination.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { all in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[position..<position + target.count]))
                }
            }
        case .file(let fd):
            let path = path
            let wanted = destination.count
            try destination.withUnsafeMutableBytes { target in
                Result { () throws(TFRecordError) in
                    var done = 0
                    while done < wanted {
                        let got = try systemCall({ .read(path: path, errno: $0, message: $1) }) {
                            pread(fd, target.baseAddress! + done, wanted - done, off_t(position + done))
                        }
                        if got == 0 {
                            throw TFRecordError.corrupt(
                                path: path, offset: position,
                                reason: "file shrank while reading: end of file at byte \(position + done)")
                        }
                        done += got
                    }
                }
            }.get()
        case nil:
            throw .closed(path: path)
        }
    }
}

private func hex(_ value: UInt32) -> String {
    "0x" + String(value, radix: 16)
}

private func closeReaderDescriptor(_ fd: Int32) -> Int32 { close(fd) }
