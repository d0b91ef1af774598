/// One process of a watched command's tree, as `watch` saw it: whether the probe reported its heap.
public struct WatchedProcess: Sendable, Hashable, Codable {
    /// Its process id.
    public var pid: Int32
    /// Its command name (`/proc/PID/comm`) when first seen.
    public var command: String
    /// Probe records received from it; 0: its heap is unknown (a static or setuid program, where the probe cannot
    /// load).
    public var records: Int
    /// The allocator its probe found ("glibc", "jemalloc"), or "unknown".
    public var allocator: String
    /// Highest live heap its probe reported, bytes.
    public var peakLiveBytes: Int64?

    /// Makes a process entry.
    public init(pid: Int32, command: String, records: Int, allocator: String, peakLiveBytes: Int64?) {
        self.pid = pid
        self.command = command
        self.records = records
        self.allocator = allocator
        self.peakLiveBytes = peakLiveBytes
    }
}
