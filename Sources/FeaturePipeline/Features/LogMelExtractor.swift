import Foundation

/// Log-mel spectrogram compatible with librosa's defaults (n_fft 2048, Hann window of 25 ms, hop 10 ms, 80 Slaney mel bands).
///
/// n_fft 2048, periodic Hann window of 25 ms zero-padded to the centre of the FFT frame, hop 10 ms,
/// `center=True` with zero padding, power spectrum, 80 Slaney mel bands, `log(max(mel, 1e-6))`.
/// One extractor per thread: it owns its FFT buffers and scratch and allocates nothing per frame.
public final class LogMelExtractor {
    /// FFT length.
    public static let fftSize = 2048
    /// Mel bands per frame.
    public static let melBands = 80
    /// Floor applied before the log.
    public static let floor: Float = 1e-6

    private let fft: RealFFT
    /// Power spectrum, padded with zeros so 8-wide band reads never leave it.
    private let power: UnsafeMutableBufferPointer<Float>
    /// One frame's mel energies, padded to a multiple of 8.
    private let mel: UnsafeMutableBufferPointer<Float>
    private var config: Config?

    /// Per sample rate: window, hop and the shared filterbank.
    private struct Config {
        let sampleRate: Int
        let windowLength: Int
        let hop: Int
        /// Where the window starts inside the FFT frame (librosa's `pad_center`).
        let windowOffset: Int
        /// Samples between the window's first sample and the frame's centre.
        let lead: Int
        let window: [Float]
        let bank: MelFilterbank
    }

    /// Creates an extractor with its own FFT buffers.
    public init() {
        fft = RealFFT(size: Self.fftSize)
        power = .allocate(capacity: Self.fftSize / 2 + 1 + 16)
        power.initialize(repeating: 0)
        mel = .allocate(capacity: (Self.melBands + 7) / 8 * 8)
        mel.initialize(repeating: Self.floor)
    }

    deinit {
        power.deallocate()
        mel.deallocate()
    }

    /// Window length in samples for `sampleRate`: round(0.025 * sr).
    public static func windowLength(sampleRate: Int) -> Int { Int((0.025 * Double(sampleRate)).rounded()) }

    /// Hop in samples for `sampleRate`: round(0.010 * sr).
    public static func hopLength(sampleRate: Int) -> Int { Int((0.010 * Double(sampleRate)).rounded()) }

    /// Frames produced for `samples` samples: 1 + samples / hop (librosa, `center=True`); 0 for no samples.
    public static func frameCount(samples: Int, sampleRate: Int) -> Int {
        samples == 0 ? 0 : 1 + samples / hopLength(sampleRate: sampleRate)
    }

    /// Computes the log-mel frames of `samples` into `out` (row-major frames x 80), reusing its storage.
    ///
    /// On return `out.count` is frames * 80; the number of frames is returned.
    public func compute(_ samples: [Float], sampleRate: Int, into out: inout [Float]) -> Int {
        samples.withUnsafeBufferPointer { compute($0, sampleRate: sampleRate, into: &out) }
    }

    /// Floats per row of a staged power spectrogram: the 1025 bins, rounded up to a multiple of 8.
    public static let spectrogramStride = (fftSize / 2 + 1 + 7) / 8 * 8
    /// Zeros after the last row of a staged spectrogram, so 8-wide band reads stay inside it.
    static let spectrogramPadding = 16

    /// Computes the log-mel frames of `samples` into `out` (row-major frames x 80), reusing its storage.
    public func compute(_ samples: UnsafeBufferPointer<Float>, sampleRate: Int, into out: inout [Float]) -> Int {
        var unused: [Float] = []
        return compute(samples, sampleRate: sampleRate, staged: false, spectrogram: &unused, into: &out)
    }

    /// Computes the same log-mel frames in two sweeps, as a NumPy pipeline does: the power spectrum of every
    /// frame into `spectrogram` (rows of `spectrogramStride` floats, resized to fit), then the mel bands.
    /// The values are bit-identical to `compute`'s; the difference is the memory it takes per file.
    public func computeStaged(
        _ samples: UnsafeBufferPointer<Float>, sampleRate: Int, spectrogram: inout [Float],
        into out: inout [Float]
    ) -> Int {
        compute(samples, sampleRate: sampleRate, staged: true, spectrogram: &spectrogram, into: &out)
    }

    private func compute(
        _ samples: UnsafeBufferPointer<Float>, sampleRate: Int, staged: Bool,
        spectrogram: inout [Float], into out: inout [Float]
    ) -> Int {
        precondition(sampleRate > 0, "sample rate must be positive")
        let config = configuration(for: sampleRate)
        let frames = Self.frameCount(samples: samples.count, sampleRate: sampleRate)
        let bands = Self.melBands
        out.setCount(frames * bands)
        guard frames > 0 else { return 0 }
        let bank = config.bank
        out.withUnsafeMutableBufferPointer { outBuffer in
            config.window.withUnsafeBufferPointer { window in
                bank.weights.withUnsafeBufferPointer { weights in
                    bank.start.withUnsafeBufferPointer { start in
                        bank.offset.withUnsafeBufferPointer { offset in
                            bank.paddedLength.withUnsafeBufferPointer { length in
                                let bankView = BankView(
                                    weights: weights.baseAddress!, start: start.baseAddress!,
                                    offset: offset.baseAddress!, length: length.baseAddress!)
                                if staged {
                                    let bins = Self.fftSize / 2 + 1
                                    spectrogram.setCount(frames * Self.spectrogramStride + Self.spectrogramPadding)
                                    spectrogram.withUnsafeMutableBufferPointer { all in
                                        let base = all.baseAddress!
                                        for t in 0..<frames {
                                            frame(t, samples, config, window.baseAddress!)
                                            fft.execute()
                                            let row = base + t * Self.spectrogramStride
                                            powerSpectrum(into: row)
                                            (row + bins).update(repeating: 0, count: Self.spectrogramStride - bins)
                                        }
                                        // Band reads past a row's last bin meet zero weights; the tail padding keeps them inside.
                                        (base + frames * Self.spectrogramStride).update(
                                            repeating: 0, count: Self.spectrogramPadding)
                                        for t in 0..<frames {
                                            melLog(
                                                bankView, power: base + t * Self.spectrogramStride,
                                                into: outBuffer.baseAddress! + t * bands)
                                        }
                                    }
                                } else {
                                    for t in 0..<frames {
                                        frame(t, samples, config, window.baseAddress!)
                                        fft.execute()
                                        powerSpectrum(into: power.baseAddress!)
                                        melLog(
                                            bankView, power: power.baseAddress!,
                                            into: outBuffer.baseAddress! + t * bands)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return frames
    }

    private struct BankView {
        let weights: UnsafePointer<Float>
        let start: UnsafePointer<Int>
        let offset: UnsafePointer<Int>
        let length: UnsafePointer<Int>
    }

    private func configuration(for sampleRate: Int) -> Config {
        if let config, config.sampleRate == sampleRate { return config }
        let length = min(Self.windowLength(sampleRate: sampleRate), Self.fftSize)
        let hop = max(1, Self.hopLength(sampleRate: sampleRate))
        // Periodic Hann, as scipy's get_window('hann', N, fftbins=True).
        let window = (0..<length).map { n in
            Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(length)))
        }
        let offset = (Self.fftSize - length) / 2
        let made = Config(
            sampleRate: sampleRate, windowLength: length, hop: hop, windowOffset: offset,
            lead: Self.fftSize / 2 - offset, window: window,
            bank: MelFilterbank.shared(sampleRate: sampleRate, fftSize: Self.fftSize, bands: Self.melBands))
        fft.input.update(repeating: 0)
        config = made
        return made
    }

    /// Writes frame `t`'s windowed samples into the FFT input (zeros outside the signal).
    @inline(__always)
    private func frame(
        _ t: Int, _ samples: UnsafeBufferPointer<Float>, _ config: Config, _ window: UnsafePointer<Float>
    ) {
        let length = config.windowLength
        let dst = fft.input.baseAddress! + config.windowOffset
        let first = t * config.hop - config.lead
        let count = samples.count
        if first >= 0, first + length <= count {
            let src = samples.baseAddress! + first
            var j = 0
            while j &+ 8 <= length {
                let s = UnsafeRawPointer(src + j).loadUnaligned(as: SIMD8<Float>.self)
                let w = UnsafeRawPointer(window + j).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(dst + j).storeBytes(of: s * w, as: SIMD8<Float>.self)
                j &+= 8
            }
            while j < length {
                dst[j] = src[j] * window[j]
                j += 1
            }
        } else {
            for j in 0..<length {
                let i = first + j
                dst[j] = i >= 0 && i < count ? samples[i] * window[j] : 0
            }
        }
    }

    /// |X|^2 of every bin, from FFTW's interleaved output.
    @inline(__always)
    private func powerSpectrum(into dst: UnsafeMutablePointer<Float>) {
        let bins = Self.fftSize / 2 + 1
        let src = UnsafePointer(fft.output.baseAddress!)
        var k = 0
        while k + 8 <= bins {
            let v = UnsafeRawPointer(src + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
            let re = v.evenHalf, im = v.oddHalf
            UnsafeMutableRawPointer(dst + k).storeBytes(of: re * re + im * im, as: SIMD8<Float>.self)
            k += 8
        }
        while k < bins {
            let re = src[2 * k], im = src[2 * k + 1]
            dst[k] = re * re + im * im
            k += 1
        }
    }

    /// Sparse mel bands, floor and natural log, into one output row.
    @inline(__always)
    private func melLog(_ bank: BankView, power: UnsafeMutablePointer<Float>, into row: UnsafeMutablePointer<Float>) {
        let bands = Self.melBands
        let p = UnsafePointer(power)
        for b in 0..<bands {
            let w = bank.weights + bank.offset[b]
            let x = p + bank.start[b]
            var acc = SIMD8<Float>()
            var j = 0
            let n = bank.length[b]
            while j < n {
                let wv = UnsafeRawPointer(w + j).loadUnaligned(as: SIMD8<Float>.self)
                let xv = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
                acc += wv * xv
                j &+= 8
            }
            let half = acc.lowHalf + acc.highHalf
            let quarter = half.lowHalf + half.highHalf
            mel[b] = quarter.x + quarter.y
        }
        let m = UnsafePointer(mel.baseAddress!)
        let floor = SIMD8<Float>(repeating: Self.floor)
        var b = 0
        while b + 8 <= bands {
            let v = UnsafeRawPointer(m + b).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(row + b).storeBytes(
                of: FastLog.log(v.replacing(with: floor, where: v .< floor)), as: SIMD8<Float>.self)
            b += 8
        }
        while b < bands {
            row[b] = FastLog.log(SIMD8<Float>(repeating: Swift.max(m[b], Self.floor)))[0]
            b += 1
        }
    }
}

/// Natural log of positive normal floats, eight at a time (Cephes `logf`, about 1 ulp).
enum FastLog {
    @inline(__always)
    static func log(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        var e = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bits &>> 23) &- 126)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: SIMD8<Float>.self)
        let small = m .< SIMD8<Float>(repeating: 0.707106781186547524)
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = SIMD8<Float>(repeating: 7.0376836292E-2)
        y = y * m - 1.1514610310E-1
        y = y * m + 1.1676998740E-1
        y = y * m - 1.2420140846E-1
        y = y * m + 1.4249322787E-1
        y = y * m - 1.6668057665E-1
        y = y * m + 2.0000714765E-1
        y = y * m - 2.4999993993E-1
        y = y * m + 3.3333331174E-1
        y = y * m * z
        y += -2.12194440E-4 * e
        y += -0.5 * z
        return m + y + 0.693359375 * e
    }
}
