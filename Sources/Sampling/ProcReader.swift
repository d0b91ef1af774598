import Foundation
import CAllocator
public import Model
import SystemPackage

/// Reads a process's memory figures and counts its descriptors, into fixed buffers opened once.
///
/// `read(into:)` allocates nothing: `pread` into a buffer allocated at init, parsed in place. Every call reads
/// `/proc/PID/statm` (cheap for the kernel to produce): RSS, its anonymous and file parts, VmSize. The longer
/// `/proc/PID/status` (threads, VmHWM, exact RssAnon/RssFile) is read on every `statusEvery`-th call; in between,
/// the threads of the last status read are carried forward and the high-water mark is kept as the maximum RSS seen.
public final class ProcReader: @unchecked Sendable {
    private let status: FileDescriptor
    private let statm: FileDescriptor
    private let pageKB: Int64
    /// How often the full status is read.
    public let statusEvery: Int
    private var calls = 0
    private var lastThreads: Int64 = 0
    private var hwmKB: Int64 = 0
    /// `fd/`, counted on every call; nil when it could not be opened (then `fds` reads 0).
    private let fdDirectory: FileDescriptor?
    private let buffer: UnsafeMutableRawBufferPointer
    /// The process read, or nil for this one.
    public let pid: Int32?

    /// Opens `/proc/self/...` (pid nil) or `/proc/PID/...`.
    public init(pid: Int32? = nil, statusEvery: Int = 10) throws(SamplingError) {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        self.pid = pid
        self.statusEvery = max(1, statusEvery)
        pageKB = Int64(sysconf(Int32(_SC_PAGESIZE))) / 1024
        status = try Self.open("\(base)/status")
        do {
            statm = try Self.open("\(base)/statm")
        } catch {
            try? status.close()
            throw error
        }
        fdDirectory = try? Self.open("\(base)/fd", options: .directory)
        buffer = .allocate(byteCount: 8192, alignment: 8)
    }

    deinit {
        try? status.close()
        try? statm.close()
        try? fdDirectory?.close()
        buffer.deallocate()
    }

    /// Opens `path` for reading, closed on exec, never through a symbolic link at its end.
    private static func open(
        _ path: String, options: FileDescriptor.OpenOptions = []
    ) throws(SamplingError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .readOnly, options: options.union([.closeOnExec, .noFollow]))
        } catch {
            throw .open(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }

    /// Fills the memory, thread and descriptor fields of `row`; false when the process is gone.
    @discardableResult
    public func read(into row: inout SampleRow) -> Bool {
        defer { calls += 1 }
        if calls % statusEvery == 0 {
            guard let n = try? status.read(fromAbsoluteOffset: 0, into: buffer), n > 0 else { return false }
            ProcStatus.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), into: &row)
            lastThreads = row.threads
            hwmKB = max(hwmKB, row.hwmKB)
        } else {
            guard let n = try? statm.read(fromAbsoluteOffset: 0, into: buffer), n > 0 else { return false }
            ProcStatus.parseStatm(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), pageKB: pageKB, into: &row)
            row.threads = lastThreads
            hwmKB = max(hwmKB, row.rssKB)
            row.hwmKB = hwmKB
        }
        if let fdDirectory {
            let count = lh_count_fds(fdDirectory.rawValue)
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

    /// Sets RSS, its anonymous and file parts, and VmSize from `/proc/PID/statm` (pages: size resident shared ...).
    static func parseStatm(_ bytes: UnsafeRawBufferPointer, pageKB: Int64, into row: inout SampleRow) {
        var fields: (Int64, Int64, Int64) = (0, 0, 0)
        var field = 0
        var value: Int64 = 0
        var inNumber = false
        for byte in bytes {
            if byte >= 0x30, byte <= 0x39 {
                value = value * 10 + Int64(byte - 0x30)
                inNumber = true
            } else if inNumber {
                switch field {
                case 0: fields.0 = value
                case 1: fields.1 = value
                default: fields.2 = value
                }
                field += 1
                value = 0
                inNumber = false
                if field == 3 { break }
            }
        }
        row.vmSizeKB = fields.0 * pageKB
        row.rssKB = fields.1 * pageKB
        row.rssFileKB = fields.2 * pageKB
        row.rssAnonKB = max(0, fields.1 - fields.2) * pageKB
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
        case .open(let path, let e): "\(path): cannot open: \(Errno(rawValue: e))"
        case .write(let path, let e): "\(path): cannot write: \(Errno(rawValue: e))"
        }
    }
}
