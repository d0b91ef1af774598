import Foundation
import Supervision

/// One resolved stack frame.
public struct SiteFrame: Sendable, Hashable {
    /// The runtime return address.
    public var address: UInt64
    /// The mapped file that holds it; empty when no mapping does.
    public var path: String
    /// The address in the file's ELF address space (return address minus one, so it falls in the call).
    public var fileAddress: UInt64?
    /// The containing function's symbol, as stored (mangled).
    public var symbol: String?
    /// The demangled function name, or `file+0xoffset` when no symbol covers it.
    public var function: String
}

/// Resolves the addresses of heap-profile stacks to functions, from ELF symbol tables, and finds each stack's allocation site.
///
/// One symbolizer serves the dumps of one process: addresses are randomised per process.
final class Symbolizer {
    /// Modules whose functions are the program's: the first frame in one of them is the site.
    let programModules: Set<String>
    private var files: [String: ELFSymbols?] = [:]
    private var frames: [UInt64: SiteFrame] = [:]

    /// Libraries whose frames are the allocator, the C library or the runtime: never a site, not even symbolized to find one.
    static let skippedLibraries = [
        "libjemalloc", "libc.so", "libc-", "ld-linux", "libswiftCore", "libFoundation",
        "lib_FoundationICU", "libstdc++", "libdispatch", "libswift_Concurrency", "libm.so",
        "libgcc_s", "libBlocksRuntime", "libswiftDispatch", "libswiftGlibc",
        "libleakharness-probe",
    ]

    /// The program is not ours (`watch`): its first frame outside the skipped libraries is the site, whatever its
    /// module.
    let foreign: Bool

    /// The harness's own Swift modules: the workload and the layers that drive it.
    static let harnessModules: Set<String> = [
        "FeaturePipeline", "Model", "Scenarios", "Supervision", "Sampling", "Analysis", "Reporting", "Sites", "Harness",
    ]

    init(programModules: Set<String> = harnessModules, foreign: Bool = false) {
        self.programModules = programModules
        self.foreign = foreign
    }

    /// Whether `path` is a library whose frames are skipped.
    static func isSkipped(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return skippedLibraries.contains { name.hasPrefix($0) }
    }

    /// The frame of `address` in the process described by `dump`.
    func frame(_ address: UInt64, in dump: HeapDump) -> SiteFrame {
        if let cached = frames[address] { return cached }
        var frame = SiteFrame(
            address: address, path: "", fileAddress: nil, symbol: nil,
            function: String(format: "0x%llx", address))
        if let mapping = dump.mapping(containing: address), !mapping.path.isEmpty, !mapping.path.hasPrefix("[") {
            frame.path = mapping.path
            let offset = address &- 1 &- mapping.start &+ mapping.offset
            frame.function = "\((mapping.path as NSString).lastPathComponent)+0x\(String(offset, radix: 16))"
            if let elf = symbols(of: mapping.path), let vaddr = elf.virtualAddress(fileOffset: offset) {
                frame.fileAddress = vaddr
                if let symbol = elf.symbol(containing: vaddr) {
                    frame.symbol = symbol.name
                    frame.function = SwiftDemangler.demangle(symbol.name)
                }
            }
        }
        frames[address] = frame
        return frame
    }

    /// Index in `stack.addresses` of its allocation site: the first frame in a program module; failing that,
    /// the first frame outside the skipped libraries; nil when every frame is skipped.
    func siteIndex(of stack: HeapDump.Stack, in dump: HeapDump) -> Int? {
        var fallback: Int?
        for (index, address) in stack.addresses.enumerated() {
            guard let mapping = dump.mapping(containing: address), !Self.isSkipped(mapping.path) else { continue }
            if foreign { return index }
            let frame = frame(address, in: dump)
            if let symbol = frame.symbol, let module = SwiftDemangler.module(of: symbol),
                programModules.contains(module)
            {
                return index
            }
            if fallback == nil, frame.symbol.map({ SwiftDemangler.module(of: $0) != nil }) ?? true { fallback = index }
        }
        return fallback
    }

    private func symbols(of path: String) -> ELFSymbols? {
        if let cached = files[path] { return cached }
        let elf = try? ELFSymbols(path: path)
        files[path] = elf
        return elf
    }

    /// `file:line` of each file address of `path`, from `addr2line -i` when it is installed: the innermost inlined
    /// location with a line number, preferring the project's sources to dependencies under `.build/`.
    static func fileLines(path: String, addresses: [UInt64]) -> [UInt64: String] {
        guard !addresses.isEmpty, let tool = executableInPath("addr2line") else { return [:] }
        let arguments = ["-e", path, "-i", "-a"] + addresses.map { "0x" + String($0, radix: 16) }
        guard
            let data = try? ChildProcess.capture(
                executable: tool, arguments: arguments, environment: ProcessInfo.processInfo.environment
            ).output
        else { return [:] }
        var result: [UInt64: String] = [:]
        var current: UInt64?
        var candidates: [String] = []
        func finish() {
            guard let current else { return }
            let located = candidates.filter {
                !$0.hasSuffix(":?") && !$0.contains("<compiler-generated>") && !$0.hasPrefix("??")
            }
            if let best = located.first(where: { !$0.contains("/.build/") }) ?? located.first {
                result[current] = shortPath(best)
            }
        }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("0x"), let address = UInt64(line.dropFirst(2), radix: 16) {
                finish()
                current = address
                candidates = []
            } else {
                candidates.append(String(line.split(separator: " (discriminator")[0]))
            }
        }
        finish()
        return result
    }

    /// `…/Sources/X/Y.swift:12` → `Sources/X/Y.swift:12`.
    static func shortPath(_ location: String) -> String {
        if let range = location.range(of: "/Sources/", options: .backwards) {
            return String(location[range.lowerBound...].dropFirst())
        }
        return location
    }

    static func executableInPath(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
