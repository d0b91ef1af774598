import ArgumentParser
import Foundation
import Model
import Scenarios

/// `leakharness list [NAME|FILE...] [--json]`: scenarios with their description and variants.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the scenarios in scenarios/, their variants, the knobs each overrides and what it expects.",
        discussion: """
            With --json, one line of JSON (reports/schema/list.schema.json): the scenarios, each variant's knobs and \
            expectation, and every problem of the files that did not load. Exit 2 when a file did not load.
            """)

    @Argument(help: "Scenario names or YAML files (default: every file in scenarios/).")
    var targets: [String] = []

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        var results: [(path: String, result: Result<Scenario, ScenarioError>)] = []
        do {
            if targets.isEmpty {
                results = try ScenarioCatalog.locate().entries().map { ($0.path, $0.result) }
            } else {
                for target in targets {
                    do throws(ScenarioError) {
                        results.append((target, .success(try ScenarioCatalog.resolve(nameOrPath: target))))
                    } catch {
                        results.append((target, .failure(error)))
                    }
                }
            }
        } catch {
            logger.error("error: \(error)")
            throw ExitCode(.usage)
        }
        if json {
            FileHandle.standardOutput.write(ScenarioListing(results).encoded())
        } else {
            let entries = results.map { ScenarioCatalog.Entry(path: $0.path, result: $0.result) }
            print(ScenarioCatalog.listing(entries), terminator: "")
        }
        if results.contains(where: { if case .failure = $0.result { true } else { false } }) {
            throw ExitCode(.usage)
        }
    }
}
