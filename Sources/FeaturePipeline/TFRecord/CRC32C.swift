import CChecksum

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8, and TFRecord's checksum mask.
public enum CRC32C {
    /// Eight 256-entry tables, flat: entry `k * 256 + b` is the CRC of byte `b` followed by `k` zero bytes.
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// Whether this CPU computes CRC-32C with its `crc32` instruction (SSE 4.2), read once.
    public static let hardware = lh_crc32c_hardware() != 0

    /// The CRC-32C of `bytes`, continuing from `crc` (the checksum of the bytes before them, 0 to start).
    ///
    /// With the `crc32` instruction where the CPU has it (several GB/s), else slicing-by-8 tables (about 1.5 GB/s).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard hardware, let base = bytes.baseAddress else { return tableChecksum(bytes, continuing: crc) }
        return lh_crc32c_hw(crc, base, bytes.count)
    }

    /// The same CRC from the slicing-by-8 tables, on any CPU.
    public static func tableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var c = ~crc
            var index = 0
            let count = bytes.count
            while count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ UInt64(c)
                c =
                    t[0x700 | Int(word & 0xFF)]
                    ^ t[0x600 | Int((word >> 8) & 0xFF)]
                    ^ t[0x500 | Int((word >> 16) & 0xFF)]
                    ^ t[0x400 | Int((word >> 24) & 0xFF)]
                    ^ t[0x300 | Int((word >> 32) & 0xFF)]
                    ^ t[0x200 | Int((word >> 40) & 0xFF)]
                    ^ t[0x100 | Int((word >> 48) & 0xFF)]
                    ^ t[Int(word >> 56)]
                index += 8
            }
            while index < count {
                c = (c >> 8) ^ t[Int((c ^ UInt32(bytes[index])) & 0xFF)]
                index += 1
            }
            return ~c
        }
    }

    /// The CRC-32C of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// TFRecord's masked form of a CRC: rotated right by 15 bits plus a constant.
    ///
    /// TensorFlow masks stored CRCs so that a CRC of data that itself holds CRCs is not degenerate.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// The CRC that `mask` turned into `masked`.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- 0xA282_EAD8
        return (rotated >> 17) | (rotated << 15)
    }

    /// The masked CRC-32C of `bytes`, as stored in a TFRecord frame.
    public static func maskedChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        mask(checksum(bytes))
    }
}
