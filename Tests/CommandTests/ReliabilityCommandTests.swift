import Foundation
import Synchronization
import Testing
import TestSupport

/// `leakharness run` when things go wrong: crashes, ceilings, time limits, signals, full disks, bad input.
///
/// In every case the samples taken so far stay in the CSV and the report says what happened.
@Suite(.serialized, .scratchFolder)
struct ReliabilityCommandTests {
    /// A scenario file in a temporary directory, run with a fresh `--out` and fault injection allowed.
    private func run(
        _ yaml: String, name: String, extra: [String] = [], environment: [String: String] = [:]
    )
        throws -> (outcome: Command.Outcome, directory: String, out: String)
    {
        let path = try Harness.scenarioFile(yaml, name: name)
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(
            ["run", path, "--out", out] + extra, environment: Harness.allowFaults.merging(environment) { _, new in new }
        )
        return (outcome, outcome.lastLine, out)
    }

    /// The `index`th variant of run.json.
    private func variant(_ directory: String, _ index: Int = 0) throws -> [String: Any] {
        let variants = try Harness.json("\(directory)/run.json")["variants"] as? [[String: Any]] ?? []
        return try #require(variants.count > index ? variants[index] : nil)
    }

    private func summaryVariant(_ directory: String, _ index: Int = 0) throws -> [String: Any] {
        let variants = try Harness.json("\(directory)/summary.json")["variants"] as? [[String: Any]] ?? []
        return try #require(variants.count > index ? variants[index] : nil)
    }

    private func report(_ directory: String) throws -> String {
        try String(contentsOfFile: "\(directory)/report.md", encoding: .utf8)
    }

    private func lastFilesDone(_ rows: [[String: String]]) -> Int {
        rows.compactMap { Int($0["files_done"] ?? "") }.max() ?? -1
    }

    // MARK: runtime faults

    @Test func faultKnobIsRefusedWithoutTheSwitch() throws {
        let path = try Harness.scenarioFile(
            """
            name: crash
            description: Test - a fault where faults are not allowed.
            base: {workers: 1, files: 50, passes: 1, settle: 0}
            variants:
              crash: {fault: "crash-after-files:10"}
            """, name: "crash")
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", path, "--out", out], environment: ["LEAKHARNESS_ALLOW_FAULTS": ""])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("\(path):5: variants.crash.fault: fault injection"), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "no run directory")
    }

    @Test func crashedChildIsFailedWithItsSignalAndKeepsItsSamples() throws {
        let (outcome, directory, _) = try run(
            """
            name: crash
            description: Test - a child that crashes after 60 files.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 300, passes: 1, settle: 0, sample-interval-ms: 10}
            variants:
              crash: {fault: "crash-after-files:60"}
              after: {files: 50}
            """, name: "crash", environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let crashed = try variant(directory, 0)
        #expect((crashed["failure"] as? String)?.hasPrefix("crashed: signal 11") == true, "\(crashed)")
        #expect(crashed["signal"] as? Int == 11)
        let rows = try Harness.csv("\(directory)/samples/crash.csv")
        #expect(rows.count >= 2)
        #expect((1...60).contains(lastFilesDone(rows)), "files_done \(lastFilesDone(rows))")
        // The crash stops only its own variant: the next one runs.
        #expect(try variant(directory, 1)["failure"] == nil)
        #expect(try summaryVariant(directory, 0)["verdict"] as? String == "FAILED")
        #expect(try report(directory).contains("`crash` (crashed: signal 11"))
    }

    @Test func childPastTheRSSCeilingIsEnded() throws {
        let (outcome, directory, _) = try run(
            """
            name: ceiling
            description: Test - results kept until the pass ends, under a 40 MB ceiling.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 3000, passes: 1, settle: 0, sample-interval-ms: 10}
            variants:
              grows: {submit: all, futures: keep, results: keep, ceiling-mb: 40}
            """, name: "ceiling")
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let grown = try variant(directory)
        #expect((grown["failure"] as? String)?.hasPrefix("RSS ceiling of 40 MB exceeded") == true, "\(grown)")
        #expect(grown["signal"] as? Int == 15, "ended with SIGTERM")
        let rows = try Harness.csv("\(directory)/samples/grows.csv")
        #expect(rows.count >= 2)
        #expect(lastFilesDone(rows) < 3000)
        #expect(try summaryVariant(directory)["verdict"] as? String == "FAILED")
        #expect(try report(directory).contains("RSS ceiling of 40 MB exceeded"))
    }

    @Test func childPastItsTimeLimitIsEnded() throws {
        let (outcome, directory, _) = try run(
            """
            name: slow
            description: Test - far more files than one second allows.
            thresholds: {min_files: 10}
            base: {workers: 1, files: 1000000, passes: 1, settle: 0, sample-interval-ms: 20}
            variants:
              slow: {time-limit-s: 1}
            """, name: "slow")
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let slow = try variant(directory)
        #expect(slow["failure"] as? String == "time limit of 1 s exceeded", "\(slow)")
        let rows = try Harness.csv("\(directory)/samples/slow.csv")
        #expect(rows.count >= 5)
        #expect(lastFilesDone(rows) > 0 && lastFilesDone(rows) < 1_000_000)
        #expect(try report(directory).contains("time limit of 1 s exceeded"))
    }

    @Test func fullDiskFaultFailsTheVariantWithENOSPC() throws {
        let (outcome, directory, _) = try run(
            """
            name: enospc
            description: Test - shard writes fail after 3 shards.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 200, passes: 1, shard-size: 10, settle: 0, sample-interval-ms: 5}
            variants:
              full: {fault: "enospc-after-shards:3"}
            """, name: "enospc")
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let full = try variant(directory)
        #expect((full["failure"] as? String)?.hasPrefix("ENOSPC: ") == true, "\(full)")
        #expect((full["report"] as? [String: Any])?["shards"] as? Int == 3)
        #expect(try Harness.csv("\(directory)/samples/full.csv").count >= 1)
        #expect(try summaryVariant(directory)["verdict"] as? String == "FAILED")
        #expect(try report(directory).contains("ENOSPC"))
    }

    /// A real 2 MB tmpfs as the shard directory (`TMPDIR`); skipped where mounting is not permitted.
    @Test func realFullDiskFailsTheVariantWithENOSPC() throws {
        let disk = try ScratchFolder.directory("tmpfs")
        guard mount("tmpfs", disk, "tmpfs", 0, "size=2m") == 0 else {
            print("realFullDiskFailsTheVariantWithENOSPC: not run, mount: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(disk, Int32(MNT_DETACH)) }
        let (outcome, directory, _) = try run(
            """
            name: disk
            description: Test - shards written into a 2 MB file system.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 300, passes: 1, shard-size: 10, settle: 0, sample-interval-ms: 5}
            variants:
              full: {}
            """, name: "disk", environment: ["TMPDIR": disk + "/"])
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        let full = try variant(directory)
        let failure = try #require(full["failure"] as? String)
        #expect(failure.hasPrefix("ENOSPC: \(disk)/leakharness-"), "\(failure)")
        #expect(failure.hasSuffix("No space left on device"))
        #expect(try Harness.csv("\(directory)/samples/full.csv").count >= 1)
        #expect(try report(directory).contains("ENOSPC"))
        // The child's work directory is removed even though the variant failed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk).isEmpty)
    }

    /// `kill -INT`/`kill -TERM` of the parent, and Ctrl-C (SIGINT to the parent and its child, the whole process group).
    @Test(arguments: [(SIGINT, false), (SIGTERM, false), (SIGINT, true)])
    func signalToTheParentEndsChildrenAndLeavesAnInterruptedReport(signal: Int32, wholeGroup: Bool) throws {
        let path = try Harness.scenarioFile(
            """
            name: long
            description: Test - a long first variant, interrupted.
            thresholds: {min_files: 10}
            base: {workers: 1, files: 1000000, passes: 1, settle: 0, sample-interval-ms: 20, time-limit-s: 60}
            variants:
              first: {}
              second: {}
            """, name: "long")
        let out = try ScratchFolder.directory("runs")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Harness.binary)
        // One variant at a time: the second must never start.
        process.arguments = ["run", path, "--jobs", "1", "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait until the first child has written a few samples.
        var samples = ""
        var rowsBefore = 0
        var waited = 0
        while rowsBefore < 4, waited < 300 {
            usleep(50_000)
            waited += 1
            if samples.isEmpty, let run = try? FileManager.default.contentsOfDirectory(atPath: out).first {
                samples = "\(out)/\(run)/samples/first.csv"
            }
            rowsBefore = samples.isEmpty ? 0 : ((try? Harness.csv(samples))?.count ?? 0)
        }
        try #require(rowsBefore >= 4, "no samples from the first child")
        let children = Self.children(of: process.processIdentifier)
        #expect(children.count == 1)

        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let masks = status.split(separator: "\n").filter { $0.hasPrefix("SigBlk") || $0.hasPrefix("SigIgn") }.joined(
            separator: " ")
        kill(process.processIdentifier, signal)
        if wholeGroup { children.forEach { kill($0, signal) } }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal, "parent's signal masks before the signal: \(masks)")
        for child in children {
            #expect(!Self.isRunningChild(child), "child \(child) still runs")
        }

        let directory = "\(out)/\(try #require(try FileManager.default.contentsOfDirectory(atPath: out).first))"
        let manifest = try Harness.json("\(directory)/run.json")
        #expect(manifest["interrupted"] as? Bool == true)
        let variants = manifest["variants"] as? [[String: Any]] ?? []
        #expect(variants.map { $0["name"] as? String } == ["first"], "the second variant never starts")
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(variants.first?["failure"] as? String == "interrupted by \(name)")
        #expect(try Harness.json("\(directory)/summary.json")["interrupted"] as? Bool == true)
        #expect(try Harness.csv(samples).count >= rowsBefore)
        let text = try report(directory)
        #expect(text.hasPrefix("# Leak report: long"))
        #expect(text.contains("**Interrupted:**"))
        #expect(text.contains("interrupted by \(name)"))
    }

    /// Processes whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// Whether `pid` is (still) a `leakharness child` process.
    static func isRunningChild(_ pid: Int32) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.count > 1 && arguments[1] == "child"
    }

    // MARK: bad audio input

    @Test func badAudioFilesAreSkippedAndCountedByReason() throws {
        let corpus = try ScratchFolder.directory("corpus") + "/p001"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(corpus)/\(name)"))
        }
        try write("p001_001.wav", WAVBytes.tone(seconds: 1.5, sampleRate: 48_000))
        try write("p001_002.wav", WAVBytes.tone(seconds: 1.5, sampleRate: 22_050, channels: 2))
        try write("p001_003.wav", [])
        try write("p001_004.wav", Array("not audio, only text\n".utf8))
        try write("p001_005.wav", WAVBytes.corruptHeader())
        try write("p001_006.wav", WAVBytes.tone(seconds: 0.001, sampleRate: 16_000))
        try write("p001_007.wav", WAVBytes.tone(seconds: 600, sampleRate: 16_000))
        let (outcome, directory, _) = try run(
            """
            name: bad-input
            description: Test - a corpus with bad files among good ones.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 14, passes: 1, settle: 0, sample-interval-ms: 10}
            variants:
              mixed: {}
            """, name: "bad-input", extra: ["--corpus", (corpus as NSString).deletingLastPathComponent])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let summary = try summaryVariant(directory)
        let skipped = try #require(summary["skipped"] as? [String: Int])
        // 14 files over 7 entries: each file twice.
        #expect(skipped["empty file"] == 2)
        #expect(skipped["shorter than one segment"] == 2)
        #expect(skipped.filter { $0.key.hasPrefix("unreadable: ") }.values.reduce(0, +) == 4, "\(skipped)")
        #expect(skipped.values.reduce(0, +) == 8)
        #expect(summary["files"] as? Int == 14)
        // Each pass over the good files: 1 + 1 segments of the 1.5 s clips, 300 of the ten-minute one.
        let report = try #require(try variant(directory)["report"] as? [String: Any])
        #expect(report["segments"] as? Int == 2 * 302)
    }

    @Test func missingCorpusDirectoryExitsTwoBeforeWork() throws {
        let (outcome, _, out) = try run(Self.tinyScenario, name: "tiny", extra: ["--corpus", "/nonexistent/corpus"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/nonexistent/corpus"), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func emptyCorpusDirectoryExitsTwoBeforeWork() throws {
        let corpus = try ScratchFolder.directory("empty-corpus")
        try Data("readme".utf8).write(to: URL(fileURLWithPath: "\(corpus)/README.txt"))
        let (outcome, _, out) = try run(Self.tinyScenario, name: "tiny", extra: ["--corpus", corpus])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("corpus directory \(corpus) holds no audio"), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "no run directory")
    }

    static let tinyScenario = """
        name: tiny
        description: Test - a tiny run.
        thresholds: {min_files: 10}
        base: {workers: 1, files: 50, passes: 1, settle: 0}
        variants:
          only: {}
        """

    // MARK: bad scenario input

    @Test(arguments: [
        ("variants:\n  v: {files: [1\n", 7, "(yaml): invalid YAML"),
        (
            "variants:\n  v: {shard-sise: 10}\n", 6,
            "variants.v.shard-sise: unknown key 'shard-sise'; did you mean 'shard-size'?"
        ),
        ("variants:\n  v: {passes: two}\n", 6, "variants.v.passes: expected an integer"),
        ("variants:\n  v: {workers: 0}\n", 6, "variants.v.workers: '0' is not valid"),
        ("variants:\n  v: {workers: -2}\n", 6, "variants.v.workers: '-2' is not valid"),
        ("variants:\n  v: {files: 5}\n", 6, "variants.v.files: 5 files × 1 passes leave 4 after the warm-up"),
        ("variants:\n  ../x: {}\n", 6, "variants.../x: variant name '../x' is not safe"),
        ("variants:\n  \"a\\tb\": {}\n", 6, "variant name 'a\tb' is not safe"),
    ])
    func badScenarioExitsTwoWithFileLineAndKeyBeforeAnyChild(tail: String, line: Int, expected: String) throws {
        let yaml =
            "name: bad\ndescription: Test - bad input.\nthresholds: {min_files: 10}\nbase: {files: 50, passes: 1, settle: 0}\n"
            + tail
        let path = try Harness.scenarioFile(yaml, name: "bad")
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", path, "--out", out])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(path):\(line): "), "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains(expected), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "no run directory")
    }

    @Test func unwritableOutExitsTwoBeforeAnyChild() throws {
        let blocker = try ScratchFolder.directory("out") + "/a-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let path = try Harness.scenarioFile(Self.tinyScenario, name: "tiny")
        let outcome = try Harness.run(["run", path, "--out", "\(blocker)/runs"])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains("\(blocker)/runs: cannot create the output directory"), "stderr: \(outcome.stderr)")
        #expect(!outcome.stdout.contains("only"), "no variant ran")
    }

    @Test func unknownVariantSelectionExitsTwoBeforeAnyChild() throws {
        let (outcome, _, out) = try run(Self.tinyScenario, name: "tiny", extra: ["--variant", "onyl"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("unknown variant 'onyl'; variants: only"), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    // MARK: output

    @Test func concurrentRunsOfOneScenarioGetTheirOwnDirectories() throws {
        let path = try Harness.scenarioFile(Self.tinyScenario, name: "tiny")
        let out = try ScratchFolder.directory("runs")
        let outcomes = Mutex<[Command.Outcome]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            if let outcome = try? Harness.run(["run", path, "--out", out]) { outcomes.withLock { $0.append(outcome) } }
        }
        let done = outcomes.withLock { $0 }
        #expect(done.count == 2 && done.allSatisfy { $0.status == 0 })
        let directories = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(directories.count == 2)
        #expect(Set(done.map(\.lastLine)) == Set(directories.map { "\(out)/\($0)" }))
        for directory in directories {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(directory)/report.md"))
            let manifest = try Harness.json("\(out)/\(directory)/run.json")
            #expect((manifest["variants"] as? [Any])?.count == 1)
        }
        // No temporary file of an atomic write is left behind.
        let everything = FileManager.default.subpaths(atPath: out) ?? []
        #expect(!everything.contains { $0.contains(".tmp-") }, "\(everything)")
    }
}
