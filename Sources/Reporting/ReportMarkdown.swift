import Foundation
public import Model

/// `report.md`: what ran, the verdict table, and per variant its chart and what to look at.
public enum ReportMarkdown {
    /// The whole report's text.
    /// `keepsFreedMemory` names the variants whose allocator kept freed memory after the settle, as the decision
    /// rule judged it; the allocator advice compares variants by it.
    public static func render(manifest: RunManifest, summary: RunSummary, keepsFreedMemory: Set<String>) -> String {
        var md: [String] = []
        md.append("# Leak report: \(manifest.scenario)")
        md.append("")
        if !manifest.description.isEmpty {
            md.append(manifest.description.trimmingCharacters(in: .whitespacesAndNewlines))
            md.append("")
        }
        if manifest.interrupted {
            md.append(
                "> **Interrupted:** the run was stopped (SIGINT or SIGTERM) before every variant ran; \(summary.variants.count) of the scenario's variants are reported."
            )
            md.append("")
        }
        let failed = summary.variants.filter { $0.verdict == .failed }
        if !failed.isEmpty {
            md.append(
                "> **Failed:** "
                    + failed.map { "`\($0.name)` (\($0.exit.failure ?? "failed"))" }.joined(separator: "; ")
                    + ". Their samples up to the failure are analysed below.")
            md.append("")
        }
        let base = manifest.base.text
        let loaded = Array(Set(summary.variants.map(\.allocator))).sorted().joined(separator: ", ")
        let m = manifest.machine
        var facts: [[String]] = [
            ["scenario", "`\(manifest.scenario)` (`\(manifest.scenarioPath)`)"],
            ["date", manifest.createdAt],
            ["corpus", base["corpus"] ?? "–"],
            ["files × passes", "\(base["files"] ?? "?") × \(base["passes"] ?? "?") (base)"],
            ["workers", base["workers"] ?? "–"],
            ["allocator loaded", loaded.isEmpty ? "–" : loaded],
            [
                "machine",
                "\(m.host), \(m.cores) cores, \(ReportFormat.fixed(m.memoryGB, 1)) GB, kernel \(m.kernel), glibc \(m.glibc)",
            ],
            ["harness", m.harnessVersion],
            [
                "thresholds",
                "±\(ReportFormat.fixed(summary.thresholds.toleranceMBPer1000Files, 1)) \(summary.slopeUnit), at least \(summary.thresholds.minFiles) \(summary.xUnit ?? "files") after a warm-up of \(ReportFormat.fixed(summary.thresholds.warmupFraction * 100, 0))%",
            ],
        ]
        if let unit = summary.xUnit {
            facts.append([
                "x axis",
                "`files_done` holds \(unit == "ms" ? "elapsed milliseconds" : unit) (`leakharness watch`): slopes are \(summary.slopeUnit)",
            ])
        }
        facts.append(["base knobs", base.keys.sorted().map { "\($0)=\(base[$0]!)" }.joined(separator: ", ")])
        md.append(MarkdownTable.render(header: ["", ""], rows: facts))
        md.append("## Verdicts")
        md.append("")
        md.append(MarkdownTable.verdicts(summary))
        md.append(
            "Slopes are within passes (one intercept per pass), least squares with a 95% interval; floors are the robust level of each pass's quiet window (the median of its second half), and the floor column is their median increment. See reports/README.md for the rules."
        )
        md.append("")
        if let settle = MarkdownTable.afterSettle(summary) {
            md.append("## After the settle")
            md.append("")
            md.append(settle)
            md.append(
                "Medians over the settle's last second, after the work, with only what a service keeps between jobs still alive (the workers' reused scratch, a kept manifest). Anonymous RSS is where the heap lives (the rest is the binary and its libraries); glibc's free memory is read once with `malloc_info` at the end of the settle: at the arenas' tops or in holes between live blocks."
            )
            md.append("")
        }
        md.append("## Variants")
        for v in summary.variants {
            md.append("")
            md.append("### \(v.name)")
            md.append("")
            let changes = v.overrides.keys.sorted().map { "`\($0)=\(v.overrides[$0]!)`" }
            md.append(
                "Changes against the base: \(changes.isEmpty ? "none (the base configuration)" : changes.joined(separator: ", ")). "
                    + "Allocator: \(v.allocator). \(v.files) files in \(ReportFormat.fixed(v.seconds, 1)) s (\(ReportFormat.fixed(v.filesPerS, 1)) files/s)."
            )
            md.append("")
            if let processes = manifest.variants.first(where: { $0.name == v.name })?.report?.processes {
                md.append(heapCoverage(processes))
                md.append("")
            }
            md.append("**\(v.verdict.rawValue)** (\(v.cause.rawValue)): \(v.reason).")
            if let early = v.decidedEarly {
                md.append("")
                md.append(
                    "Decided early after \(early.files) files, \(early.passes) of \(early.configuredPasses) passes: the rule had "
                        + "settled on \(early.verdict.rawValue)\(early.cause == .none ? "" : " (\(early.cause.rawValue))") before the "
                        + "settle; `--full` runs every pass.")
            }
            if v.jemallocPurged == true {
                md.append("")
                md.append(
                    "jemalloc's unused pages were purged at the start of the settle (`arena.<all>.purge`), as its decay "
                        + "would have returned them over about ten seconds.")
            }
            if let toDecide = v.toDecide {
                md.append("")
                md.append("What would decide it: \(toDecide).")
            }
            if v.settleSteady == false {
                md.append("")
                md.append(
                    "The settle never became steady: RSS was still moving when it ended, so what it shows after the work is not final."
                )
            }
            if let e = v.expect, let met = v.expectationMet {
                md.append("")
                md.append("Expected \(ReportFormat.expectation(e)): \(met ? "met" : "**not met**").")
            }
            if let doc = v.document {
                md.append("")
                md.append("The case study observed: \(doc).")
            }
            if let failure = v.exit.failure {
                md.append("")
                md.append(
                    "Failure: \(failure)\(v.exit.signal.map { " (signal \($0))" } ?? "")\(v.exit.status.map { " (exit status \($0))" } ?? "")."
                )
            }
            md.append("")
            md.append(
                "![\(v.name): RSS and live heap against files processed](charts/\(linkPath(RunFiles.fileName(v.name))).svg)"
            )
            md.append("")
            md.append(advice(v, among: summary.variants, keepsFreedMemory: keepsFreedMemory))
        }
        return md.joined(separator: "\n") + "\n"
    }

    /// `watch`: which processes of the command reported their heap, and for which it is unknown (at most eight named,
    /// then counts by command name).
    static func heapCoverage(_ processes: [WatchedProcess]) -> String {
        let known = processes.filter { $0.records > 0 }
        let unknown = processes.filter { $0.records == 0 }
        func list(_ p: [WatchedProcess]) -> String {
            if p.count <= 8 {
                return p.map { "`\($0.command)` (pid \($0.pid)\($0.records > 0 ? ", \($0.allocator)" : ""))" }
                    .joined(separator: ", ")
            }
            var counts: [String: Int] = [:]
            for process in p { counts[process.command, default: 0] += 1 }
            let byName = counts.keys.sorted().map { "`\($0)` ×\(counts[$0]!)" }
            return "\(p.count) processes: " + byName.joined(separator: ", ")
        }
        var text = "Processes: \(processes.count)."
        if !known.isEmpty { text += " Heap reported by the probe for \(list(known))." }
        if !unknown.isEmpty {
            text +=
                " Heap unknown for \(list(unknown)): the probe did not load there (a static or setuid program, "
                + "or a process too short-lived to report); its RSS is counted, its heap is not."
        }
        return text
    }

    /// A file name as a markdown link target: spaces, quotes and parentheses percent-encoded.
    static func linkPath(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// What to look at in the chart, from the verdict and the cause; for allocator retention, the mechanism
    /// measured and the allocator settings that did not keep the memory in the same run.
    static func advice(
        _ v: VariantSummary, among all: [VariantSummary] = [], keepsFreedMemory: Set<String> = []
    ) -> String {
        switch (v.verdict, v.cause) {
        case (.stable, _):
            return
                "RSS stays level across the passes and the floors do not move. Nothing to chase here; use it as the reference for the variants that grow."
        case (.inconclusive, _):
            return
                "The samples do not decide: look at whether the floors (the marks in the quiet windows) have a trend at all or only noise and steps, and rerun as said above before drawing a conclusion."
        case (_, .descriptors):
            return
                "The descriptor count rises with the files processed: something opened per shard or file is never closed. Look for writers or files abandoned without `close()`; their buffers usually go with them."
        case (_, .liveHeap):
            return
                "The live heap (orange) rises with RSS (blue): the program itself still references the memory. Look for collections that keep results, futures or per-file records past their use."
        case (_, .allocatorRetention):
            return [
                "RSS (blue) stands far above the live heap (orange), which stays flat: the program freed the memory, the allocator kept it.",
                mechanism(v.glibcHeap), cures(of: v, among: all, keepsFreedMemory: keepsFreedMemory),
            ].compactMap { $0 }.joined(separator: " ")
        case (_, .nativeBuffers):
            return
                "RSS rises while the heap the allocator reports stays flat, with open writers or file-backed pages rising: native buffers outside the heap. Look for native handles that are replaced without being closed."
        case (_, .none):
            return v.verdict == .failed
                ? "The child stopped before the end; the chart shows memory up to the failure. Check the failure first, then whether memory was rising toward it."
                : "RSS rises within a pass; see the floors after each pass end for whether it is given back."
        }
    }
    /// Which of glibc's two ways of keeping freed memory the end-of-settle snapshot shows.
    static func mechanism(_ heap: GlibcHeapLayout?) -> String? {
        guard let heap else { return nil }
        let held =
            "At the end of the settle glibc held \(ReportFormat.mebibytes(heap.freeTopBytes)) MB free at the tops of its "
            + "\(heap.arenas) arenas and \(ReportFormat.mebibytes(heap.freeHoleBytes)) MB in holes between live blocks"
        if heap.freeTopBytes >= heap.freeHoleBytes {
            return held
                + ": the arenas' free tops. A freed large buffer raised glibc's mmap threshold (up to 32 MiB, and the "
                + "trim threshold to twice that), so later buffers come from the arenas and what they free stays at each "
                + "arena's top; `malloc_trim(0)` shrinks only the main arena's top."
        }
        return held
            + ": fragmentation, freed buffers pinned between blocks still alive. `malloc_trim(0)` gives the pages "
            + "of such holes back; free tops of worker arenas it does not."
    }

    /// The variants of the same run that differ from `v` only in the allocator, and whether each kept the memory
    /// (its anonymous RSS after the settle far above its live heap, the test of the verdict rules).
    static func cures(of v: VariantSummary, among all: [VariantSummary], keepsFreedMemory: Set<String>) -> String {
        let ignored: Set = ["allocator", "settle"]
        let same = { (a: VariantSummary) in
            a.knobs.filter { !ignored.contains($0.key) } == v.knobs.filter { !ignored.contains($0.key) }
        }
        let others = all.filter { $0.name != v.name && same($0) && $0.exit.failure == nil }
        guard !others.isEmpty else {
            return "Compare the allocator variants (arena cap, jemalloc, fixed mmap threshold) rather than the code."
        }
        let settled = { (a: VariantSummary) in
            "`\(a.name)` (\(a.rssAfterSettleMB.map { ReportFormat.fixed($0, 1) } ?? "?") MB after settle)"
        }
        let keeps = { (a: VariantSummary) in keepsFreedMemory.contains(a.name) }
        let cured = others.filter { !keeps($0) }
        let kept = others.filter(keeps)
        var parts: [String] = []
        if !cured.isEmpty { parts.append("In this run \(cured.map(settled).joined(separator: ", ")) did not keep it") }
        if !kept.isEmpty {
            parts.append(
                "\(cured.isEmpty ? "In this run " : "")\(kept.map(settled).joined(separator: ", ")) kept it too")
        }
        return parts.joined(separator: "; ") + ": change the allocator's settings, not the code."
    }
}
