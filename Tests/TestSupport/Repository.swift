public import Foundation

/// Where the repository's files are, found from this file's own path.
public enum Repository {
    /// The repository's root: the folder with Package.swift.
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `relative` under the root, as a path.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}
