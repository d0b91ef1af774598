import Foundation
import Model
import Reporting

/// Turns the heap profiles of a run directory (`profiles/<variant>/pass-N[-held].heap`) into ranked allocation
/// sites, `sites.csv` and a markdown section.
public enum SiteReport {
    /// Ranked sites of every profiled variant of the run, in run order; empty when no variant was profiled.
    public static func analyze(
        runDirectory: String, rule: SiteRanking.Rule = .init()
    ) throws(SitesError) -> [VariantSites] {
        let root = "\(runDirectory)/profiles"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        let order = runOrder(runDirectory)
        let sorted = names.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
        let foreign = (try? RunFiles.loadManifest(runDirectory: runDirectory))?.scenario == "watch"
        var result: [VariantSites] = []
        for name in sorted {
            if let sites = try analyze(
                profileDirectory: "\(root)/\(name)", variant: name, runDirectory: runDirectory,
                rule: rule, foreignProgram: foreign)
            {
                result.append(sites)
            }
        }
        return result
    }

    /// Ranked sites of one variant's dumps; nil when the directory holds no `pass-N.heap`. `foreignProgram`: the
    /// dumps are of a command `watch` ran, whose own code is in any module (the site is its first frame outside the
    /// allocator, the C library and the runtimes), not in ours.
    public static func analyze(
        profileDirectory: String, variant: String, runDirectory: String? = nil,
        rule: SiteRanking.Rule = .init(),
        foreignProgram: Bool = false
    ) throws(SitesError) -> VariantSites? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: profileDirectory)) ?? []
        let passes = names.compactMap { name -> Int? in
            guard name.hasPrefix("pass-"), name.hasSuffix(".heap"), !name.hasSuffix("-held.heap") else { return nil }
            return Int(name.dropFirst(5).dropLast(5))
        }.sorted()
        guard !passes.isEmpty else { return nil }
        let symbolizer = foreignProgram ? Symbolizer(programModules: [], foreign: true) : Symbolizer()

        struct Accumulator {
            var function: String
            var after: [Double]
            var held: [Double]
            var objectsLast = 0.0
            var largest: (bytes: Double, addresses: [UInt64], siteIndex: Int, dump: Int)?
        }
        var sites: [String: Accumulator] = [:]
        var dumps: [HeapDump] = []
        var period = 0
        var haveHeld = false
        for (passIndex, pass) in passes.enumerated() {
            for held in [false, true] {
                let path = "\(profileDirectory)/pass-\(pass)\(held ? "-held" : "").heap"
                guard held == false || FileManager.default.fileExists(atPath: path) else { continue }
                if held { haveHeld = true }
                let dump = try HeapDump.load(path: path)
                dumps.append(dump)
                period = dump.period
                for stack in dump.stacks {
                    let estimate = stack.unbiased(period: Double(dump.period))
                    guard estimate.bytes > 0 else { continue }
                    let index = symbolizer.siteIndex(of: stack, in: dump)
                    let frame = index.map { symbolizer.frame(stack.addresses[$0], in: dump) }
                    let key = frame.map { $0.symbol ?? $0.function } ?? "(allocator only)"
                    var site =
                        sites[key]
                        ?? Accumulator(
                            function: frame?.function ?? key,
                            after: Array(repeating: 0, count: passes.count),
                            held: Array(repeating: 0, count: passes.count))
                    if held {
                        site.held[passIndex] += estimate.bytes
                    } else {
                        site.after[passIndex] += estimate.bytes
                        if passIndex == passes.count - 1 { site.objectsLast += estimate.objects }
                    }
                    if let index, estimate.bytes > (site.largest?.bytes ?? 0) {
                        site.largest = (estimate.bytes, stack.addresses, index, dumps.count - 1)
                    }
                    sites[key] = site
                }
            }
        }

        let executable = dumps.first.flatMap(executablePath) ?? ""
        var wanted: [UInt64] = []
        for site in sites.values {
            guard let largest = site.largest else { continue }
            let frame = symbolizer.frame(largest.addresses[largest.siteIndex], in: dumps[largest.dump])
            if frame.path == executable, let address = frame.fileAddress { wanted.append(address) }
        }
        let lines = Symbolizer.fileLines(path: executable, addresses: wanted)

        let verdicts = sites.map { key, site in
            ((key, site), SiteRanking.classify(.init(after: site.after, held: haveHeld ? site.held : []), rule: rule))
        }
        let ranked = SiteRanking.order(verdicts, name: \.0).enumerated().map { offset, item in
            let ((key, site), verdict) = item
            var fileLine = ""
            var stack: [String] = []
            if let largest = site.largest {
                let dump = dumps[largest.dump]
                let frame = symbolizer.frame(largest.addresses[largest.siteIndex], in: dump)
                fileLine = frame.fileAddress.flatMap { lines[$0] } ?? ""
                stack = largest.addresses[largest.siteIndex...].prefix(8).map {
                    symbolizer.frame($0, in: dump).function
                }
            }
            return AllocationSite(
                rank: offset + 1, function: site.function, symbol: key, fileLine: fileLine, verdict: verdict,
                afterBytes: site.after, heldBytes: haveHeld ? site.held : [], objectsLastPass: site.objectsLast,
                stack: stack)
        }
        let measured = runDirectory.flatMap { measuredGrowthPerPass(runDirectory: $0, variant: variant) }
        let lastDump = "\(profileDirectory)/pass-\(passes.last!).heap"
        let changed = modificationDate(executable).map { $0 > (modificationDate(lastDump) ?? $0) } ?? false
        return VariantSites(
            variant: variant, period: period, passes: passes.count, executable: executable,
            executableChanged: changed, measuredGrowthPerPass: measured, sites: ranked)
    }

    /// Analyzes the run directory and writes `sites.csv` and `sites.md` into it; writes nothing when no variant was profiled.
    @discardableResult
    public static func write(runDirectory: String) throws(SitesError) -> [VariantSites] {
        let variants = try analyze(runDirectory: runDirectory)
        guard !variants.isEmpty else { return [] }
        try write(csv(variants), to: "\(runDirectory)/sites.csv")
        try write(markdown(variants), to: "\(runDirectory)/sites.md")
        return variants
    }

    /// The "Where it is allocated" markdown section of a run directory; empty when no variant was profiled.
    public static func markdownSection(runDirectory: String) throws(SitesError) -> String {
        let variants = try analyze(runDirectory: runDirectory)
        return variants.isEmpty ? "" : markdown(variants)
    }

    /// The columns of `sites.csv`.
    public static let csvHeader = [
        "variant", "rank", "function", "file_line", "slope_mb_per_pass", "held_mb_peak",
        "bytes_last_pass_mb", "growing", "kind", "released_mb_peak", "objects_last_pass",
        "after_mb_per_pass", "held_mb_per_pass", "symbol",
    ]

    /// `sites.csv` (RFC 4180): one row per site of every variant, in rank order.
    public static func csv(_ variants: [VariantSites]) -> String {
        var rows = [csvHeader]
        for variant in variants {
            for site in variant.sites {
                rows.append([
                    variant.variant, String(site.rank), site.function, site.fileLine,
                    mb(site.verdict.slopePerPass), mb(site.verdict.heldPeak), mb(site.verdict.last),
                    site.growing ? "true" : "false", site.verdict.kind.rawValue, mb(site.verdict.releasedPeak),
                    String(format: "%.0f", site.objectsLastPass),
                    site.afterBytes.map(mb).joined(separator: ";"), site.heldBytes.map(mb).joined(separator: ";"),
                    site.symbol,
                ])
            }
        }
        return rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// The markdown section: the rule, then per variant its top sites, the stacks of the top three and the `jeprof` command.
    public static func markdown(_ variants: [VariantSites], top: Int = 5) -> String {
        var out = "## Where it is allocated\n\n"
        let profiled = variants.map {
            "`\($0.variant)` (\($0.passes) passes, one sample per \(kib($0.period)) KiB on average)"
        }
        out += "Profiled with jemalloc's sampling heap profiler (`--sites`): \(profiled.joined(separator: ", ")). "
        out += "Other runs and variants were not profiled.\n\n"
        out +=
            "A site is the first frame of a sampled stack in the program's own modules (allocator, C library, Swift runtime "
        out +=
            "and standard-library frames skipped). Bytes are jemalloc's unbiased estimates. **growing**: its bytes after "
        out +=
            "each pass's release never decrease and rise by at least 1 MiB and 10% (a leak); **held-released**: held at "
        out += "the pass's peak and released at its end (retention); **steady**: neither.\n"
        for variant in variants {
            out += "\n### `\(variant.variant)`\n\n"
            let growing = variant.sites.filter(\.growing)
            if variant.executableChanged {
                out +=
                    "**Warning**: `\(variant.executable)` changed after the dumps were written; the names below may be wrong.\n\n"
            }
            if let measured = variant.measuredGrowthPerPass {
                out +=
                    "Measured live-heap growth (`stats.allocated` at each pass's release): \(mb(measured)) MB per pass. "
            }
            out += growing.isEmpty ? "No site grows.\n\n" : "\(growing.count) growing site(s).\n\n"
            out +=
                "| rank | function | file:line | kind | slope MB/pass | share of growth | held MB (peak) | released MB (peak) | MB after last pass |\n"
            out += "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n"
            for site in variant.sites.prefix(top) {
                var share = ""
                if site.growing, let measured = variant.measuredGrowthPerPass, measured > 0 {
                    share = String(format: "%.0f%%", 100 * site.verdict.slopePerPass / measured)
                }
                let location = site.fileLine.isEmpty ? "" : "`\(site.fileLine)`"
                out += "| \(site.rank) | `\(cell(site.function))` | \(location) | \(site.verdict.kind.rawValue) | "
                out += "\(mb(site.verdict.slopePerPass)) | \(share) | \(mb(site.verdict.heldPeak)) | "
                out += "\(mb(site.verdict.releasedPeak)) | \(mb(site.verdict.last)) |\n"
            }
            for site in variant.sites.prefix(3) where !site.stack.isEmpty {
                out += "\nStack of site \(site.rank) (its largest sampled stack, from the site outward):\n\n```\n"
                out += site.stack.joined(separator: "\n") + "\n```\n"
            }
            let dir = "profiles/\(variant.variant)"
            out += "\nTo dig further (run from the run directory):\n\n```\n"
            out += "jeprof --base=\(dir)/pass-1.heap \(variant.executable) \(dir)/pass-\(variant.passes).heap\n"
            out +=
                "jeprof --base=\(dir)/pass-\(variant.passes).heap \(variant.executable) \(dir)/pass-\(variant.passes)-held.heap\n```\n"
        }
        return out
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Bytes → MB (mebibytes, as every other figure) with three decimals.
    static func mb(_ bytes: Double) -> String { String(format: "%.3f", Units.mb(bytes: bytes)) }

    private static func kib(_ bytes: Int) -> String { String(bytes / 1024) }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'")
    }

    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func write(_ text: String, to path: String) throws(SitesError) {
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
    }

    /// The executable's path among a dump's mappings: the first mapped file that is not a shared library.
    static func executablePath(_ dump: HeapDump) -> String? {
        dump.mappings.first {
            !$0.path.isEmpty && !$0.path.hasPrefix("[") && !($0.path as NSString).lastPathComponent.contains(".so")
        }?.path
    }

    /// Variant name → position in `run.json`.
    private static func runOrder(_ runDirectory: String) -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: "\(runDirectory)/run.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let variants = object["variants"] as? [[String: Any]]
        else { return [:] }
        var order: [String: Int] = [:]
        for (index, variant) in variants.enumerated() {
            if let name = variant["name"] as? String { order[name] = index }
        }
        return order
    }

    /// Slope per pass of `heap_live_bytes` sampled at each pass's release point, from `samples/<variant>.{csv,result.json}`.
    static func measuredGrowthPerPass(runDirectory: String, variant: String) -> Double? {
        guard let data = FileManager.default.contents(atPath: "\(runDirectory)/samples/\(variant).result.json"),
            let report = try? JSONCoding.decode(ChildReport.self, from: data), report.passEndMs.count >= 2,
            let text = try? String(contentsOfFile: "\(runDirectory)/samples/\(variant).csv", encoding: .utf8)
        else { return nil }
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false),
            let timeColumn = header.firstIndex(of: "t_ms"), let heapColumn = header.firstIndex(of: "heap_live_bytes")
        else { return nil }
        let rows = lines.dropFirst().compactMap { line -> (Int64, Double)? in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > max(timeColumn, heapColumn), let t = Int64(fields[timeColumn]),
                let heap = Double(fields[heapColumn])
            else { return nil }
            return (t, heap)
        }
        let values = report.passEndMs.compactMap { end in rows.first { $0.0 >= end }?.1 }
        guard values.count == report.passEndMs.count else { return nil }
        return SiteRanking.slopePerPass(values)
    }
}
