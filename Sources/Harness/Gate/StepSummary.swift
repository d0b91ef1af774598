public import Foundation
import FeaturePipeline

/// Appends markdown to the file GitHub Actions shows on a job's page (`$GITHUB_STEP_SUMMARY`).
public enum StepSummary {
    /// The step-summary file named by the environment, when set and not empty.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let p = environment["GITHUB_STEP_SUMMARY"], !p.isEmpty else { return nil }
        return p
    }

    /// Appends `markdown` to `path`, creating the file when needed.
    public static func append(_ markdown: String, to path: String) throws(GateError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .write(path: path, why: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(markdown.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .write(path: path, why: String(cString: strerror(errno)))
            }
            done += n
        }
    }
}
