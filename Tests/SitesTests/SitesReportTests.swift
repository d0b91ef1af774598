import Foundation
import Testing
@testable import Sites

struct SiteReportTests {
    /// A run directory whose `leaky` variant dumped the two fixtures as passes 1 and 3, and pass 1 again as pass 2.
    private func runDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "leakharness-sites-\(UUID().uuidString)"
        let profiles = "\(directory)/profiles/leaky"
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        for (source, pass) in [("pass-1.heap", 1), ("pass-1.heap", 2), ("pass-3.heap", 3)] {
            try FileManager.default.copyItem(
                atPath: SitesFixtures.path(source), toPath: "\(profiles)/pass-\(pass).heap")
        }
        return directory
    }

    @Test func ranksTheWriterBufferSiteAsGrowing() throws {
        let directory = try runDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let variants = try SiteReport.analyze(runDirectory: directory)
        #expect(variants.map(\.variant) == ["leaky"])
        let leaky = try #require(variants.first)
        #expect(leaky.passes == 3)
        #expect(leaky.period == 131072)
        #expect(leaky.executable == "/nonexistent/leakharness")
        // Without the executable, a site is named by its first frame outside the allocator and runtime libraries.
        let top = try #require(leaky.sites.first)
        #expect(top.function == "leakharness+0x227d99")
        #expect(top.growing)
        #expect(top.afterBytes.count == 3)
        #expect(abs(top.afterBytes[0] - 2_129_676.162) < 1)
        #expect(abs(top.afterBytes[2] - 5_324_190.827) < 1)
        #expect(abs(top.verdict.slopePerPass - 1_597_257.333) < 1)
        #expect(abs(top.objectsLastPass - 16.368551) < 1e-4)
        // Two stacks share the frame leakharness+0x1cb0b6 and are one site, the same in every pass.
        let second = try #require(leaky.sites.dropFirst().first)
        #expect(second.function == "leakharness+0x1cb0b6")
        #expect(!second.growing)
        #expect(abs(second.afterBytes[0] - (152_493.337 + 3_407_931.702)) < 1)
        #expect(leaky.sites.count == 2)
    }

    @Test func writesSitesCSVAndMarkdown() throws {
        let directory = try runDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let variants = try SiteReport.write(runDirectory: directory)
        #expect(variants.count == 1)
        let csv = try String(contentsOfFile: "\(directory)/sites.csv", encoding: .utf8)
        let rows = csv.split(separator: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.first == SiteReport.csvHeader)
        #expect(rows.count == 3)
        #expect(rows[1][0...7] == ["leaky", "1", "leakharness+0x227d99", "", "1.523", "5.078", "5.078", "true"])
        #expect(rows[2][7] == "false")
        let markdown = try String(contentsOfFile: "\(directory)/sites.md", encoding: .utf8)
        #expect(markdown.hasPrefix("## Where it is allocated"))
        #expect(markdown.contains("1 growing site(s)"))
        #expect(
            markdown.contains(
                "jeprof --base=profiles/leaky/pass-1.heap /nonexistent/leakharness profiles/leaky/pass-3.heap"))
        #expect(try SiteReport.markdownSection(runDirectory: directory) == markdown)
    }

    @Test func aRunWithoutProfilesHasNoSites() throws {
        let directory = NSTemporaryDirectory() + "leakharness-nosites-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try SiteReport.write(runDirectory: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/sites.csv"))
        #expect(try SiteReport.markdownSection(runDirectory: directory) == "")
    }

    @Test func quotesCSVFieldsThatNeedIt() {
        #expect(SiteReport.csvField("closure #1 (a, b)") == "\"closure #1 (a, b)\"")
        #expect(SiteReport.csvField("say \"x\"") == "\"say \"\"x\"\"\"")
        #expect(SiteReport.csvField("plain") == "plain")
    }
}
