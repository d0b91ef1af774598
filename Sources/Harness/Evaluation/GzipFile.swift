import CZlib
public import Foundation

/// A gzip-compressed text file read or written whole, through zlib.
public enum GzipFile {
    /// Why a gzip file could not be read or written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What failed.
        public var why: String
        public var description: String { "\(path): \(why)" }
    }

    /// The decompressed contents of `path`.
    public static func read(_ path: String) throws(Failure) -> Data {
        guard let file = gzopen(path, "rb") else { throw Failure(path: path, why: String(cString: strerror(errno))) }
        defer { gzclose(file) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw Failure(path: path, why: "not a readable gzip file") }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<Int(n)])
        }
        return out
    }

    /// Writes `data` compressed to `path` (replaced).
    public static func write(_ data: Data, to path: String) throws(Failure) {
        guard let file = gzopen(path, "wb9") else { throw Failure(path: path, why: String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        let closed = gzclose(file)
        if Int(written) != data.count || closed != Z_OK { throw Failure(path: path, why: "write failed") }
    }
}
