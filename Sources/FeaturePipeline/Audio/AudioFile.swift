import CSndFile
import Glibc

/// An open audio file (WAV, FLAC, anything libsndfile reads), decoded to mono Float samples.
///
/// The instance owns its libsndfile handle and closes it in `deinit`; it is not shared between threads.
public final class AudioFile {
    /// The path the file was opened from.
    public let path: String
    /// Frames per second.
    public let sampleRate: Int
    /// Interleaved channels per frame.
    public let channels: Int
    /// Frames announced by the header.
    public let frames: Int
    /// libsndfile's format code: major type | subtype (`SF_FORMAT_WAV | SF_FORMAT_PCM_16`, ...).
    public let format: Int

    private let handle: OpaquePointer

    /// Frames decoded per libsndfile call: bounds the scratch buffer.
    static let chunkFrames = 16_384

    /// Opens `path` for reading; throws `.empty` for a file without frames.
    public init(path: String) throws(AudioError) {
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            if Self.isZeroLength(path) { throw .empty(path: path) }
            throw .open(path: path, reason: reason)
        }
        guard info.frames > 0, info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw .empty(path: path)
        }
        self.handle = handle
        self.path = path
        self.sampleRate = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.frames = Int(info.frames)
        self.format = Int(info.format)
    }

    deinit {
        sf_close(handle)
    }

    /// Duration in seconds from the header alone (frames / rate), for ordering files by length.
    public static func duration(path: String) throws(AudioError) -> Double {
        let file = try AudioFile(path: path)
        return Double(file.frames) / Double(file.sampleRate)
    }

    /// Whether the file stores 16-bit PCM, decoded through libsndfile's faster integer path.
    public var isPCM16: Bool { format & SF_FORMAT_SUBMASK == SF_FORMAT_PCM_16 }

    /// Decodes every frame into `buffer` (channels averaged), growing it only when too small.
    ///
    /// On return `buffer.count` is the number of samples, which is also returned.
    public func readMono(into buffer: inout [Float]) throws(AudioError) -> Int {
        var scratch: [Int16] = []
        return try readMono(into: &buffer, scratch: &scratch)
    }

    /// Decodes every frame into `buffer`, using `scratch` for 16-bit PCM; both reused across files.
    ///
    /// 16-bit PCM is read `chunkFrames` at a time; `wholeFile` reads it in one call into a scratch that holds
    /// every frame, as `soundfile.read(path, dtype="int16")` does before a NumPy pipeline converts it.
    public func readMono(
        into buffer: inout [Float], scratch: inout [Int16], wholeFile: Bool = false
    ) throws(AudioError) -> Int {
        let total = frames
        buffer.setCount(total)
        let done: Int
        if isPCM16 {
            let chunk = wholeFile ? max(total, 1) : Self.chunkFrames
            let needed = min(total, chunk) * channels
            if scratch.count < needed { scratch.setCount(needed) }
            done = buffer.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer { s in
                    readShorts(into: out.baseAddress!, scratch: s.baseAddress!, chunkFrames: chunk)
                }
            }
        } else {
            done = buffer.withUnsafeMutableBufferPointer { out in readFloats(into: out.baseAddress!) }
        }
        let status = sf_error(handle)
        if status != 0 {
            throw .read(path: path, reason: String(cString: sf_strerror(handle)))
        }
        if done < total {
            throw .read(path: path, reason: "truncated: decoded \(done) of \(total) frames")
        }
        return done
    }

    /// Decodes every frame into a new array (channels averaged).
    public func readMono() throws(AudioError) -> [Float] {
        var buffer: [Float] = []
        _ = try readMono(into: &buffer)
        return buffer
    }

    private func readShorts(
        into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Int16>, chunkFrames: Int
    ) -> Int {
        let channels = self.channels
        let scale = 1 / (32768 * Float(channels))
        var done = 0
        while done < frames {
            let want = min(chunkFrames, frames - done)
            let got = Int(sf_readf_short(handle, scratch, sf_count_t(want)))
            if got <= 0 { break }
            let dst = out + done
            switch channels {
            case 1:
                for i in 0..<got { dst[i] = Float(scratch[i]) * scale }
            case 2:
                for i in 0..<got { dst[i] = (Float(scratch[2 * i]) + Float(scratch[2 * i + 1])) * scale }
            default:
                for i in 0..<got {
                    var sum: Float = 0
                    for c in 0..<channels { sum += Float(scratch[i * channels + c]) }
                    dst[i] = sum * scale
                }
            }
            done += got
            if got < want { break }
        }
        return done
    }

    private func readFloats(into out: UnsafeMutablePointer<Float>) -> Int {
        var done = 0
        if channels == 1 {
            while done < frames {
                let want = frames - done
                let got = Int(sf_readf_float(handle, out + done, sf_count_t(want)))
                if got <= 0 { break }
                done += got
            }
            return done
        }
        let channels = self.channels
        let scale = 1 / Float(channels)
        var scratch = [Float](repeating: 0, count: min(frames, Self.chunkFrames) * channels)
        scratch.withUnsafeMutableBufferPointer { s in
            let src = s.baseAddress!
            while done < frames {
                let want = min(Self.chunkFrames, frames - done)
                let got = Int(sf_readf_float(handle, src, sf_count_t(want)))
                if got <= 0 { break }
                for i in 0..<got {
                    var sum: Float = 0
                    for c in 0..<channels { sum += src[i * channels + c] }
                    out[done + i] = sum * scale
                }
                done += got
                if got < want { break }
            }
        }
        return done
    }

    private static func isZeroLength(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && st.st_size == 0
    }
}

extension Array where Element: Numeric {
    /// Sets `count` to `n`, keeping the storage: shrinking never reallocates, growing only past the capacity.
    mutating func setCount(_ n: Int) {
        if count > n {
            removeLast(count - n)
        } else if count < n {
            append(contentsOf: repeatElement(0, count: n - count))
        }
    }
}
