/// One row of a samples CSV: what the sampler read at one instant.
///
/// Optional fields are written empty when the figure is not available (no heap statistics under an unknown allocator).
public struct SampleRow: Sendable, Hashable {
    public var tMs: Int64 = 0
    public var filesDone: Int64 = 0
    public var pass: Int64 = 0
    public var rssKB: Int64 = 0
    public var rssAnonKB: Int64 = 0
    public var rssFileKB: Int64 = 0
    public var hwmKB: Int64 = 0
    public var vmSizeKB: Int64 = 0
    public var threads: Int64 = 0
    public var fds: Int64 = 0
    public var heapLiveBytes: Int64?
    public var heapHeldBytes: Int64?
    public var inflight: Int64 = 0
    public var retainedResults: Int64 = 0
    public var openWriters: Int64 = 0

    public init() {}

    /// The fixed header of every samples CSV, in column order.
    public static let header =
        "t_ms,files_done,pass,rss_kb,rss_anon_kb,rss_file_kb,hwm_kb,vm_size_kb,threads,fds,heap_live_bytes,heap_held_bytes,inflight,retained_results,open_writers"

    /// Parses one data line; nil when it has the wrong number of fields or a field is not a number (a torn last line).
    public init?(csvLine line: Substring) {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 15 else { return nil }
        func req(_ i: Int) -> Int64? { Int64(fields[i]) }
        func opt(_ i: Int) -> Int64?? { fields[i].isEmpty ? .some(nil) : Int64(fields[i]).map { .some($0) } }
        guard let t = req(0), let f = req(1), let p = req(2), let rss = req(3), let anon = req(4), let file = req(5),
            let hwm = req(6), let vm = req(7), let th = req(8), let fds = req(9),
            let live = opt(10), let held = opt(11), let infl = req(12), let ret = req(13), let ow = req(14)
        else { return nil }
        (tMs, filesDone, pass, rssKB, rssAnonKB, rssFileKB, hwmKB, vmSizeKB, threads, self.fds) = (
            t, f, p, rss, anon, file, hwm, vm, th, fds
        )
        (heapLiveBytes, heapHeldBytes, inflight, retainedResults, openWriters) = (live, held, infl, ret, ow)
    }

    /// The row as one CSV line (no newline), in the header's column order; absent figures are empty.
    public var csvLine: String {
        let optional = { (v: Int64?) in v.map(String.init) ?? "" }
        return [
            String(tMs), String(filesDone), String(pass), String(rssKB), String(rssAnonKB), String(rssFileKB),
            String(hwmKB), String(vmSizeKB), String(threads), String(fds), optional(heapLiveBytes),
            optional(heapHeldBytes), String(inflight), String(retainedResults), String(openWriters),
        ]
        .joined(separator: ",")
    }

    /// Parses a whole CSV file's text; rows that do not parse (a torn last line of a crashed child) are skipped.
    public static func parse(csv text: String) -> [SampleRow] {
        var rows: [SampleRow] = []
        for line in text.split(separator: "\n").dropFirst() {
            if let row = SampleRow(csvLine: line) { rows.append(row) }
        }
        return rows
    }
}

extension SampleRow {
    /// The rows in time order (ties kept in file order), none after `end` when given.
    public static func ordered(_ samples: [SampleRow], until end: Int64?) -> [SampleRow] {
        samples.enumerated()
            .sorted { ($0.element.tMs, $0.offset) < ($1.element.tMs, $1.offset) }
            .map(\.element)
            .filter { end == nil || $0.tMs <= end! }
    }
}
