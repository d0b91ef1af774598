import Testing
@testable import Harness
@testable import Model

struct CompareTests {
    private let reference = gateSummary([
        gateVariant("a", slope: SlopeEstimate(estimate: 1, low: 0, high: 2)),
        gateVariant("b", slope: SlopeEstimate(estimate: 10, low: 9, high: 11)),
        gateVariant("c", slope: SlopeEstimate(estimate: 5, low: 4, high: 6)),
        gateVariant("only-here", slope: nil),
    ])

    @Test func aRunAgainstItselfIsTheSameEverywhere() {
        let c = RunComparison.compare(before: reference, after: reference)
        #expect(c.rows.count == 4)
        #expect(c.rows.allSatisfy { $0.outcome == .same })
        #expect(!c.anyWorse)
    }

    @Test func intervalsDecideNotPointEstimates() {
        let after = gateSummary([
            // Estimate far higher, interval overlapping: same.
            gateVariant("a", slope: SlopeEstimate(estimate: 8, low: 1.5, high: 14.5)),
            // Interval below the reference's: better.
            gateVariant("b", slope: SlopeEstimate(estimate: 2, low: 1, high: 3)),
            // Interval above: worse.
            gateVariant("c", slope: SlopeEstimate(estimate: 9, low: 8, high: 10)),
            gateVariant("new", slope: nil),
        ])
        let c = RunComparison.compare(before: reference, after: after)
        #expect(c.rows.map(\.outcome) == [.same, .better, .worse])
        #expect(c.anyWorse)
        #expect(c.unmatched == ["new", "only-here"])
        #expect(c.markdown().contains("| c |"))
        #expect(c.markdown().contains("**worse**"))
    }

    @Test func apartIntervalsCloserThanTheMinimumDifferenceAreTheSame() {
        let before = gateSummary([gateVariant("a", slope: SlopeEstimate(estimate: 0.10, low: 0.09, high: 0.11))])
        let after = gateSummary([gateVariant("a", slope: SlopeEstimate(estimate: 0.30, low: 0.29, high: 0.31))])
        #expect(RunComparison.compare(before: before, after: after, minDifference: 1).rows[0].outcome == .same)
        #expect(RunComparison.compare(before: before, after: after, minDifference: 0.1).rows[0].outcome == .worse)
    }
}
