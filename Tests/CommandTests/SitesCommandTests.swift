import Foundation
import Testing
import TestSupport

/// `leakharness run … --sites` and `leakharness sites` end to end: the child dumps heap profiles, the parent ranks sites.
@Suite(.serialized, .scratchFolder)
struct SitesCommandTests {
    /// One row of `sites.csv`, as column → text (RFC 4180 quotes honoured).
    private func sites(_ directory: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: "\(directory)/sites.csv", encoding: .utf8)
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            index += 1
            if quoted {
                if c == "\"", index < chars.count, chars[index] == "\"" {
                    field.append("\""); index += 1
                } else if c == "\"" {
                    quoted = false
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    private func run(_ scenario: String, _ extra: [String] = []) throws -> String {
        let out = try ScratchFolder.directory("sites")
        let outcome = try Harness.run(
            ["run", scenario, "--sites", "--files", "150", "--passes", "3", "--settle", "0", "--out", out] + extra)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        return outcome.lastLine
    }

    @Test func retainedResultsAreHeldByTheExampleEncoderAndReleased() throws {
        let directory = try run("result-retention", ["--variant", "keep"])
        let rows = try sites(directory)
        let keep = rows.filter { $0["variant"] == "keep" }
        let top = try #require(keep.first { $0["rank"] == "1" })
        // The serialized examples the pass keeps: ExampleEncoder.encode, inlined into WorkerScratch.process in release builds.
        let function = top["function"] ?? ""
        #expect(
            function.contains("FeaturePipeline.ExampleEncoder.encode")
                || function.hasPrefix("FeaturePipeline.WorkerScratch.process"),
            "top: \(top)")
        #expect(top["kind"] == "held-released")
        #expect(Double(top["held_mb_peak"] ?? "") ?? 0 > 5)
        #expect(keep.allSatisfy { $0["growing"] == "false" })
        #expect(FileManager.default.fileExists(atPath: "\(directory)/sites.md"))
    }

    @Test func abandonedWritersGrowAtTheWriterBufferAndTheFixedLoopDoesNot() throws {
        let directory = try run("writer-without-close")
        let rows = try sites(directory)
        let leaky = try #require(rows.first { $0["variant"] == "leaky" && $0["rank"] == "1" })
        #expect(leaky["function"]?.hasPrefix("FeaturePipeline.TFRecordWriter.init") == true, "top: \(leaky)")
        #expect(leaky["growing"] == "true")
        #expect(Double(leaky["slope_mb_per_pass"] ?? "") ?? 0 > 0.5)
        #expect(!rows.isEmpty && rows.filter { $0["variant"] == "fixed" }.allSatisfy { $0["growing"] == "false" })

        // `sites RUN_DIR` rebuilds the same file.
        let before = try String(contentsOfFile: "\(directory)/sites.csv", encoding: .utf8)
        try FileManager.default.removeItem(atPath: "\(directory)/sites.csv")
        let outcome = try Harness.run(["sites", directory])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("## Where it is allocated"))
        #expect(try String(contentsOfFile: "\(directory)/sites.csv", encoding: .utf8) == before)
    }

    @Test func sitesOfARunWithoutProfilesIsAUsageError() throws {
        let directory = try ScratchFolder.directory("nosites")
        let outcome = try Harness.run(["sites", directory])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("no heap profiles"))
    }
}
