import Foundation
import Testing
import TestSupport

/// The JSON Schemas of reports/schema/ against what `run`, `watch`, `bisect` and `list --json` really write,
/// checked with check-jsonschema (installed by scripts/test.sh into .build/venv).
@Suite(.serialized, .scratchFolder)
struct SchemaTests {
    static let schemas = Repository.path("reports/schema")

    /// check-jsonschema's outcome for `files` against `schema` (a file name under reports/schema/).
    private func validate(_ files: [String], schema: String) throws -> Command.Outcome {
        try Command.run(
            try Harness.venvTool("check-jsonschema"),
            ["--schemafile", "\(Self.schemas)/\(schema)"] + files)
    }

    /// `path`'s JSON text with the key `from` renamed to `to` wherever it appears, written beside it.
    private func renamed(_ path: String, _ from: String, _ to: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"\(from)\""), "\(path) has no field \(from)")
        let out = path + ".renamed-\(to).json"
        try text.replacingOccurrences(of: "\"\(from)\"", with: "\"\(to)\"")
            .write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    /// `path`'s JSON object with one more top-level field, written beside it.
    private func extended(_ path: String) throws -> String {
        var object = try Harness.json(path)
        object["field_added_later"] = ["any": 1]
        let out = path + ".extended.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: out))
        return out
    }

    @Test func runCiWatchAndBisectDirectoriesMatchTheirSchemas() throws {
        let out = try ScratchFolder.directory("schema")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // The real ci scenario at small sizes (the verdicts do not matter here, the fields do), with a settle so that
        // the fields measured after it (RSS after the settle, glibc's heap layout) are there too.
        let run = try Harness.run([
            "run", "ci", "--files", "150", "--passes", "2", "--settle", "1",
            "--out", out + "/run",
        ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let watch = try Harness.run([
            "watch", "--out", out + "/watch", "--interval-ms", "50", "--",
            "sh", "-c", "sleep 1",
        ])
        #expect(watch.status == 0, "stderr: \(watch.stderr)")
        // A replay bisection writes a whole run directory, its probes none: tiny.yaml with steps.
        let tinyPath = Repository.path("Tests/Scenarios/tiny.yaml")
        let tiny = try String(contentsOfFile: tinyPath, encoding: .utf8)
        let replay = out + "/Tests/tiny-steps.yaml"
        try FileManager.default.createDirectory(atPath: out + "/Tests", withIntermediateDirectories: true)
        try (tiny.replacingOccurrences(of: "name: tiny", with: "name: tiny-steps") + "steps: [fixed, held]\n")
            .write(toFile: replay, atomically: true, encoding: .utf8)
        let bisect = try Harness.run(["bisect", replay, "--out", out + "/bisect"])
        #expect(bisect.status == 0, "stderr: \(bisect.stderr)")
        // The replay says how long it should take before its first step, even when stderr is not a terminal.
        #expect(bisect.stderr.contains("2 variants, 2 side by side: about "), "stderr: \(bisect.stderr)")

        // watch prints its run directory last on standard error; run and bisect on standard output.
        let watched = watch.stderr.split(separator: "\n").last.map(String.init) ?? ""
        let directories = [run.lastLine, watched, bisect.lastLine]
        for directory in directories {
            #expect(
                FileManager.default.fileExists(atPath: directory + "/summary.json"),
                "no summary.json in '\(directory)'")
        }
        let summaries = directories.map { $0 + "/summary.json" }
        let manifests = directories.map { $0 + "/run.json" }
        let summaryCheck = try validate(summaries, schema: "summary.schema.json")
        #expect(summaryCheck.status == 0, "\(summaryCheck.stdout)\(summaryCheck.stderr)")
        let manifestCheck = try validate(manifests, schema: "run.schema.json")
        #expect(manifestCheck.status == 0, "\(manifestCheck.stdout)\(manifestCheck.stderr)")

        // A field added later passes; a field renamed fails, top-level and per variant.
        #expect(
            try validate([try extended(summaries[0]), try extended(manifests[0])], schema: "summary.schema.json")
                .stdout.contains("run.json.extended.json"), "a run.json is not a summary.json")
        #expect(try validate([try extended(summaries[0])], schema: "summary.schema.json").status == 0)
        #expect(try validate([try extended(manifests[0])], schema: "run.schema.json").status == 0)
        for (from, to) in [("files_per_s", "files_per_second"), ("created_at", "createdAt"), ("verdict", "verdicts_")] {
            let broken = try validate([try renamed(summaries[0], from, to)], schema: "summary.schema.json")
            #expect(broken.status != 0, "summary.json with \(from) renamed to \(to) passed")
            #expect(broken.stdout.contains(from), "\(broken.stdout)")
        }
        for (from, to) in [("wallSeconds", "wall_seconds"), ("scenarioPath", "scenario_path")] {
            let broken = try validate([try renamed(manifests[1], from, to)], schema: "run.schema.json")
            #expect(broken.status != 0, "run.json with \(from) renamed to \(to) passed")
        }
    }

    @Test func committedExamplesMatchTheSchemas() throws {
        let examples = Repository.path("reports/examples")
        let directories = try FileManager.default.contentsOfDirectory(atPath: examples).sorted()
            .map { "\(examples)/\($0)" }
            .filter { FileManager.default.fileExists(atPath: $0 + "/summary.json") }
        #expect(directories.count >= 4, "\(directories)")
        let summaries = try validate(directories.map { $0 + "/summary.json" }, schema: "summary.schema.json")
        #expect(summaries.status == 0, "\(summaries.stdout)\(summaries.stderr)")
        let manifests = try validate(directories.map { $0 + "/run.json" }, schema: "run.schema.json")
        #expect(manifests.status == 0, "\(manifests.stdout)\(manifests.stderr)")
    }

    @Test func listJsonMatchesItsSchemaWithScenariosAndProblems() throws {
        let out = try ScratchFolder.directory("schema-list")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let all = try Harness.run(["list", "--json"])
        #expect(all.status == 0, "stderr: \(all.stderr)")
        #expect(all.stdout.split(separator: "\n").count == 1, "list --json is one line")
        let broken = out + "/broken.yaml"
        try "name: broken\nvariants:\n  v:\n    workerz: 2\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let mixed = try Harness.run(["list", "--json", "ci", broken])
        #expect(mixed.status == 2)
        for (name, outcome) in [("all", all), ("mixed", mixed)] {
            try outcome.stdout.write(toFile: "\(out)/\(name).json", atomically: true, encoding: .utf8)
        }
        let check = try validate(["\(out)/all.json", "\(out)/mixed.json"], schema: "list.schema.json")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let listed = try Harness.json("\(out)/mixed.json")
        let scenarios = listed["scenarios"] as? [[String: Any]] ?? []
        #expect(scenarios.map { $0["name"] as? String } == ["ci"])
        let variants = (scenarios.first?["variants"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(variants == ["fixed", "unbounded", "writer-leak"])
        let errors = listed["errors"] as? [[String: Any]] ?? []
        #expect(errors.compactMap { $0["key"] as? String } == ["description", "variants.v.workerz"], "\(errors)")
        let renamed = try validate(
            [try renamed("\(out)/mixed.json", "variants", "variant_list")],
            schema: "list.schema.json")
        #expect(renamed.status != 0)
    }
}
