import Foundation
import Yams

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

    /// Reads and validates the scenario at `path`; `fault:` is allowed only when the path contains `/Tests/`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
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
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return try parse(yaml: text, path: path, allowFaults: absolute.contains("/Tests/"))
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
            throw .invalid(file: path, line: 1, key: "(document)", reason: "the file is empty; expected a mapping with name, description and variants")
        }
        let url = URL(fileURLWithPath: path)
        let expectedName: String? = url.deletingLastPathComponent().lastPathComponent == "scenarios"
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
            return .invalid(file: file, line: max(1, context.mark.line), key: key,
                            reason: "duplicate key '\(duplicates.joined(separator: "', '"))' in one mapping")
        default:
            return .invalid(file: file, line: 1, key: "(yaml)", reason: "invalid YAML: \(error)")
        }
    }

    /// Whether `name` is safe as a file name: `[A-Za-z0-9._-]`, 1 to 64 characters, not starting with `.`.
    public static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
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

/// Walks one composed YAML document and builds a `Scenario`, failing on the first problem.
struct ScenarioReader {
    let file: String
    let allowFaults: Bool
    let expectedName: String?

    typealias Entry = (key: String, keyNode: Node, value: Node)

    func fail(_ node: Node?, _ key: String, _ reason: String) -> ScenarioError {
        .invalid(file: file, line: max(1, node?.mark?.line ?? 1), key: key, reason: reason)
    }

    /// The node's resolved tag name (`int`, `float`, `null`, ...).
    static func tag(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let s): Self.tag(node) == .null ? "nothing (null)" : "'\(s.string)'"
        }
    }

    func unknownKey(_ key: String, _ node: Node, path: String, valid: [String]) -> ScenarioError {
        if let close = ScenarioLoader.suggestion(for: key, among: valid) {
            return fail(node, path, "unknown key '\(key)'; did you mean '\(close)'?")
        }
        return fail(node, path, "unknown key '\(key)'; expected one of: \(valid.joined(separator: ", "))")
    }

    /// The entries of a mapping in file order; keys must be scalars, unique as text.
    func entries(_ node: Node, path: String) throws(ScenarioError) -> [Entry] {
        guard case .mapping(let mapping) = node else {
            throw fail(node, path, "expected a mapping, found \(Self.kind(node))")
        }
        var out: [Entry] = []
        var seen = Set<String>()
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw fail(keyNode, path, "keys must be plain text, found \(Self.kind(keyNode))")
            }
            let key = scalar.string
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard seen.insert(key).inserted else {
                throw fail(keyNode, keyPath, "duplicate key '\(key)' in one mapping")
            }
            out.append((key, keyNode, value))
        }
        return out
    }

    /// A non-null scalar's text.
    func text(_ node: Node, path: String) throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node, Self.tag(node) != .null else {
            throw fail(node, path, "expected a single value, found \(Self.kind(node))")
        }
        return scalar.string
    }

    func int(_ node: Node, path: String) throws(ScenarioError) -> Int {
        guard case .scalar(let scalar) = node, Self.tag(node) == .int, let n = Int.construct(from: scalar) else {
            throw fail(node, path, "expected an integer, found \(Self.kind(node))")
        }
        return n
    }

    func number(_ node: Node, path: String) throws(ScenarioError) -> Double {
        guard case .scalar(let scalar) = node, Self.tag(node) == .int || Self.tag(node) == .float,
              let x = Double.construct(from: scalar) ?? Int.construct(from: scalar).map(Double.init) else {
            throw fail(node, path, "expected a number, found \(Self.kind(node))")
        }
        return x
    }

    /// Reads a knob's value as text `VariantConfig.set` accepts, checked against the knob's range.
    func knobValue(_ knob: Knob, _ node: Node, path: String) throws(ScenarioError) -> String {
        let value: String
        if knob == .settle {
            let x = try number(node, path: path)
            value = x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        } else if knob.isNumeric {
            value = String(try int(node, path: path))
        } else {
            value = try text(node, path: path)
        }
        if knob == .fault && !allowFaults {
            throw fail(node, path, "fault injection is only allowed in scenarios under Tests/")
        }
        var scratch = VariantConfig()
        do {
            try scratch.set(knob, value)
        } catch {
            throw fail(node, path, error.description)
        }
        return value
    }

    /// A mapping of knob keys to values.
    func knobs(_ entries: [Entry], path: String, extra: [String] = []) throws(ScenarioError) -> [Knob: String] {
        var out: [Knob: String] = [:]
        for entry in entries where !extra.contains(entry.key) {
            let keyPath = "\(path).\(entry.key)"
            guard let knob = Knob(rawValue: entry.key) else {
                throw unknownKey(entry.key, entry.keyNode, path: keyPath, valid: Knob.allCases.map(\.rawValue) + extra)
            }
            out[knob] = try knobValue(knob, entry.value, path: keyPath)
        }
        return out
    }

    func safeName(_ node: Node, path: String, what: String) throws(ScenarioError) -> String {
        let name = try text(node, path: path)
        guard ScenarioLoader.isSafeName(name) else {
            throw fail(node, path, "\(what) '\(name)' is not safe as a file name: use 1-64 of [A-Za-z0-9._-], not starting with '.'")
        }
        return name
    }

    /// Parses `STABLE` or `{verdict: LEAK, cause: descriptors}`: one verdict and one cause. A verdict without growth
    /// has the cause `none`; LEAK and RETENTION name theirs. Lists are refused: a verdict that changes between reruns
    /// is a defect of the rule, not something to expect.
    func expectation(_ node: Node, path: String) throws(ScenarioError) -> Expectation {
        var verdictNode = node
        var causeNode: Node?
        if case .mapping = node {
            var found: Node?
            for entry in try entries(node, path: path) {
                switch entry.key {
                case "verdict": found = entry.value
                case "cause": causeNode = entry.value
                default: throw unknownKey(entry.key, entry.keyNode, path: "\(path).\(entry.key)", valid: ["verdict", "cause"])
                }
            }
            guard let found else { throw fail(node, path, "missing 'verdict'") }
            verdictNode = found
        }
        let verdictPath = causeNode == nil && verdictNode == node ? path : "\(path).verdict"
        let verdict = try single(verdictNode, path: verdictPath, of: Verdict.self, what: "verdict")
        let grows = verdict == .leak || verdict == .retention
        guard let causeNode else {
            if grows {
                throw fail(node, path, "\(verdict.rawValue) names its cause: {verdict: \(verdict.rawValue), cause: ...}")
            }
            return Expectation(verdicts: [verdict], causes: [.none])
        }
        let cause = try single(causeNode, path: "\(path).cause", of: Cause.self, what: "cause")
        if grows == (cause == .none) {
            let reason = grows ? "\(verdict.rawValue) needs a cause other than none" : "\(verdict.rawValue) has the cause none"
            throw fail(causeNode, "\(path).cause", reason)
        }
        return Expectation(verdicts: [verdict], causes: [cause])
    }

    /// Exactly one value of a string enum; a list is refused.
    func single<T: RawRepresentable<String> & CaseIterable & Equatable>(
        _ node: Node, path: String, of type: T.Type, what: String
    ) throws(ScenarioError) -> T {
        if case .sequence = node {
            throw fail(node, path, "expected one \(what), found a list: expect names one verdict and one cause")
        }
        return try list(node, path: path, of: type, what: what)[0]
    }

    /// One value or a non-empty list of values of a string enum.
    func list<T: RawRepresentable<String> & CaseIterable & Equatable>(_ node: Node, path: String, of: T.Type, what: String) throws(ScenarioError) -> [T] {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        guard !items.isEmpty else { throw fail(node, path, "expected at least one \(what)") }
        var out: [T] = []
        let valid = T.allCases.map(\.rawValue)
        for item in items {
            let word = try text(item, path: path)
            guard let value = T(rawValue: word) else {
                let hint = ScenarioLoader.suggestion(for: word, among: valid).map { "did you mean '\($0)'? " } ?? ""
                throw fail(item, path, "unknown \(what) '\(word)'; \(hint)expected one of: \(valid.joined(separator: ", "))")
            }
            if !out.contains(value) { out.append(value) }
        }
        return out
    }

    func thresholds(_ node: Node) throws(ScenarioError) -> Thresholds {
        var t = Thresholds()
        for entry in try entries(node, path: "thresholds") {
            let keyPath = "thresholds.\(entry.key)"
            switch entry.key {
            case "tolerance_mb_per_1000_files":
                let x = try number(entry.value, path: keyPath)
                guard x > 0, x <= 1_000_000 else { throw fail(entry.value, keyPath, "expected a positive number of MB, found \(x)") }
                t.toleranceMBPer1000Files = x
            case "min_files":
                let n = try int(entry.value, path: keyPath)
                guard n >= 1 else { throw fail(entry.value, keyPath, "expected at least 1, found \(n)") }
                t.minFiles = n
            case "warmup_fraction":
                let x = try number(entry.value, path: keyPath)
                guard x >= 0, x <= 0.9 else { throw fail(entry.value, keyPath, "expected a fraction from 0 to 0.9, found \(x)") }
                t.warmupFraction = x
            default:
                throw unknownKey(entry.key, entry.keyNode, path: keyPath, valid: ScenarioLoader.thresholdKeys)
            }
        }
        return t
    }

    func scenario(_ root: Node) throws(ScenarioError) -> Scenario {
        guard case .mapping = root else {
            throw fail(root, "(document)", "expected a mapping with name, description and variants, found \(Self.kind(root))")
        }
        let top = try entries(root, path: "")
        var byKey: [String: Entry] = [:]
        for entry in top {
            guard ScenarioLoader.topLevelKeys.contains(entry.key) else {
                throw unknownKey(entry.key, entry.keyNode, path: entry.key, valid: ScenarioLoader.topLevelKeys)
            }
            byKey[entry.key] = entry
        }
        func required(_ key: String) throws(ScenarioError) -> Entry {
            guard let entry = byKey[key] else { throw fail(root, key, "missing required key '\(key)'") }
            return entry
        }

        let nameEntry = try required("name")
        let name = try safeName(nameEntry.value, path: "name", what: "scenario name")
        if let expectedName, name != expectedName {
            throw fail(nameEntry.value, "name", "'\(name)' must equal the file's base name '\(expectedName)'")
        }
        let descriptionEntry = try required("description")
        let description = try text(descriptionEntry.value, path: "description").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !description.isEmpty, !description.contains("\n") else {
            throw fail(descriptionEntry.value, "description", "expected one non-empty line")
        }

        let thresholds = try byKey["thresholds"].map { e throws(ScenarioError) in try self.thresholds(e.value) } ?? Thresholds()

        var base = VariantConfig()
        if let entry = byKey["base"] {
            let baseKnobs = try knobs(try entries(entry.value, path: "base"), path: "base")
            base = apply(baseKnobs, to: base)
        }
        let baseFilesNode = byKey["base"].flatMap { $0.value.mapping?["files"] ?? $0.value.mapping?["passes"] }

        let variantsEntry = try required("variants")
        let variantEntries = try entries(variantsEntry.value, path: "variants")
        guard !variantEntries.isEmpty else {
            throw fail(variantsEntry.value, "variants", "expected at least one variant")
        }
        var variants: [Variant] = []
        for entry in variantEntries {
            let path = "variants.\(entry.key)"
            let variantName = try safeName(entry.keyNode, path: path, what: "variant name")
            let body: [Entry]
            if case .scalar = entry.value, Self.tag(entry.value) == .null { body = [] } else {
                body = try entries(entry.value, path: path)
            }
            let overrides = try knobs(body, path: path, extra: ScenarioLoader.variantExtraKeys)
            var expect: Expectation?
            var document: String?
            var models: String?
            for extra in body {
                if extra.key == "expect" { expect = try expectation(extra.value, path: "\(path).expect") }
                if extra.key == "document" { document = try text(extra.value, path: "\(path).document") }
                if extra.key == "models" { models = try text(extra.value, path: "\(path).models") }
            }
            let config = apply(overrides, to: base)
            let kept = ScenarioLoader.filesAfterWarmup(config, thresholds: thresholds)
            if kept < thresholds.minFiles {
                let node = entry.value.mapping?["files"] ?? entry.value.mapping?["passes"] ?? baseFilesNode ?? entry.keyNode
                throw fail(node, "\(path).files",
                           "\(config.pipeline.files) files × \(config.pipeline.passes) passes leave \(kept) after the warm-up "
                           + "(warmup_fraction \(thresholds.warmupFraction)), fewer than min_files \(thresholds.minFiles)")
            }
            variants.append(Variant(name: variantName, config: config, overrides: overrides, expect: expect, document: document, models: models))
        }
        let names = variants.map(\.name)
        func known(_ node: Node, _ path: String) throws(ScenarioError) -> String {
            let n = try text(node, path: path)
            guard names.contains(n) else {
                throw fail(node, path, "unknown variant '\(n)'; variants: \(names.joined(separator: ", "))")
            }
            return n
        }

        var steps: [String]?
        if let entry = byKey["steps"] {
            guard case .sequence(let sequence) = entry.value, !sequence.isEmpty else {
                throw fail(entry.value, "steps", "expected a non-empty list of variant names, found \(Self.kind(entry.value))")
            }
            var list: [String] = []
            for item in sequence {
                let n = try known(item, "steps")
                guard !list.contains(n) else { throw fail(item, "steps", "variant '\(n)' listed twice") }
                list.append(n)
            }
            steps = list
        }
        let from = try byKey["from"].map { e throws(ScenarioError) in try known(e.value, "from") }
        let to = try byKey["to"].map { e throws(ScenarioError) in try known(e.value, "to") }
        if (from == nil) != (to == nil) {
            let present = byKey["from"] ?? byKey["to"]!
            throw fail(present.keyNode, present.key, "'from' and 'to' go together; add '\(from == nil ? "from" : "to")'")
        }
        if let from, from == to {
            throw fail(byKey["to"]!.value, "to", "'from' and 'to' name the same variant '\(from)'")
        }
        return Scenario(name: name, description: description, path: file, base: base, variants: variants,
                        thresholds: thresholds, steps: steps, from: from, to: to)
    }

    /// Applies validated knobs in catalogue order.
    func apply(_ knobs: [Knob: String], to config: VariantConfig) -> VariantConfig {
        var config = config
        for knob in Knob.allCases {
            if let value = knobs[knob] { try? config.set(knob, value) }
        }
        return config
    }
}
