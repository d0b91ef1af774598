/// The plain extraction job: one pass over every file of a corpus, shards kept.
public enum Extraction {
    /// Runs the pipeline once over `corpus` (nil: the built-in corpus) into `out`.
    public static func run(corpus: String?, out: String, workers: Int, shardSize: Int) throws -> PipelineResult {
        let source: CorpusSource = corpus.map { .directory($0) } ?? .builtIn
        let directory = try BuiltInCorpus.directory(for: source)
        var options = PipelineOptions()
        options.corpus = .directory(directory)
        options.files = try CorpusIndex.load(directory: directory).count
        options.passes = 1
        options.workers = workers
        options.shardSize = shardSize
        options.submit = .window(workers * 4)
        return try Pipeline(options: options, outputDirectory: out).run()
    }
}
