import Foundation
public import Model

/// Which way memory goes over a run, as a document says it or as a verdict measures it.
///
/// The rule for a document's text, plainly: it says `stable` when the word "stable" appears anywhere in it
/// ("stable", "stable at 3 GB"); else `grows` when it holds a rise "A → B" (or "A -> B") with B greater than A
/// ("3 → 20 GB", "3 → 10 GB, no help"); else `unknown`. A verdict measures `grows` for LEAK and RETENTION,
/// `stable` for STABLE, `unknown` for INCONCLUSIVE and FAILED.
public enum Direction: String, Sendable, Hashable, Codable {
    case grows, stable, unknown

    /// The direction a document's observation states.
    public init(document text: String?) {
        guard let text = text?.lowercased(), !text.isEmpty else { self = .unknown; return }
        if text.contains("stable") { self = .stable; return }
        self = Self.rises(in: text) ? .grows : .unknown
    }

    /// The direction a measured verdict states.
    public init(verdict: Verdict) {
        switch verdict {
        case .leak, .retention: self = .grows
        case .stable: self = .stable
        case .inconclusive, .failed: self = .unknown
        }
    }

    /// Whether the document and the measurement agree; nil when either is unknown.
    public static func agree(document: Direction, measured: Direction) -> Bool? {
        guard document != .unknown, measured != .unknown else { return nil }
        return document == measured
    }

    /// Whether `text` holds "A → B" or "A -> B" with numbers B > A.
    static func rises(in text: String) -> Bool {
        let normalized = text.replacingOccurrences(of: "->", with: "→")
        let sides = normalized.components(separatedBy: "→")
        guard sides.count >= 2 else { return false }
        for i in 0..<(sides.count - 1) {
            if let a = lastNumber(sides[i]), let b = firstNumber(sides[i + 1]), b > a { return true }
        }
        return false
    }

    private static func numbers(_ s: String) -> [Double] {
        s.split { !($0.isNumber || $0 == ".") }.compactMap { Double($0) }
    }

    private static func lastNumber(_ s: String) -> Double? { numbers(s).last }

    private static func firstNumber(_ s: String) -> Double? { numbers(s).first }
}
