/// The units the harness reports memory in. "MB" in every file and column is the mebibyte (2^20 bytes), the unit
/// `/proc` and the allocators count in.
public enum Units {
    /// Bytes in a mebibyte.
    public static let bytesPerMB = 1_048_576.0
    /// Kilobytes (as `/proc` counts them, 1024 bytes) in a mebibyte.
    public static let kilobytesPerMB = 1024.0

    /// Mebibytes of `bytes`.
    public static func mb(bytes: Double) -> Double { bytes / bytesPerMB }
    /// Mebibytes of `bytes`.
    public static func mb(bytes: Int64) -> Double { Double(bytes) / bytesPerMB }
    /// Mebibytes of `/proc`'s kilobytes.
    public static func mb(kilobytes: Int64) -> Double { Double(kilobytes) / kilobytesPerMB }
}
