import Foundation
public import Model

/// The probe library `watch` preloads into a command: `libleakharness-probe.so`, built beside the executable.
public enum ProbeLibrary {
    /// The library's file name.
    public static let fileName = "libleakharness-probe.so"

    /// The path of the library beside the running executable (`LEAKHARNESS_PROBE_LIBRARY` overrides); checked to
    /// exist and to load (its constructor does nothing without the probe's environment).
    public static func locate() throws(WatchError) -> String {
        let path: String
        if let override = ProcessInfo.processInfo.environment["LEAKHARNESS_PROBE_LIBRARY"] {
            path = override
        } else {
            let executable = ChildLauncher.currentExecutable()
            path = ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw .probe(
                path: path,
                why: "not found beside the executable; build it with "
                    + "`swift build -c release --product leakharness-probe` (scripts/test.sh builds both)")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw .probe(path: path, why: "cannot be loaded: \(why)")
        }
        dlclose(handle)
        return path
    }

    /// The environment of a command watched under `allocator` (nil: the environment as it is), with the probe
    /// preloaded after the allocator's own preload and whatever `LD_PRELOAD` held already.
    package static func environment(
        base: [String: String], probe: String, channel: String, intervalMs: Int,
        allocator: Allocator?, sites: SitesSettings?
    ) -> [String: String] {
        var env = base
        let userPreload = (base["LD_PRELOAD"] ?? "").split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
        var allocatorPreload: [String] = []
        if allocator != nil || sites != nil {
            var config = VariantConfig()
            config.allocator = allocator ?? .jemalloc
            if let sites {
                config.profile = .sites
                config.lgProfSample = sites.lgProfSample
            }
            env = AllocatorEnvironment.environment(
                for: config, profilePrefix: sites.map { "\($0.directory)/auto" },
                base: base)
            allocatorPreload = env["LD_PRELOAD"].map { [$0] } ?? []
        }
        let preload = allocatorPreload + userPreload.filter { !allocatorPreload.contains($0) && $0 != probe } + [probe]
        env["LD_PRELOAD"] = preload.joined(separator: ":")
        env["LEAKHARNESS_PROBE"] = channel
        env["LEAKHARNESS_PROBE_INTERVAL_MS"] = String(intervalMs)
        for key in [
            "LEAKHARNESS_PROBE_TRIM_MS", "LEAKHARNESS_PROBE_DUMP_DIR", "LEAKHARNESS_PROBE_DUMP_MS",
            "LEAKHARNESS_PROBE_DUMP_REQUEST",
        ] {
            env[key] = nil
        }
        if allocator == .glibcTrim { env["LEAKHARNESS_PROBE_TRIM_MS"] = String(trimIntervalMs) }
        if let sites {
            env["LEAKHARNESS_PROBE_DUMP_DIR"] = sites.directory
            env["LEAKHARNESS_PROBE_DUMP_MS"] = String(sites.dumpIntervalMs ?? 0)
            env["LEAKHARNESS_PROBE_DUMP_REQUEST"] = sites.requestPath
        }
        return env
    }

    /// How often the probe calls `malloc_trim(0)` under `glibc-trim`.
    public static let trimIntervalMs = 1000

    /// Where and how often the probe dumps jemalloc heap profiles under `watch --sites`.
    package struct SitesSettings {
        /// Dumps go to `<directory>/pid-<pid>/pass-<n>.heap`.
        var directory: String
        /// Milliseconds between dumps; nil: only when `requestPath` asks.
        var dumpIntervalMs: Int?
        /// A file whose first 8 bytes count the dumps asked for so far.
        package var requestPath: String
        /// One sample per 2^lgProfSample bytes allocated, on average.
        var lgProfSample: Int

        package init(directory: String, dumpIntervalMs: Int?, requestPath: String, lgProfSample: Int) {
            self.directory = directory
            self.dumpIntervalMs = dumpIntervalMs
            self.requestPath = requestPath
            self.lgProfSample = lgProfSample
        }
    }
}
