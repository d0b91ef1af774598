import CSndFile
import Foundation
import Testing
import TestSupport
@testable import FeaturePipeline

/// The pipeline over a corpus of every encoding, rate and kind of bad file: each file is processed or
/// skipped with its reason counted, and none stops the run. (A ten-minute file is run by ReliabilityCommandTests,
/// in the release build: in a debug build it takes most of a minute.)
struct ReliabilityCorpusTests {
    @Test func everyEncodingIsProcessedAndEveryBadFileSkippedWithItsReason() throws {
        let files = try AudioTestFiles()
        let speaker = files.directory.appendingPathComponent("p001")
        try FileManager.default.createDirectory(at: speaker, withIntermediateDirectories: true)
        func name(_ n: String) -> String { "p001/p001_\(n)" }
        let twoSeconds = AudioTestFiles.tone(frames: 96_000)

        // Good: 2 s each, one segment each.
        for (n, format) in [
            ("u8.wav", SF_FORMAT_PCM_U8), ("16.wav", SF_FORMAT_PCM_16), ("24.wav", SF_FORMAT_PCM_24),
            ("32.wav", SF_FORMAT_PCM_32),
        ] {
            _ = try files.write(name(n), shorts: twoSeconds, format: SF_FORMAT_WAV | format)
        }
        _ = try files.write(
            name("float.wav"), samples: twoSeconds.map { Float($0) / 32768 }, format: SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        _ = try files.write(
            name("stereo.wav"), shorts: twoSeconds.flatMap { [$0, $0 / 2] }, channels: 2,
            format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        for rate in [16_000, 22_050, 44_100] {
            _ = try files.write(
                name("rate\(rate).wav"), shorts: AudioTestFiles.tone(frames: 2 * rate, sampleRate: rate),
                sampleRate: rate, format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        }

        // Bad.
        _ = try files.write(name("zero-bytes.wav"), bytes: [])
        _ = try files.write(name("header-only.wav"), shorts: [], format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        _ = try files.write(name("text.wav"), bytes: Array("just some notes, not audio\n".utf8))
        _ = try files.write(
            name("corrupt.wav"),
            bytes: Array("RIFF".utf8) + [0, 4, 0, 0] + Array("WAVE".utf8)
                + (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 37 | 0x80) })
        _ = try files.write(
            name("one-frame.wav"), shorts: AudioTestFiles.tone(frames: 100), format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let flac = try files.write(name("cut.flac"), shorts: twoSeconds, format: SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        let size = try FileManager.default.attributesOfItem(atPath: flac)[.size] as! Int
        try FileHandle(forWritingTo: URL(fileURLWithPath: flac)).truncate(atOffset: UInt64(size / 2))

        let entries = try CorpusIndex.load(directory: files.directory.path)
        #expect(entries.count == 15)
        var options = PipelineOptions()
        options.corpus = .directory(files.directory.path)
        options.files = entries.count
        options.passes = 1
        options.workers = 2
        options.shardSize = 5
        let output = files.directory.appendingPathComponent("shards").path
        let result = try Pipeline(options: options, outputDirectory: output, keepShards: false).run()

        #expect(result.files == 15)
        #expect(result.skipped["empty file"] == 2, "\(result.skipped)")
        #expect(result.skipped["shorter than one segment"] == 1, "\(result.skipped)")
        let unreadable = result.skipped.filter { $0.key.hasPrefix("unreadable: ") }.values.reduce(0, +)
        #expect(unreadable == 2, "\(result.skipped)")
        // The cut FLAC is either decoded in part (one segment of its first second) or skipped as truncated.
        let flacSkipped = result.skipped.values.reduce(0, +) - 5
        #expect(flacSkipped == 0 || flacSkipped == 1, "\(result.skipped)")
        // 9 good clips × 1 segment (+ 1 of the cut FLAC when it decoded).
        #expect(result.segments == 9 + (1 - flacSkipped), "segments \(result.segments), skipped \(result.skipped)")
        #expect(result.shards >= 1)
    }
}
