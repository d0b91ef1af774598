public import Foundation
public import Model

/// `summary.json`: the verdicts of a run, the file `check`, `compare` and `bisect` read back.
public struct RunSummary: Sendable, Hashable, Codable {
    /// The analysis thresholds the verdicts were made with.
    public typealias Limits = ThresholdLimits

    /// The version of this file's layout; bumped when a field changes meaning.
    public static let currentSchemaVersion = 1

    /// The layout version this file was written with.
    public var schemaVersion: Int
    /// The scenario's name.
    public var scenario: String
    /// The scenario's description.
    public var description: String
    /// When the run was made (ISO 8601, from run.json).
    public var createdAt: String
    /// The run was stopped before every variant ran.
    public var interrupted: Bool
    /// The thresholds the verdicts were made with.
    public var thresholds: Limits
    /// In run order.
    public var variants: [VariantSummary]
    /// What `files_done` counts when it is not files ("ms" or "items", from `watch`); absent for files.
    public var xUnit: String?

    enum CodingKeys: String, CodingKey {
        case scenario, description, interrupted, thresholds, variants
        case schemaVersion = "schema_version"
        case createdAt = "created_at"
        case xUnit = "x_unit"
    }

    /// The unit of the slopes: "MB/1000 files", "MB/s" (x in ms) or "MB/1000 items".
    public var slopeUnit: String {
        switch xUnit {
        case nil: "MB/1000 files"
        case "ms"?: "MB/s"
        case let unit?: "MB/1000 \(unit)"
        }
    }

    /// Makes a summary of a run.
    public init(manifest: RunManifest, variants: [VariantSummary]) {
        schemaVersion = Self.currentSchemaVersion
        scenario = manifest.scenario
        description = manifest.description
        createdAt = manifest.createdAt
        interrupted = manifest.interrupted
        thresholds = Limits(manifest.thresholds)
        xUnit = manifest.xUnit
        self.variants = variants
        if xUnit != nil {
            // The analysis speaks of files; say the run's unit instead.
            let unit = slopeUnit
            for i in self.variants.indices {
                self.variants[i].reason = self.variants[i].reason.replacingOccurrences(of: "MB/1000 files", with: unit)
                    .replacingOccurrences(of: " files after a warm-up", with: " \(xUnit!) after a warm-up")
            }
        }
    }

    /// The variant named `name`.
    public func variant(named name: String) -> VariantSummary? { variants.first { $0.name == name } }

    /// Whether any variant failed (the `run` command exits 3 then).
    public var anyFailed: Bool { variants.contains { $0.verdict == .failed } }

    /// The JSON text of this summary: sorted keys, pretty-printed, byte-identical for equal summaries.
    public func encoded() throws(ReportError) -> Data {
        do {
            var data = try JSONCoding.encode(self)
            data.append(0x0A)
            return data
        } catch {
            throw .malformed(path: "summary.json", why: "cannot encode: \(error)")
        }
    }

    /// Reads `summary.json` back from a run directory.
    public static func load(runDirectory: String) throws(ReportError) -> RunSummary {
        let path = (runDirectory as NSString).appendingPathComponent("summary.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unreadable(path: path, why: "no summary.json (run `leakharness report \(runDirectory)` to write it)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, why: error.localizedDescription)
        }
        do {
            let summary = try JSONCoding.decode(RunSummary.self, from: data)
            guard summary.schemaVersion == currentSchemaVersion else {
                throw ReportError.malformed(
                    path: path,
                    why: "schema_version \(summary.schemaVersion), this harness reads \(currentSchemaVersion)")
            }
            return summary
        } catch let error as ReportError {
            throw error
        } catch {
            throw .malformed(path: path, why: String(describing: error))
        }
    }
}
