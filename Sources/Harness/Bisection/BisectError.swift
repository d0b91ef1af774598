public import Model
public import Reporting

/// Why a bisection could not be made or finished.
public enum BisectError: Error, Sendable, CustomStringConvertible {
    /// The scenario has neither `steps:` nor both `from:` and `to:`.
    case nothingToBisect(scenario: String, path: String)
    /// `steps:`, `from:` or `to:` names a variant the scenario does not have.
    case unknownVariant(name: String, scenario: String)
    /// A knob of `to` could not be applied to `from`.
    case knob(knob: Knob, reason: String)
    /// A run directory could not be made or written.
    case run(RunError)
    /// A report file could not be read or written.
    case report(ReportError)
    /// SIGINT or SIGTERM stopped the bisection; what ran is in `directory`.
    case interrupted(directory: String)

    public var description: String {
        switch self {
        case .nothingToBisect(let scenario, let path):
            "\(path): scenario \(scenario) has neither steps: (replay) nor from: and to: (automatic bisection)"
        case .unknownVariant(let name, let scenario): "scenario \(scenario): no variant named '\(name)' to bisect"
        case .knob(let knob, let reason): "knob \(knob.rawValue): \(reason)"
        case .run(let error): "\(error)"
        case .report(let error): "\(error)"
        case .interrupted(let directory): "interrupted: partial bisection in \(directory)"
        }
    }
}
