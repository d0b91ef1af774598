import Foundation
import Testing
@testable import Reporting
@testable import Model

/// The chart GitHub draws in markdown: downsampling that keeps a sawtooth's peaks and floors, and the block's syntax.
@Suite struct MermaidChartTests {
    /// `passes` ramps from 30 to 130 MB, each of `perPass` samples 50 ms apart, dropping back to 30 after each.
    static func sawtooth(passes: Int, perPass: Int, heap: Bool) -> [SampleRow] {
        (0..<(passes * perPass)).map { i in
            var r = SampleRow()
            r.tMs = Int64(i * 50)
            r.filesDone = Int64(i)
            let within = Double(i % perPass) / Double(perPass - 1)
            r.rssKB = Int64((30 + 100 * within) * 1024)
            if heap { r.heapLiveBytes = i % 20 == 0 ? Int64(within * 50 * 1_048_576) : nil }
            return r
        }
    }

    /// The numbers of a `line [...]` of the block.
    static func lines(_ block: String) -> [[Double]] {
        block.split(separator: "\n").filter { $0.hasPrefix("    line [") }.map { line in
            line.dropFirst("    line [".count).dropLast().split(separator: ", ").compactMap { Double($0) }
        }
    }

    @Test func downsamplingKeepsPeaksAndFloorsOfASawtooth() throws {
        let rows = Self.sawtooth(passes: 4, perPass: 500, heap: false)
        let picked = MermaidChart.downsample(rows, to: 100)
        #expect(picked.count == 100)
        #expect(picked.first?.tMs == rows.first?.tMs && picked.last?.tMs == rows.last?.tMs)
        #expect(zip(picked, picked.dropFirst()).allSatisfy { $0.tMs <= $1.tMs })
        let mb = picked.map { Double($0.rssKB) / 1024 }
        // Each of the four teeth keeps its top (within 3 MB of 130) and its bottom (within 2 MB of 30).
        for pass in 0..<4 {
            let tooth = picked.filter { Int($0.filesDone) / 500 == pass }.map { Double($0.rssKB) / 1024 }
            #expect((tooth.max() ?? 0) > 127, "pass \(pass): \(tooth)")
            #expect((tooth.min() ?? 999) < 32, "pass \(pass): \(tooth)")
        }
        #expect(mb.count == 100)
    }

    @Test func fewSamplesAreKeptAsTheyAre() {
        let rows = Self.sawtooth(passes: 1, perPass: 40, heap: false)
        #expect(MermaidChart.downsample(rows, to: 100).count == 40)
    }

    @Test func blockHasTwoLinesOfAboutAHundredPointsUnderItsYAxis() throws {
        let rows = Self.sawtooth(passes: 3, perPass: 400, heap: true)
        let block = try #require(MermaidChart.render(title: "held: \"RETENTION\"", samples: rows))
        #expect(block.hasPrefix("```mermaid\n") && block.hasSuffix("```\n"))
        #expect(block.contains("\nxychart-beta\n"))
        #expect(block.contains("    title \"held: 'RETENTION'\"\n"))
        // 1200 samples 50 ms apart: 59.95 s.
        #expect(
            block.contains("    x-axis \"seconds\" 0 --> 60.0\n")
                || block.contains("    x-axis \"seconds\" 0 --> 59.9\n"))
        let series = Self.lines(block)
        #expect(series.count == 2)
        #expect(series.allSatisfy { $0.count == MermaidChart.defaultPoints })
        let top = try #require(
            block.split(separator: "\n").first { $0.hasPrefix("    y-axis") }
                .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) })
        #expect(top >= 130 && top < 200, "y-axis top \(top)")
        // The live heap is read once a second: the values between repeat the last one, never 0 after the first.
        #expect(series[1].dropFirst(5).allSatisfy { $0 >= 0 } && (series[1].max() ?? 0) > 40)
    }

    @Test func withoutHeapStatisticsOneLineAndWithoutSamplesNoChart() throws {
        let rows = Self.sawtooth(passes: 2, perPass: 100, heap: false)
        let block = try #require(MermaidChart.render(title: "t", samples: rows))
        #expect(Self.lines(block).count == 1)
        #expect(MermaidChart.render(title: "t", samples: []) == nil)
        #expect(MermaidChart.render(title: "t", samples: Array(rows.prefix(1))) == nil)
    }
}
