import ArgumentParser
import Model
import Foundation
import Supervision
import Logging

/// The commands' own messages (problems, progress), on standard error through the handler `main` installs.
let logger = Logger(label: "leakharness")

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
        // Every message, this process's and the library's, is printed as it is, with nothing added.
        LoggingSystem.bootstrap { _ in PlainLogHandler() }
        // Started by one of ours: end with the parent, and not at all when the parent is already gone.
        guard ParentDeath.bindFromEnvironment() else { Foundation.exit(ExitStatus.signalled(ParentDeath.signal)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as UsageFailure {
            // One line per problem, each prefixed, so that every line reads `leakharness: file:line: key: reason`.
            let lines = failure.message.split(separator: "\n", omittingEmptySubsequences: false)
            logger.error("\(lines.map { "leakharness: \($0)" }.joined(separator: "\n"))")
            Foundation.exit(ExitStatus.usage.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                logger.error("\(fullMessage(for: error))")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
