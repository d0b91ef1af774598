import Foundation
import Testing
import TestSupport
@testable import Harness
@testable import Scenarios
@testable import Supervision
@testable import Analysis

/// `leakharness evaluate`: the truth set, its rates and the packed recorded series.
struct EvaluationTests {
    @Test func theSyntheticTruthSetMeetsEveryTarget() {
        let e = Evaluation(cases: SyntheticSeries.truthSet(count: 330, seed: 7))
        #expect(e.passed, "\(e.misses.prefix(5))")
        #expect(e.falseLeakRate.total > 100 && e.causeAccuracy.total > 100)
    }

    @Test func wrongLabelsFailTheRates() {
        // The same series with their LEAK and STABLE labels swapped: the rule has not changed, the truth has.
        let swapped = SyntheticSeries.truthSet(count: 110, seed: 3).map { c -> TruthCase in
            var c = c
            switch c.verdict {
            case .leak: (c.verdict, c.cause) = (.stable, .none)
            case .stable: (c.verdict, c.cause) = (.leak, .liveHeap); c.leakTolerances = 2
            default: break
            }
            return c
        }
        let e = Evaluation(cases: swapped)
        #expect(!e.passed)
        #expect(!e.falseLeakRate.met && !e.missedLeakRate2x.met)
    }

    @Test func everyKindIsGeneratedWithItsAnswer() {
        let cases = SyntheticSeries.truthSet(count: SyntheticSeries.Kind.allCases.count, seed: 1)
        #expect(Set(cases.map(\.kind)) == Set(SyntheticSeries.Kind.allCases.map(\.rawValue)))
        let byKind = Dictionary(uniqueKeysWithValues: cases.map { ($0.kind, $0) })
        #expect(byKind["descriptor-leak"]?.verdict == .leak && byKind["descriptor-leak"]?.cause == .descriptors)
        #expect(byKind["allocator-kept"]?.cause == .allocatorRetention)
        #expect(byKind["stable"]?.verdict == .stable)
        // The teardown sample is after the settle's end.
        let c = cases[0]
        #expect(c.samples.last!.tMs > c.report.settleEndMs!)
    }

    @Test func wilsonIntervalsBracketTheShare() {
        let (low, high) = Statistics.wilsonInterval(successes: 5, trials: 100)
        #expect(low > 0.015 && low < 0.03 && high > 0.10 && high < 0.12, "\(low) \(high)")
        #expect(Statistics.wilsonInterval(successes: 0, trials: 50).low == 0)
    }

    @Test func recordedSeriesSurviveThePackedFile() throws {
        let directory = try TemporaryFolder.make(prefix: "leakharness-evaluation-")
        defer { TemporaryFolder.remove(directory) }
        let cases = SyntheticSeries.truthSet(count: 4, seed: 9)
        let path = directory + "/series.jsonl.gz"
        try RealSeries.write(cases, to: path)
        let read = try RealSeries.read(path)
        #expect(read.count == 4)
        #expect(read.map(\.samplesCSV) == cases.map(\.samplesCSV))
        #expect(read.map { $0.decide().verdict } == cases.map { $0.decide().verdict })
        try Data("not gzip".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: RealSeries.Failure.self) { try RealSeries.read(path) }
    }

    @Test func theCommittedRecordedSetIsLabelledByTheShippedScenarios() throws {
        let cases = try RealSeries.read(Repository.path("Tests/TruthSet/real-series.jsonl.gz"))
        #expect(cases.count >= 300)
        let catalog = ScenarioCatalog(directory: Repository.path("scenarios"))
        for kind in Set(cases.map(\.kind)) {
            let parts = kind.split(separator: "/").map(String.init)
            let expect = try catalog.resolve(nameOrPath: parts[0]).variant(named: parts[1])?.expect
            let c = cases.first { $0.kind == kind }!
            #expect(expect?.verdicts == [c.verdict] && expect?.causes == [c.cause], "\(kind)")
        }
    }
}
