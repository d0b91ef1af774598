import Logging
import SystemPackage

/// Writes each message to standard error as it is, one line per message: no timestamp, level or label.
///
/// The messages already carry their own prefix (`leakharness: `, `error: `, a variant's label), and tests and
/// scripts read these lines as they are. Metadata, which this tool's messages do not use, follows as ` key=value`.
struct PlainLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var text = event.message.description
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += "\n"
        // The whole line in one call, so that lines of variants running side by side do not interleave.
        _ = try? FileDescriptor.standardError.writeAll(text.utf8)
    }
}
