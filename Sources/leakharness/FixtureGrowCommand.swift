import ArgumentParser
import Harness

/// A test program for `watch`: allocates memory at a rate, keeping or freeing it. Not for people.
struct FixtureGrowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixture-grow", abstract: "Allocate memory at a rate and print i/N (a test program for watch).",
        shouldDisplay: false)

    @Option(help: "MB allocated per second.")
    var mbPerS = 20.0

    @Option(help: "Seconds to run.")
    var seconds = 3.0

    @Flag(help: "Free each block at once instead of keeping it.")
    var free = false

    func validate() throws {
        guard mbPerS > 0, mbPerS <= 1000, seconds > 0, seconds <= 3600 else {
            throw ValidationError("--mb-per-s 0-1000 and --seconds 0-3600")
        }
    }

    func run() throws {
        GrowFixture.run(mbPerSecond: mbPerS, seconds: seconds, free: free)
    }
}
