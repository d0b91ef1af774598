public import Foundation
import SystemPackage

/// Appends markdown to the file GitHub Actions shows on a job's page (`$GITHUB_STEP_SUMMARY`).
public enum StepSummary {
    /// The step-summary file named by the environment, when set and not empty.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let p = environment["GITHUB_STEP_SUMMARY"], !p.isEmpty else { return nil }
        return p
    }

    /// Appends `markdown` to `path`, creating the file when needed.
    public static func append(_ markdown: String, to path: String) throws(GateError) {
        do {
            let fd = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .append, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
            try fd.closeAfter { _ = try fd.writeAll(markdown.utf8) }
        } catch {
            throw .write(path: path, why: "\(error)")
        }
    }
}
