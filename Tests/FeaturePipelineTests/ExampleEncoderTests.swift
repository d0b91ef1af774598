import Testing
import FeaturePipeline

struct ExampleEncoderTests {
    static let logMel: [Float] = [0.5, -1.25, 3.0, -13.815511, 0.0, 2.5]

    static func encodeSmall(_ values: [Float] = logMel) throws -> [UInt8] {
        try ExampleEncoder.encode(
            logMel: values[...], frames: 2, melBins: 3, segment: 1, numSamples: 96_000, sampleRate: 48_000,
            speaker: "p225", utterance: "p225_001")
    }

    @Test func bytesEqualTensorFlowsDeterministicSerialization() throws {
        // tf.train.Example(...).SerializeToString(deterministic=True), TensorFlow 2.21, same values.
        let expected = bytes(
            hex: "0abf010a0f0a066672616d657312051a030a01020a270a076c6f675f6d656c121c121a0a180000003f0000a0bf"
                + "00004040550c5dc100000000000020400a110a086d656c5f62696e7312051a030a01030a160a0b6e756d5f73616d706c6573"
                + "12071a050a0380ee050a160a0b73616d706c655f7261746512071a050a0380f7020a100a077365676d656e7412051a030a01"
                + "010a130a07737065616b657212080a060a04703232350a190a097574746572616e6365120c0a0a0a08703232355f303031")
        #expect(try Self.encodeSmall() == expected)
    }

    @Test func sameInputGivesSameBytes() throws {
        var generator = SeededGenerator(seed: 7)
        let values = (0..<(400 * 80)).map { _ in Float.random(in: -14...4, using: &generator) }
        let encode = {
            try values.withUnsafeBufferPointer { buffer in
                try ExampleEncoder.encode(
                    logMel: buffer, frames: 400, melBins: 80, segment: 3, numSamples: 192_000, sampleRate: 48_000,
                    speaker: "p301", utterance: "p301_042 «ü»")
            }
        }
        let first = try encode()
        let second = try encode()
        #expect(first == second)

        let decoded = try ExampleDecoder.decode(first)
        #expect(decoded.floats("log_mel") == values)
        #expect(decoded.int64s("frames") == [400])
        #expect(decoded.int64s("mel_bins") == [80])
        #expect(decoded.int64s("segment") == [3])
        #expect(decoded.int64s("num_samples") == [192_000])
        #expect(decoded.int64s("sample_rate") == [48_000])
        #expect(decoded.string("speaker") == "p301")
        #expect(decoded.string("utterance") == "p301_042 «ü»")
    }

    @Test func featuresFollowTheSchema() throws {
        let features = try ExampleDecoder.decode(try Self.encodeSmall()).features
        #expect(features.map(\.key) == ExampleEncoder.keys)
        #expect(features.first { $0.key == "log_mel" } == FeatureSummary(key: "log_mel", kind: .float, count: 6))
        #expect(
            features.filter { $0.kind == .int64 }.map(\.key) == [
                "frames", "mel_bins", "num_samples", "sample_rate", "segment",
            ])
        #expect(features.filter { $0.kind == .int64 }.allSatisfy { $0.count == 1 })
        #expect(features.filter { $0.kind == .bytes }.map(\.key) == ["speaker", "utterance"])
    }

    @Test func wrongValueCountIsRejected() {
        #expect(throws: TFRecordError.self) { _ = try Self.encodeSmall([1, 2, 3]) }
        #expect(throws: TFRecordError.self) {
            _ = try ExampleEncoder.encode(
                logMel: [][...], frames: -1, melBins: 0, segment: 0, numSamples: 0, sampleRate: 0, speaker: "",
                utterance: "")
        }
    }

    @Test func emptySegmentEncodes() throws {
        let bytes = try ExampleEncoder.encode(
            logMel: [][...], frames: 0, melBins: 80, segment: 0, numSamples: 0, sampleRate: 48_000, speaker: "",
            utterance: "")
        let decoded = try ExampleDecoder.decode(bytes)
        #expect(decoded.floats("log_mel") == [])
        #expect(decoded.int64s("mel_bins") == [80])
    }
}
