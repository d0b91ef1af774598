public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader sees either the old content or the new, never a half-written file.
public enum AtomicFile {
    /// Writes `data` to a temporary file in `path`'s directory (created if needed), then renames it over `path`.
    public static func write(_ data: Data, to path: String) throws(ReportError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory, why: "cannot create the directory: \(error.localizedDescription)")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-" + UUID().uuidString
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .writeFailed(path: temporary, why: error.localizedDescription)
        }
        if rename(temporary, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, why: "rename from \(temporary) failed: \(why)")
        }
    }

    /// Writes `text` as UTF-8, atomically.
    public static func write(_ text: String, to path: String) throws(ReportError) {
        try write(Data(text.utf8), to: path)
    }
}
