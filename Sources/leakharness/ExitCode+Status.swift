import ArgumentParser
import Model

extension ExitCode {
    /// The exit code of one of the harness's statuses.
    init(_ status: ExitStatus) { self.init(status.rawValue) }
}
