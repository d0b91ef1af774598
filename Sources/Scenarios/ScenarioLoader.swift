import Foundation
import Yams
public import Model

/// Reads scenario files and validates everything in them before any work starts.
///
/// Decisions the format leaves open:
/// - a variant written as `name:` (null) is the same as `name: {}`;
/// - a scenario read from a directory named `scenarios` must be named after its file;
/// - every variant must keep at least `min_files` files after the warm-up:
///   `files × passes − ceil(files × passes × warmup_fraction) ≥ min_files`.
public enum ScenarioLoader {
    /// Top-level keys of a scenario file.
    static let topLevelKeys = ["name", "description", "thresholds", "base", "variants", "steps", "from", "to"]
    /// Keys of `thresholds:`.
    static let thresholdKeys = ["tolerance_mb_per_1000_files", "min_files", "warmup_fraction"]
    /// Keys of a variant besides the knobs.
    static let variantExtraKeys = ["expect", "document", "models"]
    /// Longest file accepted (scenario files are a few KB).
    static let maxBytes = 1 << 20

    /// The environment variable that, set to `1`, lets the `fault:` knob through: the harness's own tests set it.
    public static let allowFaultsVariable = "LEAKHARNESS_ALLOW_FAULTS"

    /// Whether `environment` allows fault injection: `LEAKHARNESS_ALLOW_FAULTS=1`, which no user sets by accident.
    public static func allowsFaults(environment: [String: String]) -> Bool {
        environment[allowFaultsVariable] == "1"
    }

    /// Whether this process's environment allows fault injection.
    public static var environmentAllowsFaults: Bool { allowsFaults(environment: ProcessInfo.processInfo.environment) }

    /// Reads and validates the scenario at `path`; `fault:` is allowed only when `allowFaults` (by default, when
    /// this process's environment allows it).
    public static func load(
        path: String, allowFaults: Bool = environmentAllowsFaults
    ) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= maxBytes else {
                throw ScenarioError.unreadable(file: path, reason: "larger than \(maxBytes) bytes")
            }
            text = String(decoding: data, as: UTF8.self)
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(yaml: text, path: path, allowFaults: allowFaults)
    }

    /// Validates scenario text; `path` names it in errors and, under a `scenarios` directory, fixes its name.
    public static func parse(yaml: String, path: String, allowFaults: Bool) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw yamlError(error, file: path, yaml: yaml)
        }
        guard let root else {
            throw .invalid(
                file: path, line: 1, key: "(document)",
                reason: "the file is empty; expected a mapping with name, description and variants")
        }
        let url = URL(fileURLWithPath: path)
        let expectedName: String? =
            url.deletingLastPathComponent().lastPathComponent == "scenarios"
            ? url.deletingPathExtension().lastPathComponent : nil
        let reader = ScenarioReader(file: path, allowFaults: allowFaults, expectedName: expectedName)
        return try reader.scenario(root)
    }

    /// Turns any error of Yams into a `ScenarioError` with the line it names.
    static func yamlError(_ error: any Error, file: String, yaml: String) -> ScenarioError {
        guard let error = error as? YamlError else {
            return .invalid(file: file, line: 1, key: "(yaml)", reason: "invalid YAML: \(error)")
        }
        switch error {
        case let .scanner(context, problem, mark, _),
            let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let reason = context.map { "\($0.text) (line \($0.mark.line)): \(problem)" } ?? problem
            return .invalid(file: file, line: max(1, mark.line), key: "(yaml)", reason: "invalid YAML: \(reason)")
        case let .reader(problem, offset, _, _):
            let line = offset.map { off in 1 + yaml.prefix(off).reduce(0) { $1 == "\n" ? $0 + 1 : $0 } } ?? 1
            return .invalid(file: file, line: line, key: "(yaml)", reason: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            return .invalid(
                file: file, line: max(1, context.mark.line), key: key,
                reason: "duplicate key '\(duplicates.joined(separator: "', '"))' in one mapping")
        default:
            return .invalid(file: file, line: 1, key: "(yaml)", reason: "invalid YAML: \(error)")
        }
    }

    /// Whether `name` is safe as a file name: `[A-Za-z0-9._-]`, 1 to 64 characters, not starting with `.`.
    public static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F
                || c == 0x2D
        }
    }

    /// Files left to the analysis after the warm-up, for a variant's configuration.
    public static func filesAfterWarmup(_ config: VariantConfig, thresholds: Thresholds) -> Int {
        let total = config.pipeline.files * config.pipeline.passes
        return total - Int((Double(total) * thresholds.warmupFraction).rounded(.up))
    }

    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance between two strings, by characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
