import Foundation
import Synchronization

/// Slaney mel filterbank as librosa builds it (`librosa.filters.mel`, `htk=False, norm="slaney"`, fmin 0,
/// fmax sr/2), stored sparsely: each band keeps only its nonzero FFT bins.
///
/// Weights are computed in Double and stored as Float, like librosa's float32 basis. Immutable and shared.
public struct MelFilterbank: Sendable {
    /// Sample rate the bank was built for.
    public let sampleRate: Int
    /// FFT length.
    public let fftSize: Int
    /// Number of mel bands.
    public let bands: Int
    /// First FFT bin of each band.
    let start: [Int]
    /// Nonzero bins of each band, rounded up to a multiple of 8 (padding weights are zero).
    let paddedLength: [Int]
    /// Offset of each band's weights in `weights`.
    let offset: [Int]
    /// All bands' weights, back to back.
    let weights: [Float]

    /// Frequency bins of the power spectrum: fftSize / 2 + 1.
    public var bins: Int { fftSize / 2 + 1 }

    /// The bank for `sampleRate`, built once per process and rate.
    public static func shared(sampleRate: Int, fftSize: Int = 2048, bands: Int = 80) -> MelFilterbank {
        let key = Key(sampleRate: sampleRate, fftSize: fftSize, bands: bands)
        if let bank = cache.withLock({ $0[key] }) { return bank }
        let bank = MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, bands: bands)
        return cache.withLock { banks in
            if let existing = banks[key] { return existing }
            banks[key] = bank
            return bank
        }
    }

    private struct Key: Hashable {
        var sampleRate: Int, fftSize: Int, bands: Int
    }

    private static let cache = Locked<[Key: MelFilterbank]>([:])

    /// Builds the bank: `dense(band, bin)` equals librosa's `mel(sr=sampleRate, n_fft=fftSize, n_mels=bands)`.
    public init(sampleRate: Int, fftSize: Int = 2048, bands: Int = 80) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.bands = bands
        let bins = fftSize / 2 + 1
        let sr = Double(sampleRate)
        let binWidth = 1 / (Double(fftSize) * (1 / sr))
        let fftFreqs = (0..<bins).map { Double($0) * binWidth }
        let minMel = Self.hzToMel(0), maxMel = Self.hzToMel(sr / 2)
        let melStep = (maxMel - minMel) / Double(bands + 1)
        let melPoints = (0..<(bands + 2)).map { i in
            Self.melToHz(i == bands + 1 ? maxMel : Double(i) * melStep + minMel)
        }
        var start: [Int] = [], padded: [Int] = [], offset: [Int] = [], weights: [Float] = []
        for band in 0..<bands {
            let lowerWidth = melPoints[band + 1] - melPoints[band]
            let upperWidth = melPoints[band + 2] - melPoints[band + 1]
            let norm = 2 / (melPoints[band + 2] - melPoints[band])
            var dense = [Float](repeating: 0, count: bins)
            var first = bins, last = -1
            for bin in 0..<bins {
                let lower = (fftFreqs[bin] - melPoints[band]) / lowerWidth
                let upper = (melPoints[band + 2] - fftFreqs[bin]) / upperWidth
                // librosa stores the triangle in float32, then scales it by the float64 norm.
                let value = Float(Double(Float(max(0, min(lower, upper)))) * norm)
                if value != 0 {
                    dense[bin] = value
                    first = min(first, bin)
                    last = bin
                }
            }
            if last < first { first = 0; last = -1 }
            let length = last - first + 1
            let rounded = (length + 7) / 8 * 8
            start.append(first)
            padded.append(rounded)
            offset.append(weights.count)
            for i in 0..<rounded { weights.append(first + i < bins ? dense[first + i] : 0) }
        }
        self.start = start
        self.paddedLength = padded
        self.offset = offset
        self.weights = weights
    }

    /// The weight of `bin` in `band` (zero outside the band).
    public func weight(band: Int, bin: Int) -> Float {
        let i = bin - start[band]
        guard i >= 0, i < paddedLength[band] else { return 0 }
        return weights[offset[band] + i]
    }

    /// Highest bin any band may read, padding included: the power buffer must hold this many values.
    var paddedBins: Int {
        (0..<bands).map { start[$0] + paddedLength[$0] }.max().map { Swift.max($0, bins) } ?? bins
    }

    /// Slaney's mel scale: linear below 1 kHz, logarithmic above.
    static func hzToMel(_ hz: Double) -> Double {
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = Foundation.log(6.4) / 27
        return hz >= minLogHz ? minLogMel + Foundation.log(hz / minLogHz) / logStep : hz / fSp
    }

    /// Inverse of `hzToMel`.
    static func melToHz(_ mel: Double) -> Double {
        let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = Foundation.log(6.4) / 27
        return mel >= minLogMel ? minLogHz * Foundation.exp(logStep * (mel - minLogMel)) : fSp * mel
    }
}
