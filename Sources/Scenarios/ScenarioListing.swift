public import Foundation
public import Model

/// What `leakharness list --json` prints: scenarios with their variants, and the files that failed to load.
///
/// One line of JSON with sorted keys, so that a CI step can put it in an output and a matrix can read
/// `scenarios[0].variants.*.name` from it. The layout is `reports/schema/list.schema.json`.
public struct ScenarioListing: Sendable, Hashable, Encodable {
    /// One variant as the scenario file gives it.
    public struct VariantEntry: Sendable, Hashable, Encodable {
        /// The variant's name (a safe file name).
        public var name: String
        /// The knobs it sets against the base, as written.
        public var overrides: [Knob: String]
        /// Every knob of its configuration.
        public var knobs: [Knob: String]
        /// What CI gates on, when the scenario says.
        public var expect: Expectation?
        /// What the case study observed for this step.
        public var document: String?
        /// What of the case study the step's knobs stand for.
        public var models: String?
    }

    /// One valid scenario.
    public struct ScenarioEntry: Sendable, Hashable, Encodable {
        /// The scenario's name.
        public var name: String
        /// Its one-line description.
        public var description: String
        /// The file it was read from.
        public var file: String
        /// Analysis thresholds.
        public var thresholds: ThresholdLimits
        /// In file order.
        public var variants: [VariantEntry]
        /// For `bisect`: the steps to replay, in order.
        public var steps: [String]?
        /// For automatic bisection: the variant that grows.
        public var from: String?
        /// For automatic bisection: the variant that does not.
        public var to: String?
    }

    /// One problem of a file that did not load.
    public struct Problem: Sendable, Hashable, Encodable {
        /// The file.
        public var file: String
        /// The 1-based line, when the problem is in the file's text.
        public var line: Int?
        /// The dotted key path, when the problem is in the file's text.
        public var key: String?
        /// The whole message, `file:line: key: reason`.
        public var message: String
    }

    /// The version of this layout.
    public static let currentSchemaVersion = 1

    /// The layout version.
    public var schemaVersion = Self.currentSchemaVersion
    /// The valid scenarios, in the order asked (or by file name).
    public var scenarios: [ScenarioEntry] = []
    /// Every problem of every file that did not load, each file's in line order.
    public var errors: [Problem] = []

    enum CodingKeys: String, CodingKey {
        case scenarios, errors
        case schemaVersion = "schema_version"
    }

    /// A listing of loaded scenarios and failures, keeping their order.
    public init(_ results: [(path: String, result: Result<Scenario, ScenarioError>)]) {
        for (path, result) in results {
            switch result {
            case .success(let scenario):
                scenarios.append(ScenarioEntry(scenario))
            case .failure(let error):
                errors += error.problems.map { problem in
                    Problem(
                        file: Self.file(of: problem) ?? path, line: problem.line, key: problem.key,
                        message: problem.description)
                }
            }
        }
    }

    /// The compact JSON text with sorted keys and a final newline.
    public func encoded() -> Data {
        var data = (try? JSONCoding.encode(self, .compact)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    static func file(of error: ScenarioError) -> String? {
        switch error {
        case let .invalid(file, _, _, _), let .unreadable(file, _): file
        default: nil
        }
    }
}

extension ScenarioListing.ScenarioEntry {
    init(_ scenario: Scenario) {
        self.init(
            name: scenario.name, description: scenario.description, file: scenario.path,
            thresholds: ThresholdLimits(scenario.thresholds),
            variants: scenario.variants.map { v in
                .init(
                    name: v.name, overrides: v.overrides, knobs: v.config.knobs, expect: v.expect,
                    document: v.document, models: v.models)
            },
            steps: scenario.steps, from: scenario.from, to: scenario.to)
    }
}
