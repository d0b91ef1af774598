import SwiftProtobuf

/// The kind of values a feature holds.
public enum FeatureKind: String, Sendable, Hashable, CaseIterable {
    case bytes, float, int64
    /// A feature whose `kind` oneof is unset.
    case empty
}

/// One feature of an example: its key, kind and number of values.
public struct FeatureSummary: Sendable, Hashable, CustomStringConvertible {
    /// The feature's key in the example's map.
    public var key: String
    /// What the feature holds.
    public var kind: FeatureKind
    /// How many values it holds.
    public var count: Int

    /// A summary of one feature.
    public init(key: String, kind: FeatureKind, count: Int) {
        self.key = key
        self.kind = kind
        self.count = count
    }

    /// `key: kind[count]`.
    public var description: String { "\(key): \(kind)[\(count)]" }
}

/// A parsed `tf.train.Example`, with typed access to its features.
public struct DecodedExample: Sendable {
    private let example: Tensorflow_Example

    fileprivate init(_ example: Tensorflow_Example) {
        self.example = example
    }

    /// Every feature, sorted by key.
    public var features: [FeatureSummary] {
        example.features.feature.keys.sorted().map { key in
            let feature = example.features.feature[key]!
            return switch feature.kind {
            case .bytesList(let list): FeatureSummary(key: key, kind: .bytes, count: list.value.count)
            case .floatList(let list): FeatureSummary(key: key, kind: .float, count: list.value.count)
            case .int64List(let list): FeatureSummary(key: key, kind: .int64, count: list.value.count)
            case nil: FeatureSummary(key: key, kind: .empty, count: 0)
            }
        }
    }

    /// The values of a float feature, or nil if `key` is missing or of another kind.
    public func floats(_ key: String) -> [Float]? {
        guard case .floatList(let list) = example.features.feature[key]?.kind else { return nil }
        return list.value
    }

    /// The values of an int64 feature, or nil if `key` is missing or of another kind.
    public func int64s(_ key: String) -> [Int64]? {
        guard case .int64List(let list) = example.features.feature[key]?.kind else { return nil }
        return list.value
    }

    /// The values of a bytes feature, or nil if `key` is missing or of another kind.
    public func bytes(_ key: String) -> [[UInt8]]? {
        guard case .bytesList(let list) = example.features.feature[key]?.kind else { return nil }
        return list.value.map { [UInt8]($0) }
    }

    /// The single value of a bytes feature as UTF-8 text, or nil.
    public func string(_ key: String) -> String? {
        guard let values = bytes(key), values.count == 1 else { return nil }
        return String(decoding: values[0], as: UTF8.self)
    }
}

/// Parses serialized `tf.train.Example` messages.
public enum ExampleDecoder {
    /// Parses one serialized example.
    public static func decode(_ bytes: [UInt8]) throws(TFRecordError) -> DecodedExample {
        do {
            return DecodedExample(try Tensorflow_Example(serializedBytes: bytes))
        } catch {
            throw .invalidExample(reason: "\(error)")
        }
    }
}
