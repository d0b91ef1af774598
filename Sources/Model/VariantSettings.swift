/// What a variant ran with: the pipeline under a configuration, or a command `watch` ran. In `run.json` (under
/// `knobs`) each setting's text keyed by its name, as a scenario file writes knobs.
public enum VariantSettings: Sendable, Hashable, Codable {
    case pipeline(VariantConfig)
    case command(CommandSettings)

    /// The settings as text keyed by name: what the report shows and summary.json records.
    public var text: [String: String] {
        switch self {
        case .pipeline(let config): config.knobStrings
        case .command(let settings): settings.text
        }
    }

    /// The allocator asked for; nil for a command run under whatever it links.
    public var allocator: Allocator? {
        switch self {
        case .pipeline(let config): config.allocator
        case .command(let settings): settings.allocator
        }
    }

    /// Files per pass of the pipeline; nil for a command.
    public var filesPerPass: Int? {
        if case .pipeline(let config) = self { config.pipeline.files } else { nil }
    }

    /// Whether allocation sites were profiled.
    public var profilesSites: Bool {
        switch self {
        case .pipeline(let config): config.profile == .sites
        case .command(let settings): settings.sitesLgProfSample != nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .pipeline(let config): try config.encode(to: encoder)
        case .command(let settings): try settings.encode(to: encoder)
        }
    }

    /// A command's settings carry `command`; anything else is the pipeline's knobs, each validated.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode([String: String].self)
        self =
            text[CommandSettings.commandKey] != nil
            ? .command(try CommandSettings(from: decoder)) : .pipeline(try VariantConfig(from: decoder))
    }
}

/// The settings of one run of a command under `watch`.
public struct CommandSettings: Sendable, Hashable, Codable {
    /// The command line as given.
    public var commandLine: String
    /// Milliseconds between samples.
    public var intervalMs: Int
    /// The pattern whose capture counts progress; nil: progress is time.
    public var progressRegex: String?
    /// The allocator the command ran under; nil: whatever it links.
    public var allocator: Allocator?
    /// Under `--sites`: one heap-profile sample per 2^N bytes; nil: no site profiling.
    public var sitesLgProfSample: Int?

    static let commandKey = "command"

    public init(
        commandLine: String, intervalMs: Int, progressRegex: String?, allocator: Allocator?, sitesLgProfSample: Int?
    ) {
        self.commandLine = commandLine
        self.intervalMs = intervalMs
        self.progressRegex = progressRegex
        self.allocator = allocator
        self.sitesLgProfSample = sitesLgProfSample
    }

    /// The settings as text keyed by name; knob-like settings use the knobs' names.
    public var text: [String: String] {
        var text = [
            Self.commandKey: commandLine, "interval-ms": String(intervalMs),
            "x": progressRegex == nil ? "ms" : "items", "progress-regex": progressRegex ?? "–", "passes": "1",
        ]
        if let allocator { text[Knob.allocator.rawValue] = allocator.rawValue }
        if let sitesLgProfSample {
            text[Knob.profile.rawValue] = ProfileMode.sites.rawValue
            text[Knob.lgProfSample.rawValue] = String(sitesLgProfSample)
        }
        return text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode([String: String].self)
        func bad(_ key: String) -> DecodingError {
            .dataCorruptedError(in: container, debugDescription: "\(key): '\(text[key] ?? "")' is not valid")
        }
        guard let command = text[Self.commandKey] else { throw bad(Self.commandKey) }
        guard let interval = text["interval-ms"].flatMap(Int.init) else { throw bad("interval-ms") }
        commandLine = command
        intervalMs = interval
        progressRegex = text["progress-regex"].flatMap { $0 == "–" ? nil : $0 }
        if let name = text[Knob.allocator.rawValue] {
            guard let allocator = Allocator(rawValue: name) else { throw bad(Knob.allocator.rawValue) }
            self.allocator = allocator
        }
        if text[Knob.profile.rawValue] == ProfileMode.sites.rawValue {
            guard let lg = text[Knob.lgProfSample.rawValue].flatMap(Int.init) else {
                throw bad(Knob.lgProfSample.rawValue)
            }
            sitesLgProfSample = lg
        }
    }
}
