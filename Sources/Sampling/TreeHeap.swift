package import Foundation
package import Model

/// The heap of a watched process tree, from the probe's latest record of each member.
package struct TreeHeap {
    /// Highest live heap reported by each process.
    private(set) var peakLive: [Int32: Int64] = [:]

    package init() {}

    /// Sets `row`'s heap figures to the sum over the members that have a record; leaves them empty when none has.
    package mutating func fill(_ row: inout SampleRow, members: [(pid: Int32, row: SampleRow)], channel: ProbeChannel) {
        var live: Int64 = 0, held: Int64 = 0, known = false
        for member in members {
            guard let record = channel.latest[member.pid] else { continue }
            live += record.liveBytes
            held += record.heldBytes
            known = true
            peakLive[member.pid] = max(peakLive[member.pid] ?? 0, record.liveBytes)
        }
        if known {
            row.heapLiveBytes = live
            row.heapHeldBytes = held
        }
    }

    /// Every process seen (by the sampler or through a record), root first then by pid, and whether its heap is known.
    package func processes(names: [Int32: String], channel: ProbeChannel, root: Int32) -> [WatchedProcess] {
        let pids = Set(names.keys).union(channel.counts.keys)
            .sorted { ($0 == root ? 0 : 1, $0) < ($1 == root ? 0 : 1, $1) }
        return pids.map { pid in
            let record = channel.latest[pid]
            return WatchedProcess(
                pid: pid, command: names[pid] ?? "?", records: channel.counts[pid] ?? 0,
                allocator: record?.allocator.name ?? "unknown",
                peakLiveBytes: peakLive[pid] ?? record?.liveBytes)
        }
    }
}

/// `samples/<variant>.processes.csv`: one row per process of the tree per sample.
package enum ProcessSampleLog {
    /// The file's header.
    package static let header = "t_ms,pid,command,rss_kb,rss_anon_kb,heap_live_bytes,heap_held_bytes,allocator,arenas"

    /// The rows of one sample; a process without a probe record has empty heap fields and allocator "unknown".
    package static func lines(
        tMs: Int64, members: [(pid: Int32, row: SampleRow)], names: [Int32: String],
        channel: ProbeChannel
    ) -> Data {
        var text = ""
        for member in members {
            let record = channel.latest[member.pid]
            let name = (names[member.pid] ?? "?").replacingOccurrences(of: ",", with: " ")
            text += "\(tMs),\(member.pid),\(name),\(member.row.rssKB),\(member.row.rssAnonKB),"
            text += "\(record.map { String($0.liveBytes) } ?? ""),\(record.map { String($0.heldBytes) } ?? ""),"
            let arenas = record.map { $0.arenas > 0 ? String($0.arenas) : "" } ?? ""
            text += "\(record?.allocator.name ?? "unknown"),\(arenas)\n"
        }
        return Data(text.utf8)
    }
}
