import Foundation
import Glibc
import Sampling

/// Ends a watched command's process tree when `watch` itself dies: SIGTERM, then SIGKILL after a grace period.
///
/// The guard is a small process of ours (`leakharness watch-guard`), a child of `watch` but not of the command.
/// `watch` tells it the tree's members over a socket after every sample; "done" ends the guard quietly. When the
/// socket closes without "done" (`watch` was killed, even with SIGKILL), the guard sends SIGTERM to every member
/// still alive, waits up to the grace period, and sends SIGKILL to those that remain. The command's root process
/// also has SIGTERM as its parent-death signal (`exec-child`), so it is told at once.
public final class WatchGuard {
    /// The descriptor on which the guard process reads the member lists.
    public static let descriptor: Int32 = 3

    private let socket: Int32
    private let process: ChildProcess
    private var lastMembers: [Int32] = []

    /// Starts `executable watch-guard` with its end of a socket as descriptor 3.
    public init(executable: String, graceSeconds: Double) throws(IsolationError) {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .spawn(executable: "socketpair", errno: errno)
        }
        var environment = ProcessInfo.processInfo.environment
        environment[ParentDeath.environmentKey] = nil
        do {
            process = try ChildProcess(
                executable: executable,
                arguments: ["watch-guard", "--parent", String(getpid()), "--grace-s", String(graceSeconds)],
                environment: environment, logPath: "/dev/null", passing: [(ends[1], Self.descriptor)])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        socket = ends[0]
    }

    /// Tells the guard the tree's members now (nothing is sent when they did not change).
    public func update(members: [Int32]) {
        guard !members.isEmpty, members != lastMembers else { return }
        lastMembers = members
        send(members.map(String.init).joined(separator: " ") + "\n")
    }

    /// Tells the guard the command has ended, and waits for it to exit.
    public func finish() {
        send("done\n")
        close(socket)
        _ = process.wait()
    }

    private func send(_ line: String) {
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    // MARK: the guard process

    /// The guard's side: reads member lists from `descriptor` until "done" (returns 0) or until the socket closes,
    /// which means `parent` died; then ends the last members known. Ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT:
    /// they are for `watch`, whose death the guard must outlive.
    public static func serve(descriptor: Int32 = descriptor, parent: Int32, graceSeconds: Double) -> Int32 {
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { _ = signal(sig, SIG_IGN) }
        var members: [Int32: UInt64] = [:]
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while getppid() == parent {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            pending += buffer[0..<n]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line == "done" { return 0 }
                var next: [Int32: UInt64] = [:]
                for word in line.split(separator: " ") {
                    guard let pid = Int32(word), pid > 1 else { continue }
                    if let known = members[pid] {
                        next[pid] = known
                    } else if let start = startTime(of: pid) {
                        next[pid] = start
                    }
                }
                members = next
            }
        }
        end(members, graceSeconds: graceSeconds)
        return 0
    }

    /// SIGTERM to each member still alive (the same process: its start time unchanged) and to their descendants,
    /// then SIGKILL after the grace period to those that remain.
    static func end(_ known: [Int32: UInt64], graceSeconds: Double) {
        var members = known
        // Processes started since the last sample, below members still alive.
        for pid in known.keys where isLive(pid, started: known[pid] ?? 0) {
            for member in ProcessTree.members(root: pid) where members[member] == nil {
                if let start = startTime(of: member) { members[member] = start }
            }
        }
        func alive() -> [Int32] { members.filter { isLive($0.key, started: $0.value) }.map(\.key) }
        for pid in alive() { kill(pid, SIGTERM) }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, graceSeconds) * 1e9)
        while !alive().isEmpty, DispatchTime.now().uptimeNanoseconds < deadline { usleep(50_000) }
        for pid in alive() { kill(pid, SIGKILL) }
    }

    /// Whether `pid` runs (not a zombie) and is the process that started at `started`.
    static func isLive(_ pid: Int32, started: UInt64) -> Bool {
        guard let fields = statFields(of: pid), fields.count > 19, fields[0] != "Z" else { return false }
        return UInt64(fields[19]) == started
    }

    /// The start time of `pid` in clock ticks since boot (field 22 of `/proc/PID/stat`).
    static func startTime(of pid: Int32) -> UInt64? {
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// The fields of `/proc/PID/stat` after the command name: the state first.
    private static func statFields(of pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
