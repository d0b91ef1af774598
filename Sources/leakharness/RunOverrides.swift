import ArgumentParser
import Foundation
import Model
import Scenarios

/// Flags shared by the commands that run scenarios: they override knobs of every variant.
struct RunOverrides: ParsableArguments {
    @Option(name: .customLong("variant"), help: "Run only this variant (repeatable).")
    var variants: [String] = []

    @Option(help: "Files per pass.")
    var files: Int?

    @Option(help: "Passes over the files.")
    var passes: Int?

    @Option(help: "Worker threads.")
    var workers: Int?

    @Option(help: "Allocator: \(Allocator.allCases.map(\.rawValue).joined(separator: ", ")).")
    var allocator: Allocator?

    @Option(help: "Corpus: built-in, long-tail, or a VCTK directory.")
    var corpus: String?

    @Option(help: "Seconds of sampling after the work.")
    var settle: Double?

    @Option(help: "Put run directories under this folder instead of reports/runs.")
    var out: String = "reports/runs"

    @Flag(help: "Run every variant to its configured passes instead of ending them once its verdict is settled.")
    var full = false

    @Option(help: "Variants run side by side (default: the scenario's variants' workers fitted to the cores).")
    var jobs: Int?

    /// The knob overrides these flags give.
    var knobs: [Knob: String] {
        var out: [Knob: String] = [:]
        if let files { out[.files] = String(files) }
        if let passes { out[.passes] = String(passes) }
        if let workers { out[.workers] = String(workers) }
        if let allocator { out[.allocator] = allocator.rawValue }
        if let corpus { out[.corpus] = corpus }
        if let settle { out[.settle] = String(settle) }
        return out
    }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs: \(jobs) is not a positive number of variants") }
        var probe = VariantConfig()
        for (knob, value) in knobs {
            do { try probe.set(knob, value) } catch { throw ValidationError("--\(knob.rawValue): \(error)") }
        }
        if let corpus, corpus != "built-in", corpus != "long-tail" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--corpus: \(corpus) is not a directory")
            }
        }
    }

    /// Loads `nameOrPath` and applies these flags; a bad scenario or flag exits 2 before any work.
    func scenario(_ nameOrPath: String, extra: [Knob: String] = [:]) throws -> Scenario {
        do {
            var scenario = try ScenarioCatalog.resolve(nameOrPath: nameOrPath)
            if !variants.isEmpty { scenario = try scenario.selecting(variants: variants) }
            let overrides = knobs.merging(extra) { _, new in new }
            if !overrides.isEmpty { scenario = try scenario.applying(overrides: overrides) }
            return scenario
        } catch {
            throw UsageFailure(message: "\(error)")
        }
    }
}

/// A configuration error: printed, exit status 2.
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
