import Foundation
import Testing
@testable import Sampling
@testable import Model
import FeaturePipeline
import CAllocator

/// The sampler thread, in process: it only writes rows; what it measures is checked end to end in CommandTests.
struct SamplerTests {
    @Test func samplerThreadWritesRowsWithTheCountersUntilStopped() throws {
        let path = NSTemporaryDirectory() + "leakharness-sampler-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let counters = PipelineCounters()
        counters.filesDone.store(42, ordering: .relaxed)
        counters.openWriters.store(3, ordering: .relaxed)
        let sampler = try Sampler(csvPath: path, counters: counters, intervalMs: 5)
        sampler.start()
        usleep(150_000)
        sampler.stop()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(SampleRow.header + "\n"))
        let rows = SampleRow.parse(csv: text)
        #expect(rows.count == sampler.samples.load(ordering: .relaxed))
        #expect(rows.count >= 5)
        #expect(
            rows.allSatisfy {
                $0.filesDone == 42 && $0.openWriters == 3 && $0.rssKB > 0 && $0.threads >= 1 && $0.fds >= 3
            })
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.tMs <= $1.tMs })
        let count = rows.count
        usleep(50_000)
        #expect(
            SampleRow.parse(csv: try String(contentsOfFile: path, encoding: .utf8)).count == count, "no row after stop")
    }

    @Test func descriptorCountFollowsOpenAndCloseAndAgreesWithTheListing() throws {
        let dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(dir >= 0)
        defer { close(dir) }
        let reader = try ProcReader()
        func counts() -> [Int] {
            var row = SampleRow()
            reader.read(into: &row)
            return [lh_count_fds(dir), lh_count_fds_listed(dir), Int(row.fds)]
        }
        // Tests running in parallel open and close descriptors too: one attempt of a few must see exactly ours.
        var seen: [[Int]] = []
        for _ in 0..<10 {
            let before = counts()
            var pipes: [Int32] = Array(repeating: -1, count: 6)
            for k in stride(from: 0, to: 6, by: 2) {
                pipes.withUnsafeMutableBufferPointer { p in _ = pipe(p.baseAddress! + k) }
            }
            let opened = counts()
            for fd in pipes { close(fd) }
            let closed = counts()
            seen.append(before + opened + closed)
            if before[0] == before[1], opened.indices.allSatisfy({ opened[$0] == before[$0] + 6 }), closed == before {
                return
            }
        }
        Issue.record("no attempt saw the six new descriptors in all three counts (fast, listed, row): \(seen)")
    }

    @Test func aProcessThatIsNotThereIsNamedWithItsStatusFileAndTheErrnoText() {
        // Above any pid_max: no such process ever exists.
        let pid = Int32.max
        #expect {
            _ = try ProcReader(pid: pid)
        } throws: { error in
            "\(error)" == "/proc/\(pid)/status: cannot open: No such file or directory"
        }
    }

    @Test func theCSVWriterNamesThePathAndTheErrnoTextOfAFailedOpenOrWrite() throws {
        let missing = NSTemporaryDirectory() + "leakharness-missing-\(UUID().uuidString)/samples.csv"
        #expect {
            _ = try SampleCSVWriter(path: missing)
        } throws: { error in
            "\(error)" == "\(missing): cannot open: No such file or directory"
        }
        // Every write to /dev/full fails with ENOSPC: here the header's.
        #expect {
            _ = try SampleCSVWriter(path: "/dev/full")
        } throws: { error in
            "\(error)" == "/dev/full: cannot write: No space left on device"
        }
    }

    @Test func procStatusParsingReadsTheKilobyteFields() {
        let text =
            "Name:\tx\nVmSize:\t  1234 kB\nVmHWM:\t 99 kB\nVmRSS:\t 88 kB\nRssAnon:\t 70 kB\nRssFile:\t 18 kB\nThreads:\t7\n"
        var row = SampleRow()
        Array(text.utf8).withUnsafeBytes { ProcStatus.parse($0, into: &row) }
        #expect(
            row.vmSizeKB == 1234 && row.hwmKB == 99 && row.rssKB == 88 && row.rssAnonKB == 70 && row.rssFileKB == 18
                && row.threads == 7)
    }

    @Test func statmParsingReadsPagesAsKilobytes() {
        var row = SampleRow()
        Array("5000 1200 300 10 0 800 0\n".utf8).withUnsafeBytes { ProcStatus.parseStatm($0, pageKB: 4, into: &row) }
        #expect(row.vmSizeKB == 20_000 && row.rssKB == 4800 && row.rssFileKB == 1200 && row.rssAnonKB == 3600)
    }

    @Test func statusIsReadEveryTenthSampleAndThreadsCarryForward() throws {
        let reader = try ProcReader(statusEvery: 10)
        var rows: [SampleRow] = []
        for _ in 0..<12 {
            var row = SampleRow()
            reader.read(into: &row)
            rows.append(row)
        }
        #expect(rows.allSatisfy { $0.rssKB > 0 && $0.vmSizeKB > 0 && $0.threads >= 1 })
        #expect(rows.allSatisfy { $0.hwmKB >= $0.rssKB })
        #expect(rows[1].threads == rows[0].threads, "carried forward between status reads")
    }
}
