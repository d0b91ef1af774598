import Foundation
import FoundationXML
import Testing
@testable import Harness
@testable import Model

/// Collects test cases and failures of a JUnit document.
private final class JUnitCollector: NSObject, XMLParserDelegate {
    var cases: [String] = []
    var failures: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "testcase" { cases.append(attributes["name"] ?? "") }
        if name == "failure" { failures.append(attributes["message"] ?? "") }
    }
}

struct JUnitTests {
    @Test func oneTestCasePerVariantInValidXMLEvenWithMarkupInNames() throws {
        let summary = gateSummary(
            [
                gateVariant(
                    "fixed \"quoted\" & <tag>", slope: SlopeEstimate(estimate: 0, low: -1, high: 1),
                    expect: Model.Expectation(verdicts: [.stable])),
                gateVariant(
                    "leaky", verdict: .leak, cause: .liveHeap, slope: SlopeEstimate(estimate: 9, low: 8, high: 10),
                    expect: Model.Expectation(verdicts: [.stable])),
            ], scenario: "ci <&>")
        let xml = JUnitReport.render(Gate.evaluate(summary, baseline: nil))
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = JUnitCollector()
        parser.delegate = collector
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(collector.cases == ["fixed \"quoted\" & <tag>", "leaky"])
        #expect(collector.failures.count == 1)
        #expect(collector.failures[0].contains("expected STABLE, measured LEAK / live-heap"))
        #expect(xml.contains("tests=\"2\" failures=\"1\""))
    }

    @Test func controlCharactersAreReplaced() {
        #expect(JUnitReport.escape("a\u{1}b") == "a\u{FFFD}b")
        #expect(JUnitReport.escape("x<y") == "x&lt;y")
    }
}
