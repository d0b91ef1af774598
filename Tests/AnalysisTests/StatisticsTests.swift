import Foundation
import Testing
import TestSupport
@testable import Analysis

struct StatisticsTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
    }

    @Test func tQuantilesMatchTables() {
        let table: [(Double, Double)] = [
            (1, 12.7062), (2, 4.3027), (3, 3.1824), (5, 2.5706), (10, 2.2281), (30, 2.0423), (120, 1.9799),
        ]
        for (df, t) in table {
            #expect(abs(Statistics.tQuantile(probability: 0.975, degreesOfFreedom: df) - t) < 1e-3, "df \(df)")
        }
        #expect(abs(Statistics.tQuantile(probability: 0.975, degreesOfFreedom: .infinity) - 1.95996) < 1e-4)
        #expect(abs(Statistics.tQuantile(probability: 0.995, degreesOfFreedom: 4) - 4.6041) < 1e-3)
        #expect(abs(Statistics.tQuantile(probability: 0.025, degreesOfFreedom: 10) + 2.2281) < 1e-3)
    }

    @Test func leastSquaresRecoversAKnownSlopeWithinItsInterval() {
        var noise = AnalysisNoise(seed: 7)
        let x = (0..<300).map(Double.init)
        let y = x.map { 4 + 2.5 * $0 + noise.gaussian(sd: 5) }
        let s = try! #require(Statistics.leastSquaresSlope(x: x, y: y))
        #expect(s.low < 2.5 && 2.5 < s.high)
        #expect(abs(s.estimate - 2.5) < 0.05)
        #expect(s.high - s.low < 0.2)
    }

    @Test func leastSquaresOfAnExactLineHasNoWidth() {
        let x = (0..<20).map(Double.init)
        let s = try! #require(Statistics.leastSquaresSlope(x: x, y: x.map { -3 * $0 + 1 }))
        #expect(abs(s.estimate + 3) < 1e-9)
        #expect(s.high - s.low < 1e-6)
    }

    @Test func leastSquaresNeedsVaryingX() {
        #expect(Statistics.leastSquaresSlope(x: [1, 1, 1, 1], y: [1, 2, 3, 4]) == nil)
        #expect(Statistics.leastSquaresSlope(x: [1, 2], y: [1, 2]) == nil)
    }

    @Test func groupedFitMeasuresTheSlopeWithinEachGroup() {
        // A sawtooth: +1 per x within each group, reset at each group's start.
        var x: [Double] = [], y: [Double] = [], g: [Int] = []
        for group in 0..<3 {
            for k in 0..<50 {
                x.append(Double(group * 50 + k)); y.append(Double(k)); g.append(group)
            }
        }
        let within = try! #require(Statistics.leastSquaresSlope(x: x, y: y, groups: g))
        let overall = try! #require(Statistics.leastSquaresSlope(x: x, y: y))
        #expect(abs(within.estimate - 1) < 1e-9)
        #expect(overall.estimate < 0.5)
        #expect(abs(Statistics.theilSenSlope(x: x, y: y, groups: g)! - 1) < 1e-9)
    }

    @Test func theilSenIgnoresOutliers() {
        var noise = AnalysisNoise(seed: 3)
        let x = (0..<200).map(Double.init)
        var y = x.map { 3 * $0 + noise.gaussian(sd: 1) }
        for i in stride(from: 0, to: 200, by: 5) { y[i] += 5000 }
        let robust = try! #require(Statistics.theilSenSlope(x: x, y: y))
        #expect(abs(robust - 3) < 0.1)
        let ols = try! #require(Statistics.leastSquaresSlope(x: x, y: y))
        #expect(abs(ols.estimate - 3) > abs(robust - 3))
    }

    @Test func theilSenSubsamplesLargeSeries() {
        let x = (0..<20_000).map(Double.init)
        let robust = try! #require(Statistics.theilSenSlope(x: x, y: x.map { 0.5 * $0 + 7 }))
        #expect(abs(robust - 0.5) < 1e-9)
    }
}
