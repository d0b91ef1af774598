import Testing
@testable import LeakHarness

/// The sequential rule of bisection probes, on synthetic series.
struct EarlyStopRuleTests {
    /// A rule for 600 files × 3 passes, tolerance 8 MB/1000 files: warm-up 180 files, 300 more before deciding.
    private let rule = EarlyStopRule(thresholds: Thresholds(), filesPerPass: 600, passes: 3)

    /// One sample every 10 files up to `files` (cumulative); RSS in MB from `mb(filesInPass, pass)`.
    private func series(files: Int, perPass: Int = 600, fds: (Int) -> Int = { _ in 8 }, mb: (Int, Int) -> Double) -> [SampleRow] {
        stride(from: 10, through: files, by: 10).map { f in
            var r = SampleRow()
            r.tMs = Int64(f)
            r.filesDone = Int64(f)
            let pass = (f - 1) / perPass + 1
            r.pass = Int64(pass)
            r.rssKB = Int64(mb(f - (pass - 1) * perPass, pass) * 1024)
            r.fds = Int64(fds(f))
            return r
        }
    }

    @Test func settingsFollowTheThresholds() {
        #expect(rule.warmupFiles == 180)
        #expect(rule.minFiles == 300)
        #expect(abs(rule.floorTolerance - 4.8) < 1e-9)
    }

    @Test func aClearGrowthStopsWithinTheFirstPass() {
        // +100 MB per 1000 files: settled once 300 files follow the warm-up, long before the pass ends.
        let rows = series(files: 500) { f, _ in 30 + 0.1 * Double(f) }
        #expect(rule.decide(rows)?.grows == true)
    }

    @Test func nothingIsDecidedBeforeTheMinimumFiles() {
        let rows = series(files: 400) { f, _ in 30 + 0.1 * Double(f) }
        #expect(rule.decide(rows) == nil)
    }

    @Test func flatNeedsAPassEnd() {
        let flat: (Int, Int) -> Double = { f, _ in 31 + Double(f % 3) * 0.01 }
        #expect(rule.decide(series(files: 590, mb: flat)) == nil)
        let decided = rule.decide(series(files: 650, mb: flat))
        #expect(decided?.grows == false)
        #expect(decided?.reason.contains("floor after pass 1") == true)
    }

    @Test func aFloorThatRoseIsNotFlat() {
        // Flat within each pass, but pass 2 starts 30 MB higher: not settled as flat (the floors may rise).
        let rows = series(files: 700) { _, pass in pass == 1 ? 31 : 61 }
        #expect(rule.decide(rows) == nil)
    }

    @Test func descriptorsThatRiseAreGrowthEvenWithFlatMemory() {
        let rows = series(files: 650, fds: { 8 + $0 / 25 }) { _, _ in 31 }
        let decided = rule.decide(rows)
        #expect(decided?.grows == true)
        #expect(decided?.reason.contains("descriptors") == true)
    }

    @Test func noisyGrowthStraddlingTheToleranceIsNotSettled() {
        // A slope near the tolerance with large noise: neither above nor within.
        let rows = series(files: 590) { f, _ in 30 + 0.008 * Double(f) + (f % 20 == 0 ? 6 : -6) }
        #expect(rule.decide(rows) == nil)
    }
}
