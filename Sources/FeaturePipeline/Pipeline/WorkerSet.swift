import Synchronization

/// What each worker thread needs to turn a file into examples: per-thread scratch for `buffers: reused`,
/// fresh buffers for every file for `buffers: per-file`.
public final class WorkerSet: Sendable {
    let options: PipelineOptions
    let manifest: Manifest?
    let skipped = Locked<[String: Int]>([:])
    private let scratch: [WorkerScratch]

    init(options: PipelineOptions, manifest: Manifest?) {
        self.options = options
        self.manifest = manifest
        scratch = (0..<options.workers).map { _ in WorkerScratch() }
    }

    /// Decodes, featurises and encodes one file on worker `worker`; a file that cannot be used is counted and rethrown.
    func process(_ entry: CorpusEntry, worker: Int) throws -> FileResult {
        do {
            switch options.buffers {
            case .reused: return try scratch[worker].process(entry, manifest: manifest)
            case .perFile: return try WorkerScratch(perFile: true).process(entry, manifest: manifest)
            }
        } catch {
            let reason = SkipReason.describe(error)
            skipped.withLock { $0[reason, default: 0] += 1 }
            throw error
        }
    }
}

/// A file that produced no example.
enum SkipReason: Error {
    case tooShort

    /// A short key for `skipped: {reason: count}`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case SkipReason.tooShort: "shorter than one segment"
        case let error as AudioError: error.skipReason
        default: String(describing: error)
        }
    }
}

/// One worker's buffers; used by one thread at a time (its worker, or a single file's task).
///
/// `perFile` scratch lives for one file and allocates what a NumPy pipeline does for it: the whole file's
/// 16-bit samples, their float conversion, the full power spectrogram, the log-mel and the records.
/// Reused scratch decodes in chunks and takes the power spectrum frame by frame, so it only ever grows.
final class WorkerScratch: @unchecked Sendable {
    private let perFile: Bool
    private var decoded: [Int16] = []
    private var samples: [Float] = []
    private var spectrogram: [Float] = []
    private var logMel: [Float] = []
    private let extractor = LogMelExtractor()

    init(perFile: Bool = false) {
        self.perFile = perFile
    }

    func process(_ entry: CorpusEntry, manifest: Manifest?) throws -> FileResult {
        let file = try AudioFile(path: entry.path)
        let count = try file.readMono(into: &samples, scratch: &decoded, wholeFile: perFile)
        let frames = samples.withUnsafeBufferPointer { all in
            let signal = UnsafeBufferPointer(rebasing: all[0..<count])
            return perFile
                ? extractor.computeStaged(signal, sampleRate: file.sampleRate, spectrogram: &spectrogram, into: &logMel)
                : extractor.compute(signal, sampleRate: file.sampleRate, into: &logMel)
        }
        let bins = LogMelExtractor.melBands
        let segments = Segmenter.segments(frames: frames)
        guard !segments.isEmpty else { throw SkipReason.tooShort }
        if let manifest {
            // Allocated while this file's big buffers are alive, kept to the end of the run.
            manifest.entries.withLock { $0.append(Self.summary(logMel, frames: frames, bins: bins)) }
        }
        var records: [ChecksummedRecord] = []
        records.reserveCapacity(segments.count)
        try logMel.withUnsafeBufferPointer { all in
            for (index, range) in segments.enumerated() {
                let values = UnsafeBufferPointer(rebasing: all[(range.lowerBound * bins)..<(range.upperBound * bins)])
                records.append(
                    ChecksummedRecord(
                        try ExampleEncoder.encode(
                            logMel: values, frames: range.count, melBins: bins, segment: index,
                            numSamples: count, sampleRate: file.sampleRate,
                            speaker: entry.speaker, utterance: entry.utterance)))
            }
        }
        return FileResult(records: records)
    }

    /// Per-band mean and maximum of a log-mel spectrogram.
    static func summary(_ logMel: [Float], frames: Int, bins: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 2 * bins)
        for band in 0..<bins { out[bins + band] = -.infinity }
        for frame in 0..<frames {
            for band in 0..<bins {
                let v = logMel[frame * bins + band]
                out[band] += v
                out[bins + band] = max(out[bins + band], v)
            }
        }
        for band in 0..<bins { out[band] /= Float(max(frames, 1)) }
        return out
    }
}

extension AudioError {
    /// The reason without the path, so files with the same fault share one count.
    var skipReason: String {
        switch self {
        case .open(_, let reason): "unreadable: \(reason)"
        case .empty: "empty file"
        case .read(_, let reason): "truncated: \(reason)"
        }
    }
}
