import Foundation
import Glibc
import Synchronization

/// The generated corpus, made once per machine in a cache folder and reused.
///
/// Generated into a temporary sibling and renamed into place, so concurrent processes never see half a corpus.
public enum BuiltInCorpus {
    /// Bumped whenever the synthesis changes, so stale caches are not reused.
    public static let version = 2

    /// `$LEAKHARNESS_CACHE`, else `$XDG_CACHE_HOME/leakharness`, else `~/.cache/leakharness`.
    public static func cacheRoot() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LEAKHARNESS_CACHE"], !path.isEmpty { return path }
        if let path = environment["XDG_CACHE_HOME"], !path.isEmpty {
            return (path as NSString).appendingPathComponent("leakharness")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/leakharness")
    }

    /// Folder name for a parameter set: `corpus-v2-12x25-s1`, `corpus-v2-12x25-s1-longtail`.
    public static func folderName(
        speakers: Int = 12, utterances: Int = 25, seed: UInt64 = 1, longTail: Bool = false
    ) -> String {
        "corpus-v\(version)-\(speakers)x\(utterances)-s\(seed)" + (longTail ? "-longtail" : "")
    }

    /// Where the corpus of these parameters lives (whether or not it was generated yet).
    public static func path(
        speakers: Int = 12, utterances: Int = 25, seed: UInt64 = 1, longTail: Bool = false
    ) -> String {
        (cacheRoot() as NSString).appendingPathComponent(
            folderName(speakers: speakers, utterances: utterances, seed: seed, longTail: longTail))
    }

    /// The corpus directory for a pipeline's `corpus` knob, generating the built-in one if needed.
    public static func directory(for source: CorpusSource) throws(CorpusError) -> String {
        switch source {
        case .builtIn: try directory()
        case .longTail: try directory(longTail: true)
        case .directory(let path): path
        }
    }

    private static let generating = Locked(())

    /// The cached corpus directory, generated on first use.
    public static func directory(
        speakers: Int = 12, utterances: Int = 25, seed: UInt64 = 1, longTail: Bool = false
    ) throws(CorpusError) -> String {
        let final = path(speakers: speakers, utterances: utterances, seed: seed, longTail: longTail)
        if isDirectory(final) { return final }
        let result: Result<String, CorpusError> = generating.withLock { _ in
            if isDirectory(final) { return .success(final) }
            let parent = (final as NSString).deletingLastPathComponent
            removeAbandonedTemporaries(of: final)
            let temporary = (parent as NSString).appendingPathComponent(
                ".\((final as NSString).lastPathComponent).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                return .failure(.write(path: parent, reason: error.localizedDescription))
            }
            do throws(CorpusError) {
                try SyntheticCorpus.generate(
                    into: temporary, speakers: speakers, utterances: utterances, seed: seed, longTail: longTail)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                return .failure(error)
            }
            if rename(temporary, final) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                // Another process won the race: its corpus is complete and identical.
                guard isDirectory(final) else { return .failure(.write(path: final, reason: "rename: \(reason)")) }
            }
            return .success(final)
        }
        return try result.get()
    }

    /// Removes temporaries of `final` left by processes that died while generating (their pid is gone).
    private static func removeAbandonedTemporaries(of final: String) {
        let parent = (final as NSString).deletingLastPathComponent
        let prefix = ".\((final as NSString).lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap({ Int32($0) }) else {
                continue
            }
            if kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(name))
            }
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
