import Foundation
import FoundationXML
import Testing
import TestSupport

/// `leakharness check` end to end on a small scenario (Tests/Scenarios/gate-small.yaml, about 300 files × 2 passes per variant).
@Suite(.serialized, .scratchFolder)
struct CheckCommandTests {
    static let scenario = Repository.path("Tests/Scenarios/gate-small.yaml")

    /// gate-small.yaml with `edit` applied to its text, as a scenario file of its own.
    private func copy(_ edit: (String) -> String, name: String) throws -> String {
        try Harness.scenarioFile(edit(try String(contentsOfFile: Self.scenario, encoding: .utf8)), name: name)
    }

    @Test func expectationsHoldExitZeroWithJUnitAndStepSummary() throws {
        let out = try ScratchFolder.directory("check")
        let summaryPath = out + "/step-summary.md"
        let junit = out + "/junit.xml"
        let outcome = try Harness.run(
            ["check", Self.scenario, "--out", out + "/runs", "--junit", junit],
            environment: ["GITHUB_STEP_SUMMARY": summaryPath])
        #expect(outcome.status == 0, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("check: all 2 variant(s) pass"))
        // The step summary is markdown: a heading and the verdict table.
        let markdown = try String(contentsOfFile: summaryPath, encoding: .utf8)
        #expect(markdown.contains("### leakharness check: gate-small"))
        #expect(markdown.contains("| variant | files/s | RSS start MB |"))
        #expect(markdown.contains("| `held` |"))
        // Beside the table, each variant's RSS and live heap as a chart GitHub draws.
        #expect(markdown.components(separatedBy: "```mermaid\nxychart-beta").count - 1 == 0)
        #expect(markdown.components(separatedBy: "\nxychart-beta\n").count - 1 == 2, "\(markdown)")
        #expect(markdown.contains("#### `held`: **RETENTION**"))
        // The JUnit file parses as XML, with one test case per variant and no failure.
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: junit)))
        let counter = JUnitElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(counter.elements["testcase"] == 2)
        #expect(counter.elements["failure"] == nil)
    }

    @Test func flippedExpectationExitsOneNamingScenarioVariantExpectedAndMeasured() throws {
        let path = try copy(
            { $0.replacingOccurrences(of: "expect: {verdict: RETENTION, cause: live-heap}", with: "expect: STABLE") },
            name: "gate-flipped")
        let out = try ScratchFolder.directory("check")
        let junit = out + "/junit.xml"
        let outcome = try Harness.run(["check", path, "--out", out, "--junit", junit])
        #expect(outcome.status == 1, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
        let line = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("FAIL: ") }.map(String.init) ?? ""
        #expect(
            line.contains("gate-small/held: expected STABLE / none, measured RETENTION / live-heap"),
            "\(outcome.stdout)")
        #expect(line.contains("MB/1000 files ["))
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: junit)))
        let counter = JUnitElementCounter()
        parser.delegate = counter
        #expect(parser.parse())
        #expect(counter.elements["failure"] == 1)
    }

    @Test func malformedScenarioExitsTwoBeforeRunning() throws {
        let path = try copy(
            { $0.replacingOccurrences(of: "  fixed:\n", with: "  fixed:\n    worker: 3\n") }, name: "gate-broken")
        let out = try ScratchFolder.directory("check")
        // The good scenario first: nothing runs, because every file is validated before any work.
        let outcome = try Harness.run(["check", Self.scenario, path, "--out", out])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(path) && outcome.stderr.contains("worker"), "stderr: \(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func threeMistakesGiveThreeErrorsInOneRunBeforeAnyWork() throws {
        // No description, a misspelt knob, a value that is not one of the knob's: three lines, exit 2, nothing run.
        let path = try copy(
            {
                $0.replacingOccurrences(of: "description: ", with: "# description: ")
                    .replacingOccurrences(of: "  workers: 2\n", with: "  workerz: 2\n")
                    .replacingOccurrences(of: "    futures: keep\n", with: "    futures: kept\n")
            }, name: "gate-three")
        let out = try ScratchFolder.directory("check")
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(
                atPath: ((path as NSString).deletingLastPathComponent as NSString)
                    .deletingLastPathComponent)
        }
        let outcome = try Harness.run(["check", path, "--out", out])
        #expect(outcome.status == 2)
        let lines = outcome.stderr.split(separator: "\n").map(String.init).filter { $0.contains(path) }
        #expect(lines.count == 3, "stderr: \(outcome.stderr)")
        #expect(lines.first?.contains(":1: description: missing required key") == true, "\(lines)")
        #expect(
            lines.dropFirst().first?.contains("base.workerz: unknown key 'workerz'; did you mean 'workers'?")
                == true)
        #expect(lines.last?.contains("variants.held.futures: 'kept' is not valid") == true, "\(lines)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
        // A second broken file given after it: its problem is reported in the same run.
        let second = try copy(
            { $0.replacingOccurrences(of: "  held:\n", with: "  held:\n    writer: clos\n") },
            name: "gate-fourth")
        defer {
            try? FileManager.default.removeItem(
                atPath: ((second as NSString).deletingLastPathComponent as NSString)
                    .deletingLastPathComponent)
        }
        let both = try Harness.run(["check", path, second, "--out", out])
        #expect(both.status == 2)
        #expect(
            both.stderr.split(separator: "\n").filter { $0.contains(path) || $0.contains(second) }.count == 4,
            "stderr: \(both.stderr)")
        #expect(
            both.stderr.contains(
                "variants.held.writer: 'clos' is not valid; expected close, abandon; did you mean 'close'?"))
    }

    @Test func baselineUpdatedThenCheckPassesAndAWorseSlopeFails() throws {
        let out = try ScratchFolder.directory("check")
        let baseline = out + "/baseline.json"
        let update = try Harness.run([
            "check", Self.scenario, "--out", out, "--baseline", baseline, "--update-baseline",
        ])
        #expect(update.status == 0, "stdout: \(update.stdout)\nstderr: \(update.stderr)")
        let written = try Harness.json(baseline)
        let fixed =
            ((written["scenarios"] as? [String: Any])?["gate-small"] as? [String: Any]).flatMap {
                $0["variants"] as? [String: Any]
            }?["fixed"] as? [String: Any]
        #expect(fixed?["slope_mb_per_1000_files"] != nil)

        let again = try Harness.run(["check", Self.scenario, "--out", out, "--baseline", baseline])
        #expect(again.status == 0, "stdout: \(again.stdout)\nstderr: \(again.stderr)")

        // The same variant name now holds every result for the pass, without an expectation: only the baseline can fail it.
        let worse = try copy(
            {
                $0.replacingOccurrences(
                    of: "  fixed:\n    expect: STABLE\n",
                    with: "  fixed:\n    submit: all\n    futures: keep\n    results: keep\n")
            }, name: "gate-small")
        let regressed = try Harness.run(["check", worse, "--out", out, "--baseline", baseline])
        #expect(regressed.status == 1, "stdout: \(regressed.stdout)\nstderr: \(regressed.stderr)")
        #expect(regressed.stdout.contains("FAIL: gate-small/fixed: slope"), "\(regressed.stdout)")
        #expect(regressed.stdout.contains("worse than the baseline"))
    }

    @Test func updateBaselineWithoutBaselineIsAUsageError() throws {
        let outcome = try Harness.run(["check", Self.scenario, "--update-baseline"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--baseline"))
    }
}

/// Counts the elements of an XML document.
final class JUnitElementCounter: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements[name, default: 0] += 1
    }
}
