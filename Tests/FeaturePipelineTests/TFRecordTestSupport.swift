import Foundation
import Testing
import FeaturePipeline

/// A deterministic generator, so fuzz inputs are the same on every run.
typealias SeededGenerator = SeededRandom

/// A fresh path under the temporary directory, removed by `cleanup`.
struct TemporaryFile {
    let path: String

    init(_ name: String = "records") {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("leakharness-\(name)-\(UUID().uuidString).tfrecord").path
    }

    func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    func replace(with bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// The bytes of `records` framed as TFRecords, written through `TFRecordWriter`.
func framed(_ records: [[UInt8]]) throws -> [UInt8] {
    let file = TemporaryFile("framed")
    defer { file.cleanup() }
    let writer = try TFRecordWriter(path: file.path)
    for record in records { try writer.write(record) }
    try writer.close()
    return try file.bytes()
}

/// Hex text to bytes.
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}
