import Foundation
import Model
public import Reporting

/// `report merge`: run directories of one scenario made on several machines (a CI matrix) become one run directory.
public enum RunMerger {
    /// Copies every variant's samples (and result and profile files) from `directories` into `out`, writes the merged
    /// run.json (variants in the order given) and a run.log naming the sources, then writes the report; returns its summary.
    ///
    /// Fails when the runs are of different scenarios, a variant appears twice, or `out` exists and is not empty.
    @discardableResult
    public static func merge(directories: [String], out: String) throws(GateError) -> RunSummary {
        guard !directories.isEmpty else { throw .merge(path: out, why: "no run directories given") }
        let fm = FileManager.default
        var manifests: [RunManifest] = []
        for d in directories {
            do { manifests.append(try RunFiles.loadManifest(runDirectory: d)) } catch {
                throw .run(path: d, why: "\(error)")
            }
        }
        var merged = manifests[0]
        merged.variants = []
        var from: [String: String] = [:]
        var log = [
            "merged by leakharness report merge from \(directories.count) run director\(directories.count == 1 ? "y" : "ies"):"
        ]
        for (d, m) in zip(directories, manifests) {
            guard m.scenario == merged.scenario else {
                throw .merge(path: d, why: "scenario \(m.scenario), the first directory's is \(merged.scenario)")
            }
            guard m.xUnit == merged.xUnit else {
                throw .merge(path: d, why: "x unit \(m.xUnit ?? "files") differs from \(merged.xUnit ?? "files")")
            }
            if m.thresholds != merged.thresholds {
                log.append("  warning: \(d) has other thresholds; the first directory's are used")
            }
            for v in m.variants {
                if let other = from[v.name] { throw .merge(path: d, why: "variant \(v.name) is also in \(other)") }
                from[v.name] = d
                merged.variants.append(v)
            }
            merged.interrupted = merged.interrupted || m.interrupted
            merged.createdAt = min(merged.createdAt, m.createdAt)
            log.append(
                "  \(d): \(m.variants.map(\.name).joined(separator: ", ")) on \(m.machine.host) (\(m.machine.cores) cores, kernel \(m.machine.kernel), glibc \(m.machine.glibc)), \(m.createdAt)"
            )
        }
        if fm.fileExists(atPath: out) {
            let contents = (try? fm.contentsOfDirectory(atPath: out)) ?? ["?"]
            guard contents.isEmpty else { throw .merge(path: out, why: "the output directory exists and is not empty") }
        }
        do {
            try fm.createDirectory(atPath: "\(out)/samples", withIntermediateDirectories: true)
            for v in merged.variants {
                let source = from[v.name]!
                let name = RunFiles.fileName(v.name)
                for file in ["samples/\(name).csv", "samples/\(name).result.json"]
                where fm.fileExists(atPath: "\(source)/\(file)") {
                    try fm.copyItem(atPath: "\(source)/\(file)", toPath: "\(out)/\(file)")
                }
                if fm.fileExists(atPath: "\(source)/profiles/\(v.name)") {
                    try fm.createDirectory(atPath: "\(out)/profiles", withIntermediateDirectories: true)
                    try fm.copyItem(atPath: "\(source)/profiles/\(v.name)", toPath: "\(out)/profiles/\(v.name)")
                }
            }
        } catch {
            throw .write(path: out, why: error.localizedDescription)
        }
        for (d, m) in zip(directories, manifests) {
            let text = (try? String(contentsOfFile: "\(d)/run.log", encoding: .utf8)) ?? ""
            if !text.isEmpty {
                log.append("--- \(d) (\(m.machine.host)) run.log:\n" + text.trimmingCharacters(in: .newlines))
            }
        }
        do {
            try AtomicFile.write(try JSONCoding.encode(merged), to: "\(out)/run.json")
            try AtomicFile.write(log.joined(separator: "\n") + "\n", to: "\(out)/run.log")
            return try RunReporter.write(runDirectory: out)
        } catch {
            throw .write(path: out, why: "\(error)")
        }
    }
}
