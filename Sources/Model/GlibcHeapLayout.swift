import Foundation

/// Where glibc's free memory sits, from one `malloc_info` snapshot: at the tops of its arenas, or in free
/// chunks between live blocks. The two are the two mechanisms of the Linux-only growth: `malloc_trim(0)`
/// gives back the pages of free chunks in every arena but shrinks only the main arena's top, so free tops of
/// the worker arenas stay resident (the Linux-only growth).
public struct GlibcHeapLayout: Sendable, Hashable, Codable {
    /// Arenas that hold memory (the main arena and one per thread that allocated, up to the arena limit).
    public var arenas: Int
    /// Bytes the arenas took from the system (sbrk heap and mmapped sub-heaps), not counting mmapped chunks.
    public var systemBytes: Int
    /// Free bytes at the top of the arenas: given back by glibc only past the trim threshold, by
    /// `malloc_trim` only for the main arena.
    public var freeTopBytes: Int
    /// Free bytes in chunks between live blocks (fast, unsorted and sorted bins): holes that
    /// `malloc_trim` returns page by page.
    public var freeHoleBytes: Int
    /// Bytes of chunks served by their own mmap (above the mmap threshold), live.
    public var mmappedBytes: Int

    enum CodingKeys: String, CodingKey {
        case arenas
        case systemBytes = "system_bytes"
        case freeTopBytes = "free_top_bytes"
        case freeHoleBytes = "free_hole_bytes"
        case mmappedBytes = "mmapped_bytes"
    }

    /// A layout of these figures (tests, or a snapshot read elsewhere).
    public init(arenas: Int, systemBytes: Int, freeTopBytes: Int, freeHoleBytes: Int, mmappedBytes: Int) {
        self.arenas = arenas
        self.systemBytes = systemBytes
        self.freeTopBytes = freeTopBytes
        self.freeHoleBytes = freeHoleBytes
        self.mmappedBytes = mmappedBytes
    }

    /// Reads `malloc_info`'s XML (glibc 2.26 and later). Per `<heap>`: the `rest` total counts the top chunk
    /// and every chunk in the unsorted and sorted bins; the `<size>` and `<unsorted>` lines list the binned
    /// ones (the fast-bin lines too, which `rest` does not count). Top = rest - (sizes - fast) - unsorted.
    public static func parse(_ xml: String) -> GlibcHeapLayout? {
        var layout = GlibcHeapLayout(arenas: 0, systemBytes: 0, freeTopBytes: 0, freeHoleBytes: 0, mmappedBytes: 0)
        let heaps = xml.components(separatedBy: "<heap nr=").dropFirst()
        guard !heaps.isEmpty else { return nil }
        for heap in heaps {
            let body = heap.components(separatedBy: "</heap>").first ?? heap
            var binned = 0, unsorted = 0, fast = 0, rest = 0, system = 0
            for line in body.split(separator: "\n") {
                let tag = line.drop(while: { $0 == " " })
                if tag.hasPrefix("<size ") {
                    binned += attribute("total", in: tag) ?? 0
                } else if tag.hasPrefix("<unsorted ") {
                    unsorted += attribute("total", in: tag) ?? 0
                } else if tag.hasPrefix("<total type=\"fast\"") {
                    fast = attribute("size", in: tag) ?? 0
                } else if tag.hasPrefix("<total type=\"rest\"") {
                    rest = attribute("size", in: tag) ?? 0
                } else if tag.hasPrefix("<system type=\"current\"") {
                    system = attribute("size", in: tag) ?? 0
                }
            }
            let holes = max(0, binned - fast) + unsorted
            layout.arenas += 1
            layout.systemBytes += system
            layout.freeHoleBytes += holes + fast
            layout.freeTopBytes += max(0, rest - holes)
        }
        // The totals after the last heap: mmapped chunks.
        if let tail = xml.components(separatedBy: "</heap>").last,
            let line = tail.split(separator: "\n").first(where: { $0.contains("<total type=\"mmap\"") })
        {
            layout.mmappedBytes = attribute("size", in: line) ?? 0
        }
        return layout
    }

    /// The integer value of `name="..."` in one XML tag.
    static func attribute(_ name: String, in tag: some StringProtocol) -> Int? {
        let key = " \(name)=\""
        guard let start = tag.range(of: key)?.upperBound,
            let end = tag[start...].firstIndex(of: "\"")
        else { return nil }
        return Int(tag[start..<end])
    }
}
