import ArgumentParser
import Foundation
import LeakHarness

/// `leakharness list`: every scenario in scenarios/ with its description and variants.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the scenarios in scenarios/, their variants, the knobs each overrides and what it expects."
    )

    func run() throws {
        let catalog: ScenarioCatalog
        do {
            catalog = try ScenarioCatalog.locate()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let entries = catalog.entries()
        print(ScenarioCatalog.listing(entries), terminator: "")
        if entries.contains(where: { if case .failure = $0.result { true } else { false } }) {
            throw ExitCode(2)
        }
    }
}
