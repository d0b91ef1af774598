import Foundation
import Model
import Logging

/// Progress of one variant on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise.
final class ProgressDisplay {
    let label: String
    let samplesPath: String
    let totalFiles: Int
    /// true: terminal bar; false: plain lines; nil: silent.
    let mode: Bool?
    private var lastPrint = -10.0
    private var drew = false

    init(label: String, samplesPath: String, totalFiles: Int, mode: Bool?) {
        self.label = label
        self.samplesPath = samplesPath
        self.totalFiles = totalFiles
        self.mode = mode
    }

    func update(elapsed: Double, rssMB: Double) {
        guard let mode else { return }
        let interval = mode ? 0.2 : 5.0
        guard elapsed - lastPrint >= interval else { return }
        lastPrint = elapsed
        let files = CSVTail.lastFilesDone(path: samplesPath) ?? 0
        let rate = elapsed > 0 ? Double(files) / elapsed : 0
        let fraction = totalFiles > 0 ? min(1, Double(files) / Double(totalFiles)) : 0
        if mode {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let text = String(
                format: "\r%@ [%@] %d/%d files  %.0f files/s  RSS %.0f MB  %.1f s\u{1B}[K",
                label, bar, files, totalFiles, rate, rssMB, elapsed)
            drawOnTerminal(text)
            drew = true
        } else {
            let text = String(
                format: "%@: %d/%d files, %.0f files/s, RSS %.0f MB, %.0f s", label, files, totalFiles, rate, rssMB,
                elapsed)
            Self.logger.info("\(text)")
        }
    }

    func finish() {
        if drew { drawOnTerminal("\r\u{1B}[K") }
    }

    /// The plain lines, the same as every other progress line of a run.
    private static let logger = Logger(label: "leakharness.run")

    /// Writes the bar to the terminal as it is. A log handler prints whole lines, while the bar redraws one line in
    /// place (a carriage return, no newline, an erase to its end), so it goes to standard error directly.
    private func drawOnTerminal(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Reads the last complete row of a samples CSV that is still being written.
enum CSVTail {
    static func lastFilesDone(path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let end = handle.seekToEndOfFile()
        handle.seek(toFileOffset: end > 600 ? end - 600 : 0)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        for line in lines.reversed() {
            if let row = SampleRow(csvLine: line) { return Int(row.filesDone) }
        }
        return nil
    }
}
