import Foundation
import Synchronization

/// Copies a command's output from a pipe to one of our descriptors, and reads a progress count from it.
///
/// The text is cut at `\n` and `\r` (a tqdm bar redraws with `\r`); each piece is matched against the progress
/// pattern, whose first capture group (or whole match) is the count. A count that goes down starts a new bar: the
/// counts of finished bars are added, so the total only grows.
package final class OutputRelay: Sendable {
    private let source: Int32
    private let target: Int32
    private let pattern: String?
    private let count: ProgressCount
    private let finished = DispatchSemaphore(value: 0)

    package init(source: Int32, target: Int32, pattern: String?, count: ProgressCount) {
        self.source = source
        self.target = target
        self.pattern = pattern
        self.count = count
    }

    /// Starts the copying thread; it ends at end of file.
    package func start(name: String) {
        let thread = Thread { [self] in
            Thread.current.name = name
            relay()
            finished.signal()
        }
        thread.start()
    }

    /// Waits up to `seconds` for end of file (a descendant may keep the pipe open); true when it came.
    package func wait(seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    private func relay() {
        let regex = pattern.flatMap { try? Regex($0) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var piece: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            var done = 0
            while done < n {
                let w = buffer[done..<n].withUnsafeBytes { write(target, $0.baseAddress, $0.count) }
                if w < 0, errno == EINTR { continue }
                if w <= 0 { break }
                done += w
            }
            guard let regex else { continue }
            for byte in buffer[0..<n] {
                if byte == 0x0A || byte == 0x0D || piece.count >= 4096 {
                    match(piece, regex)
                    piece.removeAll(keepingCapacity: true)
                } else {
                    piece.append(byte)
                }
            }
            // A tqdm bar's latest state is the piece after its last '\r', not yet ended.
            match(piece, regex)
        }
        close(source)
    }

    private func match(_ bytes: [UInt8], _ regex: Regex<AnyRegexOutput>) {
        guard !bytes.isEmpty else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let m = try? regex.firstMatch(in: text) else { return }
        let captured = m.output.count > 1 ? m.output[1].substring : m.output[0].substring
        guard let captured, let value = Int64(captured.trimmingCharacters(in: .whitespaces)) else { return }
        count.observe(value)
    }
}

/// The progress count read from a command's output, shared by the relays and the sampling loop.
package final class ProgressCount: Sendable {
    private let state = Mutex<(offset: Int64, last: Int64, seen: Bool)>((0, 0, false))

    package init() {}

    /// Records a count read from the output.
    func observe(_ value: Int64) {
        state.withLock { s in
            if value < s.last { s.offset += s.last }
            s.last = value
            s.seen = true
        }
    }

    /// The total so far (finished bars plus the current one).
    package var total: Int64 { state.withLock { $0.offset + $0.last } }

    /// Whether any count was read.
    package var seen: Bool { state.withLock { $0.seen } }
}
