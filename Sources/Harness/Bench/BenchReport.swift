import Foundation
import Model

/// Text forms of a bench result: the table, the JSON, and the comparison with a baseline.
public enum BenchReport {
    /// A plain table: figure, value, the issue's target and whether it is met.
    public static func table(_ result: BenchResult) -> String {
        var lines = ["figure                           value  target"]
        for figure in BenchFigure.compared {
            var target = ""
            if let t = figure.target {
                target = "\(t.atLeast ? ">=" : "<=") \(format(t.bound))  \(t.met(by: result[figure]) ? "ok" : "MISSED")"
            }
            lines.append(
                figure.rawValue.padding(toLength: 31, withPad: " ", startingAt: 0)
                    + format(result[figure]).leftPadded(to: 9) + "  " + target)
        }
        lines.append(
            String(
                format: "load average (1 min): %.2f at start, %.2f at end%@", result[.loadAverage1m],
                result[.loadAverageEnd1m], result[.quick] == 1 ? "; --quick: figures are not meaningful" : ""))
        return lines.joined(separator: "\n")
    }

    /// The result as one JSON object with sorted keys.
    public static func json(_ result: BenchResult) -> String {
        (try? JSONCoding.text(result)) ?? "{}"
    }

    /// Reads a baseline written by `bench --json`.
    public static func loadBaseline(path: String) throws(BenchError) -> BenchResult {
        do {
            return try JSONCoding.decode(BenchResult.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .baseline(path: path, reason: "\(error)")
        }
    }

    /// One warning per figure that moved by more than `tolerance` (a fraction) from the baseline, saying which way.
    public static func compare(_ current: BenchResult, baseline: BenchResult, tolerance: Double = 0.2) -> [String] {
        var warnings: [String] = []
        for figure in BenchFigure.compared {
            let now = current[figure], then = baseline[figure]
            let change: Double
            if then == 0 {
                guard now != 0 else { continue }
                change = .infinity
            } else {
                change = (now - then) / abs(then)
            }
            guard abs(change) > tolerance else { continue }
            let better = (change > 0) == (figure.polarity == .higherIsBetter)
            let percent = change.isFinite ? String(format: "%+.0f%%", change * 100) : "from 0"
            warnings.append(
                "warning: \(figure.rawValue) \(format(now)) vs baseline \(format(then)) (\(percent), \(better ? "better" : "worse"))"
            )
        }
        return warnings
    }

    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
