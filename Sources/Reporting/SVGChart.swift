import Foundation
public import Model

/// A standalone SVG chart of one variant: RSS and live heap in MB against files processed, pass ends as dashed
/// lines, each pass's quiet window as a green band with its RSS floor marked, the settle phase as a shaded band on
/// the right plotted against its seconds (marked when RSS never became steady). Samples after the settle's end
/// (teardown) are not drawn: they do not count.
public enum SVGChart {
    static let width = 800.0, height = 440.0
    static let left = 70.0, right = 780.0, top = 56.0, bottom = 350.0
    static let settleWidth = 90.0, gap = 10.0
    static let maxPoints = 1500

    /// The SVG text; deterministic for equal inputs. `windowFloorsMB` gives each quiet window's RSS floor, as the
    /// analysis read it.
    public static func render(
        title: String, subtitle: String, samples: [SampleRow], report: ChildReport?, windowFloorsMB: [Double?] = []
    ) -> String {
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        )
        out.append("<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#ffffff\"/>")
        out.append("<text x=\"\(f(left))\" y=\"22\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>")
        out.append("<text x=\"\(f(left))\" y=\"40\" fill=\"#555555\">\(escape(subtitle))</text>")
        let rows = SampleRow.ordered(samples, until: report?.settleEndMs)
        guard let first = rows.first, let last = rows.last else {
            out.append(
                "<text x=\"\(f((left + right) / 2))\" y=\"\(f((top + bottom) / 2))\" text-anchor=\"middle\">no samples</text>"
            )
            out.append("</svg>")
            return out.joined(separator: "\n") + "\n"
        }
        let settleStart = report?.settleStartMs ?? Int64.max
        let hasSettle = last.tMs >= settleStart && settleStart > first.tMs
        let workRight = hasSettle ? right - settleWidth - gap : right
        let maxFiles = Double(max(1, rows.map(\.filesDone).max() ?? 1))
        let mb = { (kb: Int64) in Units.mb(kilobytes: kb) }
        let maxY = rows.map { max(mb($0.rssKB), Units.mb(bytes: $0.heapLiveBytes ?? 0)) }.max() ?? 1
        let yStep = niceStep(max(maxY, 1) * 1.05 / 5)
        let yTop = (max(maxY, 1) * 1.05 / yStep).rounded(.up) * yStep
        let xStep = niceStep(maxFiles / 6)

        func xOf(_ r: SampleRow) -> Double {
            if hasSettle, r.tMs >= settleStart {
                let span = Double(max(1, last.tMs - settleStart))
                return right - settleWidth + Double(r.tMs - settleStart) / span * settleWidth
            }
            return left + Double(r.filesDone) / maxFiles * (workRight - left)
        }
        func yOf(_ v: Double) -> Double { bottom - v / yTop * (bottom - top) }

        // Grid and y axis.
        var v = 0.0
        while v <= yTop + yStep / 2 {
            let y = yOf(v)
            out.append(
                "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>"
            )
            out.append(
                "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(tick(v, step: yStep))</text>")
            v += yStep
        }
        // Settle band.
        if hasSettle {
            let x0 = right - settleWidth
            out.append(
                "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(settleWidth))\" height=\"\(f(bottom - top))\" fill=\"#f0f0f0\" stroke=\"#cccccc\"/>"
            )
            out.append(
                "<text x=\"\(f(x0 + settleWidth / 2))\" y=\"\(f(top + 14))\" text-anchor=\"middle\" fill=\"#555555\">settle</text>"
            )
            let seconds = Double(last.tMs - settleStart) / 1000
            out.append(
                "<text x=\"\(f(x0 + settleWidth / 2))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\" fill=\"#555555\">0–\(tick(seconds, step: 0.1)) s</text>"
            )
        }
        // X axis ticks (files).
        var xv = 0.0
        while xv <= maxFiles + xStep / 100 {
            let x = left + xv / maxFiles * (workRight - left)
            out.append(
                "<line x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom + 5))\" stroke=\"#333333\"/>")
            out.append(
                "<text x=\"\(f(x))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\">\(tick(xv, step: xStep))</text>")
            xv += xStep
        }
        out.append(
            "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#333333\"/>")
        out.append(
            "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"#333333\"/>")
        out.append(
            "<text x=\"\(f((left + workRight) / 2))\" y=\"\(f(bottom + 40))\" text-anchor=\"middle\">files processed</text>"
        )
        out.append(
            "<text x=\"18\" y=\"\(f((top + bottom) / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f((top + bottom) / 2)))\">memory (MB)</text>"
        )

        // Pass ends, except the one that is the start of the settle.
        for (i, end) in (report?.passEndMs ?? []).enumerated() {
            guard let r = rows.first(where: { $0.tMs >= end }) else { continue }
            let x = left + Double(r.filesDone) / maxFiles * (workRight - left)
            out.append(
                "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#888888\" stroke-width=\"1\" stroke-dasharray=\"5,4\"/>"
            )
            out.append(
                "<text x=\"\(f(x - 4))\" y=\"\(f(top + 14))\" text-anchor=\"end\" fill=\"#555555\" font-size=\"11\">pass \(i + 1) end</text>"
            )
        }

        // Quiet windows, each with its floor: files do not advance in a window, so it is drawn as a narrow band.
        let windows = report?.quietWindows ?? []
        for (i, w) in windows.enumerated() {
            let inside = rows.filter { $0.tMs >= w.startMs && $0.tMs <= w.endMs }
            guard let r = inside.first else { continue }
            let x = left + Double(r.filesDone) / maxFiles * (workRight - left)
            out.append(
                "<rect x=\"\(f(x - 4))\" y=\"\(f(top))\" width=\"8\" height=\"\(f(bottom - top))\" fill=\"#dff0d8\" opacity=\"0.8\"/>"
            )
            if i < windowFloorsMB.count, let floor = windowFloorsMB[i] {
                out.append(
                    "<line x1=\"\(f(x - 9))\" y1=\"\(f(yOf(floor)))\" x2=\"\(f(x + 9))\" y2=\"\(f(yOf(floor)))\" stroke=\"#2ca02c\" stroke-width=\"3\"/>"
                )
            }
        }
        if hasSettle, report?.settleSteady == false {
            out.append(
                "<text x=\"\(f(right - settleWidth / 2))\" y=\"\(f(top + 30))\" text-anchor=\"middle\" fill=\"#d62728\">not steady</text>"
            )
        }

        // Series.
        let stride = max(1, (rows.count + maxPoints - 1) / maxPoints)
        let picked =
            Swift.stride(from: 0, to: rows.count, by: stride).map { rows[$0] }
            + ((rows.count - 1) % stride == 0 ? [] : [last])
        let rss = picked.map { "\(f(xOf($0))),\(f(yOf(mb($0.rssKB))))" }
        out.append(
            "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.8\" stroke-linejoin=\"round\" points=\"\(rss.joined(separator: " "))\"/>"
        )
        let live = picked.compactMap { r in r.heapLiveBytes.map { "\(f(xOf(r))),\(f(yOf(Units.mb(bytes: $0))))" } }
        if !live.isEmpty {
            out.append(
                "<polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"1.8\" stroke-linejoin=\"round\" points=\"\(live.joined(separator: " "))\"/>"
            )
        }

        // Legend: one row under the axis label.
        var lx = left
        let ly = height - 16
        func entry(_ mark: String, _ label: String) {
            out.append(mark)
            out.append("<text x=\"\(f(lx + 28))\" y=\"\(f(ly + 4))\">\(label)</text>")
            lx += 28 + Double(label.count) * 7 + 24
        }
        entry(
            "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"#1f77b4\" stroke-width=\"2\"/>",
            "RSS")
        if !live.isEmpty {
            entry(
                "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"#ff7f0e\" stroke-width=\"2\"/>",
                "live heap")
        }
        entry(
            "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"#888888\" stroke-dasharray=\"5,4\"/>",
            "pass end")
        if !windows.isEmpty {
            entry(
                "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"#2ca02c\" stroke-width=\"3\"/>",
                "floor (quiet window)")
        }
        entry(
            "<rect x=\"\(f(lx))\" y=\"\(f(ly - 6))\" width=\"22\" height=\"12\" fill=\"#f0f0f0\" stroke=\"#cccccc\"/>",
            "settle, against seconds")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * p >= raw { return m * p }
        return 10 * p
    }

    /// A tick label with as many decimals as the step needs.
    static func tick(_ v: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : Int((-log10(step)).rounded(.up))
        return ReportFormat.fixed(v, decimals)
    }

    /// A coordinate with one decimal.
    static func f(_ x: Double) -> String { ReportFormat.fixed(x, 1) }

    /// Text escaped for XML.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
