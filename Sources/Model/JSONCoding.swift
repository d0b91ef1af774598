public import Foundation

/// The harness's one JSON coder: every JSON file it writes or reads and every JSON message it passes to a child.
/// Keys are sorted, so equal values give equal bytes; slashes are written as they are, so paths read plainly.
public enum JSONCoding {
    /// How the text is laid out.
    public enum Layout: Sendable {
        /// One line: a child's spec, a truth-set record, `list --json`.
        case compact
        /// Indented: the files people read (run.json, summary.json, bisect.json, a child's result, bench results).
        case pretty
    }

    /// The JSON bytes of `value`.
    public static func encode(_ value: some Encodable, _ layout: Layout = .pretty) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            switch layout {
            case .compact: [.sortedKeys, .withoutEscapingSlashes]
            case .pretty: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            }
        return try encoder.encode(value)
    }

    /// The JSON text of `value`.
    public static func text(_ value: some Encodable, _ layout: Layout = .pretty) throws -> String {
        String(decoding: try encode(value, layout), as: UTF8.self)
    }

    /// A value of `type` read from JSON bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}
