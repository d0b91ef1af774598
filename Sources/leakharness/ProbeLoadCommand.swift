import ArgumentParser
import Harness

/// Allocates and frees memory at a rate; `bench` preloads the probe into it to measure the probe's cost.
struct ProbeLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-load",
        abstract: "Allocate and free memory at a rate (the load bench measures the probe in).",
        shouldDisplay: false)

    @Option(help: "MB allocated and freed per second.")
    var mbPerS = 20.0

    @Option(help: "Seconds to run.")
    var seconds = 4.0

    func validate() throws {
        guard mbPerS > 0, mbPerS <= 1000, seconds > 0, seconds <= 3600 else {
            throw ValidationError("--mb-per-s 0-1000 and --seconds 0-3600")
        }
    }

    func run() throws {
        ProbeLoad.run(mbPerSecond: mbPerS, seconds: seconds)
    }
}
