import Foundation
import Glibc
import SystemPackage

/// A private folder under `TMPDIR` for one variant's shards: made with `mkdtemp` (a name nobody can predict, mode
/// 0700), holding `owner.pid`, the pid of the process that made it.
///
/// The owner removes it when the variant's child ends; the child removes it when its owner dies first; and `run`
/// removes, at start, folders of this kind whose owner is no longer alive.
public struct WorkFolder: Sendable, Hashable {
    /// The name every work folder starts with; `mkdtemp` adds six characters.
    public static let prefix = "leakharness-work-"
    /// The file inside a work folder that names its owner.
    public static let ownerFile = "owner.pid"

    /// The folder's path.
    public let path: String

    /// A folder this process owns at an existing `path` (the child side).
    public init(path: String) { self.path = path }

    /// Makes `<root>/leakharness-work-XXXXXX` with `owner.pid` holding `owner` (nil: this process).
    public static func create(
        owner: Int32? = nil,
        root: String = TemporaryFolder.root
    ) throws(IsolationError) -> WorkFolder {
        let owner = owner ?? getpid()
        let path = try TemporaryFolder.make(prefix: prefix, root: root)
        let file = "\(path)/\(ownerFile)"
        do {
            let fd = try FileDescriptor.open(
                FilePath(file), .writeOnly, options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                permissions: .ownerReadWrite)
            try fd.closeAfter { _ = try fd.writeAll("\(owner)\n".utf8) }
        } catch {
            TemporaryFolder.remove(path)
            throw .output(path: file, reason: "\(error)")
        }
        return WorkFolder(path: path)
    }

    /// Removes the folder and everything in it (symbolic links inside are removed, never followed).
    ///
    /// The folder is first moved onto a fresh empty one of the same kind, so that a writer of this process still
    /// running creates nothing more in it by its old path; `owner.pid` goes last, so that a removal cut short
    /// leaves a folder the next `run` recognises as stale.
    public func remove() {
        var target = path
        let root = (path as NSString).deletingLastPathComponent
        if let aside = try? TemporaryFolder.make(prefix: Self.prefix, root: root) {
            if rename(path, aside) == 0 { target = aside } else { rmdir(aside) }
        }
        var info = stat()
        guard lstat(target, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            TemporaryFolder.remove(target)
            return
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [] where name != Self.ownerFile {
            TemporaryFolder.remove("\(target)/\(name)")
        }
        unlink("\(target)/\(Self.ownerFile)")
        rmdir(target)
    }

    /// Removes the work folders under `root` whose owner is dead; returns their paths.
    ///
    /// Only folders this code made qualify: a name of `prefix` and six characters, a real directory (not a symbolic
    /// link) owned by this user, holding a regular `owner.pid` whose pid is not a live process. Nothing else is
    /// touched.
    @discardableResult
    public static func removeStale(root: String = TemporaryFolder.root) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where isStale(name: name, root: root) {
            let path = "\(root)/\(name)"
            TemporaryFolder.remove(path)
            removed.append(path)
        }
        return removed
    }

    /// The pid in `owner.pid` of the folder at `path`, or nil when the folder is not a work folder of this user.
    static func owner(of path: String) -> Int32? {
        var folder = stat()
        guard lstat(path, &folder) == 0, folder.st_mode & S_IFMT == S_IFDIR, folder.st_uid == getuid() else {
            return nil
        }
        let file = "\(path)/\(ownerFile)"
        var info = stat()
        guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 32 else { return nil }
        guard let fd = try? FileDescriptor.open(FilePath(file), .readOnly, options: [.noFollow, .closeOnExec]) else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let read = try? fd.closeAfter { try buffer.withUnsafeMutableBytes { try fd.read(into: $0) } }
        guard let n = read, n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    private static func isStale(name: String, root: String) -> Bool {
        guard name.hasPrefix(prefix), name.utf8.count == prefix.utf8.count + 6,
            let pid = owner(of: "\(root)/\(name)")
        else { return false }
        return !isAlive(pid)
    }

    /// Whether a process `pid` exists (one of another user counts as alive).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
