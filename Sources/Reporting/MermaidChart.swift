import Foundation
public import Model

/// One variant's RSS and live heap as a mermaid `xychart-beta` block, which GitHub draws in markdown (a pull
/// request, a job's step summary) where an SVG file of the run directory cannot be shown.
///
/// The x axis is seconds since the first sample, settle included. The series is cut into `points` equal spans of
/// time; from each span one sample is kept, the one that makes the largest triangle with the sample kept before it
/// and the mean of the next span (largest-triangle-three-buckets), so that the peaks and floors of a sawtooth
/// survive. The two lines share those samples; a heap value the sampler did not read repeats the one before.
public enum MermaidChart {
    /// Points per line by default: about what fits a page's width.
    public static let defaultPoints = 100
    /// RSS blue and live heap orange, as in the SVG charts.
    static let palette = "#1f77b4, #ff7f0e"

    /// The fenced block (three backticks, `mermaid`), or nil when there are fewer than two samples.
    public static func render(title: String, samples: [SampleRow], points: Int = defaultPoints) -> String? {
        let rows = samples.sorted { $0.tMs < $1.tMs }
        guard rows.count >= 2, let first = rows.first, let last = rows.last, last.tMs > first.tMs else { return nil }
        let picked = downsampledIndices(rows, to: max(2, points))
        let rss = picked.map { Units.mb(kilobytes: rows[$0].rssKB) }
        var heap: [Double]?
        if let known = rows.first(where: { $0.heapLiveBytes != nil })?.heapLiveBytes {
            // The last value read at or before each sample, over every sample, not only the ones kept.
            var current = Units.mb(bytes: known)
            let carried = rows.map { r in
                if let b = r.heapLiveBytes { current = Units.mb(bytes: b) }
                return current
            }
            heap = picked.map { carried[$0] }
        }
        let top = max(rss.max() ?? 1, heap?.max() ?? 0, 1)
        let step = SVGChart.niceStep(top * 1.05 / 5)
        let yTop = (top * 1.05 / step).rounded(.up) * step
        let seconds = Double(last.tMs - first.tMs) / 1000
        var lines = [
            "```mermaid",
            "%%{init: {\"themeVariables\": {\"xyChart\": {\"plotColorPalette\": \"\(palette)\"}}}}%%",
            "xychart-beta",
            "    title \"\(quoted(title))\"",
            "    x-axis \"seconds\" 0 --> \(ReportFormat.fixed(seconds, 1))",
            "    y-axis \"MB\" 0 --> \(SVGChart.tick(yTop, step: step))",
            "    line [\(rss.map { ReportFormat.fixed($0, 1) }.joined(separator: ", "))]",
        ]
        if let heap { lines.append("    line [\(heap.map { ReportFormat.fixed($0, 1) }.joined(separator: ", "))]") }
        lines.append("```")
        return lines.joined(separator: "\n") + "\n"
    }

    /// At most `count` samples, one per equal span of time, chosen by largest-triangle-three-buckets; the first and
    /// last sample are always kept. A span without samples repeats the sample kept before it.
    static func downsample(_ rows: [SampleRow], to count: Int) -> [SampleRow] {
        downsampledIndices(rows, to: count).map { rows[$0] }
    }

    /// The indices `downsample` keeps, for `rows` sorted by time.
    static func downsampledIndices(_ rows: [SampleRow], to count: Int) -> [Int] {
        guard rows.count > count, count >= 3, let first = rows.first, let last = rows.last else {
            return Array(rows.indices)
        }
        let t0 = Double(first.tMs), span = Double(last.tMs - first.tMs) / Double(count - 2)
        // Samples 1..<n-1 into count-2 buckets by time.
        var buckets = [[Int]](repeating: [], count: count - 2)
        for i in 1..<(rows.count - 1) {
            let b = min(count - 3, Int((Double(rows[i].tMs) - t0) / span))
            buckets[max(0, b)].append(i)
        }
        func point(_ i: Int) -> (Double, Double) { (Double(rows[i].tMs), Double(rows[i].rssKB)) }
        var kept = [0]
        for (b, bucket) in buckets.enumerated() {
            guard !bucket.isEmpty else { kept.append(kept.last!); continue }
            let next = buckets[(b + 1)...].first { !$0.isEmpty } ?? [rows.count - 1]
            let mean = next.reduce((0.0, 0.0)) { acc, i in (acc.0 + point(i).0, acc.1 + point(i).1) }
            let c = (mean.0 / Double(next.count), mean.1 / Double(next.count))
            let a = point(kept.last!)
            let best = bucket.max { i, j in area(a, point(i), c) < area(a, point(j), c) }!
            kept.append(best)
        }
        kept.append(rows.count - 1)
        return kept
    }

    static func area(_ a: (Double, Double), _ b: (Double, Double), _ c: (Double, Double)) -> Double {
        abs((a.0 - c.0) * (b.1 - a.1) - (a.0 - b.0) * (c.1 - a.1))
    }

    /// A title safe inside mermaid's double quotes.
    static func quoted(_ s: String) -> String {
        s.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " ")
    }
}
