import Foundation
package import Model
import SystemPackage

/// A process and its descendants, found by the parent pid in `/proc/*/stat`.
public enum ProcessTree {
    /// `root` and every live descendant of it (breadth first, root first); empty when `root` is gone.
    public static func members(root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        var rootSeen = false
        guard let dir = opendir("/proc") else { return [root] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name) else { continue }
            if pid == root { rootSeen = true }
            if let ppid = parentPID(of: pid) { children[ppid, default: []].append(pid) }
        }
        guard rootSeen else { return [] }
        var out = [root]
        var index = 0
        while index < out.count {
            out += (children[out[index]] ?? []).sorted()
            index += 1
        }
        return out
    }

    /// The command name from `/proc/PID/comm`, or "?".
    public static func commandName(of pid: Int32) -> String {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return "?" }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The parent pid from `/proc/PID/stat` (the field after the state, after the last ')' of the command name).
    public static func parentPID(of pid: Int32) -> Int32? {
        guard let fd = try? FileDescriptor.open(FilePath("/proc/\(pid)/stat"), .readOnly, options: .closeOnExec) else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let read = try? fd.closeAfter { try buffer.withUnsafeMutableBytes { try fd.read(into: $0) } }
        guard let n = read, n > 0 else { return nil }
        let bytes = buffer[0..<n]
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2 else { return nil }
        return Int32(String(decoding: fields[1], as: UTF8.self))
    }
}

/// Samples a whole process tree: each member's `/proc/PID/status` and descriptors, summed into one row.
package final class TreeSampler {
    private let root: Int32
    private var readers: [Int32: ProcReader] = [:]
    /// Members seen in the last sample.
    package private(set) var lastCount = 0
    /// Each member's own figures in the last sample, root first.
    package private(set) var lastMembers: [(pid: Int32, row: SampleRow)] = []
    /// The command name of every process ever seen, by pid, as last sampled.
    package private(set) var names: [Int32: String] = [:]

    package init(root: Int32) { self.root = root }

    /// The summed figures of the tree now; nil when the tree is gone.
    package func sample() -> SampleRow? {
        let members = ProcessTree.members(root: root)
        guard !members.isEmpty else { return nil }
        var total = SampleRow()
        var alive = Set<Int32>()
        lastMembers.removeAll(keepingCapacity: true)
        for pid in members {
            if readers[pid] == nil { readers[pid] = try? ProcReader(pid: pid) }
            guard let reader = readers[pid] else { continue }
            var row = SampleRow()
            guard reader.read(into: &row) else { continue }
            alive.insert(pid)
            // The latest name: a process that exec'd another program is named by what it runs now.
            let name = ProcessTree.commandName(of: pid)
            if name != "?" || names[pid] == nil { names[pid] = name }
            lastMembers.append((pid, row))
            total.rssKB += row.rssKB
            total.rssAnonKB += row.rssAnonKB
            total.rssFileKB += row.rssFileKB
            total.hwmKB += row.hwmKB
            total.vmSizeKB += row.vmSizeKB
            total.threads += row.threads
            total.fds += row.fds
        }
        for pid in readers.keys where !alive.contains(pid) { readers[pid] = nil }
        lastCount = alive.count
        return alive.isEmpty ? nil : total
    }
}
