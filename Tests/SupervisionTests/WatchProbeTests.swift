import Foundation
import Testing
@testable import Supervision
@testable import Sampling
@testable import Model

/// The probe's records and the environment `watch` gives a command.
struct WatchProbeTests {
    @Test func recordRoundTripsThroughItsBytes() {
        let record = ProbeRecord(
            allocator: .jemalloc, pid: 4242, arenas: 9, timeNs: 123_456_789_012,
            liveBytes: 7_000_000_000,
            heldBytes: 8_000_000_001, probeAllocatedBytes: 0, trims: 3, dumps: 2)
        let bytes = record.encoded
        #expect(bytes.count == ProbeRecord.size)
        let decoded = bytes.withUnsafeBytes { ProbeRecord($0) }
        #expect(decoded == record)
    }

    @Test func recordWithoutItsAllocatedCountOrWithAWrongMagicNumber() {
        var bytes = ProbeRecord(allocator: .glibc, pid: 1, liveBytes: 10, heldBytes: 20).encoded
        #expect(bytes.withUnsafeBytes { ProbeRecord($0) }?.probeAllocatedBytes == nil)
        bytes[0] ^= 0xFF
        #expect(bytes.withUnsafeBytes { ProbeRecord($0) } == nil)
        #expect(Array(bytes.prefix(40)).withUnsafeBytes { ProbeRecord($0) } == nil)
    }

    @Test func theCommandKeepsItsPreloadAndGetsTheAllocatorFirstAndTheProbeLast() {
        let base = ["LD_PRELOAD": "/opt/user.so", "MALLOC_ARENA_MAX": "4", "PATH": "/bin"]
        let asIs = ProbeLibrary.environment(
            base: base, probe: "/b/probe.so", channel: "5:1:2:3:5", intervalMs: 100,
            allocator: nil, sites: nil)
        #expect(asIs["LD_PRELOAD"] == "/opt/user.so:/b/probe.so")
        #expect(asIs["MALLOC_ARENA_MAX"] == "4", "without --allocator the command's own settings stay")
        #expect(asIs["LEAKHARNESS_PROBE"] == "5:1:2:3:5")
        #expect(asIs["LEAKHARNESS_PROBE_INTERVAL_MS"] == "100")
        #expect(asIs["LEAKHARNESS_PROBE_TRIM_MS"] == nil)

        let arena2 = ProbeLibrary.environment(
            base: base, probe: "/b/probe.so", channel: "c", intervalMs: 50,
            allocator: .glibcArena2, sites: nil)
        #expect(arena2["MALLOC_ARENA_MAX"] == "2")
        #expect(arena2["LD_PRELOAD"] == "/opt/user.so:/b/probe.so")

        let trim = ProbeLibrary.environment(
            base: base, probe: "/b/probe.so", channel: "c", intervalMs: 50,
            allocator: .glibcTrim, sites: nil)
        #expect(trim["LEAKHARNESS_PROBE_TRIM_MS"] == String(ProbeLibrary.trimIntervalMs))
        #expect(trim["MALLOC_ARENA_MAX"] == nil, "an allocator's run clears the other allocator settings")

        if let jemalloc = AllocatorEnvironment.jemallocPath() {
            let env = ProbeLibrary.environment(
                base: base, probe: "/b/probe.so", channel: "c", intervalMs: 50,
                allocator: .jemalloc, sites: nil)
            #expect(env["LD_PRELOAD"] == "\(jemalloc):/opt/user.so:/b/probe.so")
            #expect(env["MALLOC_CONF"]?.contains("background_thread:true") == true)
        }
    }

    @Test func sitesAskForTheHeapProfilerAndTheProbesDumps() {
        let sites = ProbeLibrary.SitesSettings(
            directory: "/r/profiles/v", dumpIntervalMs: nil, requestPath: "/r/req",
            lgProfSample: 15)
        let env = ProbeLibrary.environment(
            base: [:], probe: "/b/probe.so", channel: "c", intervalMs: 100,
            allocator: nil, sites: sites)
        #expect(env["MALLOC_CONF"]?.contains("prof:true") == true)
        #expect(env["MALLOC_CONF"]?.contains("lg_prof_sample:15") == true)
        #expect(env["LEAKHARNESS_PROBE_DUMP_DIR"] == "/r/profiles/v")
        #expect(env["LEAKHARNESS_PROBE_DUMP_MS"] == "0")
        #expect(env["LEAKHARNESS_PROBE_DUMP_REQUEST"] == "/r/req")
    }

    @Test func theChannelsWriteEndIsInheritedOnlyInsideInheritable() throws {
        let channel = try ProbeChannel()
        #expect(fcntl(channel.writeFD, F_GETFD) & FD_CLOEXEC != 0)
        let inside = channel.inheritable { fcntl(channel.writeFD, F_GETFD) & FD_CLOEXEC }
        #expect(inside == 0)
        #expect(fcntl(channel.writeFD, F_GETFD) & FD_CLOEXEC != 0)
        // The write end blocks (probes must not lose records); draining an empty pipe returns at once.
        #expect(fcntl(channel.writeFD, F_GETFL) & O_NONBLOCK == 0)
        #expect(channel.drain() == 0)
    }

    @Test func treeHeapSumsTheMembersWithRecordsAndLeavesTheHeapEmptyWithout() throws {
        let channel = try ProbeChannel()
        var heap = TreeHeap()
        var row = SampleRow()
        heap.fill(&row, members: [(pid: 10, row: SampleRow())], channel: channel)
        #expect(row.heapLiveBytes == nil && row.heapHeldBytes == nil)

        for record in [
            ProbeRecord(allocator: .glibc, pid: 10, liveBytes: 100, heldBytes: 1000),
            ProbeRecord(allocator: .glibc, pid: 11, liveBytes: 5, heldBytes: 50),
            ProbeRecord(allocator: .glibc, pid: 10, liveBytes: 200, heldBytes: 2000),
        ] {
            let bytes = record.encoded
            #expect(bytes.withUnsafeBytes { write(channel.writeFD, $0.baseAddress, $0.count) } == ProbeRecord.size)
        }
        #expect(channel.drain() == 3)
        let members = [Int32(10), 11, 12].map { (pid: $0, row: SampleRow()) }
        heap.fill(&row, members: members, channel: channel)
        #expect(row.heapLiveBytes == 205)
        #expect(row.heapHeldBytes == 2050)
        let listed = heap.processes(names: [10: "a", 11: "b", 12: "c"], channel: channel, root: 11)
        #expect(listed.map(\.pid) == [11, 10, 12])
        #expect(listed.map(\.records) == [1, 2, 0])
        #expect(listed.last?.allocator == "unknown")
    }
}
