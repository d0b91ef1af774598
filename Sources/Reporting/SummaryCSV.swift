/// `summary.csv`: one RFC 4180 row per variant (CRLF line ends, fields quoted when they need it), units in the column names.
public enum SummaryCSV {
    /// The column names, in order.
    public static let columns = [
        "name", "verdict", "cause", "expectation_met", "allocator", "files", "passes", "seconds", "files_per_s",
        "rss_start_mb", "rss_end_mb", "rss_peak_mb", "rss_after_settle_mb", "heap_live_after_settle_mb",
        "slope_mb_per_1000_files", "slope_low_mb_per_1000_files", "slope_high_mb_per_1000_files",
        "robust_slope_mb_per_1000_files", "floor_slope_mb_per_pass", "heap_live_slope_mb_per_1000_files",
        "fds_slope_per_1000_files", "fds_start", "fds_end", "exit_status", "signal", "failure", "reason",
    ]

    /// The whole file's text.
    public static func render(_ summary: RunSummary) -> String {
        var lines = [columns.joined(separator: ",")]
        for v in summary.variants {
            let num = { (x: Double?) in x.map { ReportFormat.fixed($0, 3) } ?? "" }
            let fields: [String] = [
                v.name, v.verdict.rawValue, v.cause.rawValue, v.expectationMet.map { $0 ? "true" : "false" } ?? "",
                v.allocator,
                String(v.files), String(v.passes), num(v.seconds), num(v.filesPerS),
                num(v.rssStartMB), num(v.rssEndMB), num(v.rssPeakMB), num(v.rssAfterSettleMB),
                num(v.heapLiveAfterSettleMB),
                num(v.slopeMBPer1000Files?.estimate), num(v.slopeMBPer1000Files?.low), num(v.slopeMBPer1000Files?.high),
                num(v.robustSlopeMBPer1000Files), num(v.floorSlopeMBPerPass), num(v.heapLiveSlopeMBPer1000Files),
                num(v.fdsSlopePer1000Files), v.fdsStart.map(String.init) ?? "", v.fdsEnd.map(String.init) ?? "",
                v.exit.status.map(String.init) ?? "", v.exit.signal.map(String.init) ?? "", v.exit.failure ?? "",
                v.reason,
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    public static func quote(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
