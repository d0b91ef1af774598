import ArgumentParser

/// The root command: it only lists the subcommands.
@main
struct LeakHarnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leakharness",
        abstract: "Runs a speech feature-extraction pipeline under named scenarios and decides whether its memory leaks.",
        subcommands: [
            // One line per subcommand; each lives in its own file.
            ListCommand.self,
        ]
    )
}
