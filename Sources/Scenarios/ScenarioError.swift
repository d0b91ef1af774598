/// Why a scenario could not be read, validated, found or adjusted; says the file, line and key.
public enum ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a valid scenario: where (1-based line, dotted key path) and why.
    case invalid(file: String, line: Int, key: String, reason: String)
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// No scenario of that name in the scenarios directory.
    case unknownScenario(name: String, directory: String, available: [String])
    /// No `scenarios/` directory was found.
    case noScenariosDirectory(searched: [String])
    /// A command-line override (`--files`, `--allocator`, ...) is not valid.
    case invalidOverride(option: String, reason: String)
    /// A selected variant is not in the scenario.
    case unknownVariant(name: String, scenario: String, available: [String])
    /// Several problems of one file, in line order, each an `.invalid`.
    case several([ScenarioError])

    /// `file:line: key: reason` (one line per problem), or the closest equivalent for errors without a line.
    public var description: String {
        switch self {
        case let .invalid(file, line, key, reason):
            "\(file):\(line): \(key): \(reason)"
        case let .unreadable(file, reason):
            "\(file): cannot read: \(reason)"
        case let .unknownScenario(name, directory, available):
            "unknown scenario '\(name)' (no \(directory)/\(name).yaml); available: \(available.joined(separator: ", "))"
        case let .noScenariosDirectory(searched):
            "no scenarios/ directory found (set LEAKHARNESS_SCENARIOS); looked in: \(searched.joined(separator: ", "))"
        case let .invalidOverride(option, reason):
            "\(option): \(reason)"
        case let .unknownVariant(name, scenario, available):
            "\(scenario): unknown variant '\(name)'; variants: \(available.joined(separator: ", "))"
        case let .several(problems):
            problems.map(\.description).joined(separator: "\n")
        }
    }

    /// Every problem this error stands for: the list of `.several`, else itself.
    public var problems: [ScenarioError] {
        if case let .several(problems) = self { return problems }
        return [self]
    }

    /// The 1-based line of the (first) problem, when it comes from a file.
    public var line: Int? {
        switch self {
        case let .invalid(_, line, _, _): line
        case let .several(problems): problems.first?.line
        default: nil
        }
    }

    /// The dotted key path of the (first) problem (`variants.leaky.writer`), when it comes from a file.
    public var key: String? {
        switch self {
        case let .invalid(_, _, key, _): key
        case let .several(problems): problems.first?.key
        default: nil
        }
    }
}
