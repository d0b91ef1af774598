import Foundation
import Testing
import TestSupport

/// `leakharness watch` with the probe library inside the command: heap figures, allocators, processes without the
/// probe, and the errors before the command starts. The programs are built by the tests into temporary folders.
@Suite(.serialized, .scratchFolder)
struct WatchProbeCommandTests {
    /// A temporary folder for one test, removed when `body` returns.
    private func withFolder<T>(_ label: String, _ body: (String) throws -> T) throws -> T {
        let folder = try ScratchFolder.directory(label)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }

    /// The run directory: the last line of stderr.
    private func runDirectory(_ outcome: Command.Outcome) -> String {
        outcome.stderr.split(separator: "\n").last.map(String.init) ?? ""
    }

    private func variants(_ directory: String) throws -> [String: [String: Any]] {
        let summary = try Harness.json(directory + "/summary.json")
        var out: [String: [String: Any]] = [:]
        for v in summary["variants"] as? [[String: Any]] ?? [] { out[v["name"] as? String ?? ""] = v }
        return out
    }

    private func processes(_ directory: String, variant: String) throws -> [[String: Any]] {
        let run = try Harness.json(directory + "/run.json")
        let v = (run["variants"] as? [[String: Any]])?.first { $0["name"] as? String == variant }
        return (v?["report"] as? [String: Any])?["processes"] as? [[String: Any]] ?? []
    }

    @Test func longTailKeptByGlibcIsAllocatorRetentionAndStableUnderJemallocInOneReport() throws {
        try withFolder("watch-longtail") { folder in
            let program = try TestPrograms.compile(TestPrograms.longTail, name: "longtail", in: folder)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50",
                "--progress-regex", #"(\d+)/\d+"#,
                "--allocator", "glibc", "--allocator", "jemalloc",
                "--", program, "3200", "1500",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let v = try variants(directory)
            let glibc = v["glibc"] ?? [:], jemalloc = v["jemalloc"] ?? [:]
            #expect(glibc["cause"] as? String == "allocator-retention", "\(glibc)")
            #expect(jemalloc["verdict"] as? String == "STABLE", "\(jemalloc)")
            #expect(jemalloc["allocator"] as? String == "jemalloc")
            // glibc keeps the long tail's buffers at its arenas' tops; jemalloc reuses them: a contrast, with a margin.
            let glibcAnon = glibc["rss_anon_after_settle_mb"] as? Double ?? 0
            let jemallocAnon = jemalloc["rss_anon_after_settle_mb"] as? Double ?? .infinity
            #expect(glibcAnon > 3 * jemallocAnon, "glibc \(glibcAnon) MB, jemalloc \(jemallocAnon) MB")
            let live = glibc["heap_live_after_settle_mb"] as? Double ?? .infinity
            #expect(live * 10 < glibcAnon, "live \(live) MB")
            let report = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
            #expect(report.contains("In this run `jemalloc`"), "the advice names the allocator that did not keep it")
        }
    }

    @Test func heapsPinnedByKeptRecordsAreCuredByTrimUnderGlibcTrim() throws {
        try withFolder("watch-trim") { folder in
            let program = try TestPrograms.compile(TestPrograms.ascending, name: "ascending", in: folder)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50",
                "--progress-regex", #"(\d+)/\d+"#,
                "--allocator", "glibc", "--allocator", "glibc-trim",
                "--", program, "2000", "1500",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let v = try variants(directory)
            let glibc = v["glibc"] ?? [:], trim = v["glibc-trim"] ?? [:]
            #expect(glibc["cause"] as? String == "allocator-retention", "\(glibc)")
            #expect(trim["cause"] as? String != "allocator-retention", "\(trim)")
            let kept = glibc["rss_anon_after_settle_mb"] as? Double ?? 0
            let trimmed = trim["rss_anon_after_settle_mb"] as? Double ?? .infinity
            #expect(trimmed * 3 < kept, "glibc \(kept) MB, glibc-trim \(trimmed) MB")
            // The same live heap in both: the records only.
            let liveGlibc = glibc["heap_live_after_settle_mb"] as? Double ?? 0
            let liveTrim = trim["heap_live_after_settle_mb"] as? Double ?? 0
            #expect(abs(liveGlibc - liveTrim) < 1, "\(liveGlibc) against \(liveTrim)")
            let report = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
            #expect(report.contains("In this run `glibc-trim`"), "the allocator advice names the cure")
        }
    }

    @Test func pythonScriptThatKeepsItsBuffersIsLiveHeapWithTheHeapFilled() throws {
        try withFolder("watch-python") { folder in
            let script = "\(folder)/keeper.py"
            try TestPrograms.pythonKeeper.write(toFile: script, atomically: true, encoding: .utf8)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50",
                "--tolerance", "2",
                "--", "python3", script,
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let v = try variants(directory)["python3"] ?? [:]
            #expect(v["cause"] as? String == "live-heap", "\(v)")
            #expect(["LEAK", "RETENTION"].contains(v["verdict"] as? String), "\(v)")
            let rows = try Harness.csv(directory + "/samples/python3.csv")
            let live = rows.compactMap { Int64($0["heap_live_bytes"] ?? "") }
            #expect(live.count * 10 >= rows.count * 8, "heap_live_bytes filled in \(live.count) of \(rows.count) rows")
            // 125 buffers of 200 KB kept: the live heap rises by most of the 25 MB.
            #expect((live.last ?? 0) - (live.first ?? 0) > 15_000_000, "\(live.first ?? 0) → \(live.last ?? 0)")
        }
    }

    @Test func forkedWorkersEachReportTheirHeap() throws {
        try withFolder("watch-fork") { folder in
            let program = try TestPrograms.compile(TestPrograms.forker, name: "forker", in: folder)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50", "--",
                program, "2", "20",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let rows = try Harness.csv(directory + "/samples/forker.processes.csv")
            var peak: [String: Int64] = [:]
            for row in rows {
                guard let pid = row["pid"], let live = Int64(row["heap_live_bytes"] ?? "") else { continue }
                peak[pid] = max(peak[pid] ?? 0, live)
            }
            #expect(peak.count == 3, "processes with heap figures: \(peak)")
            // Each forked worker (no exec: the probe restarted after fork) reports its own 20 MB, the parent little.
            let sorted = peak.values.sorted()
            #expect(sorted.count == 3 && sorted[1] > sorted[0] + 10_000_000, "\(peak)")
            let listed = try processes(directory, variant: "forker")
            #expect(listed.count == 3 && listed.allSatisfy { ($0["records"] as? Int ?? 0) > 0 }, "\(listed)")
        }
    }

    @Test func staticProgramIsWatchedWithItsHeapUnknown() throws {
        try withFolder("watch-static") { folder in
            let program = try TestPrograms.compile(TestPrograms.holder, name: "holder", in: folder, isStatic: true)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50", "--",
                program, "30",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let rows = try Harness.csv(directory + "/samples/holder.csv")
            #expect(rows.count >= 5)
            #expect(rows.allSatisfy { ($0["heap_live_bytes"] ?? "x").isEmpty }, "no heap figures without the probe")
            #expect(rows.compactMap { Int($0["rss_kb"] ?? "") }.max() ?? 0 > 20_000, "its RSS is still sampled")
            let listed = try processes(directory, variant: "holder")
            #expect(listed.count == 1 && listed.first?["records"] as? Int == 0, "\(listed)")
            let report = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
            #expect(report.contains("Heap unknown for `holder`"))
        }
    }

    @Test func missingProbeLibraryExitsTwoBeforeTheCommandStarts() throws {
        try withFolder("watch-noprobe") { folder in
            let marker = "\(folder)/started"
            let missing = "\(folder)/missing/libleakharness-probe.so"
            let outcome = try Harness.run(
                ["watch", "--out", "\(folder)/runs", "--", "sh", "-c", "touch '\(marker)'"],
                environment: ["LEAKHARNESS_PROBE_LIBRARY": missing])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("probe library \(missing): not found"), "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/runs"))
        }
    }

    @Test func unloadableProbeLibraryExitsTwo() throws {
        try withFolder("watch-badprobe") { folder in
            let fake = "\(folder)/libleakharness-probe.so"
            try "not an ELF file".write(toFile: fake, atomically: true, encoding: .utf8)
            let outcome = try Harness.run(
                ["watch", "--out", "\(folder)/runs", "--", "true"],
                environment: ["LEAKHARNESS_PROBE_LIBRARY": fake])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("cannot be loaded"), "\(outcome.stderr)")
        }
    }

    @Test(arguments: [["--allocator", "jemalloc"], ["--sites"]])
    func missingJemallocExitsTwoBeforeTheCommandStarts(flags: [String]) throws {
        try withFolder("watch-nojemalloc") { folder in
            let marker = "\(folder)/started"
            let command = ["--", "sh", "-c", "touch '\(marker)'"]
            let outcome = try Harness.run(
                ["watch", "--out", "\(folder)/runs"] + flags + command,
                environment: ["LEAKHARNESS_JEMALLOC": "\(folder)/libjemalloc.so.2"])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("jemalloc"), "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    /// Dumps at progress counts, or by time.
    @Test(arguments: [["--sites-every", "100", "--progress-regex", #"(\d+)/\d+"#], ["--sites-interval-ms", "500"]])
    func sitesRankTheCommandsOwnFunctionThatKeepsMemory(dumps: [String]) throws {
        try withFolder("watch-sites") { folder in
            let program = try TestPrograms.compile(TestPrograms.sites, name: "sites", in: folder)
            let outcome = try Harness.run(
                ["watch", "--out", "\(folder)/runs", "--sites"] + dumps
                    + ["--", program, "400"])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let directory = runDirectory(outcome)
            let dumps = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/profiles/sites")
                .filter { $0.hasPrefix("pass-") && $0.hasSuffix(".heap") }
            #expect(dumps.count >= 3, "\(dumps)")
            // sites.csv ends its lines with CR LF (RFC 4180), one Character in Swift: split on LF after replacing it.
            let text = try String(contentsOfFile: "\(directory)/sites.csv", encoding: .utf8)
                .replacingOccurrences(of: "\r\n", with: "\n")
            let lines = text.split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let rows = lines.dropFirst().map { Dictionary(zip(lines[0], $0), uniquingKeysWith: { a, _ in a }) }
            let growing = rows.filter { $0["growing"] == "true" }.compactMap { $0["function"] }
            #expect(growing == ["remember_file"], "\(rows)")
            #expect(!growing.contains("decode_file"))
            let report = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
            #expect(report.contains("## Where it is allocated"))
            #expect(try variants(directory)["sites"]?["allocator"] as? String == "jemalloc")
        }
    }

    @Test func aDescriptorTheProgramReusesIsNeverWrittenTo() throws {
        try withFolder("watch-reuse") { folder in
            let program = try TestPrograms.compile(TestPrograms.reuser, name: "reuser", in: folder)
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "20", "--",
                program, "\(folder)/own-file", "600",
            ])
            #expect(outcome.status == 0, "stdout: \(outcome.stdout) stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "0 bytes\n")
        }
    }

    @Test func aChildStartedWithItsDescriptorsClosedStillReports() throws {
        try withFolder("watch-closefds") { folder in
            // subprocess closes every descriptor but 0-2 before exec: the child's probe opens watch's pipe through
            // /proc.
            let script = "\(folder)/parent.py"
            try """
            import subprocess, sys
            child = "import time; x = b'a' * 30_000_000; time.sleep(0.6)"
            subprocess.run([sys.executable, "-c", child], check=True)
            """.write(toFile: script, atomically: true, encoding: .utf8)
            let python = try Self.pythonExecutable()
            let outcome = try Harness.run([
                "watch", "--out", "\(folder)/runs", "--interval-ms", "50", "--",
                python, script,
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let listed = try processes(runDirectory(outcome), variant: (python as NSString).lastPathComponent)
            #expect(listed.count == 2, "\(listed)")
            let peaks = listed.compactMap { $0["peak_live_bytes"] as? Int ?? ($0["peakLiveBytes"] as? Int) }
            #expect(listed.allSatisfy { ($0["records"] as? Int ?? 0) > 0 }, "\(listed)")
            #expect(peaks.max() ?? 0 > 25_000_000, "the child's 30 MB: \(listed)")
        }
    }

    /// The real path of python3 (not a version manager's shell shim, which would add processes of its own).
    static func pythonExecutable() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aCommandThatCannotStartLeavesNoRunDirectory() throws {
        try withFolder("watch-noexec") { folder in
            let fake = "\(folder)/not-a-program"
            try "neither ELF nor script".write(toFile: fake, atomically: true, encoding: .utf8)
            chmod(fake, 0o755)
            let outcome = try Harness.run(["watch", "--out", "\(folder)/runs", "--", fake])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("\(fake): cannot start"), "\(outcome.stderr)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/runs")) ?? []
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func unknownAllocatorExitsTwo() throws {
        let outcome = try Harness.run(["watch", "--allocator", "tcmalloc", "--", "true"])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("'tcmalloc' is invalid for '--allocator")
                && outcome.stderr.contains("glibc-arena2"),
            "\(outcome.stderr)")
    }
}
