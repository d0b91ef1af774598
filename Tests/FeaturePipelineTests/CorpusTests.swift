import Foundation
import Testing
import TestSupport
@testable import FeaturePipeline

private func relativeFiles(_ root: URL) -> [String] {
    (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? [])
        .filter {
            !$0.hasSuffix("/")
                && FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path + "/") == false
        }
        .sorted()
}

/// The generated corpus: layout, content and determinism.
@Suite(.scratchFolder) struct SyntheticCorpusTests {
    @Test func sameArgumentsGiveIdenticalBytes() throws {
        let a = URL(fileURLWithPath: try ScratchFolder.directory("corpus-a"))
        let b = URL(fileURLWithPath: try ScratchFolder.directory("corpus-b"))
        let c = URL(fileURLWithPath: try ScratchFolder.directory("corpus-c"))
        try SyntheticCorpus.generate(into: a, speakers: 2, utterances: 3, seed: 5)
        try SyntheticCorpus.generate(into: b, speakers: 2, utterances: 3, seed: 5)
        try SyntheticCorpus.generate(into: c, speakers: 2, utterances: 3, seed: 6)
        let files = relativeFiles(a)
        #expect(files == relativeFiles(b))
        #expect(files.contains("wav48/p225/p225_001.wav"))
        #expect(files.contains("txt/p226/p226_003.txt"))
        #expect(files.contains("wav48/p225/p225_corrupt.wav"))
        #expect(files.contains("wav48/p225/p225_empty.wav"))
        #expect(files.filter { $0.hasSuffix(".wav") }.count == 2 * 3 + 2)
        var differs = false
        for file in files {
            let bytes = try Data(contentsOf: a.appendingPathComponent(file))
            #expect(bytes == (try Data(contentsOf: b.appendingPathComponent(file))), "\(file) differs between runs")
            if bytes != (try? Data(contentsOf: c.appendingPathComponent(file))) { differs = true }
        }
        #expect(differs, "another seed must give another corpus")
    }

    @Test func filesAreSpeechLikeWAV() throws {
        let root = URL(fileURLWithPath: try ScratchFolder.directory("corpus-audio"))
        try SyntheticCorpus.generate(into: root, speakers: 1, utterances: 4)
        for u in 1...4 {
            let path = root.appendingPathComponent("wav48/p225/p225_00\(u).wav").path
            let file = try AudioFile(path: path)
            #expect(file.sampleRate == 48000)
            #expect(file.channels == 1)
            #expect(file.isPCM16)
            let seconds = Double(file.frames) / 48000
            #expect(seconds >= 2 && seconds <= 6)
            let samples = try file.readMono()
            let peak = samples.reduce(0) { max($0, abs($1)) }
            #expect(peak > 0.2 && peak < 1)
            // Pauses and speech both: some 10 ms frames quiet, some loud.
            let energies = stride(from: 0, to: samples.count - 480, by: 480).map { start in
                samples[start..<(start + 480)].reduce(0) { $0 + $1 * $1 } / 480
            }
            #expect(energies.contains { $0 < 1e-5 })
            #expect(energies.filter { $0 > 1e-3 }.count > energies.count / 4)
        }
        #expect(throws: AudioError.self) {
            try AudioFile(path: root.appendingPathComponent("wav48/p225/p225_corrupt.wav").path)
        }
        #expect(throws: AudioError.empty(path: root.appendingPathComponent("wav48/p225/p225_empty.wav").path)) {
            try AudioFile(path: root.appendingPathComponent("wav48/p225/p225_empty.wav").path)
        }
        let text = try String(contentsOf: root.appendingPathComponent("txt/p225/p225_001.txt"), encoding: .utf8)
        #expect(text.hasSuffix(".\n") && text.count > 10)
    }

    @Test func longTailAddsLongClips() throws {
        #expect(SyntheticCorpus.longTailCount(speakers: 12, utterances: 25) == 3)
        #expect(SyntheticCorpus.longTailCount(speakers: 100, utterances: 50) == 50)
        var rng = SplitMix64(seed: 1, speaker: 0, utterance: 901)
        let samples = SyntheticCorpus.synthesize(seconds: 130, voice: .init(seed: 1, speaker: 0), rng: &rng)
        #expect(samples.count == 130 * 48000)
        #expect(samples.contains { abs(Int($0)) > 5000 })
    }

    @Test func rejectsBadCounts() {
        #expect(throws: CorpusError.self) { try SyntheticCorpus.validate(speakers: 0, utterances: 3) }
        #expect(throws: CorpusError.self) { try SyntheticCorpus.validate(speakers: 2, utterances: 900) }
        #expect(throws: Never.self) { try SyntheticCorpus.validate(speakers: 775, utterances: 899) }
    }

    @Test func splitMixStreamsAreIndependentAndStable() {
        var a = SplitMix64(state: 0)
        // Reference values of SplitMix64 from state 0.
        #expect(a.next() == 0xE220_A839_7B1D_CDAF)
        #expect(a.next() == 0x6E78_9E6A_A1B9_65F4)
        var b = SplitMix64(seed: 1, speaker: 0, utterance: 1), c = SplitMix64(seed: 1, speaker: 0, utterance: 2)
        #expect(b.next() != c.next())
    }
}

/// Indexing VCTK-layout directories.
@Suite(.scratchFolder) struct CorpusIndexTests {
    @Test func missingDirectoryNamesIt() {
        let path = "/nonexistent/corpus-\(UUID().uuidString)"
        #expect(throws: CorpusError.missingDirectory(path)) { try CorpusIndex.load(directory: path) }
        #expect(CorpusError.missingDirectory(path).description.contains(path))
    }

    @Test func directoryWithoutAudioNamesIt() throws {
        let root = URL(fileURLWithPath: try ScratchFolder.directory("corpus-noaudio"))
        try Data("x".utf8).write(to: root.appendingPathComponent("readme.txt"))
        #expect(throws: CorpusError.noAudio(directory: root.path)) { try CorpusIndex.load(directory: root.path) }
    }

    @Test func indexesGeneratedCorpus() throws {
        let root = URL(fileURLWithPath: try ScratchFolder.directory("corpus-index"))
        try SyntheticCorpus.generate(into: root, speakers: 2, utterances: 2)
        let entries = try CorpusIndex.load(directory: root.path)
        #expect(entries.map(\.path) == entries.map(\.path).sorted())
        #expect(entries.count == 2 * 2 + 2)
        #expect(
            entries.first
                == CorpusEntry(
                    path: root.appendingPathComponent("wav48/p225/p225_001.wav").path, speaker: "p225", utterance: "001"
                ))
        #expect(entries.contains { $0.utterance == "corrupt" && $0.speaker == "p225" })
        #expect(Set(entries.map(\.speaker)) == ["p225", "p226"])
    }

    @Test func prefersFLACReleaseLayoutThenAnyAudio() throws {
        let root = URL(fileURLWithPath: try ScratchFolder.directory("corpus-flac"))
        let flac = root.appendingPathComponent("wav48_silence_trimmed/p300")
        try FileManager.default.createDirectory(at: flac, withIntermediateDirectories: true)
        try Data().write(to: flac.appendingPathComponent("p300_002_mic1.flac"))
        try Data().write(to: flac.appendingPathComponent("p300_001_mic2.flac"))
        try Data().write(to: flac.appendingPathComponent("p300_001.txt"))
        let other = root.appendingPathComponent("extra")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data().write(to: other.appendingPathComponent("loose.wav"))
        let entries = try CorpusIndex.load(directory: root.path)
        #expect(entries.map(\.utterance) == ["001_mic2", "002_mic1"])
        #expect(entries.allSatisfy { $0.speaker == "p300" })

        try FileManager.default.removeItem(at: root.appendingPathComponent("wav48_silence_trimmed"))
        let fallback = try CorpusIndex.load(directory: root.path)
        #expect(
            fallback == [
                CorpusEntry(path: other.appendingPathComponent("loose.wav").path, speaker: "extra", utterance: "loose")
            ])
    }
}

/// The cached built-in corpus.
struct BuiltInCorpusTests {
    @Test func folderNamesCarryVersionAndParameters() {
        #expect(BuiltInCorpus.folderName() == "corpus-v\(BuiltInCorpus.version)-12x25-s1")
        #expect(
            BuiltInCorpus.folderName(speakers: 3, utterances: 4, seed: 9, longTail: true)
                == "corpus-v\(BuiltInCorpus.version)-3x4-s9-longtail")
    }

    @Test func generatesOnceThenReuses() throws {
        // A parameter set no other test uses, in the real cache: generated once, then found.
        let path = try BuiltInCorpus.directory(speakers: 1, utterances: 2, seed: 4242)
        #expect(path == BuiltInCorpus.path(speakers: 1, utterances: 2, seed: 4242))
        #expect(try CorpusIndex.load(directory: path).count == 1 * 2 + 2)
        let marker = URL(fileURLWithPath: path).appendingPathComponent("wav48/p225/p225_001.wav")
        let before = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date
        #expect(try BuiltInCorpus.directory(speakers: 1, utterances: 2, seed: 4242) == path)
        let after = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date
        #expect(before == after)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: BuiltInCorpus.cacheRoot())
        #expect(
            !siblings.contains {
                $0.hasPrefix(".\(BuiltInCorpus.folderName(speakers: 1, utterances: 2, seed: 4242)).tmp")
            })
    }

    @Test func corpusSourceMapsToDirectories() throws {
        #expect(try BuiltInCorpus.directory(for: .directory("/some/where")) == "/some/where")
    }
}
