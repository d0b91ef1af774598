import Foundation
import Testing
@testable import Reporting

struct MarkdownTableTests {
    @Test func escapesPipesAndNewlines() {
        let t = MarkdownTable.render(header: ["a", "b"], rows: [["x|y", "line\nbreak"]])
        #expect(t == "| a | b |\n| --- | --- |\n| x\\|y | line break |\n")
    }
}

struct SummaryCSVTests {
    @Test func quotesOnlyFieldsThatNeedIt() {
        #expect(SummaryCSV.quote("plain") == "plain")
        #expect(SummaryCSV.quote("a,b") == "\"a,b\"")
        #expect(SummaryCSV.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(SummaryCSV.quote("two\r\nlines") == "\"two\r\nlines\"")
    }
}

struct AtomicFileTests {
    @Test func replacesContentAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leakharness-atomic-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("first", to: dir + "/sub/file.txt")
        try AtomicFile.write("second", to: dir + "/sub/file.txt")
        #expect(try String(contentsOfFile: dir + "/sub/file.txt", encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == ["file.txt"])
    }
}
