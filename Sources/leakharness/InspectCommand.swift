import ArgumentParser
import Model
import FeaturePipeline
import Foundation

/// `leakharness inspect FILE...`: record counts and first-record features of TFRecord files, every checksum verified.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Verify every record checksum of TFRecord files and describe the features of each file's first example.",
        discussion:
            "Exits 1 when a file cannot be read or holds a bad record; the message names the file and the byte offset."
    )

    @Argument(help: "TFRecord files to inspect.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one .tfrecord file") }
    }

    func run() throws {
        var failed = false
        for path in files {
            do {
                print(try TFRecordInspector.inspect(path: path))
            } catch {
                logger.error("error: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(.checkFailed) }
    }
}
