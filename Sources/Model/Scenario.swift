/// What memory does over a run, as the analysis decides it.
public enum Verdict: String, Sendable, Hashable, CaseIterable, Codable {
    case leak = "LEAK"
    case retention = "RETENTION"
    case stable = "STABLE"
    case inconclusive = "INCONCLUSIVE"
    case failed = "FAILED"
}

/// Why memory grows, as the analysis decides it.
public enum Cause: String, Sendable, Hashable, CaseIterable, Codable {
    case liveHeap = "live-heap"
    case allocatorRetention = "allocator-retention"
    case descriptors
    case nativeBuffers = "native-buffers"
    case none
}

/// What a scenario expects of a variant; any of the listed values passes.
public struct Expectation: Sendable, Hashable, Codable {
    public var verdicts: [Verdict]
    /// Empty: any cause.
    public var causes: [Cause]

    public init(verdicts: [Verdict], causes: [Cause] = []) {
        self.verdicts = verdicts
        self.causes = causes
    }

    /// Whether a measured verdict and cause meet this expectation.
    public func isMet(verdict: Verdict, cause: Cause) -> Bool {
        verdicts.contains(verdict) && (causes.isEmpty || causes.contains(cause))
    }
}

/// Thresholds of the analysis that a scenario may set.
public struct Thresholds: Sendable, Hashable, Codable {
    /// Slopes within ± this are flat.
    public var toleranceMBPer1000Files: Double = 8
    /// Fewer files after the warm-up: INCONCLUSIVE.
    public var minFiles: Int = 100
    /// Share of each run's files dropped as warm-up.
    public var warmupFraction: Double = 0.1

    public init() {}
}

/// One named variant of a scenario: its configuration and what it should show.
public struct Variant: Sendable, Hashable {
    public var name: String
    public var config: VariantConfig
    /// The knobs this variant sets against the scenario's base, as written.
    public var overrides: [Knob: String]
    public var expect: Expectation?
    /// What the case study observed for this step.
    public var document: String?
    /// What of the case study the step's knobs stand for, when it is not the knobs themselves (`models:`).
    public var models: String?

    public init(
        name: String, config: VariantConfig, overrides: [Knob: String] = [:], expect: Expectation? = nil,
        document: String? = nil, models: String? = nil
    ) {
        self.name = name
        self.config = config
        self.overrides = overrides
        self.expect = expect
        self.document = document
        self.models = models
    }
}

/// A validated scenario file: a base configuration and the variants that override it.
public struct Scenario: Sendable, Hashable {
    public var name: String
    public var description: String
    /// The file it was read from.
    public var path: String
    public var base: VariantConfig
    /// In file order.
    public var variants: [Variant]
    public var thresholds: Thresholds
    /// For `bisect`: variant names to replay in order (`steps:`).
    public var steps: [String]?
    /// For automatic bisection: the variant that grows, and the one that does not.
    public var from: String?
    public var to: String?

    public init(
        name: String, description: String, path: String, base: VariantConfig, variants: [Variant],
        thresholds: Thresholds = Thresholds(), steps: [String]? = nil, from: String? = nil, to: String? = nil
    ) {
        self.name = name
        self.description = description
        self.path = path
        self.base = base
        self.variants = variants
        self.thresholds = thresholds
        self.steps = steps
        self.from = from
        self.to = to
    }

    /// The variant named `name`.
    public func variant(named name: String) -> Variant? { variants.first { $0.name == name } }
}

/// The analysis thresholds the verdicts were made with.
public struct ThresholdLimits: Sendable, Hashable, Codable {
    /// Slopes within ± this are flat, MB per 1000 files.
    public var toleranceMBPer1000Files: Double
    /// Fewer files after the warm-up: INCONCLUSIVE.
    public var minFiles: Int
    /// Share of the run's files dropped as warm-up.
    public var warmupFraction: Double

    enum CodingKeys: String, CodingKey {
        case toleranceMBPer1000Files = "tolerance_mb_per_1000_files"
        case minFiles = "min_files"
        case warmupFraction = "warmup_fraction"
    }

    /// Copies the scenario's thresholds.
    public init(_ t: Thresholds) {
        toleranceMBPer1000Files = t.toleranceMBPer1000Files
        minFiles = t.minFiles
        warmupFraction = t.warmupFraction
    }
}
