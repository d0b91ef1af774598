import Foundation
import Model
public import Scenarios
import Reporting

/// Recorded series of real runs, labelled by their variant's `expect:`, packed into one gzip file of JSON lines.
///
/// Each line is a `TruthCase`: the scenario and variant, the rerun it came from, the label, the scenario's current
/// thresholds, the child's report and the samples' CSV. `leakharness evaluate` reads the file; `evaluate pack`
/// writes it from run directories (`scripts/record-truth-set.sh` records them).
public enum RealSeries {
    /// Why series could not be packed or read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Where the committed set lives, relative to the repository's root.
    public static let defaultPath = "Tests/TruthSet/real-series.jsonl.gz"

    /// Cases from every run directory (a folder with run.json) under `roots`, labelled from the scenarios that
    /// `catalog` finds by name; variants without an `expect:` or whose child failed are left out.
    public static func collect(roots: [String], catalog: ScenarioCatalog) throws(Failure) -> [TruthCase] {
        var cases: [TruthCase] = []
        var scenarios: [String: Scenario] = [:]
        for directory in runDirectories(under: roots) {
            let manifest: RunManifest
            do { manifest = try RunFiles.loadManifest(runDirectory: directory) } catch {
                throw Failure(description: "\(directory): \(error)")
            }
            if manifest.interrupted { continue }
            // A replayed bisection names its run after the scenario, with "-bisect".
            let name =
                manifest.scenario.hasSuffix("-bisect") ? String(manifest.scenario.dropLast(7)) : manifest.scenario
            if scenarios[name] == nil {
                do { scenarios[name] = try catalog.resolve(nameOrPath: name) } catch {
                    throw Failure(description: "\(directory): scenario '\(name)': \(error)")
                }
            }
            guard let scenario = scenarios[name] else { continue }
            for outcome in manifest.variants {
                guard let variant = scenario.variant(named: outcome.name), let expect = variant.expect,
                    let verdict = expect.verdicts.first, outcome.failure == nil, outcome.report?.failure == nil,
                    let report = outcome.report
                else { continue }
                let samples: [SampleRow]
                do { samples = try RunFiles.loadSamples(runDirectory: directory, variant: outcome.name) } catch {
                    throw Failure(description: "\(directory): \(error)")
                }
                let rerun = URL(fileURLWithPath: directory).deletingLastPathComponent().lastPathComponent
                cases.append(
                    TruthCase(
                        source: "real", kind: "\(name)/\(outcome.name)", instance: rerun,
                        verdict: verdict, cause: expect.causes.first ?? .none,
                        thresholds: scenario.thresholds, filesPerPass: variant.config.pipeline.files,
                        report: report, samples: samples))
            }
        }
        return cases.sorted { ($0.kind, $0.instance) < ($1.kind, $1.instance) }
    }

    /// Writes `cases` to `path`, one JSON line each, compressed.
    public static func write(_ cases: [TruthCase], to path: String) throws(Failure) {
        var data = Data()
        for c in cases {
            do { data.append(try JSONCoding.encode(c, .compact)) } catch {
                throw Failure(description: "\(c.kind): \(error)")
            }
            data.append(0x0A)
        }
        do { try GzipFile.write(data, to: path) } catch { throw Failure(description: error.description) }
    }

    /// Reads the cases packed in `path`.
    public static func read(_ path: String) throws(Failure) -> [TruthCase] {
        let data: Data
        do { data = try GzipFile.read(path) } catch { throw Failure(description: error.description) }
        var cases: [TruthCase] = []
        for (i, line) in data.split(separator: 0x0A).enumerated() {
            do { cases.append(try JSONCoding.decode(TruthCase.self, from: Data(line))) } catch {
                throw Failure(description: "\(path): line \(i + 1): not a truth case: \(error)")
            }
        }
        return cases
    }

    /// Folders under `roots` that hold a run.json, in path order.
    static func runDirectories(under roots: [String]) -> [String] {
        var found: [String] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let item = walker.nextObject() as? String {
                if (item as NSString).lastPathComponent == "run.json" {
                    found.append(
                        (root as NSString).appendingPathComponent((item as NSString).deletingLastPathComponent))
                }
            }
        }
        return found.sorted()
    }
}
