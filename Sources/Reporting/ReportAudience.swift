/// Where a rebuilt report is read: the run directory's files, or markdown to paste where files are not shown.
public enum ReportAudience: String, Sendable, CaseIterable {
    /// Rewrite summary.json, summary.csv, report.md and the SVG charts in the run directory.
    case files
    /// Print markdown with charts GitHub draws (`PullRequestReport`), for a pull request or a job's summary.
    case pullRequest = "pull-request"
}
