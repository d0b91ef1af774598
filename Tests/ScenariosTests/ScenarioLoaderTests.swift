import Foundation
import FeaturePipeline
import Testing
import TestSupport
@testable import Scenarios
@testable import Model

/// The example of the format, as documented.
let exampleYAML = """
    name: writer-without-close
    description: One line for `list`.
    thresholds:
      tolerance_mb_per_1000_files: 8
      min_files: 100
      warmup_fraction: 0.1
    base:
      submit: batched
      workers: 2
      files: 600
    variants:
      leaky:
        writer: abandon
        expect: {verdict: LEAK, cause: descriptors}
        document: "3 → 20 GB"
      fixed: {}
      both:
        expect: {verdict: RETENTION, cause: native-buffers}
      list:
        shard-size: 10
        settle: 0.5
        expect: INCONCLUSIVE
    steps: [leaky, fixed]
    from: leaky
    to: fixed

    """

/// The error `parse` throws for `yaml` (read as `t.yaml`), or nil when it is valid.
func scenarioError(_ yaml: String, path: String = "t.yaml", allowFaults: Bool = false) -> ScenarioError? {
    do {
        _ = try ScenarioLoader.parse(yaml: yaml, path: path, allowFaults: allowFaults)
        return nil
    } catch {
        return error
    }
}

/// A minimal valid scenario with `extra` lines appended to its one variant (lines 6 on).
func withVariant(_ extra: String) -> String {
    "name: t\ndescription: d\nbase:\n  files: 600\nvariants:\n  v:\n" + extra
}

@Suite(.scratchFolder) struct ScenarioLoaderTests {
    @Test func everyShippedScenarioLoads() throws {
        let dir = Repository.path("scenarios")
        let catalog = ScenarioCatalog(directory: dir)
        let expected: Set = [
            "unbounded-submit", "batched-submit", "result-retention", "writer-without-close", "fixed",
            "allocators", "document-bisection", "ci", "arena-retention", "sorted-fragmentation", "auto-bisect",
        ]
        #expect(expected.isSubset(of: Set(catalog.names)))
        for entry in catalog.entries() {
            let scenario = try entry.result.get()
            #expect(!scenario.variants.isEmpty, "\(entry.path)")
            #expect(
                scenario.variants.allSatisfy { $0.expect != nil },
                "\(entry.path): every shipped variant states an expectation")
            #expect(scenario.variants.allSatisfy { $0.config.fault == nil }, "\(entry.path)")
        }
    }

    @Test func documentBisectionMapsTheCaseStudy() throws {
        let s = try ScenarioLoader.load(
            path: Repository.path("scenarios/document-bisection.yaml"))
        let steps = ["0", "5.1", "5.2a", "5.2b", "5.3a", "5.3b", "5.4a", "5.4b", "5.4c", "final"]
        #expect(s.steps == steps)
        #expect(s.variants.map(\.name) == steps)
        #expect(s.variants.allSatisfy { $0.document != nil })
        func p(_ name: String) -> PipelineOptions { s.variant(named: name)!.config.pipeline }
        #expect(
            p("0").submit == .all && p("0").futures == .keep && p("0").results == .keep && p("0").writer == .abandon)
        #expect(p("5.1").submit == .batched && p("5.1").futures == .keep)
        #expect(p("5.2a").consume == ConsumeMode.none && p("5.2a").futures == .keep)
        #expect(p("5.2b").consume == ConsumeMode.none && p("5.2b").futures == .release)
        #expect(p("5.3a").consume == .result && p("5.3a").results == .keep)
        #expect(p("5.3b").results == .drop)
        #expect(p("5.4a").consume == .write && p("5.4a").writer == .abandon && p("5.4a").results == .drop)
        // The allocator steps run on pattern A's allocations: 5.4b's gc.collect() is malloc_trim, 5.4c's native build jemalloc.
        for step in ["5.4a", "5.4b", "5.4c", "final"] {
            #expect(p(step).buffers == .perFile && p(step).corpus == .longTail, "\(step)")
            #expect(s.variant(named: step)!.models != nil, "\(step) says what it models")
        }
        #expect(s.variant(named: "5.4a")!.config.allocator == .glibc)
        #expect(s.variant(named: "5.4b")!.config.allocator == .glibcTrim)
        #expect(
            s.variant(named: "5.4c")!.config.allocator == .jemalloc
                && s.variant(named: "final")!.config.allocator == .jemalloc)
        #expect(p("5.4c").writer == .close && p("final").writer == .close && p("final").futures == .release)
        #expect(s.variant(named: "5.2a")!.expect == Expectation(verdicts: [.retention], causes: [.liveHeap]))
        #expect(s.variant(named: "5.4c")!.expect == Expectation(verdicts: [.stable], causes: [.none]))
    }

    @Test func parsesTheDocumentedExample() throws {
        let s = try ScenarioLoader.parse(yaml: exampleYAML, path: "x/writer-without-close.yaml", allowFaults: false)
        #expect(s.name == "writer-without-close")
        #expect(s.description == "One line for `list`.")
        #expect(s.variants.map(\.name) == ["leaky", "fixed", "both", "list"])
        #expect(s.steps == ["leaky", "fixed"] && s.from == "leaky" && s.to == "fixed")
        #expect(s.base.pipeline.workers == 2 && s.base.pipeline.submit == .batched)
        let leaky = s.variant(named: "leaky")!
        #expect(leaky.overrides == [.writer: "abandon"])
        #expect(leaky.config.pipeline.writer == .abandon && leaky.config.pipeline.files == 600)
        #expect(leaky.expect == Expectation(verdicts: [.leak], causes: [.descriptors]))
        #expect(leaky.document == "3 → 20 GB")
        #expect(s.variant(named: "fixed")!.overrides.isEmpty && s.variant(named: "fixed")!.config == s.base)
        #expect(s.variant(named: "both")!.expect == Expectation(verdicts: [.retention], causes: [.nativeBuffers]))
        let list = s.variant(named: "list")!
        #expect(list.expect == Expectation(verdicts: [.inconclusive], causes: [.none]))
        #expect(list.overrides == [.shardSize: "10", .settle: "0.5"])
        #expect(list.config.pipeline.shardSize == 10 && list.config.settleSeconds == 0.5)
    }

    @Test(arguments: [
        // invalid YAML: the line Yams names
        ("name: t\ndescription: d\nvariants:\n  v: {writer: close\n  w: {}\n", "t.yaml:5: (yaml): invalid YAML"),
        ("name: t\ndescription: [d\n", "t.yaml:3: (yaml): invalid YAML"),
        // structure
        ("", "t.yaml:1: (document): the file is empty"),
        ("- a\n- b\n", "t.yaml:1: (document): expected a mapping"),
        (
            "name: t\ndescription: d\nvariants:\n  v: {}\nbsae:\n  files: 600\n",
            "t.yaml:5: bsae: unknown key 'bsae'; did you mean 'base'?"
        ),
        ("name: t\nvariants:\n  v: {}\n", "t.yaml:1: description: missing required key 'description'"),
        ("name: t\ndescription: d\n", "t.yaml:1: variants: missing required key 'variants'"),
        ("name: t\ndescription: d\nvariants: {}\n", "t.yaml:3: variants: expected at least one variant"),
        ("name: t\ndescription: d\nvariants: [a, b]\n", "t.yaml:3: variants: expected a mapping, found a list"),
        // knobs
        (
            "name: t\ndescription: d\nbase:\n  shard_size: 10\nvariants:\n  v: {}\n",
            "t.yaml:4: base.shard_size: unknown key 'shard_size'; did you mean 'shard-size'?"
        ),
        (
            withVariant("    alocator: jemalloc\n"),
            "t.yaml:7: variants.v.alocator: unknown key 'alocator'; did you mean 'allocator'?"
        ),
        (
            withVariant("    xyzzyplugh: 1\n"),
            "t.yaml:7: variants.v.xyzzyplugh: unknown key 'xyzzyplugh'; expected one of: submit,"
        ),
        (withVariant("    writer: {a: b}\n"), "t.yaml:7: variants.v.writer: expected a single value, found a mapping"),
        (withVariant("    writer:\n"), "t.yaml:7: variants.v.writer: expected a single value, found nothing (null)"),
        (withVariant("    files: \"600\"\n"), "t.yaml:7: variants.v.files: expected an integer, found '600'"),
        (withVariant("    files: 6.5\n"), "t.yaml:7: variants.v.files: expected an integer, found '6.5'"),
        (withVariant("    settle: soon\n"), "t.yaml:7: variants.v.settle: expected a number, found 'soon'"),
        (
            withVariant("    allocator: tcmalloc\n"),
            "t.yaml:7: variants.v.allocator: 'tcmalloc' is not valid; expected glibc, glibc-arena2, glibc-trim, glibc-mmap-threshold, jemalloc"
        ),
        (
            withVariant("    workers: 0\n"),
            "t.yaml:7: variants.v.workers: '0' is not valid; expected an integer from 1 to 64"
        ),
        (withVariant("    workers: -3\n"), "t.yaml:7: variants.v.workers: '-3' is not valid"),
        (withVariant("    submit: window:0\n"), "t.yaml:7: variants.v.submit: 'window:0' is not valid"),
        (
            withVariant("    fault: crash-after-files:5\n"),
            "t.yaml:7: variants.v.fault: fault injection is for the harness's own tests: it is allowed only when "
                + "LEAKHARNESS_ALLOW_FAULTS=1 is set"
        ),
        // warm-up: 60 files × 1 pass leave 54 < 100
        (
            "name: t\ndescription: d\nbase:\n  files: 60\n  passes: 1\nvariants:\n  v: {}\n",
            "t.yaml:4: variants.v.files: 60 files × 1 passes leave 54 after the warm-up"
        ),
        (withVariant("    files: 30\n"), "t.yaml:7: variants.v.files: 30 files × 3 passes leave 81 after the warm-up"),
        // thresholds
        (
            "name: t\ndescription: d\nthresholds:\n  min_file: 3\nvariants:\n  v: {}\n",
            "t.yaml:4: thresholds.min_file: unknown key 'min_file'; did you mean 'min_files'?"
        ),
        (
            "name: t\ndescription: d\nthresholds:\n  warmup_fraction: 1.5\nvariants:\n  v: {}\n",
            "t.yaml:4: thresholds.warmup_fraction: expected a fraction from 0 to 0.9"
        ),
        // variant names
        ("name: t\ndescription: d\nvariants:\n  v: {}\n  w: {}\n  v: {}\n", "t.yaml:4: v: duplicate key 'v'"),
        (
            "name: t\ndescription: d\nvariants:\n  5.1: {}\n  \"5.1\": {}\n",
            "t.yaml:5: variants.5.1: duplicate key '5.1'"
        ),
        (
            "name: t\ndescription: d\nvariants:\n  ../up: {}\n",
            "t.yaml:4: variants.../up: variant name '../up' is not safe as a file name"
        ),
        (
            "name: t\ndescription: d\nvariants:\n  .hidden: {}\n",
            "t.yaml:4: variants..hidden: variant name '.hidden' is not safe"
        ),
        ("name: t\ndescription: d\nvariants:\n  a b: {}\n", "t.yaml:4: variants.a b: variant name 'a b' is not safe"),
        ("name: t\ndescription: d\nvariants:\n  \(String(repeating: "x", count: 65)): {}\n", "t.yaml:4: variants.xxxx"),
        ("name: a/b\ndescription: d\nvariants:\n  v: {}\n", "t.yaml:1: name: scenario name 'a/b' is not safe"),
        // steps, from, to
        (
            "name: t\ndescription: d\nvariants:\n  v: {}\nsteps: [v, w]\n",
            "t.yaml:5: steps: unknown variant 'w'; variants: v"
        ),
        (
            "name: t\ndescription: d\nvariants:\n  v: {}\n  w: {}\nfrom: v\nto: x\n",
            "t.yaml:7: to: unknown variant 'x'; variants: v, w"
        ),
        ("name: t\ndescription: d\nvariants:\n  v: {}\nfrom: q\nto: v\n", "t.yaml:5: from: unknown variant 'q'"),
        (
            "name: t\ndescription: d\nvariants:\n  v: {}\n  w: {}\nfrom: v\n",
            "t.yaml:6: from: 'from' and 'to' go together"
        ),
        // expectations
        (
            withVariant("    expect: LEAKY\n"),
            "t.yaml:7: variants.v.expect: unknown verdict 'LEAKY'; did you mean 'LEAK'?"
        ),
        (
            withVariant("    expect: {verdict: LEAK, cause: heap}\n"),
            "t.yaml:7: variants.v.expect.cause: unknown cause 'heap'"
        ),
        (withVariant("    expect: {cause: descriptors}\n"), "t.yaml:7: variants.v.expect: missing 'verdict'"),
        (
            withVariant("    expect: []\n"),
            "t.yaml:7: variants.v.expect: expected one verdict, found a list: expect names one verdict and one cause"
        ),
        (
            withVariant("    expect: [STABLE, RETENTION]\n"),
            "t.yaml:7: variants.v.expect: expected one verdict, found a list: expect names one verdict and one cause"
        ),
        (
            withVariant("    expect: {verdict: LEAK, cause: [descriptors, live-heap]}\n"),
            "t.yaml:7: variants.v.expect.cause: expected one cause, found a list: expect names one verdict and one cause"
        ),
        (
            withVariant("    expect: LEAK\n"),
            "t.yaml:7: variants.v.expect: LEAK names its cause: {verdict: LEAK, cause: ...}"
        ),
        (
            withVariant("    expect: {verdict: STABLE, cause: live-heap}\n"),
            "t.yaml:7: variants.v.expect.cause: STABLE has the cause none"
        ),
    ])
    func reportsFileLineAndKey(yaml: String, expected: String) throws {
        let error = try #require(scenarioError(yaml))
        #expect(error.description.hasPrefix(expected), "got: \(error.description)")
    }

    @Test func threeMistakesGiveThreeProblemsInLineOrder() throws {
        let yaml = """
            name: t
            base:
              workerz: 2
              files: 600
            variants:
              v:
                writer: abandn
              w:
                expect: LEK
            steps: [v, x]

            """
        let error = try #require(scenarioError(yaml))
        let problems = error.problems
        #expect(problems.map(\.line) == [1, 3, 7, 9, 10], "\(error)")
        #expect(
            problems.map(\.key) == [
                "description", "base.workerz", "variants.v.writer", "variants.w.expect",
                "steps",
            ])
        let lines = error.description.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.hasPrefix("t.yaml:") })
        #expect(lines[1].hasSuffix("did you mean 'workers'?"))
        #expect(lines[2].hasSuffix("did you mean 'abandon'?"))
        #expect(lines[3].contains("did you mean 'LEAK'?"))
        #expect(lines[4].contains("unknown variant 'x'"))
    }

    @Test func aBrokenKnobDoesNotAddAFileCountComplaint() throws {
        // 60 files would be too few, but the variant's other knob is wrong: only what is certain is reported.
        let yaml = "name: t\ndescription: d\nbase:\n  files: 600\nvariants:\n  v:\n    files: 60\n    passes: x\n"
        let error = try #require(scenarioError(yaml))
        #expect(error.problems.count == 1, "\(error)")
        #expect(error.key == "variants.v.passes")
    }

    @Test func safeNames() {
        for good in ["5.2a", "0", "final", "glibc-arena2", "a_b", String(repeating: "x", count: 64)] {
            #expect(ScenarioLoader.isSafeName(good), "\(good)")
        }
        for bad in ["", ".", "..", ".x", "a/b", "a b", "é", String(repeating: "x", count: 65)] {
            #expect(!ScenarioLoader.isSafeName(bad), "\(bad)")
        }
    }

    @Test func suggestionsByEditDistance() {
        #expect(ScenarioLoader.editDistance("kitten", "sitting") == 3)
        #expect(ScenarioLoader.suggestion(for: "shard_size", among: Knob.allCases.map(\.rawValue)) == "shard-size")
        #expect(
            ScenarioLoader.suggestion(for: "sample-interval", among: Knob.allCases.map(\.rawValue))
                == "sample-interval-ms")
        #expect(ScenarioLoader.suggestion(for: "zzzzzzzz", among: Knob.allCases.map(\.rawValue)) == nil)
    }

    @Test func faultOnlyWhenAllowed() throws {
        let yaml = withVariant("    fault: crash-after-files:5\n")
        let s = try ScenarioLoader.parse(yaml: yaml, path: "t.yaml", allowFaults: true)
        #expect(s.variants[0].config.fault == .crashAfterFiles(5))
        #expect(scenarioError(yaml, allowFaults: false) != nil)
    }

    @Test func loadAllowsFaultsOnlyWhenAsked() throws {
        let path = try ScratchFolder.directory("scenario-loader") + "/t.yaml"
        let yaml = withVariant("    fault: crash-after-files:5\n")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let allowed = try ScenarioLoader.load(path: path, allowFaults: true)
        #expect(allowed.variants[0].config.fault == .crashAfterFiles(5))
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(path: path, allowFaults: false) }
        #expect(error.description.hasPrefix("\(path):7: variants.v.fault: fault injection is for"), "\(error)")
        #expect(error.description.contains("LEAKHARNESS_ALLOW_FAULTS=1"), "\(error)")
        let shipped = try ScenarioLoader.load(
            path: Repository.path("Tests/Scenarios/crash-after-50.yaml"), allowFaults: true)
        #expect(shipped.variant(named: "crash")?.config.fault == .crashAfterFiles(50))
    }

    @Test func onlyTheSwitchAllowsFaults() {
        #expect(ScenarioLoader.allowsFaults(environment: ["LEAKHARNESS_ALLOW_FAULTS": "1"]))
        for value in ["", "0", "yes", "true"] {
            #expect(!ScenarioLoader.allowsFaults(environment: ["LEAKHARNESS_ALLOW_FAULTS": value]))
        }
        #expect(!ScenarioLoader.allowsFaults(environment: ["PWD": "/home/user/Tests/scenarios"]))
    }

    @Test func nameMustMatchFileUnderScenarios() throws {
        let yaml = "name: other\ndescription: d\nvariants:\n  v: {}\n"
        let error = try #require(scenarioError(yaml, path: "repo/scenarios/mine.yaml"))
        #expect(error.description == "repo/scenarios/mine.yaml:1: name: 'other' must equal the file's base name 'mine'")
        #expect(scenarioError(yaml, path: "elsewhere/mine.yaml") == nil)
    }

    @Test func missingFileIsUnreadable() throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(path: "/nonexistent/x.yaml") }
        guard case .unreadable(let file, _) = error else { Issue.record("got \(error)"); return }
        #expect(file == "/nonexistent/x.yaml")
        #expect(error.description.hasPrefix("/nonexistent/x.yaml: cannot read: "))
    }

    /// 3000 mutations of a valid scenario: `parse` must throw only `ScenarioError` (typed throws) and never crash.
    @Test func fuzzedInputsGiveOnlyScenarioErrors() {
        var rng = SeededRandom(seed: 0x5EED_1EAF)
        let seed = Array(exampleYAML.utf8)
        let alphabet = Array(":-[]{}\"'#&*!|>%@`\n ,?\t0123456789abcxyz.é\u{0}".utf8)
        var valid = 0, invalid = 0
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0...Int(rng.next() % 6) {
                let at = Int(rng.next() % UInt64(bytes.count + 1))
                switch rng.next() % 4 {
                case 0 where at < bytes.count: bytes[at] ^= UInt8(1 << (rng.next() % 8))
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                case 2 where at < bytes.count: bytes.remove(at: at)
                default:
                    let from = Int(rng.next() % UInt64(seed.count))
                    let count = min(Int(rng.next() % 40), seed.count - from)
                    bytes.insert(contentsOf: seed[from..<(from + count)], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try ScenarioLoader.parse(yaml: text, path: "fuzz.yaml", allowFaults: Bool.random(using: &rng))
                valid += 1
            } catch {
                #expect(error.line.map { $0 >= 1 } ?? false, "\(error)")
                invalid += 1
            }
        }
        #expect(valid + invalid == 3000)
        #expect(invalid > 1000, "most mutations should be rejected")
    }
}
