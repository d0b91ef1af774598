import Foundation
import FoundationXML
import Testing
import TestSupport
@testable import Harness
@testable import Model
@testable import Reporting

/// Writes a run directory the way `run` does, in the test's scratch folder: run.json (sorted keys) and
/// samples/<variant>.csv.
func makeReportRunDirectory(interrupted: Bool = false) throws -> String {
    let dir = try ScratchFolder.directory("report")
    try FileManager.default.createDirectory(atPath: dir + "/samples", withIntermediateDirectories: true)
    let leak = AnalysisSyntheticRun(
        work: { _, _, done in AnalysisLevels(rss: 100 + 0.05 * Double(done), live: 20 + 0.05 * Double(done)) },
        released: { p in AnalysisLevels(rss: 100 + 0.05 * Double(p * 500), live: 20 + 0.05 * Double(p * 500)) })
    let stable = AnalysisSyntheticRun(
        work: { _, k, _ in AnalysisLevels(rss: 150 + Double(k % 7) * 0.3, live: 90) },
        released: { _ in AnalysisLevels(rss: 150, live: 90) })
    let crash = AnalysisSyntheticRun(
        passes: 1, files: 400, work: { _, k, _ in AnalysisLevels(rss: 100 + 0.1 * Double(k)) },
        released: { _ in AnalysisLevels(rss: 140) })
    var outcomes: [VariantOutcome] = []
    for (name, run, failure, expect) in [
        ("unbounded", leak, nil as String?, Expectation(verdicts: [.leak], causes: [.liveHeap])),
        ("fixed, \"quoted\"", stable, nil, Expectation(verdicts: [.stable])),
        ("crash", crash, "killed by signal 9: ceiling 512 MB", Expectation(verdicts: [.stable])),
    ] {
        var (samples, report) = run.build()
        report.allocatorLoaded = "glibc 2.36"
        report.skipped = ["corrupt": 1]
        var csv = SampleRow.header + "\n"
        for r in samples {
            let fields: [String] = [
                String(r.tMs), String(r.filesDone), String(r.pass), String(r.rssKB), String(r.rssAnonKB),
                String(r.rssFileKB),
                String(r.hwmKB), String(r.vmSizeKB), String(r.threads), String(r.fds),
                r.heapLiveBytes.map(String.init) ?? "", r.heapHeldBytes.map(String.init) ?? "",
                String(r.inflight), String(r.retainedResults), String(r.openWriters),
            ]
            csv += fields.joined(separator: ",") + "\n"
        }
        if failure != nil { csv += "123,4" }  // a torn last line
        try csv.write(toFile: "\(dir)/samples/\(name).csv", atomically: true, encoding: .utf8)
        outcomes.append(
            VariantOutcome(
                name: name,
                settings: .pipeline(
                    try VariantConfig(knobs: [
                        .files: String(run.files), .passes: String(run.passes), .allocator: "glibc", .workers: "4",
                    ])),
                overrides: name == "crash" ? [.fault: "crash-after-files:400"] : [.futures: "keep"],
                expect: expect, document: name == "unbounded" ? "3 → 20 GB" : nil,
                exitStatus: failure == nil ? 0 : nil, signal: failure == nil ? nil : 9, failure: failure,
                wallSeconds: 5, report: report))
    }
    var manifest = RunManifest(
        scenario: "synthetic", description: "Synthetic series for the reporter's tests.",
        scenarioPath: "Tests/synthetic.yaml",
        createdAt: "2025-01-02T03:04:05Z",
        machine: MachineInfo(
            host: "test", cores: 2, memoryGB: 8, kernel: "6.1", glibc: "2.36", harnessVersion: "0.1.0"),
        thresholds: Thresholds(),
        base: .pipeline(try VariantConfig(knobs: [.files: "500", .passes: "3", .workers: "4", .corpus: "built-in"])),
        variants: outcomes)
    manifest.interrupted = interrupted
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try encoder.encode(manifest).write(to: URL(fileURLWithPath: dir + "/run.json"))
    return dir
}

/// Counts elements of an XML document and remembers whether it parsed.
final class ReportXMLCounter: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var rootNamespace: String?

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if elements.isEmpty { rootNamespace = attributes["xmlns"] }
        elements[name, default: 0] += 1
    }
}

@Suite(.scratchFolder) struct RunReporterTests {
    @Test func writesSummaryWithVerdicts() throws {
        let dir = try makeReportRunDirectory()
        let summary = try RunReporter.write(runDirectory: dir)
        #expect(summary.variants.map(\.verdict) == [.leak, .stable, .failed])
        let loaded = try RunSummary.load(runDirectory: dir)
        #expect(loaded == summary)
        let leak = try #require(loaded.variant(named: "unbounded"))
        #expect(leak.cause == .liveHeap)
        #expect(leak.expectationMet == true)
        #expect(abs(leak.slopeMBPer1000Files!.estimate - 50) < 1)
        #expect(abs(leak.floorSlopeMBPerPass! - 25) < 1)
        #expect(leak.allocator == "glibc 2.36")
        #expect(leak.skipped == ["corrupt": 1])
        #expect(leak.files == 1500)
        let crash = try #require(loaded.variant(named: "crash"))
        #expect(crash.exit.signal == 9)
        #expect(crash.exit.failure == "killed by signal 9: ceiling 512 MB")
        #expect(crash.expectationMet == false)

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
                as? [String: Any])
        #expect(json["schema_version"] as? Int == 1)
        #expect(json["scenario"] as? String == "synthetic")
        #expect(json["interrupted"] as? Bool == false)
        let first = try #require((json["variants"] as? [[String: Any]])?.first)
        for key in [
            "name", "knobs", "allocator", "files", "seconds", "files_per_s", "rss_start_mb", "rss_end_mb",
            "rss_peak_mb",
            "rss_after_settle_mb", "heap_live_after_settle_mb", "fds_end", "exit", "skipped", "verdict", "cause",
            "reason",
            "slope_mb_per_1000_files", "robust_slope_mb_per_1000_files", "floor_slope_mb_per_pass",
            "heap_live_slope_mb_per_1000_files", "fds_slope_per_1000_files", "expect", "expectation_met",
        ] {
            #expect(first[key] != nil, "summary.json lacks \(key)")
        }
        let slope = try #require(first["slope_mb_per_1000_files"] as? [String: Any])
        #expect(Set(slope.keys) == ["estimate", "low", "high"])
    }

    @Test func summaryCSVIsRFC4180() throws {
        let dir = try makeReportRunDirectory()
        try RunReporter.write(runDirectory: dir)
        let csv = try String(contentsOfFile: dir + "/summary.csv", encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.count == 5)  // header, three rows, the empty remainder after the last CRLF
        #expect(
            lines[0].hasPrefix(
                "name,verdict,cause,expectation_met,allocator,files,passes,seconds,files_per_s,rss_start_mb"))
        #expect(lines[2].hasPrefix("\"fixed, \"\"quoted\"\"\",STABLE,none,true,"))
    }

    @Test func chartsAreStandaloneSVG() throws {
        let dir = try makeReportRunDirectory()
        try RunReporter.write(runDirectory: dir)
        for name in ["unbounded", "fixed, \"quoted\"", "crash"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/charts/\(name).svg"))
            let parser = XMLParser(data: data)
            let counter = ReportXMLCounter()
            parser.delegate = counter
            #expect(parser.parse(), "charts/\(name).svg is not well-formed XML")
            #expect(counter.rootNamespace == "http://www.w3.org/2000/svg")
            #expect(counter.elements["polyline", default: 0] >= 1)
            if name == "unbounded" {
                #expect(counter.elements["polyline"] == 2, "RSS and live heap")
            }
        }
        let svg = try String(contentsOfFile: dir + "/charts/unbounded.svg", encoding: .utf8)
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains(">settle<"))
        #expect(svg.contains(">files processed<"))
    }

    @Test func reportNamesWhatRanAndLinksCharts() throws {
        let dir = try makeReportRunDirectory(interrupted: true)
        try RunReporter.write(runDirectory: dir)
        let md = try String(contentsOfFile: RunFiles.reportPath(runDirectory: dir), encoding: .utf8)
        #expect(md.hasPrefix("# Leak report: synthetic"))
        #expect(md.contains("**Interrupted:**"))
        #expect(md.contains("**Failed:** `crash`"))
        #expect(md.contains("![unbounded: RSS and live heap against files processed](charts/unbounded.svg)"))
        #expect(md.contains("| `unbounded` |"))
        #expect(md.contains("`futures=keep`"))
        #expect(md.contains("glibc 2.36"))
        #expect(md.contains("The case study observed: 3 → 20 GB."))
    }

    @Test func rewritingGivesByteIdenticalFiles() throws {
        let dir = try makeReportRunDirectory()
        let files = ["report.md", "summary.json", "summary.csv", "charts/unbounded.svg", "charts/crash.svg"]
        try RunReporter.write(runDirectory: dir)
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\($0)")) }
        try FileManager.default.removeItem(atPath: dir + "/report.md")
        try FileManager.default.removeItem(atPath: dir + "/charts")
        try RunReporter.write(runDirectory: dir)
        let after = try files.map { try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\($0)")) }
        #expect(before == after)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func missingRunJSONSaysSo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leakharness-empty-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ReportError.missingManifest(path: dir)) { try RunReporter.write(runDirectory: dir) }
        #expect(throws: ReportError.missingManifest(path: dir + "/nope")) {
            try RunReporter.write(runDirectory: dir + "/nope")
        }
        try "{".write(toFile: dir + "/run.json", atomically: true, encoding: .utf8)
        #expect { try RunReporter.write(runDirectory: dir) } throws: { error in
            if case .malformed(let path, _)? = error as? ReportError { return path.hasSuffix("run.json") }
            return false
        }
    }
}
