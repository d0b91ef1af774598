import Foundation
import Testing
@testable import FeaturePipeline

/// Log-mel frames against librosa 0.11 (scripts/make-librosa-fixture.py): every value within 1e-3.
struct LogMelExtractorTests {
    // The property names are the manifest's JSON keys, as scripts/make-librosa-fixture.py writes them.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct Fixture: Decodable {
        let name: String
        let sample_rate: Int
        let samples: Int
        let frames: Int
        let mel_bins: Int
    }

    struct Manifest: Decodable {
        let fixtures: [Fixture]
    }

    static func fixturesURL() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
    }

    static func fixtures() throws -> [Fixture] {
        let data = try Data(contentsOf: fixturesURL().appendingPathComponent("fixtures.json"))
        return try JSONDecoder().decode(Manifest.self, from: data).fixtures
    }

    @Test("matches librosa", arguments: ["speech", "silence", "tone440"], [48000, 16000])
    func matchesLibrosa(signal: String, rate: Int) throws {
        let fixture = try #require(Self.fixtures().first { $0.name == "\(signal)-\(rate)" })
        let dir = try Self.fixturesURL()
        let input = try Self.floats(dir.appendingPathComponent("\(fixture.name).input.f32"))
        let expected = try Self.floats(dir.appendingPathComponent("\(fixture.name).logmel.f32"))
        #expect(input.count == fixture.samples)
        #expect(expected.count == fixture.frames * fixture.mel_bins)

        let extractor = LogMelExtractor()
        var out: [Float] = []
        let frames = extractor.compute(input, sampleRate: rate, into: &out)
        #expect(frames == fixture.frames)
        #expect(out.count == expected.count)
        var worst: Float = 0
        for (a, b) in zip(out, expected) { worst = max(worst, abs(a - b)) }
        #expect(worst <= 1e-3, "max |swift - librosa| = \(worst) for \(fixture.name)")
        if signal == "silence" {
            #expect(out.allSatisfy { $0 == Float(log(1e-6 as Float)) || abs($0 - log(1e-6)) < 1e-6 })
        }
    }

    @Test func reusesOutputAndSwitchesRates() throws {
        let dir = try Self.fixturesURL()
        let tone48 = try Self.floats(dir.appendingPathComponent("tone440-48000.input.f32"))
        let tone16 = try Self.floats(dir.appendingPathComponent("tone440-16000.input.f32"))
        let extractor = LogMelExtractor()
        var first: [Float] = [], out: [Float] = []
        _ = extractor.compute(tone48, sampleRate: 48000, into: &first)
        _ = extractor.compute(tone16, sampleRate: 16000, into: &out)
        let frames = extractor.compute(tone48, sampleRate: 48000, into: &out)
        #expect(frames * LogMelExtractor.melBands == out.count)
        #expect(out == first)
    }

    @Test("the staged spectrogram gives the same bits", arguments: ["speech", "tone440"], [48000, 16000])
    func stagedSpectrogramIsBitIdentical(signal: String, rate: Int) throws {
        let samples = try Self.floats(Self.fixturesURL().appendingPathComponent("\(signal)-\(rate).input.f32"))
        let extractor = LogMelExtractor()
        var direct: [Float] = [], staged: [Float] = [], spectrogram: [Float] = []
        let frames = extractor.compute(samples, sampleRate: rate, into: &direct)
        let stagedFrames = samples.withUnsafeBufferPointer {
            extractor.computeStaged($0, sampleRate: rate, spectrogram: &spectrogram, into: &staged)
        }
        #expect(stagedFrames == frames)
        #expect(staged.map(\.bitPattern) == direct.map(\.bitPattern))
        // The whole power spectrogram was materialised: one padded row per frame.
        #expect(spectrogram.count >= frames * LogMelExtractor.spectrogramStride)
        // Reused with stale rows from a longer input, the result is still the same.
        let half = Array(samples.prefix(samples.count / 2))
        var shortDirect: [Float] = [], shortStaged: [Float] = []
        _ = extractor.compute(half, sampleRate: rate, into: &shortDirect)
        _ = half.withUnsafeBufferPointer {
            extractor.computeStaged($0, sampleRate: rate, spectrogram: &spectrogram, into: &shortStaged)
        }
        #expect(shortStaged.map(\.bitPattern) == shortDirect.map(\.bitPattern))
    }

    @Test func frameCountFollowsCenteredFraming() {
        #expect(LogMelExtractor.frameCount(samples: 192_000, sampleRate: 48000) == 401)
        #expect(LogMelExtractor.frameCount(samples: 479, sampleRate: 48000) == 1)
        #expect(LogMelExtractor.frameCount(samples: 0, sampleRate: 48000) == 0)
        #expect(LogMelExtractor.windowLength(sampleRate: 16000) == 400)
        #expect(LogMelExtractor.hopLength(sampleRate: 16000) == 160)
    }

    @Test func emptyInputGivesNoFrames() {
        var out: [Float] = [1, 2, 3]
        #expect(LogMelExtractor().compute([], sampleRate: 48000, into: &out) == 0)
        #expect(out.isEmpty)
    }

    @Test func fastLogIsAccurate() {
        var worst: Float = 0
        var x: Float = 1e-6
        while x < 1e6 {
            let v = FastLog.log(SIMD8<Float>(repeating: x))[0]
            let ref = Float(Foundation.log(Double(x)))
            worst = max(worst, abs(v - ref) / max(1, abs(ref)))
            x *= 1.0137
        }
        #expect(worst < 1e-6)
    }
}
