/// What `TFRecordInspector` found in one file.
public struct FileInspection: Sendable, Hashable {
    /// The file inspected.
    public var path: String
    /// Records in the file, every one with valid checksums.
    public var records: Int
    /// Size of the file in bytes.
    public var bytes: Int
    /// The features of the first record, sorted by key; empty when the file has no record.
    public var firstRecordFeatures: [FeatureSummary]
}

/// Reads a TFRecord file completely, verifying every checksum, and describes its first example.
public enum TFRecordInspector {
    /// Inspects one file; a damaged record or a first record that is not an Example throws `.corrupt` with its offset.
    public static func inspect(path: String) throws(TFRecordError) -> FileInspection {
        let reader = try TFRecordReader(path: path)
        defer { reader.close() }
        var records = 0
        var features: [FeatureSummary] = []
        while true {
            let start = reader.offset
            guard let record = try reader.next() else { break }
            if records == 0 {
                do throws(TFRecordError) {
                    features = try ExampleDecoder.decode(record).features
                } catch {
                    throw .corrupt(path: path, offset: start, reason: "\(error)")
                }
            }
            records += 1
        }
        return FileInspection(path: path, records: records, bytes: reader.size, firstRecordFeatures: features)
    }
}

extension FileInspection: CustomStringConvertible {
    /// The text `leakharness inspect` prints for the file: counts, then one line per feature of the first record.
    public var description: String {
        var lines = ["\(path): \(records) record\(records == 1 ? "" : "s"), \(bytes) bytes, every checksum valid"]
        if records > 0 {
            lines.append("  first record: \(firstRecordFeatures.count) features")
            for feature in firstRecordFeatures {
                lines.append("    \(feature.key): \(feature.kind) × \(feature.count)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
