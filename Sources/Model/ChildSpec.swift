/// What the parent tells a child: which variant to run, with which knobs, and where to put what it measures.
public struct ChildSpec: Sendable, Hashable, Codable {
    public var variant: String
    /// Every knob, as `VariantConfig(knobs:)` reads them.
    public var knobs: [String: String]
    public var samplesPath: String
    public var resultPath: String
    /// Where shards are written (deleted at the end of each pass).
    public var workDirectory: String
    /// Where `prof.dump` files go under `profile: sites`.
    public var profileDirectory: String?
    /// End the passes as soon as the decision rule has settled on the passes so far (`EarlyStopRule`), under these
    /// thresholds; nil runs every pass.
    public var earlyStop: Thresholds?

    public init(
        variant: String, knobs: [String: String], samplesPath: String, resultPath: String,
        workDirectory: String, profileDirectory: String? = nil, earlyStop: Thresholds? = nil
    ) {
        self.variant = variant
        self.knobs = knobs
        self.samplesPath = samplesPath
        self.resultPath = resultPath
        self.workDirectory = workDirectory
        self.profileDirectory = profileDirectory
        self.earlyStop = earlyStop
    }

    /// The configuration these knobs describe.
    public func config() throws(KnobError) -> VariantConfig {
        var typed: [Knob: String] = [:]
        for (key, value) in knobs {
            guard let knob = Knob(rawValue: key) else { continue }
            typed[knob] = value
        }
        return try VariantConfig(knobs: typed)
    }
}

extension VariantConfig {
    /// Every knob keyed by its YAML name, for JSON.
    public var knobStrings: [String: String] {
        Dictionary(uniqueKeysWithValues: knobs.map { ($0.key.rawValue, $0.value) })
    }
}
