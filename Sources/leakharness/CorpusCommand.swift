import ArgumentParser
import FeaturePipeline

/// `leakharness corpus`: writes the synthetic VCTK-layout corpus and prints its directory.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Generate the deterministic synthetic corpus (VCTK layout, 48 kHz 16-bit WAV).",
        discussion:
            "Without --out the corpus goes to the built-in cache folder ($LEAKHARNESS_CACHE, $XDG_CACHE_HOME/leakharness or ~/.cache/leakharness) and is reused if present. The last line printed is the directory."
    )

    @Option(help: "Directory to write into (default: the built-in cache path).")
    var out: String?

    @Option(help: "Number of speakers (1-\(SyntheticCorpus.maxSpeakers)).")
    var speakers: Int = 12

    @Option(help: "Utterances per speaker (1-\(SyntheticCorpus.maxUtterances)).")
    var utterances: Int = 25

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Flag(help: "Add about 1% of clips of 2-5 minutes (at least 3).")
    var longTail = false

    func validate() throws {
        do {
            try SyntheticCorpus.validate(speakers: speakers, utterances: utterances)
        } catch {
            throw ValidationError(error.description)
        }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
    }

    func run() throws {
        let directory: String
        if let out {
            try SyntheticCorpus.generate(
                into: out, speakers: speakers, utterances: utterances, seed: seed, longTail: longTail)
            directory = out
        } else {
            directory = try BuiltInCorpus.directory(
                speakers: speakers, utterances: utterances, seed: seed, longTail: longTail)
        }
        let files = try CorpusIndex.load(directory: directory).count
        print("\(files) audio files (including one corrupt and one empty)")
        print(directory)
    }
}
