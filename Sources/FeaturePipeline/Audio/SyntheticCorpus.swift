public import Foundation
import Dispatch
import Synchronization

/// Generates the deterministic speech-like corpus in VCTK layout (`wav48/pNNN/pNNN_MMM.wav`).
///
/// `wav48/pNNN/pNNN_MMM.wav` (48 kHz mono 16-bit, 2-6 s: voiced harmonics through moving formants,
/// noise bursts, pauses) and `txt/pNNN/pNNN_MMM.txt`, plus `wav48/p225/p225_corrupt.wav` (a fake RIFF
/// header followed by garbage) and `wav48/p225/p225_empty.wav` (zero bytes). The same arguments give
/// byte-identical files: every file draws from its own SplitMix64 stream derived from the seed.
public enum SyntheticCorpus {
    /// Sample rate of every generated file.
    public static let sampleRate = 48_000
    /// Number of the first speaker (VCTK starts at p225).
    public static let firstSpeaker = 225
    /// Largest accepted speaker count (p225...p999).
    public static let maxSpeakers = 775
    /// Largest accepted utterance count per speaker (900 and up name the long-tail clips).
    public static let maxUtterances = 899

    /// Extra 2-5 minute clips added by `longTail`: about 1% of the files, at least 3.
    public static func longTailCount(speakers: Int, utterances: Int) -> Int {
        max(3, (speakers * utterances + 50) / 100)
    }

    /// Writes the corpus under `directory` (created if needed; existing files of the same names replaced).
    public static func generate(
        into directory: URL, speakers: Int = 12, utterances: Int = 25, seed: UInt64 = 1, longTail: Bool = false
    ) throws(CorpusError) {
        try generate(into: directory.path, speakers: speakers, utterances: utterances, seed: seed, longTail: longTail)
    }

    /// Writes the corpus under `directory` (created if needed; existing files of the same names replaced).
    public static func generate(
        into directory: String, speakers: Int = 12, utterances: Int = 25, seed: UInt64 = 1, longTail: Bool = false
    ) throws(CorpusError) {
        try validate(speakers: speakers, utterances: utterances)
        let root = URL(fileURLWithPath: directory)
        let wavRoot = root.appendingPathComponent("wav48")
        let txtRoot = root.appendingPathComponent("txt")
        for s in 0..<speakers {
            try makeDirectory(wavRoot.appendingPathComponent(speakerName(s)))
            try makeDirectory(txtRoot.appendingPathComponent(speakerName(s)))
        }
        // (speaker, utterance number); 901... are the long-tail clips. Every file has its own stream,
        // so the files can be written in parallel and still be byte-identical.
        var jobs = (0..<speakers).flatMap { s in (1...utterances).map { (s, $0) } }
        if longTail {
            let extra = (0..<longTailCount(speakers: speakers, utterances: utterances)).map {
                (($0 % speakers), 900 + $0 + 1)
            }
            jobs = extra + jobs
        }
        let failure = Locked<CorpusError?>(nil)
        let work = jobs
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let (s, u) = work[index]
            let speaker = speakerName(s)
            var rng = SplitMix64(seed: seed, speaker: s, utterance: u)
            let seconds = u > 900 ? 120 + 180 * rng.nextDouble() : 2 + 4 * rng.nextDouble()
            let name = "\(speaker)_\(threeDigits(u))"
            do throws(CorpusError) {
                try write(
                    wav: synthesize(seconds: seconds, voice: Voice(seed: seed, speaker: s), rng: &rng),
                    to: wavRoot.appendingPathComponent(speaker).appendingPathComponent(name + ".wav"))
                try write(
                    text: sentence(rng: &rng),
                    to: txtRoot.appendingPathComponent(speaker).appendingPathComponent(name + ".txt"))
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let first = wavRoot.appendingPathComponent(speakerName(0))
        var rng = SplitMix64(seed: seed, speaker: 0, utterance: 0)
        try write(bytes: corruptWAV(rng: &rng), to: first.appendingPathComponent("\(speakerName(0))_corrupt.wav"))
        try write(bytes: [], to: first.appendingPathComponent("\(speakerName(0))_empty.wav"))
    }

    /// Checks the counts against the naming scheme.
    public static func validate(speakers: Int, utterances: Int) throws(CorpusError) {
        guard (1...maxSpeakers).contains(speakers) else {
            throw .invalidParameter(name: "speakers", value: "\(speakers)", reason: "must be 1...\(maxSpeakers)")
        }
        guard (1...maxUtterances).contains(utterances) else {
            throw .invalidParameter(name: "utterances", value: "\(utterances)", reason: "must be 1...\(maxUtterances)")
        }
    }

    static func speakerName(_ index: Int) -> String { "p\(firstSpeaker + index)" }

    static func threeDigits(_ n: Int) -> String {
        n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)"
    }

    // MARK: Synthesis

    /// A speaker's fixed traits.
    struct Voice {
        let f0: Double
        let formantScale: Double
        let breath: Double

        init(seed: UInt64, speaker: Int) {
            var rng = SplitMix64(seed: seed, speaker: speaker, utterance: 0)
            f0 = 90 + 140 * rng.nextDouble()
            formantScale = 0.85 + 0.35 * rng.nextDouble()
            breath = 0.02 + 0.08 * rng.nextDouble()
        }
    }

    private static let vowels: [(Double, Double, Double)] = [
        (730, 1090, 2440), (270, 2290, 3010), (530, 1840, 2480), (660, 1720, 2410),
        (300, 870, 2240), (640, 1190, 2390), (490, 1350, 1690), (570, 840, 2410),
    ]

    /// Two-pole resonator with unity gain at its centre frequency.
    private struct Resonator {
        var g = 0.0, a1 = 0.0, a2 = 0.0, y1 = 0.0, y2 = 0.0

        mutating func tune(frequency: Double, bandwidth: Double, sampleRate: Double) {
            let r = exp(-Double.pi * bandwidth / sampleRate)
            let theta = 2 * Double.pi * frequency / sampleRate
            a1 = 2 * r * cos(theta)
            a2 = r * r
            g = (1 - r) * (1 - 2 * r * cos(2 * theta) + r * r).squareRoot()
        }

        @inline(__always)
        mutating func callAsFunction(_ x: Double) -> Double {
            let y = g * x + a1 * y1 - a2 * y2
            y2 = y1
            y1 = y
            return y
        }
    }

    /// Speech-like 16-bit samples of `seconds`: voiced stretches, noise bursts and pauses.
    static func synthesize(seconds: Double, voice: Voice, rng: inout SplitMix64) -> [Int16] {
        let sr = Double(sampleRate)
        let n = Int(seconds * sr)
        var out = [Double](repeating: 0, count: n)
        let ramp = Int(0.005 * sr)
        let block = 64
        var r1 = Resonator(), r2 = Resonator(), r3 = Resonator()
        var fricative = Resonator()
        var current = vowels[Int(rng.next() % UInt64(vowels.count))]
        var phase = 0.0
        var pos = Int((0.1 + 0.2 * rng.nextDouble()) * sr)
        let end = n - Int((0.1 + 0.2 * rng.nextDouble()) * sr)
        out.withUnsafeMutableBufferPointer { out in
            while pos < end {
                let kind = rng.nextDouble()
                if kind < 0.6 {
                    // Voiced: sawtooth source through three formants gliding to a new vowel.
                    let length = Int((0.08 + 0.22 * rng.nextDouble()) * sr)
                    let stop = min(pos + length, end)
                    let target = vowels[Int(rng.next() % UInt64(vowels.count))]
                    let f0Start = voice.f0 * (0.85 + 0.3 * rng.nextDouble())
                    let f0End = voice.f0 * (0.85 + 0.3 * rng.nextDouble())
                    let amplitude = 0.5 + 0.5 * rng.nextDouble()
                    let from = current
                    var i = pos
                    while i < stop {
                        let k = Double(i - pos) / Double(max(1, stop - pos))
                        let f1 = (from.0 + (target.0 - from.0) * k) * voice.formantScale
                        let f2 = (from.1 + (target.1 - from.1) * k) * voice.formantScale
                        let f3 = (from.2 + (target.2 - from.2) * k) * voice.formantScale
                        r1.tune(frequency: f1, bandwidth: 80, sampleRate: sr)
                        r2.tune(frequency: f2, bandwidth: 110, sampleRate: sr)
                        r3.tune(frequency: f3, bandwidth: 160, sampleRate: sr)
                        let step = (f0Start + (f0End - f0Start) * k) / sr
                        let blockEnd = min(i + block, stop)
                        while i < blockEnd {
                            phase += step
                            if phase >= 1 { phase -= 1 }
                            let source = (1 - 2 * phase) + voice.breath * rng.nextSigned()
                            let y = r3(r2(r1(source)))
                            let env = Double(min(ramp, i - pos, stop - 1 - i)) / Double(ramp)
                            out[i] = env * y
                            i += 1
                        }
                    }
                    current = target
                    normalize(out, pos..<stop, rms: amplitude * 0.25)
                    pos = stop
                } else if kind < 0.8 {
                    // Unvoiced: a band of noise (a fricative or a plosive burst).
                    let length = Int((0.03 + 0.1 * rng.nextDouble()) * sr)
                    let stop = min(pos + length, end)
                    fricative.tune(
                        frequency: 2500 + 4000 * rng.nextDouble(), bandwidth: 1500 + 1500 * rng.nextDouble(),
                        sampleRate: sr)
                    let amplitude = 0.2 + 0.4 * rng.nextDouble()
                    for i in pos..<stop {
                        let env = Double(min(ramp, i - pos, stop - 1 - i)) / Double(ramp)
                        out[i] = env * fricative(rng.nextSigned())
                    }
                    normalize(out, pos..<stop, rms: amplitude * 0.15)
                    pos = stop
                } else {
                    pos += Int((0.05 + 0.25 * rng.nextDouble()) * sr)
                }
            }
        }
        var peak = 0.0
        for x in out { peak = max(peak, abs(x)) }
        let gain = peak > 0 ? (0.3 + 0.4 * rng.nextDouble()) / peak : 0
        var samples = [Int16](repeating: 0, count: n)
        for i in 0..<n {
            // Two LSB of dither so pauses are quiet, not digital silence.
            let value = out[i] * gain * 32767 + 2 * rng.nextSigned()
            samples[i] = Int16(max(-32768, min(32767, value.rounded())))
        }
        return samples
    }

    /// Scales `range` of `signal` to the given RMS.
    private static func normalize(_ signal: UnsafeMutableBufferPointer<Double>, _ range: Range<Int>, rms: Double) {
        guard !range.isEmpty else { return }
        var energy = 0.0
        for i in range { energy += signal[i] * signal[i] }
        guard energy > 0 else { return }
        let gain = rms / (energy / Double(range.count)).squareRoot()
        for i in range { signal[i] *= gain }
    }

    private static let words = [
        "please", "call", "stella", "ask", "her", "to", "bring", "these", "things", "with", "from", "the",
        "store", "six", "spoons", "of", "fresh", "snow", "peas", "five", "thick", "slabs", "blue", "cheese",
        "and", "maybe", "a", "snack", "for", "brother", "bob", "we", "also", "need", "small", "plastic",
        "snake", "big", "toy", "frog", "kids", "she", "can", "scoop", "into", "three", "red", "bags",
    ]

    static func sentence(rng: inout SplitMix64) -> String {
        let count = 5 + Int(rng.next() % 8)
        var text = (0..<count).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst() + ".\n"
        return text
    }

    /// "RIFF", a size, "WAVE", then bytes that are no chunk libsndfile knows.
    static func corruptWAV(rng: inout SplitMix64) -> [UInt8] {
        var bytes = Array("RIFF".utf8)
        appendLE(&bytes, UInt32(4 + 1024))
        bytes += Array("WAVE".utf8)
        for _ in 0..<1024 { bytes.append(UInt8(truncatingIfNeeded: rng.next() >> 56) | 0x80) }
        return bytes
    }

    /// A canonical 44-byte-header PCM WAV.
    static func wavBytes(_ samples: [Int16], sampleRate: Int) -> [UInt8] {
        let dataSize = samples.count * 2
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + dataSize)
        bytes += Array("RIFF".utf8)
        appendLE(&bytes, UInt32(36 + dataSize))
        bytes += Array("WAVEfmt ".utf8)
        appendLE(&bytes, UInt32(16))
        appendLE(&bytes, UInt16(1))  // PCM
        appendLE(&bytes, UInt16(1))  // mono
        appendLE(&bytes, UInt32(sampleRate))
        appendLE(&bytes, UInt32(sampleRate * 2))
        appendLE(&bytes, UInt16(2))
        appendLE(&bytes, UInt16(16))
        bytes += Array("data".utf8)
        appendLE(&bytes, UInt32(dataSize))
        samples.withUnsafeBytes { raw in
            if Int16(littleEndian: 1) == 1 {
                bytes.append(contentsOf: raw)
            } else {
                for s in samples { appendLE(&bytes, UInt16(bitPattern: s)) }
            }
        }
        return bytes
    }

    private static func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    // MARK: Files

    private static func makeDirectory(_ url: URL) throws(CorpusError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .write(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func write(wav samples: [Int16], to url: URL) throws(CorpusError) {
        try write(bytes: wavBytes(samples, sampleRate: sampleRate), to: url)
    }

    private static func write(text: String, to url: URL) throws(CorpusError) {
        try write(bytes: Array(text.utf8), to: url)
    }

    private static func write(bytes: [UInt8], to url: URL) throws(CorpusError) {
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw .write(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform.
struct SplitMix64 {
    private(set) var state: UInt64

    init(state: UInt64) { self.state = state }

    /// A stream for one file of one speaker, independent of every other file's.
    init(seed: UInt64, speaker: Int, utterance: Int) {
        var mixer = SplitMix64(state: seed)
        let a = mixer.next()
        var second = SplitMix64(state: a ^ (UInt64(speaker) &* 0x9E37_79B9_7F4A_7C15))
        let b = second.next()
        self.init(state: b ^ (UInt64(utterance) &* 0xBF58_476D_1CE4_E5B9))
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [-1, 1).
    mutating func nextSigned() -> Double { 2 * nextDouble() - 1 }
}
