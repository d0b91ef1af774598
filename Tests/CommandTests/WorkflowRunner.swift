import Foundation
import FoundationXML
import TestSupport
import Yams

/// Runs the jobs of `.github/workflows/leakharness.yml` here, as GitHub Actions would, against the built binary.
///
/// Each job gets its own workspace (a runner of its own); `run:` steps run under bash with the variables GitHub
/// sets (`GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_WORKSPACE`, `RUNNER_TEMP`, `CI`) pointing at
/// temporary files. The steps that install and build are stood in for (the packages are installed and the binary
/// under test is built); the actions the workflow uses are played by their documented behaviour: checkout gives the
/// repository's scenarios, upload-artifact stores a file or a directory's contents under a name, download-artifact
/// restores one by name, or each matching a pattern into a folder of its name, and the JUnit reporter reads its
/// file. A step or an expression the runner does not know is an error, so the workflow cannot drift from it.
final class WorkflowRunner {
    /// Why a workflow could not be played.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What one job did.
    struct JobResult {
        /// Its workspace.
        var workspace: String
        /// The job summary's markdown (empty when no step wrote one).
        var summary: String
        /// The `outputs:` of the job, evaluated.
        var outputs: [String: String]
        /// Every JUnit file the reporter step read, by path, with its `<testcase>` and `<failure>` counts.
        var junit: [String: (testcases: Int, failures: Int)]
    }

    let root: String
    let workflow: Node
    /// The workflow's `env:`, with the overrides given.
    let environment: [String: String]
    /// Artifacts uploaded so far, by name: the folder that holds their files.
    private(set) var artifacts: [String: String] = [:]

    /// Reads the workflow; `env` overrides its top-level `env:` (e.g. a smaller scenario).
    init(workflow path: String, root: String, env overrides: [String: String]) throws {
        self.root = root
        guard let node = try Yams.compose(yaml: try String(contentsOfFile: path, encoding: .utf8)) else {
            throw Failure(description: "\(path) is empty")
        }
        workflow = node
        var env: [String: String] = [:]
        for (key, value) in node["env"]?.mapping ?? [:] {
            env[key.string ?? ""] = value.string ?? ""
        }
        environment = env.merging(overrides) { _, new in new }
    }

    /// The job `name`'s node.
    func job(_ name: String) throws -> Node {
        guard let job = workflow["jobs"]?[name] else { throw Failure(description: "no job '\(name)'") }
        return job
    }

    /// Runs job `name` in a fresh workspace; `context` gives the values of the `${{ }}` expressions it uses.
    func run(job name: String, label: String, context: [String: String]) throws -> JobResult {
        let node = try job(name)
        let workspace = "\(root)/\(label)"
        let temp = "\(workspace)-tmp"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let summaryPath = "\(temp)/step-summary.md"
        var context = context
        var junit: [String: (testcases: Int, failures: Int)] = [:]
        for (index, step) in (node["steps"]?.sequence ?? []).enumerated() {
            let title = step["name"]?.string ?? step["uses"]?.string ?? step["run"]?.string ?? "step \(index + 1)"
            if let uses = step["uses"]?.string {
                try play(uses, with: step["with"], in: workspace, context: context, junit: &junit)
                continue
            }
            guard let script = step["run"]?.string else {
                throw Failure(description: "\(label): '\(title)' neither runs nor uses")
            }
            switch script.trimmingCharacters(in: .whitespacesAndNewlines) {
            case "scripts/setup.sh":
                continue
            case "swift build -c release --product leakharness":
                try link(try Harness.binary, at: "\(workspace)/.build/release/leakharness")
                continue
            default:
                break
            }
            let outputPath = "\(temp)/output-\(index)"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            var env = environment
            for (key, value) in step["env"]?.mapping ?? [:] {
                env[key.string ?? ""] = try substitute(value.string ?? "", context)
            }
            env["GITHUB_STEP_SUMMARY"] = summaryPath
            env["GITHUB_OUTPUT"] = outputPath
            env["GITHUB_ENV"] = "\(temp)/env-\(index)"
            env["GITHUB_WORKSPACE"] = workspace
            env["RUNNER_TEMP"] = temp
            env["CI"] = "true"
            env["GITHUB_ACTIONS"] = "true"
            let bash = ["--noprofile", "--norc", "-eo", "pipefail", "-c", try substitute(script, context)]
            let outcome = try Command.run("/bin/bash", bash, environment: env, directory: workspace)
            guard outcome.status == 0 else {
                throw Failure(
                    description: "\(label): '\(title)' exited \(outcome.status)\n"
                        + "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
            }
            if let id = step["id"]?.string {
                for line in try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n") {
                    guard let eq = line.firstIndex(of: "=") else {
                        throw Failure(description: "\(label): bad output line '\(line)'")
                    }
                    context["steps.\(id).outputs.\(line[..<eq])"] = String(line[line.index(after: eq)...])
                }
            }
        }
        var outputs: [String: String] = [:]
        for (key, value) in node["outputs"]?.mapping ?? [:] {
            outputs[key.string ?? ""] = try substitute(value.string ?? "", context)
        }
        let summary = (try? String(contentsOfFile: summaryPath, encoding: .utf8)) ?? ""
        return JobResult(workspace: workspace, summary: summary, outputs: outputs, junit: junit)
    }

    /// Plays the action `uses` with its `with:` inputs.
    private func play(
        _ uses: String, with inputs: Node?, in workspace: String, context: [String: String],
        junit: inout [String: (testcases: Int, failures: Int)]
    ) throws {
        func input(_ key: String) throws -> String? {
            try inputs?[key]?.string.map { try substitute($0, context) }
        }
        switch uses {
        case "actions/checkout@v4":
            try link(Repository.path("scenarios"), at: "\(workspace)/scenarios")
        case "actions/upload-artifact@v4":
            guard let name = try input("name"), let path = try input("path") else {
                throw Failure(description: "upload without name or path")
            }
            guard artifacts[name] == nil else { throw Failure(description: "artifact '\(name)' uploaded twice") }
            let source = "\(workspace)/\(path)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw Failure(description: "upload of '\(name)': no files at \(path)")
            }
            let store = "\(root)/artifacts/\(name)"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            if isDirectory.boolValue {
                for item in try FileManager.default.contentsOfDirectory(atPath: source) {
                    try FileManager.default.copyItem(atPath: "\(source)/\(item)", toPath: "\(store)/\(item)")
                }
            } else {
                let file = (path as NSString).lastPathComponent
                try FileManager.default.copyItem(atPath: source, toPath: "\(store)/\(file)")
            }
            artifacts[name] = store
        case "actions/download-artifact@v4":
            let path = "\(workspace)/\(try input("path") ?? ".")"
            if let name = try input("name") {
                guard let store = artifacts[name] else { throw Failure(description: "no artifact '\(name)'") }
                try copyContents(of: store, to: path)
            } else if let pattern = try input("pattern") {
                let matching = artifacts.keys.filter { fnmatch(pattern, $0, 0) == 0 }
                guard !matching.isEmpty else { throw Failure(description: "no artifact matches '\(pattern)'") }
                for name in matching { try copyContents(of: artifacts[name]!, to: "\(path)/\(name)") }
            } else {
                throw Failure(description: "download without name or pattern")
            }
        case "mikepenz/action-junit-report@v5":
            guard let file = try input("report_paths") else {
                throw Failure(description: "JUnit report without report_paths")
            }
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: "\(workspace)/\(file)")))
            let counter = JUnitElementCounter()
            parser.delegate = counter
            guard parser.parse() else {
                throw Failure(description: "\(file) is not XML: \(String(describing: parser.parserError))")
            }
            junit[file] = (counter.elements["testcase"] ?? 0, counter.elements["failure"] ?? 0)
        default:
            throw Failure(description: "an action this runner does not play: \(uses)")
        }
    }

    /// `text` with each `${{ expression }}` replaced by its value in `context`; an unknown one is an error.
    func substitute(_ text: String, _ context: [String: String]) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Failure(description: "unclosed ${{ in '\(text)'")
            }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = context[expression] else {
                throw Failure(description: "unknown expression '\(expression)' in '\(text)'")
            }
            out += rest[..<open.lowerBound] + value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    private func link(_ target: String, at path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    private func copyContents(of store: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: store) {
            try FileManager.default.copyItem(atPath: "\(store)/\(item)", toPath: "\(path)/\(item)")
        }
    }
}
