public import Foundation
public import Model
public import Reporting

/// A baseline file: per scenario and variant, the figures a later `check` must not exceed (see reports/README.md).
public struct Baseline: Sendable, Hashable, Codable {
    /// One variant's recorded figures.
    public struct Entry: Sendable, Hashable, Codable {
        /// The verdict recorded.
        public var verdict: Verdict
        /// The cause recorded.
        public var cause: Cause
        /// RSS slope within passes with its 95% interval, MB per 1000 files; absent when none was measured.
        public var slopeMBPer1000Files: SlopeEstimate?
        /// Highest RSS sampled, MB.
        public var rssPeakMB: Double?
        /// Files per second of work (informative).
        public var filesPerS: Double
        /// Files processed.
        public var files: Int

        enum CodingKeys: String, CodingKey {
            case verdict, cause, files
            case slopeMBPer1000Files = "slope_mb_per_1000_files"
            case rssPeakMB = "rss_peak_mb"
            case filesPerS = "files_per_s"
        }

        /// The figures of a variant's summary.
        public init(_ v: VariantSummary) {
            verdict = v.verdict
            cause = v.cause
            slopeMBPer1000Files = v.slopeMBPer1000Files
            rssPeakMB = v.rssPeakMB
            filesPerS = v.filesPerS
            files = v.files
        }
    }

    /// One scenario's recorded variants.
    public struct ScenarioEntry: Sendable, Hashable, Codable {
        /// When the run behind these figures was made (ISO 8601).
        public var createdAt: String
        /// By variant name.
        public var variants: [String: Entry]

        enum CodingKeys: String, CodingKey {
            case variants
            case createdAt = "created_at"
        }

        /// Makes an entry.
        public init(createdAt: String, variants: [String: Entry]) {
            self.createdAt = createdAt
            self.variants = variants
        }
    }

    /// The layout version this harness reads and writes.
    public static let currentSchemaVersion = 1

    /// The layout version of the file.
    public var schemaVersion: Int
    /// By scenario name.
    public var scenarios: [String: ScenarioEntry]

    enum CodingKeys: String, CodingKey {
        case scenarios
        case schemaVersion = "schema_version"
    }

    /// An empty baseline.
    public init(scenarios: [String: ScenarioEntry] = [:]) {
        schemaVersion = Self.currentSchemaVersion
        self.scenarios = scenarios
    }

    /// The recorded figures of `variant` of `scenario`.
    public func entry(scenario: String, variant: String) -> Entry? { scenarios[scenario]?.variants[variant] }

    /// This baseline with `summary`'s variants recorded (replacing earlier figures of the same variants); FAILED variants are left out.
    public func updated(with summary: RunSummary) -> Baseline {
        var copy = self
        var entry = copy.scenarios[summary.scenario] ?? ScenarioEntry(createdAt: summary.createdAt, variants: [:])
        entry.createdAt = summary.createdAt
        for v in summary.variants where v.verdict != .failed {
            entry.variants[v.name] = Entry(v)
        }
        copy.scenarios[summary.scenario] = entry
        return copy
    }

    /// Reads a baseline file; a missing file is an error (use `Baseline()` to start one).
    public static func load(path: String) throws(GateError) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .baseline(path: path, why: "cannot read the file")
        }
        let baseline: Baseline
        do {
            baseline = try JSONCoding.decode(Baseline.self, from: data)
        } catch {
            throw .baseline(path: path, why: "not a baseline JSON: \(error)")
        }
        guard baseline.schemaVersion == currentSchemaVersion else {
            throw .baseline(
                path: path, why: "schema_version \(baseline.schemaVersion), this harness reads \(currentSchemaVersion)")
        }
        return baseline
    }

    /// The JSON text: sorted keys, pretty-printed, ending in a newline.
    public func encoded() -> Data {
        var data = (try? JSONCoding.encode(self)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// Writes the baseline atomically.
    public func write(path: String) throws(GateError) {
        do { try AtomicFile.write(encoded(), to: path) } catch { throw .write(path: path, why: "\(error)") }
    }
}
