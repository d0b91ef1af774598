import Foundation
public import Model
import FeaturePipeline

/// Appends sample rows to a CSV file, one `write(2)` per row, formatted into a buffer allocated once.
public final class SampleCSVWriter: @unchecked Sendable {
    private let fd: Int32
    public let path: String
    private let buffer: UnsafeMutableRawBufferPointer
    private var length = 0

    /// Creates (truncates) `path` and writes the header.
    public init(path: String) throws(SamplingError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .open(path: path, errno: errno) }
        buffer = .allocate(byteCount: 512, alignment: 8)
        let header = SampleRow.header + "\n"
        let ok = header.utf8.withContiguousStorageIfAvailable {
            Foundation.write(fd, $0.baseAddress, $0.count) == $0.count
        }
        guard ok == true else { throw .write(path: path, errno: errno) }
    }

    deinit {
        close(fd)
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
        guard Foundation.write(fd, buffer.baseAddress, length) == length else { throw .write(path: path, errno: errno) }
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
