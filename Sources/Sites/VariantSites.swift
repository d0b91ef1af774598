import Model

/// One allocation site of a variant: the first program frame of its stacks, with its bytes per pass and its verdict.
public struct AllocationSite: Sendable, Hashable {
    /// 1 for the first site of the variant's ranking.
    public var rank: Int
    /// The demangled function of the site's frame.
    public var function: String
    /// The function's symbol as stored (mangled); the key that groups stacks.
    public var symbol: String
    /// Source location of the site's largest stack (`Sources/…:line`), empty without `addr2line`.
    public var fileLine: String
    /// What the rule concludes, with slope and peaks in bytes.
    public var verdict: SiteRanking.Verdict
    /// Estimated bytes after each pass's release.
    public var afterBytes: [Double]
    /// Estimated bytes at each pass's peak (before the release).
    public var heldBytes: [Double]
    /// Estimated live objects after the last pass's release.
    public var objectsLastPass: Double
    /// The site's largest stack, demangled, from the site's frame outward.
    public var stack: [String]

    /// Whether the rule calls this site growth.
    public var growing: Bool { verdict.kind == .growing }
}

/// The ranked allocation sites of one profiled variant.
public struct VariantSites: Sendable, Hashable {
    /// The variant's name.
    public var variant: String
    /// The sampling period of its dumps (`2^lg_prof_sample` bytes).
    public var period: Int
    /// How many passes it dumped.
    public var passes: Int
    /// The executable the child ran (for `jeprof`).
    public var executable: String
    /// The executable was modified after the dumps were written: its symbols may not match their addresses.
    public var executableChanged: Bool = false
    /// Growth of jemalloc's `stats.allocated` per pass, from the samples at each pass's release, when known.
    public var measuredGrowthPerPass: Double?
    /// Sites, ranked.
    public var sites: [AllocationSite]
}
