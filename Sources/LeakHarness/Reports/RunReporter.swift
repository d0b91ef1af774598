import Foundation

/// Reads a run directory (`run.json`, `samples/*.csv`) and (re)writes its reports: `summary.json`, `summary.csv`,
/// `report.md` and `charts/<variant>.svg`. The `run` and `report` commands both call `write(runDirectory:)`.
public enum RunReporter {
    /// Analyses every variant of the run directory and writes its reports, each file atomically; returns the summary.
    ///
    /// Deterministic: the same run.json and samples give byte-identical files.
    @discardableResult
    public static func write(runDirectory: String) throws(ReportError) -> RunSummary {
        let manifest = try loadManifest(runDirectory: runDirectory)
        var samples: [String: [SampleRow]] = [:]
        for v in manifest.variants {
            samples[v.name] = try loadSamples(runDirectory: runDirectory, variant: v.name)
        }
        let summary = summarize(manifest: manifest, samples: samples)
        let dir = runDirectory as NSString
        for v in manifest.variants {
            let s = summary.variant(named: v.name)!
            let svg = SVGChart.render(
                title: "\(v.name): \(s.verdict.rawValue) (\(s.cause.rawValue))",
                subtitle:
                    "\(manifest.scenario) · \(s.allocator) · \(s.files) files, \(s.passes) pass\(s.passes == 1 ? "" : "es")",
                samples: samples[v.name] ?? [], report: v.report)
            try AtomicFile.write(svg, to: dir.appendingPathComponent("charts/\(fileName(v.name)).svg"))
        }
        try AtomicFile.write(try summary.encoded(), to: dir.appendingPathComponent("summary.json"))
        try AtomicFile.write(SummaryCSV.render(summary), to: dir.appendingPathComponent("summary.csv"))
        var markdown = ReportMarkdown.render(manifest: manifest, summary: summary)
        // Runs made with --sites: where the growth is allocated, from the jemalloc heap profiles.
        if let sites = try? SiteReport.markdownSection(runDirectory: runDirectory), !sites.isEmpty {
            markdown += "\n" + sites
        }
        try AtomicFile.write(markdown, to: reportPath(runDirectory: runDirectory))
        return summary
    }

    /// The path of a run directory's `report.md`.
    public static func reportPath(runDirectory: String) -> String {
        (runDirectory as NSString).appendingPathComponent("report.md")
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
                    filesPerPass: v.knobs["files"].flatMap { Int($0) })
                : SeriesEvidence(watched: rows, report: v.report, warmupFraction: manifest.thresholds.warmupFraction)
            let analysis = Analyzer.analyze(
                evidence: evidence, samples: rows, report: v.report, failure: failure,
                thresholds: manifest.thresholds)
            return VariantSummary(outcome: v, analysis: analysis, sampleCount: rows.count)
        }
        return RunSummary(manifest: manifest, variants: variants)
    }

    /// Reads and decodes `run.json`.
    public static func loadManifest(runDirectory: String) throws(ReportError) -> RunManifest {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isDir), isDir.boolValue else {
            throw .missingManifest(path: runDirectory)
        }
        let path = (runDirectory as NSString).appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: path) else { throw .missingManifest(path: runDirectory) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, why: error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch {
            throw .malformed(path: path, why: String(describing: error))
        }
    }

    /// Reads `samples/<variant>.csv`; a variant that never started has no file and no samples.
    public static func loadSamples(runDirectory: String, variant: String) throws(ReportError) -> [SampleRow] {
        let path = (runDirectory as NSString).appendingPathComponent("samples/\(fileName(variant)).csv")
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            return SampleRow.parse(csv: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw .unreadable(path: path, why: error.localizedDescription)
        }
    }

    /// A variant's name as used in file names (`samples/<name>.csv`, `charts/<name>.svg`): "/" becomes "_".
    public static func fileName(_ variant: String) -> String {
        variant.replacingOccurrences(of: "/", with: "_")
    }
}
