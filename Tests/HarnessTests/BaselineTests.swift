import Foundation
import Testing
@testable import Harness
@testable import Model

struct BaselineTests {
    @Test func updateRecordsVariantsAndRoundTripsThroughJSON() throws {
        let summary = gateSummary([
            gateVariant("fixed", slope: SlopeEstimate(estimate: 0.5, low: -0.5, high: 1.5), peak: 80),
            gateVariant("crash", verdict: .failed, slope: nil),
        ])
        let baseline = Baseline().updated(with: summary)
        #expect(baseline.entry(scenario: "ci", variant: "fixed")?.rssPeakMB == 80)
        #expect(baseline.entry(scenario: "ci", variant: "crash") == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try baseline.write(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"slope_mb_per_1000_files\""))
        #expect(text.contains("\"schema_version\" : 1"))
        #expect(try Baseline.load(path: path) == baseline)
    }

    @Test func updateKeepsOtherScenariosAndReplacesTheSameVariant() {
        let first = Baseline().updated(
            with: gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 1, low: 0, high: 2))], scenario: "a"))
        let second = first.updated(
            with: gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 5, low: 4, high: 6))], scenario: "b")
        )
        .updated(
            with: gateSummary([gateVariant("v", slope: SlopeEstimate(estimate: 3, low: 2, high: 4))], scenario: "a"))
        #expect(second.entry(scenario: "a", variant: "v")?.slopeMBPer1000Files?.estimate == 3)
        #expect(second.entry(scenario: "b", variant: "v")?.slopeMBPer1000Files?.estimate == 5)
    }

    @Test func malformedOrFutureBaselineIsRejectedWithItsPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{\"schema_version\": 9, \"scenarios\": {}}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Baseline.load(path: path) } throws: {
            "\($0)".contains(path) && "\($0)".contains("schema_version 9")
        }
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Baseline.load(path: path) } throws: { "\($0)".contains("not a baseline JSON") }
    }
}
