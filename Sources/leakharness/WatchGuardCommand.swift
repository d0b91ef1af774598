import ArgumentParser
import Supervision

/// Ends a watched command's tree when `watch` dies (started by `watch`). Not for people.
struct WatchGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch-guard", abstract: "End the watched command if watch dies (started by `watch`).",
        shouldDisplay: false)

    @Option(help: "The pid of the watch process.")
    var parent: Int32

    @Option(help: "Seconds between SIGTERM and SIGKILL.")
    var graceS: Double = 5

    func run() throws {
        throw ExitCode(WatchGuard.serve(parent: parent, graceSeconds: graceS))
    }
}
