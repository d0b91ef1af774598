import ArgumentParser
import Foundation
import LeakHarness

/// `leakharness watch -- COMMAND ARGS...`: samples any command's process tree and reports whether its memory grows.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run a command, sample its whole process tree from outside, and write the same report as `run`.",
        discussion: """
            The command's stdin is passed through and its stdout and stderr are copied to ours; SIGINT and SIGTERM sent to \
            watch are forwarded to it. The x axis is time (slopes in MB/s) or, with --progress-regex, the count captured \
            from the command's output, e.g. '(\\d+)/\\d+' for a tqdm bar. Exits with the command's status (128 + signal when \
            a signal ended it); the last line on stderr is the run directory.

            The command ends with watch: if watch itself dies (killed, even with SIGKILL, or its terminal closed), the \
            command gets SIGTERM at once (its parent-death signal), so does the rest of its process tree, and every \
            process of the tree still alive --grace-s seconds later gets SIGKILL.
            """)

    @Option(help: "Milliseconds between samples.")
    var intervalMs = 100

    @Option(help: "A regular expression whose first group captures a count of items done in the command's output.")
    var progressRegex: String?

    @Option(help: "Slope tolerance: MB/s (time), or MB/1000 items with --progress-regex.")
    var tolerance: Double?

    @Option(help: "Seconds between SIGTERM and SIGKILL to the command's process tree when watch itself dies.")
    var graceS = 5.0

    @Option(help: "Put the run directory under this folder instead of reports/runs.")
    var out: String = "reports/runs"

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. leakharness watch -- python3 train.py") }
        guard (10...60_000).contains(intervalMs) else { throw ValidationError("--interval-ms: must be from 10 to 60000") }
        guard (0...600).contains(graceS) else { throw ValidationError("--grace-s: must be from 0 to 600") }
        if let tolerance, tolerance <= 0 { throw ValidationError("--tolerance: must be positive") }
        if let progressRegex {
            do { try Watcher.validate(progressRegex: progressRegex) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() throws {
        var options = Watcher.Options()
        options.intervalMs = intervalMs
        options.progressRegex = progressRegex
        options.outputRoot = out
        options.tolerance = tolerance
        options.graceSeconds = graceS
        let result: Watcher.Result
        do {
            result = try Watcher.run(command: command[0], arguments: Array(command.dropFirst()), options: options)
        } catch {
            throw UsageFailure(message: "watch: \(error)")
        }
        // The command's output went to stdout; ours goes to stderr so a pipeline reading the command's output is undisturbed.
        var text = "\n" + MarkdownTable.verdicts(result.summary)
        if let v = result.summary.variants.first { text += "\(v.verdict.rawValue) (\(v.cause.rawValue)): \(v.reason)\n" }
        text += result.directory + "\n"
        FileHandle.standardError.write(Data(text.utf8))
        throw ExitCode(result.exitStatus)
    }
}
