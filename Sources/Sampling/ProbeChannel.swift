import Foundation
import SystemPackage
package import Model

/// The pipe the probes of one watched command write their records to, and the latest record of each process.
///
/// Every probe writes whole records of `ProbeRecord.size` bytes (less than PIPE_BUF, so writes from many processes
/// never interleave). The read end is non-blocking and owned by `watch`; the write end stays open in `watch` too, so
/// that a process that lost the inherited descriptor (a parent that closed descriptors before exec) can open it again
/// through `/proc/<watch>/fd/<n>`. The environment value tells the probe the descriptor, the pipe's device and inode
/// (to check that the descriptor it holds is still this pipe), and that path.
package final class ProbeChannel {
    private let readEnd: FileDescriptor
    private let writeEnd: FileDescriptor
    private let device: UInt64
    private let inode: UInt64
    private var pending: [UInt8] = []
    private var buffer = [UInt8](repeating: 0, count: 65536)
    /// The latest record of each process that wrote one.
    package private(set) var latest: [Int32: ProbeRecord] = [:]
    /// Records received from each process.
    private(set) var counts: [Int32: Int] = [:]

    /// Opens the pipe (both ends close on exec until `inheritable(_:)`).
    package init() throws(WatchError) {
        do throws(Errno) {
            (readEnd, writeEnd) = try FileDescriptor.pipe(options: .closeOnExec)
        } catch {
            throw .system(call: "pipe2", errno: error.rawValue)
        }
        // Only the read end: the write end's description is shared with every probe, whose writes must block.
        _ = fcntl(readEnd.rawValue, F_SETFL, fcntl(readEnd.rawValue, F_GETFL) | O_NONBLOCK)
        let status: Stat
        do throws(Errno) {
            status = try writeEnd.stat()
        } catch {
            try? readEnd.close()
            try? writeEnd.close()
            throw .system(call: "fstat", errno: error.rawValue)
        }
        device = UInt64(status.deviceID.rawValue)
        inode = UInt64(status.inode.rawValue)
    }

    deinit {
        try? readEnd.close()
        try? writeEnd.close()
    }

    /// The write end's number, which the command inherits.
    var writeFD: Int32 { writeEnd.rawValue }

    /// The value of `LEAKHARNESS_PROBE` for the command: `FD:DEV:INO:WATCHPID:FD`.
    package var environmentValue: String { "\(writeFD):\(device):\(inode):\(getpid()):\(writeFD)" }

    /// Runs `body` with the write end inheritable, so a command spawned in it gets the descriptor.
    package func inheritable<T>(_ body: () throws -> T) rethrows -> T {
        _ = fcntl(writeEnd.rawValue, F_SETFD, 0)
        defer { _ = fcntl(writeEnd.rawValue, F_SETFD, FD_CLOEXEC) }
        return try body()
    }

    /// Reads every record waiting in the pipe; returns how many arrived.
    @discardableResult
    package func drain() -> Int {
        var received = 0
        while true {
            // A plain read(2): every drain ends on EAGAIN, which `FileDescriptor.read` would throw, boxed, each time.
            let n = buffer.withUnsafeMutableBytes { read(readEnd.rawValue, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            pending += buffer[0..<n]
            var offset = 0
            while pending.count - offset >= ProbeRecord.size {
                let record = pending.withUnsafeBytes {
                    ProbeRecord(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + ProbeRecord.size)]))
                }
                offset += ProbeRecord.size
                guard let record else { continue }
                latest[record.pid] = record
                counts[record.pid, default: 0] += 1
                received += 1
            }
            pending.removeFirst(offset)
        }
        return received
    }
}
