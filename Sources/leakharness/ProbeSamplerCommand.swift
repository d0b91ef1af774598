import ArgumentParser
import Foundation
import Sampling
import Model

/// Prints the cost of sampling as JSON; used by tests and `bench` in a process of their own.
struct ProbeSamplerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-sampler", abstract: "Measure the cost of one sample.", shouldDisplay: false)

    @Option(help: "Samples to take.")
    var samples = 10_000

    func validate() throws {
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
    }

    func run() throws {
        let cost = try SamplerProbe.measure(samples: samples)
        print(try JSONCoding.text(cost, .compact))
    }
}
