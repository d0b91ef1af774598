import Foundation
public import Model

/// The files of a run directory as `run` writes them: `run.json`, `samples/<variant>.csv`, `report.md`.
public enum RunFiles {
    /// The path of a run directory's `report.md`.
    public static func reportPath(runDirectory: String) -> String {
        (runDirectory as NSString).appendingPathComponent("report.md")
    }

    /// Reads and decodes `run.json`.
    public static func loadManifest(runDirectory: String) throws(ReportError) -> RunManifest {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runDirectory, isDirectory: &isDir), isDir.boolValue else {
            throw .missingManifest(path: runDirectory)
        }
        let path = (runDirectory as NSString).appendingPathComponent("run.json")
        guard FileManager.default.fileExists(atPath: path) else { throw .missingManifest(path: runDirectory) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, why: error.localizedDescription)
        }
        do {
            return try JSONCoding.decode(RunManifest.self, from: data)
        } catch {
            throw .malformed(path: path, why: String(describing: error))
        }
    }

    /// Reads `samples/<variant>.csv`; a variant that never started has no file and no samples.
    public static func loadSamples(runDirectory: String, variant: String) throws(ReportError) -> [SampleRow] {
        let path = (runDirectory as NSString).appendingPathComponent("samples/\(fileName(variant)).csv")
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            return SampleRow.parse(csv: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw .unreadable(path: path, why: error.localizedDescription)
        }
    }

    /// A variant's name as used in file names (`samples/<name>.csv`, `charts/<name>.svg`): "/" becomes "_".
    public static func fileName(_ variant: String) -> String {
        variant.replacingOccurrences(of: "/", with: "_")
    }

    public static func loadSamples(
        runDirectory: String, manifest: RunManifest
    ) throws(ReportError) -> [String: [SampleRow]] {
        var samples: [String: [SampleRow]] = [:]
        for v in manifest.variants {
            samples[v.name] = try loadSamples(runDirectory: runDirectory, variant: v.name)
        }
        return samples
    }
}
