import Foundation
package import Model
import FeaturePipeline

/// The pipe the probes of one watched command write their records to, and the latest record of each process.
///
/// Every probe writes whole records of `ProbeRecord.size` bytes (less than PIPE_BUF, so writes from many processes
/// never interleave). The read end is non-blocking and owned by `watch`; the write end stays open in `watch` too, so
/// that a process that lost the inherited descriptor (a parent that closed descriptors before exec) can open it again
/// through `/proc/<watch>/fd/<n>`. The environment value tells the probe the descriptor, the pipe's device and inode
/// (to check that the descriptor it holds is still this pipe), and that path.
package final class ProbeChannel {
    private let readFD: Int32
    let writeFD: Int32
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
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .system(call: "pipe", errno: errno) }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        var st = stat()
        guard fstat(writeFD, &st) == 0 else {
            let e = errno
            close(readFD)
            close(writeFD)
            throw .system(call: "fstat", errno: e)
        }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// The value of `LEAKHARNESS_PROBE` for the command: `FD:DEV:INO:WATCHPID:FD`.
    package var environmentValue: String { "\(writeFD):\(device):\(inode):\(getpid()):\(writeFD)" }

    /// Runs `body` with the write end inheritable, so a command spawned in it gets the descriptor.
    package func inheritable<T>(_ body: () throws -> T) rethrows -> T {
        _ = fcntl(writeFD, F_SETFD, 0)
        defer { _ = fcntl(writeFD, F_SETFD, FD_CLOEXEC) }
        return try body()
    }

    /// Reads every record waiting in the pipe; returns how many arrived.
    @discardableResult
    package func drain() -> Int {
        var received = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
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
