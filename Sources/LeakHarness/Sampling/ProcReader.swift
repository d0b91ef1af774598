import Foundation
import CAllocator

/// Reads a process's `/proc/PID/status` and counts its descriptors, into fixed buffers opened once.
///
/// `read(into:)` allocates nothing: `pread` into a buffer allocated at init, parsed in place.
public final class ProcReader: @unchecked Sendable {
    private let statusFD: Int32
    private let fdDirFD: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    /// The process read, or nil for this one.
    public let pid: Int32?

    /// Opens `/proc/self/...` (pid nil) or `/proc/PID/...`.
    public init(pid: Int32? = nil) throws(SamplingError) {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        self.pid = pid
        statusFD = open("\(base)/status", O_RDONLY | O_CLOEXEC)
        guard statusFD >= 0 else { throw .open(path: "\(base)/status", errno: errno) }
        fdDirFD = open("\(base)/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        buffer = .allocate(byteCount: 8192, alignment: 8)
    }

    deinit {
        close(statusFD)
        if fdDirFD >= 0 { close(fdDirFD) }
        buffer.deallocate()
    }

    /// Fills the memory, thread and descriptor fields of `row`; false when the process is gone.
    @discardableResult
    public func read(into row: inout SampleRow) -> Bool {
        let n = pread(statusFD, buffer.baseAddress, buffer.count, 0)
        guard n > 0 else { return false }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        ProcStatus.parse(bytes, into: &row)
        if fdDirFD >= 0 {
            let count = lh_count_fds(fdDirFD)
            row.fds = count >= 0 ? Int64(count) - (pid == nil ? 1 : 0) : 0
        }
        return true
    }
}

/// Parsing of `/proc/PID/status` text without allocation.
enum ProcStatus {
    /// Sets the kB fields and thread count of `row` from the status text.
    static func parse(_ bytes: UnsafeRawBufferPointer, into row: inout SampleRow) {
        var index = 0
        let count = bytes.count
        while index < count {
            let lineStart = index
            while index < count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index])
            index += 1
            guard line.count > 4 else { continue }
            switch (line[0], line[1], line[2], line[3]) {
            case (0x56, 0x6D, 0x52, 0x53) where has(line, "VmRSS:"): row.rssKB = number(line)
            case (0x56, 0x6D, 0x48, 0x57) where has(line, "VmHWM:"): row.hwmKB = number(line)
            case (0x56, 0x6D, 0x53, 0x69) where has(line, "VmSize:"): row.vmSizeKB = number(line)
            case (0x52, 0x73, 0x73, 0x41) where has(line, "RssAnon:"): row.rssAnonKB = number(line)
            case (0x52, 0x73, 0x73, 0x46) where has(line, "RssFile:"): row.rssFileKB = number(line)
            case (0x54, 0x68, 0x72, 0x65) where has(line, "Threads:"): row.threads = number(line)
            default: break
            }
        }
    }

    private static func has(_ line: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard line.count >= length else { return false }
        let p = prefix.utf8Start
        for i in 0..<length where line[i] != p[i] { return false }
        return true
    }

    /// The first decimal number on the line.
    private static func number(_ line: UnsafeRawBufferPointer) -> Int64 {
        var value: Int64 = 0
        var seen = false
        for byte in line {
            if byte >= 0x30, byte <= 0x39 {
                value = value * 10 + Int64(byte - 0x30)
                seen = true
            } else if seen {
                break
            }
        }
        return value
    }
}

/// A sampling call that failed.
public enum SamplingError: Error, Sendable, CustomStringConvertible {
    case open(path: String, errno: Int32)
    case write(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .open(let path, let e): "\(path): cannot open: \(String(cString: strerror(e)))"
        case .write(let path, let e): "\(path): cannot write: \(String(cString: strerror(e)))"
        }
    }
}
