import Foundation
import Testing
import TestSupport

/// The harness killed outright (SIGKILL: the OOM killer, a cancelled CI job, a closed SSH session): its children end
/// with it, and no work folder outlives the next run. Also: planted links in `TMPDIR` are never followed.
@Suite(.serialized, .scratchFolder)
struct ParentDeathCommandTests {
    static let longScenario = """
        name: long
        description: Test - a long variant that writes shards, killed with its parent.
        thresholds: {min_files: 10}
        base: {workers: 1, files: 1000000, passes: 1, shard-size: 5, settle: 0, sample-interval-ms: 20,
               time-limit-s: 120}
        variants:
          first: {}
        """

    /// Starts `leakharness arguments...` with `TMPDIR` set, its output discarded.
    private func start(_ arguments: [String], tmpdir: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Harness.binary)
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmpdir]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether `pid` runs (exists and is not a zombie).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// The first argument of `pid`'s command line.
    static func command(of pid: Int32) -> [String] {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Polls `condition` every 50 ms for up to `seconds`; whether it became true.
    private func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        for _ in 0..<Int(seconds * 20) {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    private func workFolders(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("leakharness-work-") }
    }

    @Test func killedRunLeavesNoChildAndNoWorkFolder() throws {
        let tmpdir = try ScratchFolder.directory("tmpdir")
        let out = try ScratchFolder.directory("runs")
        let process = try start(
            ["run", try Harness.scenarioFile(Self.longScenario, name: "long"), "--out", out],
            tmpdir: tmpdir)
        var children: [Int32] = []
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            children.filter(Self.isAlive).forEach { kill($0, SIGKILL) }
        }
        // Wait until the child writes samples and shards.
        let started = eventually(within: 30) {
            children = ReliabilityCommandTests.children(of: process.processIdentifier)
            guard let run = try? FileManager.default.contentsOfDirectory(atPath: out).first,
                let rows = try? Harness.csv("\(out)/\(run)/samples/first.csv"), rows.count >= 4,
                let work = workFolders(in: tmpdir).first
            else { return false }
            return ((try? FileManager.default.contentsOfDirectory(atPath: "\(tmpdir)/\(work)")) ?? [])
                .contains { $0.hasSuffix(".tfrecord") }
        }
        try #require(started, "the child never wrote samples and shards")
        #expect(children.count == 1)

        kill(process.processIdentifier, SIGKILL)
        #expect(eventually(within: 10) { !process.isRunning })
        #expect(
            eventually(within: 10) { !children.contains(where: Self.isAlive) },
            "child \(children) outlived its parent")
        // The orphaned child removed its work folder before it ended.
        #expect(workFolders(in: tmpdir).isEmpty, "\(workFolders(in: tmpdir))")

        // A work folder left by a parent that died before anyone could remove it: the next run removes it.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = "\(tmpdir)/leakharness-work-Stale1"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: false)
        try Data("\(gone.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: "\(stale)/owner.pid"))
        try Data(count: 4096).write(to: URL(fileURLWithPath: "\(stale)/pass-2-shard-00001.tfrecord"))
        let next = try Harness.run(
            [
                "run", try Harness.scenarioFile(ReliabilityCommandTests.tinyScenario, name: "tiny"),
                "--out", out,
            ], environment: ["TMPDIR": tmpdir])
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmpdir).isEmpty)
    }

    /// With a grace far longer than the test, the tree ends of SIGTERM alone.
    @Test func killedWatchEndsTheWatchedCommandWithSIGTERM() throws {
        try killWatch(ignoresTERM: false, grace: "600")
    }

    /// A tree that ignores SIGTERM ends of the SIGKILL that follows a short grace.
    @Test func killedWatchEndsACommandThatIgnoresSIGTERMWithSIGKILL() throws {
        try killWatch(ignoresTERM: true, grace: "1")
    }

    /// Runs `watch -- sh -c 'sleep 300 & sleep 301; wait'`, kills watch with SIGKILL once it has sampled the whole
    /// tree (a shell and two sleeps), and expects the tree to end.
    private func killWatch(ignoresTERM: Bool, grace: String) throws {
        let tmpdir = try ScratchFolder.directory("tmpdir")
        let out = try ScratchFolder.directory("watch")
        let script = (ignoresTERM ? "trap '' TERM; " : "") + "sleep 300 & sleep 301; wait"
        let process = try start(["watch", "--out", out, "--grace-s", grace, "--", "sh", "-c", script], tmpdir: tmpdir)
        var tree: [Int32] = []
        var all: [Int32] = []
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            all.filter(Self.isAlive).forEach { kill($0, SIGKILL) }
        }
        let running = eventually(within: 30) {
            let direct = ReliabilityCommandTests.children(of: process.processIdentifier)
            guard let root = direct.first(where: { Self.command(of: $0).first?.hasSuffix("sh") == true }) else {
                return false
            }
            tree = [root] + ReliabilityCommandTests.children(of: root)
            all = direct + tree
            // watch has sampled the whole tree (the row's inflight is the tree's size), so its guard knows it.
            guard tree.count == 3, let run = try? FileManager.default.contentsOfDirectory(atPath: out).first,
                let rows = try? Harness.csv("\(out)/\(run)/samples/sh.csv")
            else { return false }
            return rows.contains { $0["inflight"] == "3" }
        }
        try #require(running, "the command's tree never started: \(tree)")

        kill(process.processIdentifier, SIGKILL)
        #expect(eventually(within: 10) { !process.isRunning })
        #expect(
            eventually(within: 20) { !all.contains(where: Self.isAlive) },
            "alive after watch was killed: \(all.filter(Self.isAlive).map { Self.command(of: $0) })")
    }

    @Test func plantedLinksInTMPDIRAreNeverFollowed() throws {
        let tmpdir = try ScratchFolder.directory("tmpdir")
        let victim = try ScratchFolder.directory("victim")
        let fm = FileManager.default
        // Links at the names a work folder could take: the old fixed name for the next few thousand pids, and a name
        // of the work folders' own pattern pointing at a folder that looks like a stale work folder.
        let next =
            Int32(
                (try String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
        var links = (1...3000).map { "\(tmpdir)/leakharness-\(next + Int32($0))-only" }
        for link in links { try fm.createSymbolicLink(atPath: link, withDestinationPath: victim) }
        let lookalike = try ScratchFolder.directory("lookalike")
        try Data("999999999\n".utf8).write(to: URL(fileURLWithPath: "\(lookalike)/owner.pid"))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(lookalike)/precious"))
        let patterned = "\(tmpdir)/leakharness-work-Linked"
        try fm.createSymbolicLink(atPath: patterned, withDestinationPath: lookalike)
        links.append(patterned)

        let out = try ScratchFolder.directory("runs")
        let tiny = try Harness.scenarioFile(ReliabilityCommandTests.tinyScenario, name: "tiny")
        let outcome = try Harness.run(["run", tiny, "--out", out], environment: ["TMPDIR": tmpdir])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(try fm.contentsOfDirectory(atPath: victim).isEmpty)
        #expect(try fm.contentsOfDirectory(atPath: lookalike).sorted() == ["owner.pid", "precious"])
        let left = Set(try fm.contentsOfDirectory(atPath: tmpdir).map { "\(tmpdir)/\($0)" })
        #expect(left == Set(links), "\(left.subtracting(links).sorted())")
        #expect(links.allSatisfy { (try? fm.destinationOfSymbolicLink(atPath: $0)) != nil })
    }
}
