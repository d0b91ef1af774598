import Foundation
public import Model
import SystemPackage

/// Appends sample rows to a CSV file, one `write(2)` per row, formatted into a buffer allocated once.
public final class SampleCSVWriter: @unchecked Sendable {
    private let file: FileDescriptor
    public let path: String
    private let buffer: UnsafeMutableRawBufferPointer
    private var length = 0

    /// Creates (truncates) `path` and writes the header.
    public init(path: String) throws(SamplingError) {
        self.path = path
        do {
            file = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .open(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        buffer = .allocate(byteCount: 512, alignment: 8)
        do {
            try file.writeAll((SampleRow.header + "\n").utf8)
        } catch {
            throw .write(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }

    deinit {
        try? file.close()
        buffer.deallocate()
    }

    /// Writes one row and hands it to the kernel at once, so a crash loses nothing already sampled.
    public func append(_ row: SampleRow) throws(SamplingError) {
        length = 0
        put(row.tMs); comma(); put(row.filesDone); comma(); put(row.pass); comma()
        put(row.rssKB); comma(); put(row.rssAnonKB); comma(); put(row.rssFileKB); comma()
        put(row.hwmKB); comma(); put(row.vmSizeKB); comma(); put(row.threads); comma(); put(row.fds); comma()
        if let live = row.heapLiveBytes { put(live) }
        comma()
        if let held = row.heapHeldBytes { put(held) }
        comma()
        put(row.inflight); comma(); put(row.retainedResults); comma(); put(row.openWriters)
        buffer[length] = UInt8(ascii: "\n")
        length += 1
        var written = 0
        while written < length {
            do {
                written += try file.write(UnsafeRawBufferPointer(rebasing: buffer[written..<length]))
            } catch {
                throw .write(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
            }
        }
    }

    private func comma() {
        buffer[length] = UInt8(ascii: ",")
        length += 1
    }

    private func put(_ value: Int64) {
        var v = value
        if v < 0 {
            buffer[length] = UInt8(ascii: "-")
            length += 1
            v = -v
        }
        var digits = 1
        var scale: Int64 = 1
        while v / scale >= 10 {
            scale *= 10
            digits += 1
        }
        for _ in 0..<digits {
            buffer[length] = UInt8(truncatingIfNeeded: 0x30 + (v / scale) % 10)
            length += 1
            scale /= 10
        }
    }
}
