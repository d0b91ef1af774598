/// A record's bytes with the masked CRC-32C of its data, computed where the record was made: a pipeline
/// worker checksums its own examples, so the thread that writes the shards only frames and copies them.
public struct ChecksummedRecord: Sendable, Hashable {
    /// The record: a serialized `tf.train.Example`.
    public let bytes: [UInt8]
    /// `CRC32C.maskedChecksum(bytes)`.
    public let maskedChecksum: UInt32

    /// Checksums `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        maskedChecksum = bytes.withUnsafeBytes { CRC32C.maskedChecksum($0) }
    }
}
