#if canImport(FoundationEssentials)
import FoundationEssentials

#else
import Foundation
#endif
import SwiftProtobuf

/// Builds and serializes the `tf.train.Example` of one segment, with the fields `log_mel`, `frames`, `mel_bins`, `segment`, `num_samples`, `sample_rate`, `speaker`, `utterance`.
///
/// Features: `log_mel` (float_list, frames × mel_bins, row-major), `frames`, `mel_bins`,
/// `segment`, `num_samples`, `sample_rate` (int64_list, one value each), `speaker`,
/// `utterance` (bytes_list, UTF-8). Map entries are written in sorted key order, so the
/// same values always give the same bytes.
public enum ExampleEncoder {
    /// The feature keys of the schema, sorted.
    public static let keys = [
        "frames", "log_mel", "mel_bins", "num_samples", "sample_rate", "segment", "speaker", "utterance",
    ]

    /// The serialized example of one segment; `logMel` holds `frames * melBins` values.
    public static func encode(
        logMel: UnsafeBufferPointer<Float>,
        frames: Int,
        melBins: Int,
        segment: Int,
        numSamples: Int,
        sampleRate: Int,
        speaker: String,
        utterance: String
    ) throws(TFRecordError) -> [UInt8] {
        guard frames >= 0, melBins >= 0 else {
            throw .invalidInput(reason: "negative shape: frames \(frames), mel_bins \(melBins)")
        }
        let (expected, overflow) = frames.multipliedReportingOverflow(by: melBins)
        guard !overflow, logMel.count == expected else {
            throw .invalidInput(
                reason: "log_mel has \(logMel.count) values, expected frames \(frames) × mel_bins \(melBins)")
        }
        var floats = Tensorflow_FloatList()
        floats.value = Array(logMel)
        var logMelFeature = Tensorflow_Feature()
        logMelFeature.floatList = floats

        var features = Tensorflow_Features()
        features.feature.reserveCapacity(keys.count)
        features.feature["log_mel"] = logMelFeature
        features.feature["frames"] = int64Feature(frames)
        features.feature["mel_bins"] = int64Feature(melBins)
        features.feature["segment"] = int64Feature(segment)
        features.feature["num_samples"] = int64Feature(numSamples)
        features.feature["sample_rate"] = int64Feature(sampleRate)
        features.feature["speaker"] = bytesFeature(speaker)
        features.feature["utterance"] = bytesFeature(utterance)

        var example = Tensorflow_Example()
        example.features = features
        do {
            return try example.serializedBytes(options: options)
        } catch {
            throw .invalidInput(reason: "serialization failed: \(error)")
        }
    }

    /// The serialized example of one segment, from a slice of `frames * melBins` values.
    public static func encode(
        logMel: ArraySlice<Float>,
        frames: Int,
        melBins: Int,
        segment: Int,
        numSamples: Int,
        sampleRate: Int,
        speaker: String,
        utterance: String
    ) throws(TFRecordError) -> [UInt8] {
        try logMel.withUnsafeBufferPointer { (values) throws(TFRecordError) in
            try encode(
                logMel: values, frames: frames, melBins: melBins, segment: segment,
                numSamples: numSamples, sampleRate: sampleRate, speaker: speaker, utterance: utterance)
        }
    }

    private static let options: BinaryEncodingOptions = {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return options
    }()

    private static func int64Feature(_ value: Int) -> Tensorflow_Feature {
        var list = Tensorflow_Int64List()
        list.value = [Int64(value)]
        var feature = Tensorflow_Feature()
        feature.int64List = list
        return feature
    }

    private static func bytesFeature(_ text: String) -> Tensorflow_Feature {
        var list = Tensorflow_BytesList()
        list.value = [Data(text.utf8)]
        var feature = Tensorflow_Feature()
        feature.bytesList = list
        return feature
    }
}
