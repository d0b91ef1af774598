import Testing
@testable import Harness
@testable import Model

/// The replay's agreement rule: the document's direction from its text, the measured one from the verdict.
struct DirectionTests {
    @Test func documentTextsOfTheCaseStudy() {
        #expect(Direction(document: "3 → 20 GB") == .grows)
        #expect(Direction(document: "3 → 20 GB, no help") == .grows)
        #expect(Direction(document: "3 → 10 GB") == .grows)
        #expect(Direction(document: "3 -> 10 GB") == .grows)
        #expect(Direction(document: "stable") == .stable)
        #expect(Direction(document: "stable at 3 GB") == .stable)
    }

    @Test func unclearTextsAreUnknown() {
        #expect(Direction(document: nil) == .unknown)
        #expect(Direction(document: "") == .unknown)
        #expect(Direction(document: "20 → 3 GB") == .unknown)
        #expect(Direction(document: "slow") == .unknown)
    }

    @Test func verdictsMapToDirections() {
        #expect(Direction(verdict: .leak) == .grows)
        #expect(Direction(verdict: .retention) == .grows)
        #expect(Direction(verdict: .stable) == .stable)
        #expect(Direction(verdict: .inconclusive) == .unknown)
        #expect(Direction(verdict: .failed) == .unknown)
    }

    @Test func agreementNeedsBothSidesDecided() {
        #expect(Direction.agree(document: .grows, measured: .grows) == true)
        #expect(Direction.agree(document: .stable, measured: .grows) == false)
        #expect(Direction.agree(document: .grows, measured: .stable) == false)
        #expect(Direction.agree(document: .grows, measured: .unknown) == nil)
        #expect(Direction.agree(document: .unknown, measured: .stable) == nil)
    }

    @Test func aDisagreementIsSaidPlainlyInTheReport() {
        let step = BisectStep(
            step: "5.4b", changes: [KnobChange(knob: .allocator, from: "glibc", to: "glibc-trim")],
            document: "3 → 20 GB, no help", models: "gc.collect() as malloc_trim(0)",
            documentDirection: .grows, measuredDirection: .stable,
            agrees: false, verdict: .stable, cause: .none, reason: "RSS +0.1 MB/1000 files within ±8.0",
            files: 1800, seconds: 4)
        let md = BisectMarkdown.render(
            BisectResult(
                mode: .replay, scenario: "s", scenarioPath: "s.yaml", createdAt: "now",
                machine: MachineInfo(host: "h", cores: 2, memoryGB: 1, kernel: "k", glibc: "g", harnessVersion: "v"),
                loadStart: "1", loadEnd: "1", thresholds: Thresholds(), totalSeconds: 4, steps: [step], auto: nil,
                directory: "d"))
        #expect(md.contains("| **no** |"))
        #expect(md.contains("Disagreements with the document"))
        #expect(md.contains("`5.4b`: the document says \"3 → 20 GB, no help\" (grows); measured STABLE"))
        #expect(md.contains("allocator: glibc → glibc-trim"))
        #expect(md.contains("| gc.collect() as malloc_trim(0) |"), "the table says what the step models")
    }
}
