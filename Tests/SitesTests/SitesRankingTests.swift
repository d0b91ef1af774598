import Testing
@testable import Sites

struct SiteRankingTests {
    private let mb = 1_000_000.0

    @Test func aLeakThatNeverDecreasesIsGrowing() {
        let verdict = SiteRanking.classify(
            .init(after: [4 * mb, 8 * mb, 12 * mb, 16 * mb], held: [5 * mb, 9 * mb, 13 * mb, 17 * mb]))
        #expect(verdict.kind == .growing)
        #expect(abs(verdict.slopePerPass - 4 * mb) < 1)
        #expect(verdict.last == 16 * mb)
        #expect(verdict.heldPeak == 17 * mb)
    }

    @Test func aWorkingSetRebuiltEachPassIsNotGrowth() {
        // Rises then falls after the release: not monotone.
        let rebuilt = SiteRanking.classify(.init(after: [20 * mb, 35 * mb, 25 * mb, 40 * mb], held: []))
        #expect(rebuilt.kind == .steady)
        #expect(rebuilt.slopePerPass > 0)
    }

    @Test func retentionReleasedAtEachPassEndIsHeldReleased() {
        let verdict = SiteRanking.classify(.init(after: [0, 0, 0], held: [40 * mb, 42 * mb, 37 * mb]))
        #expect(verdict.kind == .heldReleased)
        #expect(verdict.releasedPeak == 42 * mb)
        #expect(verdict.slopePerPass == 0)
    }

    @Test func samplingNoiseOnAFlatSiteIsNotGrowth() {
        // Monotone by chance, but the rise is small against the site's size.
        let large = SiteRanking.classify(.init(after: [100 * mb, 101 * mb, 102.5 * mb], held: []))
        #expect(large.kind == .steady)
        // Monotone, but less than 1 MiB in all.
        let small = SiteRanking.classify(.init(after: [0.1 * mb, 0.3 * mb, 0.6 * mb], held: []))
        #expect(small.kind == .steady)
        // A single dump says nothing about growth.
        #expect(SiteRanking.classify(.init(after: [50 * mb], held: [])).kind == .steady)
    }

    @Test func growingSitesRankFirstBySlopeThenRetentionThenSteady() {
        let series: [(String, SiteRanking.Series)] = [
            ("steady", .init(after: [9 * mb, 9 * mb, 9 * mb], held: [9 * mb, 9 * mb, 9 * mb])),
            ("retained", .init(after: [0, 0, 0], held: [50 * mb, 50 * mb, 50 * mb])),
            ("slow-leak", .init(after: [2 * mb, 4 * mb, 6 * mb], held: [2 * mb, 4 * mb, 6 * mb])),
            ("fast-leak", .init(after: [5 * mb, 10 * mb, 15 * mb], held: [5 * mb, 10 * mb, 15 * mb])),
        ]
        let ranked = SiteRanking.order(series.map { ($0.0, SiteRanking.classify($0.1)) }, name: { $0 })
        #expect(ranked.map(\.0) == ["fast-leak", "slow-leak", "retained", "steady"])
    }

    @Test func sitesWithEqualFiguresRankByNameWhateverOrderTheyCameIn() {
        let flat = SiteRanking.Series(after: [mb, mb, mb], held: [mb, mb, mb])
        let names = ["swift_allocObject", "FeaturePipeline.A", "malloc", "FeaturePipeline.B", "(allocator only)"]
        for shift in 0..<names.count {
            let rotated = Array(names[shift...] + names[..<shift])
            let ranked = SiteRanking.order(rotated.map { ($0, SiteRanking.classify(flat)) }, name: { $0 })
            #expect(ranked.map(\.0) == names.sorted(), "input \(rotated)")
        }
    }

    @Test func slopeIsLeastSquaresOverPassNumbers() {
        #expect(SiteRanking.slopePerPass([1, 1, 4]) == 1.5)
        #expect(SiteRanking.slopePerPass([3, 2, 1]) == -1)
        #expect(SiteRanking.slopePerPass([7]) == 0)
    }
}
