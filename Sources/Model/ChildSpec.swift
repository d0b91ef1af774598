/// What the parent tells a child: which variant to run, with which knobs, and where to put what it measures.
public struct ChildSpec: Sendable, Hashable, Codable {
    public var variant: String
    /// The variant's configuration, every knob validated (in JSON: each knob's text by its YAML name).
    public var config: VariantConfig
    public var samplesPath: String
    public var resultPath: String
    /// Where shards are written (deleted at the end of each pass).
    public var workDirectory: String
    /// Where `prof.dump` files go under `profile: sites`.
    public var profileDirectory: String?
    /// End the passes as soon as the decision rule has settled on the passes so far (`EarlyStopRule`), under these
    /// thresholds; nil runs every pass.
    public var earlyStop: Thresholds?

    enum CodingKeys: String, CodingKey {
        case variant, samplesPath, resultPath, workDirectory, profileDirectory, earlyStop
        case config = "knobs"
    }

    public init(
        variant: String, config: VariantConfig, samplesPath: String, resultPath: String,
        workDirectory: String, profileDirectory: String? = nil, earlyStop: Thresholds? = nil
    ) {
        self.variant = variant
        self.config = config
        self.samplesPath = samplesPath
        self.resultPath = resultPath
        self.workDirectory = workDirectory
        self.profileDirectory = profileDirectory
        self.earlyStop = earlyStop
    }
}
