import Foundation

/// One audio file of a corpus.
public struct CorpusEntry: Sendable, Hashable {
    /// Absolute or directory-relative path of the audio file.
    public var path: String
    /// Speaker id (`p225`): the file's parent directory.
    public var speaker: String
    /// Utterance id: the file name without extension and without the `speaker_` prefix (`001`, `001_mic1`).
    public var utterance: String

    /// Creates an entry.
    public init(path: String, speaker: String, utterance: String) {
        self.path = path
        self.speaker = speaker
        self.utterance = utterance
    }
}

/// Lists the audio files of a VCTK-layout directory.
public enum CorpusIndex {
    /// The entries of `directory`, sorted by path.
    ///
    /// Looks in `wav48/` for .wav files, else `wav48_silence_trimmed/` for .flac files (the VCTK 0.92
    /// release), else anywhere below the directory for .wav or .flac files.
    public static func load(directory: String) throws(CorpusError) -> [CorpusEntry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(directory)
        }
        let root = URL(fileURLWithPath: directory)
        for (sub, extensions) in [("wav48", ["wav"]), ("wav48_silence_trimmed", ["flac"])] {
            let candidate = root.appendingPathComponent(sub)
            guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                continue
            }
            let files = try audioFiles(under: candidate.path, extensions: extensions)
            if !files.isEmpty { return entries(files) }
        }
        let files = try audioFiles(under: directory, extensions: ["wav", "flac"])
        guard !files.isEmpty else { throw .noAudio(directory: directory) }
        return entries(files)
    }

    private static func audioFiles(under directory: String, extensions: [String]) throws(CorpusError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw .unreadable(directory: directory, reason: "cannot enumerate")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let ext = (relative as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files
    }

    private static func entries(_ paths: [String]) -> [CorpusEntry] {
        paths.sorted().map { path in
            let speaker = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let utterance = stem.hasPrefix(speaker + "_") ? String(stem.dropFirst(speaker.count + 1)) : stem
            return CorpusEntry(path: path, speaker: speaker, utterance: utterance)
        }
    }
}
