import Testing
import FeaturePipeline

struct ExampleDecoderTests {
    @Test func emptyBytesAreAnEmptyExample() throws {
        #expect(try ExampleDecoder.decode([]).features.isEmpty)
    }

    @Test func garbageIsATypedError() {
        // Field 1, length-delimited, claiming 100 bytes where there are 2.
        #expect(throws: TFRecordError.self) { _ = try ExampleDecoder.decode([0x0A, 0x64, 0x01, 0x02]) }
        do { _ = try ExampleDecoder.decode([0xFF]) } catch {
            guard case .invalidExample = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.hasPrefix("not a tf.train.Example"))
        }
    }

    @Test func accessorsReturnNilForOtherKinds() throws {
        let decoded = try ExampleDecoder.decode(try ExampleEncoderTests.encodeSmall())
        #expect(decoded.int64s("log_mel") == nil)
        #expect(decoded.floats("frames") == nil)
        #expect(decoded.bytes("missing") == nil)
        #expect(decoded.bytes("speaker") == [Array("p225".utf8)])
    }
}
