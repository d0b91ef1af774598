/// How leakharness and its children end, as the exit status says it.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Everything ran and met what it was checked against.
    case success = 0
    /// It ran, and what it was checked against was not met: an expectation, a comparison, a rate's target, a file
    /// that does not read back, an output that could not be written.
    case checkFailed = 1
    /// Bad input (options, scenario files, corpus, a child's spec), found before any work.
    case usage = 2
    /// A variant failed (crash, ceiling, time limit, ENOSPC, allocator not loaded); its samples and report are kept.
    case variantFailed = 3
    /// The command given to `watch` could not be started.
    case notExecuted = 127

    /// The status of a process ended because it caught `signal` (128 + the signal's number, as a shell reports it).
    public static func signalled(_ signal: Int32) -> Int32 { 128 + signal }
}
