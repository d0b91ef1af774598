import Foundation
import Yams
import Model

/// Walks one composed YAML document and builds a `Scenario`, collecting every problem it finds.
///
/// Each independent part (a top-level key, a threshold, a knob, a variant's extra key, a step) is checked on its own,
/// so one mistake does not hide the next; a part that depends on a broken one (a variant's file count when one of its
/// knobs is wrong) is not checked. `scenario(_:)` throws the problems in line order.
struct ScenarioReader {
    let file: String
    let allowFaults: Bool
    let expectedName: String?
    /// The problems found so far, in the order found.
    let problems = Problems()

    typealias Entry = (key: String, keyNode: Node, value: Node)

    /// Collects problems while the reader walks on.
    final class Problems {
        var list: [ScenarioError] = []
    }

    /// Runs `body`; a problem it throws is recorded and gives nil.
    @discardableResult
    func attempt<T>(_ body: () throws(ScenarioError) -> T) -> T? {
        do {
            return try body()
        } catch {
            problems.list.append(error)
            return nil
        }
    }

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
            let x = Double.construct(from: scalar) ?? Int.construct(from: scalar).map(Double.init)
        else {
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
            throw fail(
                node, path,
                "fault injection is for the harness's own tests: it is allowed only when "
                    + "\(ScenarioLoader.allowFaultsVariable)=1 is set")
        }
        var scratch = VariantConfig()
        do {
            try scratch.set(knob, value)
        } catch {
            let words = knob.accepted.split(separator: ", ").map(String.init)
                .filter { !$0.contains(" ") && !$0.contains(":") }
            let hint = knob.isNumeric ? nil : ScenarioLoader.suggestion(for: value, among: words)
            throw fail(node, path, error.description + (hint.map { "; did you mean '\($0)'?" } ?? ""))
        }
        return value
    }

    /// A mapping of knob keys to values; every bad knob is recorded, then `.several([])` says some were.
    func knobs(_ entries: [Entry], path: String, extra: [String] = []) throws(ScenarioError) -> [Knob: String] {
        var out: [Knob: String] = [:]
        var failed = false
        for entry in entries where !extra.contains(entry.key) {
            let keyPath = "\(path).\(entry.key)"
            let value = attempt { () throws(ScenarioError) -> (Knob, String) in
                guard let knob = Knob(rawValue: entry.key) else {
                    throw unknownKey(
                        entry.key, entry.keyNode, path: keyPath,
                        valid: Knob.allCases.map(\.rawValue) + extra)
                }
                return (knob, try knobValue(knob, entry.value, path: keyPath))
            }
            if let (knob, text) = value { out[knob] = text } else { failed = true }
        }
        guard !failed else { throw .several([]) }
        return out
    }

    func safeName(_ node: Node, path: String, what: String) throws(ScenarioError) -> String {
        let name = try text(node, path: path)
        guard ScenarioLoader.isSafeName(name) else {
            throw fail(
                node, path,
                "\(what) '\(name)' is not safe as a file name: "
                    + "use 1-64 of [A-Za-z0-9._-], not starting with '.'")
        }
        return name
    }

    /// Parses `LEAK`, `[LEAK, RETENTION]`, or `{verdict: ..., cause: ...}`.
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
                default:
                    throw unknownKey(
                        entry.key, entry.keyNode, path: "\(path).\(entry.key)", valid: ["verdict", "cause"])
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
                throw fail(
                    node, path, "\(verdict.rawValue) names its cause: {verdict: \(verdict.rawValue), cause: ...}")
            }
            return Expectation(verdicts: [verdict], causes: [.none])
        }
        let cause = try single(causeNode, path: "\(path).cause", of: Cause.self, what: "cause")
        if grows == (cause == .none) {
            let reason =
                grows ? "\(verdict.rawValue) needs a cause other than none" : "\(verdict.rawValue) has the cause none"
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
    func list<T: RawRepresentable<String> & CaseIterable & Equatable>(
        _ node: Node, path: String, of: T.Type, what: String
    ) throws(ScenarioError) -> [T] {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        guard !items.isEmpty else { throw fail(node, path, "expected at least one \(what)") }
        var out: [T] = []
        let valid = T.allCases.map(\.rawValue)
        for item in items {
            let word = try text(item, path: path)
            guard let value = T(rawValue: word) else {
                let hint = ScenarioLoader.suggestion(for: word, among: valid).map { "did you mean '\($0)'? " } ?? ""
                throw fail(
                    item, path,
                    "unknown \(what) '\(word)'; \(hint)expected one of: \(valid.joined(separator: ", "))")
            }
            if !out.contains(value) { out.append(value) }
        }
        return out
    }

    func thresholds(_ node: Node) throws(ScenarioError) -> Thresholds {
        var t = Thresholds()
        for entry in try entries(node, path: "thresholds") {
            let keyPath = "thresholds.\(entry.key)"
            attempt { () throws(ScenarioError) in try threshold(entry, path: keyPath, into: &t) }
        }
        return t
    }

    func threshold(_ entry: Entry, path keyPath: String, into t: inout Thresholds) throws(ScenarioError) {
        switch entry.key {
        case "tolerance_mb_per_1000_files":
            let x = try number(entry.value, path: keyPath)
            guard x > 0, x <= 1_000_000 else {
                throw fail(entry.value, keyPath, "expected a positive number of MB, found \(x)")
            }
            t.toleranceMBPer1000Files = x
        case "min_files":
            let n = try int(entry.value, path: keyPath)
            guard n >= 1 else { throw fail(entry.value, keyPath, "expected at least 1, found \(n)") }
            t.minFiles = n
        case "warmup_fraction":
            let x = try number(entry.value, path: keyPath)
            guard x >= 0, x <= 0.9 else {
                throw fail(entry.value, keyPath, "expected a fraction from 0 to 0.9, found \(x)")
            }
            t.warmupFraction = x
        default:
            throw unknownKey(entry.key, entry.keyNode, path: keyPath, valid: ScenarioLoader.thresholdKeys)
        }
    }

    /// The scenario, or every problem of the document in line order (one problem alone, several as `.several`).
    func scenario(_ root: Node) throws(ScenarioError) -> Scenario {
        guard case .mapping = root else {
            throw fail(
                root, "(document)",
                "expected a mapping with name, description and variants, found \(Self.kind(root))")
        }
        let scenario = read(root)
        let found = problems.list.filter { if case .several = $0 { false } else { true } }
        if found.count == 1 { throw found[0] }
        if !found.isEmpty {
            let ordered = found.enumerated()
                .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            throw .several(ordered.map(\.element))
        }
        guard let scenario else { throw fail(root, "(document)", "not a valid scenario") }
        return scenario
    }

    /// Reads every part of the document, recording problems; nil when any part failed.
    func read(_ root: Node) -> Scenario? {
        let top = attempt { () throws(ScenarioError) in try entries(root, path: "") } ?? []
        var byKey: [String: Entry] = [:]
        for entry in top {
            guard ScenarioLoader.topLevelKeys.contains(entry.key) else {
                problems.list.append(
                    unknownKey(
                        entry.key, entry.keyNode, path: entry.key,
                        valid: ScenarioLoader.topLevelKeys))
                continue
            }
            byKey[entry.key] = entry
        }
        func required(_ key: String) -> Entry? {
            guard let entry = byKey[key] else {
                problems.list.append(fail(root, key, "missing required key '\(key)'"))
                return nil
            }
            return entry
        }

        let name = required("name").flatMap { entry in
            attempt { () throws(ScenarioError) -> String in
                let name = try safeName(entry.value, path: "name", what: "scenario name")
                if let expectedName, name != expectedName {
                    throw fail(entry.value, "name", "'\(name)' must equal the file's base name '\(expectedName)'")
                }
                return name
            }
        }
        let description = required("description").flatMap { entry in
            attempt { () throws(ScenarioError) -> String in
                let text = try text(entry.value, path: "description").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty, !text.contains("\n") else {
                    throw fail(entry.value, "description", "expected one non-empty line")
                }
                return text
            }
        }

        let before = problems.list.count
        let thresholds =
            byKey["thresholds"]
            .flatMap { e in attempt { () throws(ScenarioError) in try self.thresholds(e.value) } }
            ?? Thresholds()
        let thresholdsOK = problems.list.count == before

        var base = VariantConfig()
        var baseOK = true
        if let entry = byKey["base"] {
            let read = attempt { () throws(ScenarioError) in
                try knobs(try entries(entry.value, path: "base"), path: "base")
            }
            if let baseKnobs = read {
                base = apply(baseKnobs, to: base)
            } else {
                baseOK = false
            }
        }
        let baseFilesNode = byKey["base"].flatMap { $0.value.mapping?["files"] ?? $0.value.mapping?["passes"] }

        var variants: [Variant] = []
        var variantsOK = false
        var names: [String] = []
        if let variantsEntry = required("variants"),
            let variantEntries = attempt({ () throws(ScenarioError) in
                try entries(variantsEntry.value, path: "variants")
            })
        {
            if variantEntries.isEmpty {
                problems.list.append(fail(variantsEntry.value, "variants", "expected at least one variant"))
            }
            names = variantEntries.map(\.key)
            variantsOK = !variantEntries.isEmpty
            for entry in variantEntries {
                let read = variant(
                    entry, base: base, thresholds: thresholds, checkFiles: baseOK && thresholdsOK,
                    baseFilesNode: baseFilesNode)
                if let read { variants.append(read) } else { variantsOK = false }
            }
        }
        func known(_ node: Node, _ path: String) throws(ScenarioError) -> String {
            let n = try text(node, path: path)
            guard names.contains(n) else {
                throw fail(node, path, "unknown variant '\(n)'; variants: \(names.joined(separator: ", "))")
            }
            return n
        }

        var steps: [String]?
        if let entry = byKey["steps"] {
            if case .sequence(let sequence) = entry.value, !sequence.isEmpty {
                var list: [String] = []
                for item in sequence {
                    attempt { () throws(ScenarioError) in
                        let n = try known(item, "steps")
                        guard !list.contains(n) else { throw fail(item, "steps", "variant '\(n)' listed twice") }
                        list.append(n)
                    }
                }
                steps = list
            } else {
                let found = Self.kind(entry.value)
                problems.list.append(
                    fail(entry.value, "steps", "expected a non-empty list of variant names, found \(found)"))
            }
        }
        let from = byKey["from"].flatMap { e in attempt { () throws(ScenarioError) in try known(e.value, "from") } }
        let to = byKey["to"].flatMap { e in attempt { () throws(ScenarioError) in try known(e.value, "to") } }
        if (byKey["from"] == nil) != (byKey["to"] == nil) {
            let present = byKey["from"] ?? byKey["to"]!
            problems.list.append(
                fail(
                    present.keyNode, present.key,
                    "'from' and 'to' go together; add '\(byKey["from"] == nil ? "from" : "to")'"))
        }
        if let from, from == to {
            problems.list.append(fail(byKey["to"]!.value, "to", "'from' and 'to' name the same variant '\(from)'"))
        }
        guard problems.list.isEmpty, let name, let description, variantsOK else { return nil }
        return Scenario(
            name: name, description: description, path: file, base: base, variants: variants,
            thresholds: thresholds, steps: steps, from: from, to: to)
    }

    /// One variant, or nil with its problems recorded; its file count is checked only when `checkFiles`.
    func variant(
        _ entry: Entry, base: VariantConfig, thresholds: Thresholds, checkFiles: Bool,
        baseFilesNode: Node?
    ) -> Variant? {
        let path = "variants.\(entry.key)"
        let before = problems.list.count
        let variantName = attempt { () throws(ScenarioError) in
            try safeName(entry.keyNode, path: path, what: "variant name")
        }
        let body: [Entry]
        if case .scalar = entry.value, Self.tag(entry.value) == .null {
            body = []
        } else {
            guard let read = attempt({ () throws(ScenarioError) in try entries(entry.value, path: path) }) else {
                return nil
            }
            body = read
        }
        let overrides = attempt { () throws(ScenarioError) in
            try knobs(body, path: path, extra: ScenarioLoader.variantExtraKeys)
        }
        var expect: Expectation?
        var document: String?
        var models: String?
        for extra in body {
            switch extra.key {
            case "expect":
                expect = attempt { () throws(ScenarioError) in try expectation(extra.value, path: "\(path).expect") }
            case "document":
                document = attempt { () throws(ScenarioError) in try text(extra.value, path: "\(path).document") }
            case "models":
                models = attempt { () throws(ScenarioError) in try text(extra.value, path: "\(path).models") }
            default: break
            }
        }
        guard let overrides else { return nil }
        let config = apply(overrides, to: base)
        let kept = ScenarioLoader.filesAfterWarmup(config, thresholds: thresholds)
        if checkFiles, kept < thresholds.minFiles {
            let node = entry.value.mapping?["files"] ?? entry.value.mapping?["passes"] ?? baseFilesNode ?? entry.keyNode
            problems.list.append(
                fail(
                    node, "\(path).files",
                    "\(config.pipeline.files) files × \(config.pipeline.passes) passes leave \(kept) after the warm-up "
                        + "(warmup_fraction \(thresholds.warmupFraction)), fewer than min_files \(thresholds.minFiles)")
            )
        }
        guard problems.list.count == before, let variantName else { return nil }
        return Variant(
            name: variantName, config: config, overrides: overrides, expect: expect, document: document,
            models: models)
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
