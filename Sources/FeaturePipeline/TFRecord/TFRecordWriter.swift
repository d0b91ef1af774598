#if canImport(Glibc)
import Glibc

#elseif canImport(Darwin)
import Darwin
#endif

/// Writes records to a TFRecord file through an internal buffer.
///
/// Each record is framed as TensorFlow frames it: length (u64 LE), masked CRC-32C of the
/// length bytes, the data, masked CRC-32C of the data. The writer owns its descriptor and
/// only `close()` flushes; `deinit` releases the descriptor without flushing, so an
/// unclosed writer loses its buffered bytes (the pipeline's `writer: abandon` keeps such
/// writers alive on purpose).
public final class TFRecordWriter {
    /// Bytes of framing around each record: 8 of length, 4 + 4 of checksums.
    public static let frameOverhead = 16
    /// The default size of the internal buffer.
    public static let defaultBufferCapacity = 256 * 1024

    /// The file being written.
    public let path: String
    /// Buffer size after which buffered frames are written out.
    public let bufferCapacity: Int
    /// Whether `close()` calls `fsync(2)` before closing.
    public let syncOnClose: Bool
    /// Framed bytes accepted so far, including those still in the buffer.
    public private(set) var bytesWritten = 0
    /// Records accepted so far.
    public private(set) var recordsWritten = 0

    private var descriptor: Int32
    private var failed = false
    private var buffer: [UInt8]

    /// Creates (or truncates) the file at `path`, mode 0644.
    public init(
        path: String,
        bufferCapacity: Int = TFRecordWriter.defaultBufferCapacity,
        syncOnClose: Bool = false
    ) throws(TFRecordError) {
        self.path = path
        self.bufferCapacity = max(bufferCapacity, Self.frameOverhead)
        self.syncOnClose = syncOnClose
        self.descriptor = try systemCall({ .open(path: path, errno: $0, message: $1) }) {
            open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        buffer = []
        buffer.reserveCapacity(self.bufferCapacity)
    }

    deinit {
        if descriptor >= 0 { _ = closeDescriptor(descriptor) }
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { descriptor < 0 }

    /// Frames and appends one record.
    public func write(_ record: UnsafeRawBufferPointer) throws(TFRecordError) {
        try write(record, maskedChecksum: CRC32C.maskedChecksum(record))
    }

    /// Frames and appends one record whose masked CRC-32C was computed already (by the thread that made it).
    public func write(_ record: ChecksummedRecord) throws(TFRecordError) {
        try record.bytes.withUnsafeBytes { bytes in
            Result { () throws(TFRecordError) in try write(bytes, maskedChecksum: record.maskedChecksum) }
        }.get()
    }

    private func write(_ record: UnsafeRawBufferPointer, maskedChecksum: UInt32) throws(TFRecordError) {
        guard descriptor >= 0, !failed else { throw .closed(path: path) }
        let frameSize = record.count + Self.frameOverhead
        if buffer.count + frameSize > bufferCapacity, !buffer.isEmpty {
            try flush()
        }
        var length = UInt64(record.count).littleEndian
        withUnsafeBytes(of: &length) { lengthBytes in
            buffer.append(contentsOf: lengthBytes)
            appendUInt32(CRC32C.maskedChecksum(lengthBytes))
        }
        if frameSize > bufferCapacity {
            try flush()
            try writeAll(record)
        } else {
            buffer.append(contentsOf: record)
        }
        appendUInt32(maskedChecksum)
        bytesWritten += frameSize
        recordsWritten += 1
    }

    /// Frames and appends one record held in a byte array.
    public func write(_ record: [UInt8]) throws(TFRecordError) {
        try record.withUnsafeBytes { bytes in Result { () throws(TFRecordError) in try write(bytes) } }.get()
    }

    /// Writes out the buffered frames.
    public func flush() throws(TFRecordError) {
        guard descriptor >= 0 else { throw .closed(path: path) }
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { bytes in Result { () throws(TFRecordError) in try writeAll(bytes) } }.get()
    }

    /// Flushes, optionally syncs, and closes the descriptor; a second call does nothing.
    ///
    /// The descriptor is closed even when the flush fails; the first error is thrown.
    public func close() throws(TFRecordError) {
        guard descriptor >= 0 else { return }
        var firstError: TFRecordError?
        if !failed {
            do throws(TFRecordError) {
                try flush()
                if syncOnClose {
                    let fd = descriptor
                    _ = try systemCall({ .write(path: path, errno: $0, message: $1) }) { fsync(fd) }
                }
            } catch {
                firstError = error
            }
        }
        let fd = descriptor
        descriptor = -1
        buffer = []
        if closeDescriptor(fd) == -1, firstError == nil {
            let code = errno
            firstError = .write(path: path, errno: code, message: errnoText(code))
        }
        if let firstError { throw firstError }
    }

    private func appendUInt32(_ value: UInt32) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { buffer.append(contentsOf: $0) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(TFRecordError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        let fd = descriptor
        while done < bytes.count {
            do throws(TFRecordError) {
                done += try systemCall({ .write(path: path, errno: $0, message: $1) }) {
                    writeDescriptor(fd, base + done, bytes.count - done)
                }
            } catch {
                failed = true
                throw error
            }
        }
    }
}

private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

private func writeDescriptor(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
