import Foundation
public import Model

/// Markdown for where a report is read rather than opened: a pull request, a CI job's step summary. The verdict
/// table and, per variant, its RSS and live heap as a chart GitHub draws (`MermaidChart`); the SVG charts stay in
/// the run directory.
public enum PullRequestReport {
    /// A heading, the description, the verdict table, then each variant's chart.
    public static func render(manifest: RunManifest, summary: RunSummary, samples: [String: [SampleRow]]) -> String {
        var md = "### leakharness: \(summary.scenario)\n\n"
        if !summary.description.isEmpty { md += summary.description + "\n\n" }
        if summary.interrupted { md += "> **Interrupted** before every variant ran.\n\n" }
        md += MarkdownTable.verdicts(summary) + "\n"
        md += charts(manifest: manifest, summary: summary, samples: samples)
        return md
    }

    /// Each variant's verdict, reason and chart, then one legend; empty when no variant has samples.
    public static func charts(manifest: RunManifest, summary: RunSummary, samples: [String: [SampleRow]]) -> String {
        var md = ""
        for v in summary.variants {
            let rows = samples[v.name] ?? []
            let title = "\(v.name): \(v.verdict.rawValue) (\(v.cause.rawValue))"
            guard let chart = MermaidChart.render(title: title, samples: rows) else { continue }
            md += "#### `\(v.name)`: **\(v.verdict.rawValue)** (\(v.cause.rawValue))\n\n"
            md += v.reason + "\n\n"
            md += chart + "\n"
            let report = manifest.variants.first { $0.name == v.name }?.report
            if let marks = timeMarks(report: report, samples: rows) { md += "<sub>\(marks)</sub>\n\n" }
        }
        guard !md.isEmpty else { return "" }
        return md + "<sub>Blue: RSS; orange: live heap (when the allocator reports it); MB against seconds, about "
            + "\(MermaidChart.defaultPoints) points per line. The full charts are `charts/<variant>.svg` in the run "
            + "directory.</sub>\n"
    }

    /// The charts of a run directory already summarized (for `check`'s step summary); empty when its samples cannot
    /// be read, as the table is the gate and the charts only illustrate it.
    public static func charts(runDirectory: String, summary: RunSummary) -> String {
        guard let manifest = try? RunFiles.loadManifest(runDirectory: runDirectory),
            let samples = try? RunFiles.loadSamples(runDirectory: runDirectory, manifest: manifest)
        else { return "" }
        return charts(manifest: manifest, summary: summary, samples: samples)
    }

    /// "Passes released at 3.8, 6.9 s; settle from 8.9 s.", in seconds from the first sample.
    static func timeMarks(report: ChildReport?, samples: [SampleRow]) -> String? {
        guard let report, let t0 = samples.map(\.tMs).min() else { return nil }
        let seconds = { (t: Int64) in ReportFormat.fixed(Double(t - t0) / 1000, 1) }
        var parts: [String] = []
        let ends = report.passEndMs.filter { $0 != report.settleStartMs }
        if !ends.isEmpty { parts.append("Pass state released at \(ends.map(seconds).joined(separator: ", ")) s") }
        if let settle = report.settleStartMs { parts.append("settle from \(seconds(settle)) s") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ") + "."
    }

}
