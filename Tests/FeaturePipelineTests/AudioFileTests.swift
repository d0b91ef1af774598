import CSndFile
import Foundation
import Testing
import TestSupport
@testable import FeaturePipeline

/// Decoding WAV and FLAC files of several encodings, and every way a file can be bad.
struct AudioFileTests {
    let files: AudioTestFiles
    let shorts = AudioTestFiles.tone(frames: 48000 + 123)
    /// What decoding `shorts` must give: s / 32768, as libsndfile's own float conversion.
    var tone: [Float] { shorts.map { Float($0) / 32768 } }

    init() throws {
        files = try AudioTestFiles()
    }

    private func maxError(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func decodes16BitWAV() throws {
        let path = try files.write("a.wav", shorts: shorts, format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let file = try AudioFile(path: path)
        #expect(file.sampleRate == 48000)
        #expect(file.channels == 1)
        #expect(file.frames == tone.count)
        #expect(file.isPCM16)
        let samples = try file.readMono()
        #expect(samples.count == tone.count)
        #expect(maxError(samples, tone) == 0)
        #expect(abs(try AudioFile.duration(path: path) - Double(tone.count) / 48000) < 1e-12)
    }

    @Test func reusesTheCallersBuffer() throws {
        let path = try files.write("a.wav", shorts: shorts, format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        var buffer = [Float](repeating: 7, count: 200_000)
        var scratch: [Int16] = []
        let before = buffer.withUnsafeBufferPointer { $0.baseAddress }
        let count = try AudioFile(path: path).readMono(into: &buffer, scratch: &scratch)
        #expect(count == tone.count)
        #expect(buffer.count == tone.count)
        #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(maxError(buffer, tone) == 0)
        #expect(scratch.count == AudioFile.chunkFrames)
    }

    @Test func averagesStereo() throws {
        var interleaved: [Int16] = []
        for x in shorts { interleaved += [x, 8192] }
        let path = try files.write(
            "stereo.wav", shorts: interleaved, channels: 2, format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let samples = try AudioFile(path: path).readMono()
        #expect(samples.count == tone.count)
        #expect(maxError(samples, tone.map { ($0 + 0.25) / 2 }) < 1e-7)
    }

    @Test func decodesStereoFloatWAV() throws {
        var interleaved: [Float] = []
        for x in tone { interleaved += [x, -x] }
        #expect(interleaved.contains { $0 != 0 })
        let path = try files.write(
            "stereo-float.wav", samples: interleaved, channels: 2, format: SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        let samples = try AudioFile(path: path).readMono()
        #expect(samples.count == tone.count)
        #expect(samples.allSatisfy { $0 == 0 })
    }

    @Test(
        "decodes other encodings",
        arguments: [
            ("24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24),
            ("float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT),
            ("16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16),
            ("24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24),
        ])
    func decodesEncoding(name: String, format: Int) throws {
        // libsndfile writes shorts into a float file unscaled: give it the floats instead.
        let path =
            format & SF_FORMAT_SUBMASK == SF_FORMAT_FLOAT
            ? try files.write(name, samples: tone, format: format)
            : try files.write(name, shorts: shorts, format: format)
        let file = try AudioFile(path: path)
        #expect(file.format == format)
        let samples = try file.readMono()
        #expect(samples.count == tone.count)
        #expect(maxError(samples, tone) < 1e-7)
    }

    @Test func corruptFileFailsToOpen() throws {
        var bytes = Array("RIFF".utf8) + [0, 4, 0, 0] + Array("WAVE".utf8)
        bytes += (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 37 | 0x80) }
        let path = try files.write("corrupt.wav", bytes: bytes)
        #expect(throws: AudioError.self) { try AudioFile(path: path) }
        do {
            _ = try AudioFile(path: path)
        } catch {
            guard case .open(let failed, let reason) = error else {
                Issue.record("expected .open, got \(error)"); return
            }
            #expect(failed == path)
            #expect(!reason.isEmpty)
            #expect(error.description.contains(path))
        }
    }

    @Test func emptyFileIsEmpty() throws {
        let path = try files.write("empty.wav", bytes: [])
        #expect(throws: AudioError.empty(path: path)) { try AudioFile(path: path) }
    }

    @Test func headerWithoutFramesIsEmpty() throws {
        let path = try files.write("noframes.wav", shorts: [], format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        #expect(throws: AudioError.empty(path: path)) { try AudioFile(path: path) }
    }

    @Test func textFileNamedWAVFailsToOpen() throws {
        let path = try files.write("notes.wav", bytes: Array("this is not audio, just text\n".utf8))
        #expect {
            try AudioFile(path: path)
        } throws: { error in
            guard let error = error as? AudioError, case .open(let failed, _) = error else { return false }
            return failed == path
        }
    }

    @Test func missingFileFailsToOpen() throws {
        let path = files.path("missing.wav")
        #expect {
            try AudioFile.duration(path: path)
        } throws: { error in
            guard let error = error as? AudioError, case .open = error else { return false }
            return error.description.contains("missing.wav")
        }
    }

    @Test func truncatedWAVGivesFewerSamplesOrError() throws {
        let path = try files.write("cut.wav", shorts: shorts, format: SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: UInt64(size - 20_000))
        do {
            let file = try AudioFile(path: path)
            let samples = try file.readMono()
            // libsndfile believes the file size over the header: fewer frames, all of them right.
            #expect(samples.count < tone.count)
            #expect(maxError(samples, Array(tone.prefix(samples.count))) == 0)
        } catch {
            #expect(error.path == path)
        }
    }

    @Test func truncatedFLACNeverCrashes() throws {
        let path = try files.write("cut.flac", shorts: shorts, format: SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: UInt64(size / 2))
        var outcome = "none"
        do {
            let samples = try AudioFile(path: path).readMono()
            outcome = "decoded \(samples.count)"
            #expect(samples.count < tone.count)
        } catch {
            outcome = "\(error)"
            #expect(error.path == path)
            #expect(error.description.contains("cut.flac"))
        }
        #expect(outcome != "none")
    }
}
