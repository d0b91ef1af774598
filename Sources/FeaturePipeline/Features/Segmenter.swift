/// Cuts a file's frames into fixed-length segments (200 frames, a last shorter one kept if >= 50).
public enum Segmenter {
    /// Frames per full segment.
    public static let defaultLength = 200
    /// Shortest last segment that is kept.
    public static let defaultMinLast = 50

    /// Frame ranges of the segments of `frames` frames: full segments of `length`, then the remainder if >= `minLast`.
    public static func segments(frames: Int, length: Int = defaultLength, minLast: Int = defaultMinLast) -> [Range<Int>]
    {
        precondition(length > 0, "segment length must be positive")
        var result: [Range<Int>] = []
        result.reserveCapacity(count(frames: frames, length: length, minLast: minLast))
        var start = 0
        while start + length <= frames {
            result.append(start..<(start + length))
            start += length
        }
        if frames - start >= minLast, frames > start {
            result.append(start..<frames)
        }
        return result
    }

    /// Number of segments `segments(frames:length:minLast:)` returns, without allocating.
    public static func count(frames: Int, length: Int = defaultLength, minLast: Int = defaultMinLast) -> Int {
        guard frames > 0 else { return 0 }
        let remainder = frames % length
        return frames / length + (remainder > 0 && remainder >= minLast ? 1 : 0)
    }
}
