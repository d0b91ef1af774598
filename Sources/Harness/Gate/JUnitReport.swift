import Reporting

/// Renders `check`'s results as JUnit XML: one test suite per scenario, one test case per variant.
public enum JUnitReport {
    /// The XML document (UTF-8, with declaration).
    public static func render(_ checks: [VariantCheck]) -> String {
        var scenarios: [String] = []
        for c in checks where !scenarios.contains(c.scenario) { scenarios.append(c.scenario) }
        let failures = checks.filter { !$0.passed }.count
        let total = checks.map(\.seconds).reduce(0, +)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"leakharness check\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(seconds(total))\">\n"
        for scenario in scenarios {
            let cases = checks.filter { $0.scenario == scenario }
            xml +=
                "  <testsuite name=\"\(escape(scenario))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.passed }.count)\" errors=\"0\" time=\"\(seconds(cases.map(\.seconds).reduce(0, +)))\">\n"
            for c in cases {
                xml +=
                    "    <testcase classname=\"leakharness.\(escape(scenario))\" name=\"\(escape(c.variant))\" time=\"\(seconds(c.seconds))\">\n"
                if !c.passed {
                    xml +=
                        "      <failure message=\"\(escape(c.failures[0]))\" type=\"\(escape(c.verdict.rawValue))\">\(escape(c.failures.joined(separator: "\n")))</failure>\n"
                }
                let out = (["verdict \(c.verdict.rawValue), cause \(c.cause.rawValue), slope \(c.measured)"] + c.notes)
                    .joined(separator: "\n")
                xml += "      <system-out>\(escape(out))</system-out>\n"
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// Escapes text for an XML attribute or element; characters XML 1.0 forbids become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func seconds(_ s: Double) -> String { ReportFormat.fixed(s, 3) }
}
