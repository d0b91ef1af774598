/// What a variant ran with: the pipeline under a configuration, or a command `watch` ran. In `run.json` (under
/// `knobs`) each setting's text keyed by its name, as a scenario file writes knobs.
public enum VariantSettings: Sendable, Hashable, TextSettings {
    case pipeline(VariantConfig)
    case command(CommandSettings)

    /// The settings as text keyed by name: what the report shows and summary.json records.
    public var text: [String: String] {
        switch self {
        case .pipeline(let config): config.text
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

    /// A command's settings carry `command`; anything else is the pipeline's knobs, each validated.
    public init(text: [String: String]) throws(SettingError) {
        self =
            text[CommandSettings.commandKey] != nil
            ? .command(try CommandSettings(text: text)) : .pipeline(try VariantConfig(text: text))
    }
}

/// The settings of one run of a command under `watch`.
public struct CommandSettings: Sendable, Hashable, TextSettings {
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

    /// The settings from their text; a missing or unreadable one names its key.
    public init(text: [String: String]) throws(SettingError) {
        func bad(_ key: String) -> SettingError { SettingError(key: key, why: "'\(text[key] ?? "")' is not valid") }
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

/// A setting whose text does not read: its key and why.
public struct SettingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var why: String

    public var description: String { "\(key): \(why)" }
}

/// Settings written as text keyed by name, as a scenario file writes knobs: what run.json and a child's spec carry.
/// In JSON, the text map; reading it validates every setting and names the one that does not read.
public protocol TextSettings: Codable {
    /// Each setting's text, keyed by its name.
    var text: [String: String] { get }
    /// The settings from their text.
    init(text: [String: String]) throws(SettingError)
}

extension TextSettings {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode([String: String].self)
        do throws(SettingError) {
            try self.init(text: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}
