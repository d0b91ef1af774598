package import Model

/// Renders GitHub-flavoured markdown tables (the report's verdict table, the CI step summary).
public enum MarkdownTable {
    /// A table with `header` and `rows`; pipes and newlines in cells are escaped so a cell never breaks the table.
    public static func render(header: [String], rows: [[String]]) -> String {
        func line(_ cells: [String]) -> String {
            "| "
                + cells.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: " | ") + " |"
        }
        var out = [line(header), "|" + String(repeating: " --- |", count: header.count)]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }

    /// The verdict table of a run: one row per variant, figures in MB and MB per 1000 files.
    public static func verdicts(_ summary: RunSummary) -> String {
        let header = [
            "variant", "files/s", "RSS start MB", "RSS end MB", "RSS peak MB", "slope \(summary.slopeUnit) [95%]",
            "floors MB/pass", "verdict", "cause", "expected",
        ]
        let rows = summary.variants.map { v -> [String] in
            let slope =
                v.slopeMBPer1000Files.map {
                    "\(ReportFormat.signed($0.estimate)) [\(ReportFormat.signed($0.low)), \(ReportFormat.signed($0.high))]"
                } ?? "–"
            let expected: String
            switch v.expectationMet {
            case nil: expected = "–"
            case true?: expected = "yes"
            case false?: expected = "**no** (\(v.expect.map(ReportFormat.expectation) ?? ""))"
            }
            return [
                "`\(v.name)`", ReportFormat.fixed(v.filesPerS, 1), ReportFormat.optional(v.rssStartMB),
                ReportFormat.optional(v.rssEndMB),
                ReportFormat.optional(v.rssPeakMB), slope, v.floorSlopeMBPerPass.map(ReportFormat.signed) ?? "–",
                "**\(v.verdict.rawValue)**", v.cause.rawValue, expected,
            ]
        }
        return render(header: header, rows: rows)
    }

    /// What each variant held after the settle, against its live heap; nil when no variant has settle samples.
    public static func afterSettle(_ summary: RunSummary) -> String? {
        let settled = summary.variants.filter { $0.rssAfterSettleMB != nil }
        guard !settled.isEmpty else { return nil }
        let header = [
            "variant", "allocator", "RSS MB", "anonymous RSS MB", "live heap MB", "glibc free at arena tops MB",
            "glibc free in holes MB", "glibc arenas",
        ]
        let rows = settled.map { v -> [String] in
            [
                "`\(v.name)`", v.allocator, ReportFormat.optional(v.rssAfterSettleMB),
                ReportFormat.optional(v.rssAnonAfterSettleMB),
                ReportFormat.optional(v.heapLiveAfterSettleMB), ReportFormat.mebibytes(v.glibcHeap?.freeTopBytes),
                ReportFormat.mebibytes(v.glibcHeap?.freeHoleBytes),
                v.glibcHeap.map { "\($0.arenas)" } ?? "–",
            ]
        }
        return render(header: header, rows: rows)
    }
}

/// Fixed number formatting shared by the report files, so equal inputs give equal bytes.
package enum ReportFormat {
    package static func fixed(_ x: Double, _ decimals: Int) -> String {
        let scale = pow10(decimals)
        let r = (x * scale).rounded() / scale
        return String(format: "%.\(decimals)f", r == 0 ? 0 : r)
    }

    package static func signed(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return String(format: "%+.1f", r == 0 ? 0 : r)
    }

    package static func optional(_ x: Double?) -> String { x.map { fixed($0, 1) } ?? "–" }

    /// Bytes as MB of 1024 × 1024 with one decimal, "–" when not measured.
    static func mebibytes(_ bytes: Int?) -> String { optional(bytes.map { Units.mb(bytes: Double($0)) }) }

    package static func expectation(_ e: Expectation) -> String {
        let v = e.verdicts.map(\.rawValue).joined(separator: " or ")
        return e.causes.isEmpty ? v : v + " / " + e.causes.map(\.rawValue).joined(separator: " or ")
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { a, _ in a * 10 } }
}
