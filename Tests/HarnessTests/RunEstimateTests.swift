import Testing
@testable import Harness
@testable import Model
@testable import Scenarios

/// The line `run`, `check` and `bisect` print before the first child.
struct RunEstimateTests {
    private func scenario(variants: Int, buffers: String = "reused") throws -> Scenario {
        let names = (1...variants).map { "  v\($0): {}" }.joined(separator: "\n")
        return try ScenarioLoader.parse(
            yaml: """
                name: estimate
                description: Test - variants of one size.
                base: {workers: 2, files: 1000, passes: 6, settle: 2, buffers: \(buffers)}
                variants:
                \(names)
                """, path: "x/estimate.yaml", allowFaults: false)
    }

    @Test func earlyStoppingCountsTheFewestPassesTheRuleNeeds() throws {
        let s = try scenario(variants: 1)
        let early = RunEstimate(scenario: s, earlyStop: true, jobs: 1, cores: 2)
        let full = RunEstimate(scenario: s, earlyStop: false, jobs: 1, cores: 2)
        // One worker-second of work per 800 files on each of two workers, half a second of quiet window per pass.
        let pass = 1000.0 / 1600 + 0.5
        #expect(abs(full.seconds - (0.4 + 2 + 6 * pass)) < 1e-9)
        #expect(abs(early.seconds - (0.4 + 2 + 3 * pass)) < 1e-9)
        #expect(early.fullSeconds == full.seconds)
        #expect(early.line == "1 variant: about 6 s (10 s if none stops early)")
        #expect(full.line == "1 variant: about 10 s")
    }

    @Test func variantsSideBySideShareTheWallTimeButNotTheCores() throws {
        let s = try scenario(variants: 6, buffers: "per-file")
        let one = RunEstimate(scenario: s, earlyStop: false, jobs: 1, cores: 2)
        let three = RunEstimate(scenario: s, earlyStop: false, jobs: 3, cores: 2)
        let many = RunEstimate(scenario: s, earlyStop: false, jobs: 6, cores: 2)
        #expect(three.seconds < one.seconds)
        // Six variants of 6000 files at 310 files/s per worker need 116 worker-seconds: 58 s on two cores at least.
        let cpuBound = 6 * 6000.0 / 310 / 2
        #expect(many.seconds >= cpuBound - 1e-9)
        #expect(three.line.hasPrefix("6 variants, 3 side by side: about "))
    }
}
