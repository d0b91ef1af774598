import CSndFile
public import Foundation

/// Writes audio files with libsndfile into a temporary directory, for the decoding tests.
public final class AudioTestFiles {
    /// The folder the files are written into, removed with this object.
    public let directory: URL

    /// Makes a fresh folder under the temporary directory.
    public init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("audio-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The path of `name` in the folder.
    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes interleaved `samples` (in [-1, 1]) with the given libsndfile format; returns the path.
    public func write(
        _ name: String, samples: [Float], channels: Int = 1, sampleRate: Int = 48000, format: Int
    ) throws -> String {
        try write(name, frames: samples.count / channels, channels: channels, sampleRate: sampleRate, format: format) {
            file in
            samples.withUnsafeBufferPointer {
                sf_writef_float(file, $0.baseAddress, sf_count_t(samples.count / channels))
            }
        }
    }

    /// Writes interleaved 16-bit `samples` with the given libsndfile format (converted exactly by libsndfile).
    public func write(
        _ name: String, shorts: [Int16], channels: Int = 1, sampleRate: Int = 48000, format: Int
    ) throws -> String {
        try write(name, frames: shorts.count / channels, channels: channels, sampleRate: sampleRate, format: format) {
            file in
            shorts.withUnsafeBufferPointer {
                sf_writef_short(file, $0.baseAddress, sf_count_t(shorts.count / channels))
            }
        }
    }

    /// Opens `name` for writing with libsndfile, lets `body` write `frames` frames, and checks they were all written.
    private func write(
        _ name: String, frames: Int, channels: Int, sampleRate: Int, format: Int,
        _ body: (OpaquePointer) -> sf_count_t
    ) throws -> String {
        let path = path(name)
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = Int32(format)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw TestFileError(message: "sf_open(\(path)): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        let written = body(file)
        guard written == frames else {
            throw TestFileError(message: "wrote \(written) of \(frames) frames to \(path)")
        }
        return path
    }

    /// Writes raw bytes.
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A 440 Hz tone as 16-bit samples, at `amplitude` of full scale.
    public static func tone(
        frames: Int, sampleRate: Int = 48000, frequency: Double = 440, amplitude: Double = 0.5
    ) -> [Int16] {
        (0..<frames).map { i in
            Int16((amplitude * sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate)) * 32768).rounded())
        }
    }
}

/// A test file could not be written.
public struct TestFileError: Error, CustomStringConvertible {
    /// What went wrong, with the path.
    public let message: String
    public var description: String { message }
}
