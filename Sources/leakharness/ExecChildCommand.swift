import ArgumentParser
import Model
import Foundation
import Supervision

/// Starts a command watched by `watch`, bound to `watch` by the parent-death signal. Not for people.
struct ExecChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-child", abstract: "Become a command that ends with its parent (started by `watch`).",
        shouldDisplay: false)

    @Argument(parsing: .postTerminator, help: "The executable's path and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the executable after --") }
    }

    func run() throws {
        let failure = ExecChild.exec(command[0], arguments: Array(command.dropFirst()))
        logger.error("leakharness: \(failure)")
        throw ExitCode(.notExecuted)
    }
}
