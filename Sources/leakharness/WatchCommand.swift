import ArgumentParser
import Foundation
import Harness
import Model
import Reporting

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

            The probe library (libleakharness-probe.so, built beside this executable) is preloaded into every process \
            of the command: it reports each process's live and held heap (mallinfo2 under glibc, stats.allocated and \
            stats.resident under jemalloc), which tells a growing live heap from an allocator that keeps freed memory. \
            With --allocator (repeatable) the command runs once per allocator into one report with the allocator \
            advice; with --sites it runs under jemalloc's sampling heap profiler and the report ranks allocation sites.

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

    @Option(
        help: ArgumentHelp(
            "Run the command under this allocator; repeat for one run per allocator, one after "
                + "the other: " + Allocator.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            valueName: "allocator"))
    var allocator: [Allocator] = []

    @Flag(help: "Profile allocation sites with jemalloc's sampling heap profiler and rank them in the report.")
    var sites = false

    @Option(help: "With --sites and no --progress-regex: milliseconds between heap profiles.")
    var sitesIntervalMs = 1000

    @Option(help: "With --sites and --progress-regex: a heap profile each time the count advances by this much.")
    var sitesEvery = 100

    @Option(help: "With --sites: one sample per 2^N bytes allocated, on average.")
    var lgProfSample = 17

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the command after --, e.g. leakharness watch -- python3 train.py")
        }
        guard (10...60_000).contains(intervalMs) else {
            throw ValidationError("--interval-ms: must be from 10 to 60000")
        }
        guard (0...600).contains(graceS) else { throw ValidationError("--grace-s: must be from 0 to 600") }
        if let tolerance, tolerance <= 0 { throw ValidationError("--tolerance: must be positive") }
        if let progressRegex {
            do { try Watcher.validate(progressRegex: progressRegex) } catch { throw ValidationError("\(error)") }
        }
        if Set(allocator).count != allocator.count { throw ValidationError("--allocator: each allocator at most once") }
        guard (100...600_000).contains(sitesIntervalMs) else {
            throw ValidationError("--sites-interval-ms: must be from 100 to 600000")
        }
        guard sitesEvery >= 1 else { throw ValidationError("--sites-every: must be positive") }
        guard (0...30).contains(lgProfSample) else { throw ValidationError("--lg-prof-sample: must be from 0 to 30") }
    }

    func run() throws {
        var options = Watcher.Options()
        options.intervalMs = intervalMs
        options.progressRegex = progressRegex
        options.outputRoot = out
        options.tolerance = tolerance
        options.graceSeconds = graceS
        options.allocators = allocator
        options.sites = sites
        options.sitesIntervalMs = sitesIntervalMs
        options.sitesEvery = Int64(sitesEvery)
        options.lgProfSample = lgProfSample
        let result: Watcher.Result
        do {
            result = try Watcher.run(command: command[0], arguments: Array(command.dropFirst()), options: options)
        } catch {
            throw UsageFailure(message: "watch: \(error)")
        }
        // The command's output went to stdout; ours goes to stderr so a pipeline reading the command's output is undisturbed.
        var text = "\n" + MarkdownTable.verdicts(result.summary)
        for v in result.summary.variants {
            let label = result.summary.variants.count > 1 ? "\(v.name): " : ""
            text += "\(label)\(v.verdict.rawValue) (\(v.cause.rawValue)): \(v.reason)\n"
        }
        text += result.directory
        logger.notice("\(text)")
        throw ExitCode(result.exitStatus)
    }
}
