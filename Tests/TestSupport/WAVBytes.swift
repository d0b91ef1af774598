import Foundation

/// WAV files written byte by byte, without libsndfile: a tone or a header no decoder knows.
public enum WAVBytes {
    /// A 16-bit PCM 440 Hz tone.
    public static func tone(seconds: Double, sampleRate: Int, channels: Int = 1) -> [UInt8] {
        let samples = AudioTestFiles.tone(
            frames: Int(seconds * Double(sampleRate)), sampleRate: sampleRate, amplitude: 0.3)
        var pcm: [UInt8] = []
        pcm.reserveCapacity(samples.count * channels * 2)
        for value in samples {
            for _ in 0..<channels { pcm += le(UInt16(bitPattern: value)) }
        }
        return header(format: 1, channels: channels, sampleRate: sampleRate, bits: 16, dataBytes: pcm.count) + pcm
    }

    /// A RIFF/WAVE header whose format chunk names no format libsndfile knows, followed by noise.
    public static func corruptHeader() -> [UInt8] {
        header(format: 0x7A7A, channels: 0, sampleRate: 0, bits: 3, dataBytes: 4096)
            + (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    /// A RIFF/WAVE header: `format` 1 is PCM.
    public static func header(format: UInt16, channels: Int, sampleRate: Int, bits: Int, dataBytes: Int) -> [UInt8] {
        let block = channels * bits / 8
        return Array("RIFF".utf8) + le(UInt32(36 + dataBytes)) + Array("WAVEfmt ".utf8) + le(UInt32(16))
            + le(format) + le(UInt16(channels)) + le(UInt32(sampleRate)) + le(UInt32(sampleRate * block))
            + le(UInt16(block)) + le(UInt16(bits)) + Array("data".utf8) + le(UInt32(dataBytes))
    }

    /// `value`'s bytes, least significant first.
    public static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
