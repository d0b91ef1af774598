import Foundation
import SystemPackage

/// The heap profiles of `watch --sites`: asking the probes for dumps, and gathering one process's dumps where
/// `SiteReport` reads them.
enum WatchSites {
    /// Asks every probe of the command for its `count`-th dump (the request file's first 8 bytes).
    static func request(_ count: Int64, path: String) {
        guard let fd = try? FileDescriptor.open(FilePath(path), .writeOnly, options: .closeOnExec) else { return }
        _ = try? fd.closeAfter { try withUnsafeBytes(of: count) { try fd.write(toAbsoluteOffset: 0, $0) } }
    }

    /// For each variant, moves the dumps of the process that dumped most (the first by pid on a tie) from
    /// `profiles/<variant>/pid-<pid>/` to `profiles/<variant>/pass-<n>.heap`; the other processes' dumps stay.
    static func collect(runDirectory: String, variants: [String]) {
        let fm = FileManager.default
        for variant in variants {
            let root = "\(runDirectory)/profiles/\(variant)"
            try? fm.removeItem(atPath: "\(root)/dump-requests")
            let candidates = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("pid-") }
            let counted = candidates.map { name -> (String, Int, Int) in
                let files = (try? fm.contentsOfDirectory(atPath: "\(root)/\(name)")) ?? []
                let dumps = files.filter { $0.hasSuffix(".heap") }
                return (name, dumps.count, Int(name.dropFirst(4)) ?? Int.max)
            }
            guard let best = counted.filter({ $0.1 > 0 }).min(by: { ($1.1, $0.2) < ($0.1, $1.2) }) else { continue }
            let source = "\(root)/\(best.0)"
            for file in (try? fm.contentsOfDirectory(atPath: source)) ?? [] where file.hasSuffix(".heap") {
                try? fm.moveItem(atPath: "\(source)/\(file)", toPath: "\(root)/\(file)")
            }
            try? fm.removeItem(atPath: source)
        }
    }
}
