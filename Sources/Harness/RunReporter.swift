import Foundation
public import Model
import Analysis
public import Reporting
import Sites

/// Reads a run directory (`run.json`, `samples/*.csv`) and (re)writes its reports: `summary.json`, `summary.csv`,
/// `report.md` and `charts/<variant>.svg`. The `run` and `report` commands both call `write(runDirectory:)`.
public enum RunReporter {
    /// Analyses every variant of the run directory and writes its reports, each file atomically; returns the summary.
    ///
    /// Deterministic: the same run.json and samples give byte-identical files.
    @discardableResult
    public static func write(runDirectory: String) throws(ReportError) -> RunSummary {
        let manifest = try RunFiles.loadManifest(runDirectory: runDirectory)
        let samples = try RunFiles.loadSamples(runDirectory: runDirectory, manifest: manifest)
        let summary = summarize(manifest: manifest, samples: samples)
        let dir = runDirectory as NSString
        for v in manifest.variants {
            let s = summary.variant(named: v.name)!
            let svg = SVGChart.render(
                title: "\(v.name): \(s.verdict.rawValue) (\(s.cause.rawValue))",
                subtitle:
                    "\(manifest.scenario) · \(s.allocator) · \(s.files) files, \(s.passes) pass\(s.passes == 1 ? "" : "es")",
                samples: samples[v.name] ?? [], report: v.report,
                windowFloorsMB: SeriesEvidence.windowFloorsRSS(samples: samples[v.name] ?? [], report: v.report))
            try AtomicFile.write(svg, to: dir.appendingPathComponent("charts/\(RunFiles.fileName(v.name)).svg"))
        }
        try AtomicFile.write(try summary.encoded(), to: dir.appendingPathComponent("summary.json"))
        try AtomicFile.write(SummaryCSV.render(summary), to: dir.appendingPathComponent("summary.csv"))
        var markdown = ReportMarkdown.render(
            manifest: manifest, summary: summary, keepsFreedMemory: keepsFreedMemory(summary.variants))
        // Runs made with --sites: where the growth is allocated, from the jemalloc heap profiles.
        if let sites = try? SiteReport.markdownSection(runDirectory: runDirectory), !sites.isEmpty {
            markdown += "\n" + sites
        }
        try AtomicFile.write(markdown, to: RunFiles.reportPath(runDirectory: runDirectory))
        return summary
    }

    /// The variants whose allocator kept freed memory after the settle, beyond their live heap, by the decision
    /// rule's own test on the summary's figures; without both figures, those whose cause is the allocator.
    public static func keepsFreedMemory(_ variants: [VariantSummary]) -> Set<String> {
        Set(
            variants.filter { v in
                guard let anon = v.rssAnonAfterSettleMB, let live = v.heapLiveAfterSettleMB else {
                    return v.cause == .allocatorRetention
                }
                return Analyzer.allocatorKeeps(anonMB: anon, liveMB: live, baselineMB: v.baselineGapMB)
            }.map(\.name))
    }

    /// Analyses every variant of `manifest` from its samples (by variant name): pure, no I/O.
    public static func summarize(manifest: RunManifest, samples: [String: [SampleRow]]) -> RunSummary {
        let variants = manifest.variants.map { v -> VariantSummary in
            let rows = samples[v.name] ?? []
            let failure = v.failure ?? v.report?.failure
            // A watched command has no passes: its progress (or time) is cut into windows.
            let evidence =
                manifest.xUnit == nil
                ? SeriesEvidence(
                    samples: rows, report: v.report, warmupFraction: manifest.thresholds.warmupFraction,
                    filesPerPass: v.settings.filesPerPass)
                : SeriesEvidence(watched: rows, report: v.report, warmupFraction: manifest.thresholds.warmupFraction)
            let analysis = Analyzer.analyze(
                evidence: evidence, samples: rows, report: v.report, failure: failure,
                thresholds: manifest.thresholds)
            return VariantSummary(outcome: v, analysis: analysis, sampleCount: rows.count)
        }
        return RunSummary(manifest: manifest, variants: variants)
    }
}

extension PullRequestReport {
    /// The text `leakharness report RUN_DIR --for pull-request` prints, from run.json and the samples alone.
    public static func render(runDirectory: String) throws(ReportError) -> String {
        let manifest = try RunFiles.loadManifest(runDirectory: runDirectory)
        let samples = try RunFiles.loadSamples(runDirectory: runDirectory, manifest: manifest)
        let summary = RunReporter.summarize(manifest: manifest, samples: samples)
        return render(manifest: manifest, summary: summary, samples: samples)
    }
}
