import Foundation
public import Model

/// The environment a child needs to run under a variant's allocator.
public enum AllocatorEnvironment {
    /// Variables the harness sets or clears for every child, so the parent's own settings never leak in.
    static let managed = [
        "LD_PRELOAD", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_CONF",
    ]

    /// Where Debian and others install jemalloc's shared library.
    static let jemallocCandidates = [
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
        "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
        "/usr/lib64/libjemalloc.so.2",
        "/usr/lib/libjemalloc.so.2",
        "/usr/local/lib/libjemalloc.so.2",
    ]

    /// The path of libjemalloc, or nil when it is not installed (`LEAKHARNESS_JEMALLOC` overrides).
    public static func jemallocPath() -> String? {
        if let path = ProcessInfo.processInfo.environment["LEAKHARNESS_JEMALLOC"] { return path }
        return jemallocCandidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// `base` with the allocator variables of `config` set and every other managed one removed.
    public static func environment(
        for config: VariantConfig, profilePrefix: String?,
        base: [String: String]? = nil
    ) -> [String: String] {
        var env = base ?? ProcessInfo.processInfo.environment
        for key in managed { env[key] = nil }
        switch config.allocator {
        case .glibc, .glibcTrim: break
        case .glibcArena2: env["MALLOC_ARENA_MAX"] = "2"
        case .glibcMmapThreshold: env["MALLOC_MMAP_THRESHOLD_"] = "131072"
        case .jemalloc: break
        }
        if config.allocator == .jemalloc || config.profile == .sites {
            if let path = jemallocPath() { env["LD_PRELOAD"] = path }
        }
        var conf: [String] = []
        if config.allocator == .jemalloc {
            // Without a background thread an idle jemalloc never purges: the settle phase would show nothing given back.
            conf.append("background_thread:true")
        }
        if config.profile == .sites {
            conf.append("prof:true,prof_active:true,lg_prof_sample:\(config.lgProfSample)")
            if let profilePrefix { conf.append("prof_prefix:\(profilePrefix)") }
        }
        if !conf.isEmpty { env["MALLOC_CONF"] = conf.joined(separator: ",") }
        return env
    }
}
