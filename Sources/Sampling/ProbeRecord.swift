import Model

/// One record of the probe library preloaded into a watched command (`Sources/CProbe`): what the allocator of one
/// process said at one instant. The layout is the C struct `lh_probe_record`, 56 bytes, little endian.
public struct ProbeRecord: Sendable, Hashable {
    /// The allocator the probe found in the process.
    public enum Allocator: UInt32, Sendable, Hashable, Codable {
        case unknown = 0
        case glibc = 1
        case jemalloc = 2

        /// The allocator's name as reports print it.
        public var name: String {
            switch self {
            case .unknown: "unknown"
            case .glibc: "glibc"
            case .jemalloc: "jemalloc"
            }
        }
    }

    /// Bytes per record.
    public static let size = 56
    /// The first four bytes of every record: "LHP1".
    public static let magic: UInt32 = 0x3150_484C

    public var allocator: Allocator
    public var pid: Int32
    /// glibc arenas seen by `malloc_info` (at most once a second), 0 when unknown.
    public var arenas: UInt32
    /// CLOCK_MONOTONIC, nanoseconds.
    public var timeNs: Int64
    /// Bytes the program holds: glibc in-use plus mmapped chunks, jemalloc `stats.allocated`.
    public var liveBytes: Int64
    /// Bytes the allocator holds: glibc arenas plus mmapped chunks, jemalloc `stats.resident`.
    public var heldBytes: Int64
    /// Bytes the probe's own thread allocated (jemalloc `thread.allocated`), nil when unknown.
    public var probeAllocatedBytes: Int64?
    /// `malloc_trim(0)` calls the probe made so far in this process.
    public var trims: UInt32
    /// Heap profiles the probe dumped so far in this process.
    public var dumps: UInt32

    /// Makes a record from its fields.
    public init(
        allocator: Allocator, pid: Int32, arenas: UInt32 = 0, timeNs: Int64 = 0, liveBytes: Int64,
        heldBytes: Int64, probeAllocatedBytes: Int64? = nil, trims: UInt32 = 0, dumps: UInt32 = 0
    ) {
        self.allocator = allocator
        self.pid = pid
        self.arenas = arenas
        self.timeNs = timeNs
        self.liveBytes = liveBytes
        self.heldBytes = heldBytes
        self.probeAllocatedBytes = probeAllocatedBytes
        self.trims = trims
        self.dumps = dumps
    }

    /// Decodes one record from `bytes` (at least `size` of them); nil when the magic number is wrong.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func i64(_ at: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
        guard u32(0) == Self.magic else { return nil }
        allocator = Allocator(rawValue: u32(4)) ?? .unknown
        pid = Int32(bitPattern: u32(8))
        arenas = u32(12)
        timeNs = i64(16)
        liveBytes = i64(24)
        heldBytes = i64(32)
        let own = i64(40)
        probeAllocatedBytes = own < 0 ? nil : own
        trims = u32(48)
        dumps = u32(52)
    }

    /// The record's 56 bytes, as the probe writes them.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.size)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        put(Self.magic)
        put(allocator.rawValue)
        put(pid)
        put(arenas)
        put(timeNs)
        put(liveBytes)
        put(heldBytes)
        put(probeAllocatedBytes ?? -1)
        put(trims)
        put(dumps)
        return out
    }
}
