import Foundation
import Testing
import TestSupport

/// `leakharness watch` end to end, on the test program `grow` (Tests/TestPrograms) and plain shell commands.
@Suite(.serialized, .scratchFolder)
struct WatchCommandTests {
    /// The run directory: the last line of stderr.
    private func runDirectory(_ outcome: Command.Outcome) -> String {
        outcome.stderr.split(separator: "\n").last.map(String.init) ?? ""
    }

    private func variant(_ directory: String) throws -> [String: Any] {
        let summary = try Harness.json(directory + "/summary.json")
        return (summary["variants"] as? [[String: Any]])?.first ?? [:]
    }

    @Test func growingListInAGrandchildReadsAsGrowthOfLiveHeap() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // The program runs under sh: only the whole process tree shows its growth.
        let outcome = try Harness.run([
            "watch", "--out", out, "--interval-ms", "50", "--tolerance", "2", "--",
            "sh", "-c", "'\(try Harness.testPrograms)' grow --mb-per-s 20 --seconds 3; exit 0",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let v = try variant(runDirectory(outcome))
        // Floors of every window rise: a leak; from outside the heap is unknown, so live-heap is assumed.
        #expect(v["verdict"] as? String == "LEAK", "\(v)")
        #expect(v["cause"] as? String == "live-heap", "\(v)")
        let slope = (v["slope_mb_per_1000_files"] as? [String: Any])?["low"] as? Double ?? 0
        // 20 MB/s allocated and kept: the interval lies far above the tolerance of 2 MB/s.
        #expect(slope > 5, "\(v)")
        #expect(outcome.stdout.contains("60/60"))
        let summary = try Harness.json(runDirectory(outcome) + "/summary.json")
        #expect(summary["x_unit"] as? String == "ms")
    }

    @Test func allocateAndFreeInALoopIsStable() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try Harness.run([
            "watch", "--out", out, "--interval-ms", "50", "--tolerance", "2", "--",
            try Harness.testPrograms, "grow", "--mb-per-s", "20", "--seconds", "3", "--free",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let v = try variant(runDirectory(outcome))
        #expect(v["verdict"] as? String == "STABLE", "\(v)")
    }

    @Test func progressRegexMakesItemsTheXAxis() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try Harness.run([
            "watch", "--out", out, "--interval-ms", "50", "--progress-regex", #"(\d+)/\d+"#, "--",
            try Harness.testPrograms, "grow", "--mb-per-s", "10", "--seconds", "1",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let directory = runDirectory(outcome)
        #expect(try Harness.json(directory + "/summary.json")["x_unit"] as? String == "items")
        let rows = try Harness.csv(directory + "/samples/leakharness-test-programs.csv")
        let counts = rows.compactMap { Int($0["files_done"] ?? "") }
        #expect(counts.max() ?? 0 > 1 && counts.max() ?? 0 <= 20, "\(counts)")
        #expect(counts == counts.sorted())
        #expect(try String(contentsOfFile: directory + "/report.md", encoding: .utf8).contains("MB/1000 items"))
    }

    @Test func exitStatusIsTheCommands() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try Harness.run(["watch", "--out", out, "--", "sh", "-c", "echo out; echo err >&2; exit 7"])
        #expect(outcome.status == 7)
        #expect(outcome.stdout == "out\n")
        #expect(outcome.stderr.hasPrefix("err\n"))
        #expect(FileManager.default.fileExists(atPath: runDirectory(outcome) + "/report.md"))
    }

    @Test func unknownCommandExitsTwo() throws {
        let outcome = try Harness.run(["watch", "--", "no-such-command-leakharness"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("no-such-command-leakharness: command not found"))
    }

    @Test func stdinReachesTheCommand() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Harness.binary)
        process.arguments = ["watch", "--out", out, "--", "cat"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("through the pipe\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text == "through the pipe\n")
    }

    @Test func sigintReachesTheCommandAndWatchExitsWithItsStatus() throws {
        let out = try ScratchFolder.directory("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Harness.binary)
        process.arguments = ["watch", "--out", out, "--", "sleep", "30"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // Wait until watch has started the command (a child of watch named sleep), then interrupt watch only.
        var started = false
        for _ in 0..<500 where !started {
            started = childNames(of: process.processIdentifier).contains("sleep")
            if !started { usleep(10_000) }
        }
        #expect(started)
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // sleep ended by SIGINT: 128 + 2, and the report was written.
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130, "\(text)")
        let directory = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(FileManager.default.fileExists(atPath: directory + "/report.md"))
        let run = try Harness.json(directory + "/run.json")
        #expect((run["variants"] as? [[String: Any]])?.first?["signal"] as? Int == 2)
    }

    /// Command names of the processes whose parent is `pid`.
    private func childNames(of pid: Int32) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return nil }
            return String(stat[stat.index(after: open)..<close])
        }
    }
}
