import Foundation

/// One jemalloc `heap_v2` profile (`prof.dump`): sampled stacks with their live objects and bytes, and the process's mappings.
public struct HeapDump: Sendable, Hashable {
    /// One sampled call stack and what it holds.
    public struct Stack: Sendable, Hashable {
        /// Return addresses, innermost first, as the process saw them.
        public var addresses: [UInt64]
        /// Sampled live objects (not unbiased).
        public var objects: Int
        /// Sampled live bytes (not unbiased).
        public var bytes: Int

        /// A stack with its sampled counts.
        public init(addresses: [UInt64], objects: Int, bytes: Int) {
            self.addresses = addresses
            self.objects = objects
            self.bytes = bytes
        }

        /// Estimated live objects and bytes at this stack: jemalloc's unbiasing, each count scaled by `1/(1-exp(-(bytes/objects)/period))`.
        public func unbiased(period: Double) -> (objects: Double, bytes: Double) {
            guard objects > 0, period > 0 else { return (0, 0) }
            let meanSize = Double(bytes) / Double(objects)
            let scale = 1 / (1 - exp(-meanSize / period))
            return (Double(objects) * scale, Double(bytes) * scale)
        }
    }

    /// One line of the `MAPPED_LIBRARIES:` section (the process's `/proc/self/maps`).
    public struct Mapping: Sendable, Hashable {
        /// First address of the mapping.
        public var start: UInt64
        /// One past its last address.
        public var end: UInt64
        /// `r-xp` and the like.
        public var permissions: String
        /// Offset in the file of `start`.
        public var offset: UInt64
        /// The mapped file; empty for anonymous mappings.
        public var path: String

        /// A mapping as `/proc/self/maps` lists it.
        public init(start: UInt64, end: UInt64, permissions: String, offset: UInt64, path: String) {
            self.start = start
            self.end = end
            self.permissions = permissions
            self.offset = offset
            self.path = path
        }
    }

    /// Mean bytes between samples: `2^lg_prof_sample`.
    public var period: Int
    /// Sampled live objects over every stack (the header's `t*:` line).
    public var totalObjects: Int
    /// Sampled live bytes over every stack.
    public var totalBytes: Int
    /// Every stack with live samples, in file order.
    public var stacks: [Stack]
    /// The mappings, in address order.
    public var mappings: [Mapping]

    /// A parsed dump.
    public init(period: Int, totalObjects: Int, totalBytes: Int, stacks: [Stack], mappings: [Mapping]) {
        self.period = period
        self.totalObjects = totalObjects
        self.totalBytes = totalBytes
        self.stacks = stacks
        self.mappings = mappings
    }

    /// Reads and parses the dump at `path`.
    public static func load(path: String) throws(SitesError) -> HeapDump {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses the text of a dump; `path` names it in errors.
    public static func parse(_ text: String, path: String = "<heap>") throws(SitesError) -> HeapDump {
        var period: Int?
        var totals: (Int, Int)?
        var stacks: [Stack] = []
        var mappings: [Mapping] = []
        var pending: [UInt64]?
        var inMaps = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if inMaps {
                if let mapping = parseMapping(line) { mappings.append(mapping) }
                continue
            }
            if period == nil {
                guard line.hasPrefix("heap_v2/"), let value = Int(line.dropFirst("heap_v2/".count)), value > 0 else {
                    throw .malformed(
                        path: path, line: lineNumber, reason: "expected `heap_v2/<period>`, found `\(line.prefix(40))`")
                }
                period = value
            } else if line == "MAPPED_LIBRARIES:" {
                inMaps = true
            } else if line.hasPrefix("@") {
                var addresses: [UInt64] = []
                for word in line.dropFirst().split(separator: " ") {
                    guard word.hasPrefix("0x"), let address = UInt64(word.dropFirst(2), radix: 16) else {
                        throw .malformed(path: path, line: lineNumber, reason: "bad address `\(word)`")
                    }
                    addresses.append(address)
                }
                pending = addresses
            } else if line.hasPrefix("t*:") {
                guard let counts = parseCounts(line.dropFirst(3)) else {
                    throw .malformed(path: path, line: lineNumber, reason: "expected `t*: objects: bytes [...]`")
                }
                if let addresses = pending {
                    stacks.append(Stack(addresses: addresses, objects: counts.0, bytes: counts.1))
                    pending = nil
                } else if totals == nil, stacks.isEmpty {
                    totals = counts
                } else {
                    throw .malformed(path: path, line: lineNumber, reason: "`t*:` line without a stack")
                }
            } else if line.hasPrefix("t") {
                continue  // per-thread counts; the `t*:` lines already sum them
            } else {
                throw .malformed(path: path, line: lineNumber, reason: "unexpected `\(line.prefix(40))`")
            }
        }
        guard let period else { throw .malformed(path: path, line: 1, reason: "empty file") }
        let sum = stacks.reduce((0, 0)) { ($0.0 + $1.objects, $0.1 + $1.bytes) }
        return HeapDump(
            period: period, totalObjects: totals?.0 ?? sum.0, totalBytes: totals?.1 ?? sum.1,
            stacks: stacks, mappings: mappings)
    }

    /// Estimated live bytes over every stack, each unbiased.
    public var unbiasedBytes: Double {
        stacks.reduce(0) { $0 + $1.unbiased(period: Double(period)).bytes }
    }

    /// The mapping that holds `address`, if any.
    public func mapping(containing address: UInt64) -> Mapping? {
        var low = 0, high = mappings.count
        while low < high {
            let mid = (low + high) / 2
            if mappings[mid].end <= address { low = mid + 1 } else { high = mid }
        }
        guard low < mappings.count, mappings[low].start <= address, address < mappings[low].end else { return nil }
        return mappings[low]
    }

    /// `objects: bytes [...]` → (objects, bytes).
    private static func parseCounts(_ text: Substring) -> (Int, Int)? {
        let parts = text.split(separator: "[", maxSplits: 1)[0].split(separator: ":")
        guard parts.count == 2,
            let objects = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let bytes = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        return (objects, bytes)
    }

    /// `start-end perms offset dev inode [path]` → a mapping.
    private static func parseMapping(_ line: String) -> Mapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
            let offset = UInt64(fields[2], radix: 16)
        else { return nil }
        let path = fields.count > 5 ? fields[5].trimmingCharacters(in: .whitespaces) : ""
        return Mapping(start: start, end: end, permissions: String(fields[1]), offset: offset, path: path)
    }
}
