import Foundation
import Glibc
import SystemPackage

/// Folders under `TMPDIR` with names nobody can predict, and their removal without following symbolic links.
public enum TemporaryFolder {
    /// `TMPDIR` (through `NSTemporaryDirectory()`), without a trailing slash.
    public static var root: String {
        let path = NSTemporaryDirectory()
        return path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }

    /// Makes `<root>/<prefix>XXXXXX` with `mkdtemp` (mode 0700, never an existing path) and returns its path.
    public static func make(prefix: String, root: String = root) throws(IsolationError) -> String {
        var template = Array("\(root)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else {
            throw .output(path: "\(root)/\(prefix)XXXXXX", reason: "mkdtemp: \(Errno(rawValue: errno))")
        }
        return made
    }

    /// Removes `path` and, when it is a real directory, everything in it; a symbolic link is removed itself, its
    /// target never touched.
    public static func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                remove("\(path)/\(name)")
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

}
