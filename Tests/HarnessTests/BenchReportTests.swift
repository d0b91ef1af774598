import Foundation
import Testing

@testable import Harness

/// The bench figures come from one table: their keys, which way is better and their targets.
struct BenchReportTests {
    @Test func jsonHasEveryFigureAndOldBaselinesReadMissingOnesAsZero() throws {
        var result = BenchResult()
        result[.samplerUsPerSample] = 3.5
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(BenchReport.json(result).utf8)) as? [String: Double])
        #expect(Set(object.keys) == Set(BenchFigure.allCases.map(\.rawValue)))
        #expect(object["sampler_us_per_sample"] == 3.5 && object["replay_seconds"] == 0)
        let old = try JSONDecoder().decode(BenchResult.self, from: Data(#"{"sampler_us_per_sample": 2}"#.utf8))
        #expect(old[.samplerUsPerSample] == 2 && old[.probeUsPerSample] == 0)
    }

    @Test func comparisonSaysBetterOrWorseByEachFiguresPolarity() {
        var baseline = BenchResult(), current = BenchResult()
        baseline[.decodeAudioSPerS] = 100
        current[.decodeAudioSPerS] = 50
        baseline[.samplerUsPerSample] = 10
        current[.samplerUsPerSample] = 5
        baseline[.loadAverage1m] = 1
        current[.loadAverage1m] = 9
        let warnings = BenchReport.compare(current, baseline: baseline)
        #expect(warnings.count == 2, "context figures are never compared: \(warnings)")
        #expect(warnings.contains { $0.contains("decode_audio_s_per_s") && $0.hasSuffix("worse)") })
        #expect(warnings.contains { $0.contains("sampler_us_per_sample") && $0.hasSuffix("better)") })
    }

    @Test func tableMarksEachTargetMetOrMissed() {
        var result = BenchResult()
        result[.scaling2Workers] = 1.5
        result[.samplerUsPerSample] = 5
        let lines = BenchReport.table(result).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("scaling_2_workers") && $0.hasSuffix(">= 1.90  MISSED") })
        #expect(lines.contains { $0.hasPrefix("sampler_us_per_sample") && $0.hasSuffix("<= 20.00  ok") })
        #expect(!lines.contains { $0.hasPrefix("load_average_1m") })
        #expect(BenchFigure.compared.allSatisfy { f in lines.contains { $0.hasPrefix(f.rawValue) } })
    }
}
