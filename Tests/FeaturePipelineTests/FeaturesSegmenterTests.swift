import Testing
import FeaturePipeline

/// Segments of 200 frames; a last shorter one kept only from 50 frames.
struct SegmenterTests {
    @Test(
        "segments",
        arguments: [
            (0, [Range<Int>]()),
            (49, []),
            (50, [0..<50]),
            (199, [0..<199]),
            (200, [0..<200]),
            (249, [0..<200]),
            (250, [0..<200, 200..<250]),
            (401, [0..<200, 200..<400]),
        ])
    func segments(frames: Int, expected: [Range<Int>]) {
        #expect(Segmenter.segments(frames: frames) == expected)
        #expect(Segmenter.count(frames: frames) == expected.count)
    }

    @Test func customLength() {
        #expect(Segmenter.segments(frames: 10, length: 4, minLast: 2) == [0..<4, 4..<8, 8..<10])
        #expect(Segmenter.segments(frames: 9, length: 4, minLast: 2) == [0..<4, 4..<8])
    }
}
