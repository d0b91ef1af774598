import ArgumentParser
import Foundation
import Harness
import Model

/// The child side of `run`: one variant, in a process of its own. Not for people.
struct ChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "child", abstract: "Runs one variant (started by `run`).", shouldDisplay: false)

    @Option(help: "The variant as JSON (a ChildSpec).")
    var spec: String

    func run() throws {
        let decoded: ChildSpec
        do {
            decoded = try JSONCoding.decode(ChildSpec.self, from: Data(spec.utf8))
        } catch {
            throw UsageFailure(message: "child: --spec is not a valid ChildSpec: \(error)")
        }
        throw ExitCode(VariantChild.run(decoded))
    }
}
