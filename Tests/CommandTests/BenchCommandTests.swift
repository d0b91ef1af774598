import Foundation
import Testing
import TestSupport

/// `leakharness bench` end to end at `--quick` sizes: every key present and numeric (no timing is asserted).
@Suite(.serialized, .scratchFolder)
struct BenchCommandTests {
    static let keys = [
        "decode_audio_s_per_s", "features_audio_s_per_cpu_s", "tfrecord_write_mb_per_s",
        "pipeline_files_per_s_1_worker", "pipeline_files_per_s_2_workers", "scaling_2_workers",
        "sampler_us_per_sample", "sampler_allocations_per_sample", "sampler_cpu_percent_at_100hz", "harness_rss_mb",
        "probe_us_per_sample", "probe_cpu_percent_at_10hz", "probe_allocated_bytes",
    ]

    /// Runs `bench --json --quick` (plus `extra`) and returns the outcome and its decoded JSON object.
    private func bench(_ extra: [String] = []) throws -> (Command.Outcome, [String: Any]) {
        let outcome = try Harness.run(["bench", "--json", "--quick"] + extra)
        let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any] ?? [:]
        return (outcome, object)
    }

    @Test func jsonHasEveryKeyOfTheIssueAsANumber() throws {
        let (outcome, object) = try bench()
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        for key in Self.keys {
            let value = object[key] as? NSNumber
            #expect(value != nil, "\(key) missing or not a number in \(outcome.stdout)")
            if let value { #expect(value.doubleValue.isFinite, "\(key) is \(value)") }
        }
        #expect((object["quick"] as? NSNumber)?.intValue == 1)
        // Without --verdicts the replay and the CI gate are not timed.
        #expect((object["replay_seconds"] as? NSNumber)?.doubleValue == 0)
        #expect((object["check_ci_seconds"] as? NSNumber)?.doubleValue == 0)
        // Throughputs and the harness's memory are positive whatever the machine's speed.
        for key in [
            "decode_audio_s_per_s", "features_audio_s_per_cpu_s", "pipeline_files_per_s_2_workers", "harness_rss_mb",
        ] {
            #expect(((object[key] as? NSNumber)?.doubleValue ?? 0) > 0, "\(key) not positive")
        }
    }

    @Test func aBaselineFarFromTheFiguresGivesWarningsButSucceeds() throws {
        let directory = try ScratchFolder.directory("bench")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/baseline.json"
        // A baseline a thousand times faster and lighter than anything: every throughput is worse by far.
        let values = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0, 1e9) })
        try JSONSerialization.data(withJSONObject: values).write(to: URL(fileURLWithPath: path))
        let (outcome, object) = try bench(["--baseline", path])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(object.count >= Self.keys.count)
        #expect(outcome.stderr.contains("warning: features_audio_s_per_cpu_s"), "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("worse"))
    }

    @Test func verdictsTimesTheReplayAndTheCIGate() throws {
        let (outcome, object) = try bench(["--verdicts"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        for key in ["replay_seconds", "check_ci_seconds"] {
            #expect(((object[key] as? NSNumber)?.doubleValue ?? 0) > 0, "\(key) not measured")
        }
    }

    @Test func aMissingCorpusDirectoryIsAUsageError() throws {
        let outcome = try Harness.run(["bench", "--quick", "--corpus", "/nonexistent/corpus"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--corpus"))
    }
}

/// The committed FFTW plan keeps the features deterministic: two processes write byte-identical shards.
@Suite(.serialized, .scratchFolder)
struct FeatureDeterminismTests {
    private func extract() throws -> [String: Data] {
        let out = try ScratchFolder.directory("determinism")
        // One worker: shards hold files in completion order, which two workers do not fix.
        let outcome = try Harness.run(["extract", "--out", out, "--workers", "1"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".tfrecord") }
        var shards: [String: Data] = [:]
        for name in names { shards[name] = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)")) }
        try? FileManager.default.removeItem(atPath: out)
        return shards
    }

    @Test func twoExtractionsWriteIdenticalShards() throws {
        let first = try extract()
        let second = try extract()
        #expect(!first.isEmpty)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (name, bytes) in first {
            #expect(second[name] == bytes, "\(name) differs between runs")
        }
    }
}
