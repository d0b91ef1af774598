import ArgumentParser
import Foundation
import Supervision

/// The root command: it only lists the subcommands.
@main
struct LeakHarnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leakharness",
        abstract:
            "Runs a speech feature-extraction pipeline under named scenarios and decides whether its memory leaks.",
        subcommands: [
            // One line per subcommand; each lives in its own file.
            ListCommand.self,
            ExtractCommand.self,
            RunCommand.self,
            SitesCommand.self,
            BisectCommand.self,
            ChildCommand.self,
            ProbeSamplerCommand.self,
            ProbeLoadCommand.self,
            CorpusCommand.self,
            ReportCommand.self,
            InspectCommand.self,
            CheckCommand.self,
            CompareCommand.self,
            WatchCommand.self,
            ExecChildCommand.self,
            WatchGuardCommand.self,
            BenchCommand.self,
            EvaluateCommand.self,
        ]
    )

    /// Usage and configuration errors exit 2, not ArgumentParser's 64.
    static func main() {
        // Started by one of ours: end with the parent, and not at all when the parent is already gone.
        guard ParentDeath.bindFromEnvironment() else { Foundation.exit(128 + ParentDeath.signal) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as UsageFailure {
            // One line per problem, each prefixed, so that every line reads `leakharness: file:line: key: reason`.
            let lines = failure.message.split(separator: "\n", omittingEmptySubsequences: false)
            FileHandle.standardError.write(Data(lines.map { "leakharness: \($0)\n" }.joined().utf8))
            Foundation.exit(2)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
