import Testing
import FeaturePipeline

struct TFRecordInspectorTests {
    @Test func describesRecordsAndFirstExample() throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        let writer = try TFRecordWriter(path: file.path)
        for segment in 0..<3 {
            let values = [Float](repeating: Float(segment), count: 50 * 80)
            try writer.write(
                try ExampleEncoder.encode(
                    logMel: values[...], frames: 50, melBins: 80, segment: segment, numSamples: 48_000,
                    sampleRate: 48_000,
                    speaker: "p225", utterance: "p225_003"))
        }
        try writer.close()
        let inspection = try TFRecordInspector.inspect(path: file.path)
        #expect(inspection.records == 3)
        #expect(inspection.bytes == writer.bytesWritten)
        #expect(inspection.firstRecordFeatures.map(\.key) == ExampleEncoder.keys)
        #expect(inspection.firstRecordFeatures.contains(FeatureSummary(key: "log_mel", kind: .float, count: 4000)))
        #expect(inspection.firstRecordFeatures.contains(FeatureSummary(key: "speaker", kind: .bytes, count: 1)))
    }

    @Test func badRecordNamesFileAndOffset() throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        let example = try ExampleEncoderTests.encodeSmall()
        var bytes = try framed([example, example])
        bytes[example.count + 16 + 20] ^= 1
        try file.replace(with: bytes)
        do {
            _ = try TFRecordInspector.inspect(path: file.path)
            Issue.record("a damaged file passed inspection")
        } catch {
            guard case .corrupt(let path, let offset, let reason) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(path == file.path)
            #expect(offset == example.count + 16)
            #expect(reason.contains("data checksum mismatch"))
        }
    }

    @Test func firstRecordThatIsNotAnExampleIsReported() throws {
        let file = TemporaryFile()
        defer { file.cleanup() }
        try file.replace(with: try framed([[0xFF, 0xFF]]))
        do {
            _ = try TFRecordInspector.inspect(path: file.path)
            Issue.record("a record that is not an Example passed")
        } catch {
            guard case .corrupt(let path, 0, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == file.path)
            #expect(reason.contains("not a tf.train.Example"))
        }
    }
}
