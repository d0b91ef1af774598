import Foundation

/// The function symbols (`.symtab`, else `.dynsym`) and loadable segments of one ELF64 little-endian file.
public struct ELFSymbols: Sendable {
    /// One function symbol.
    public struct Symbol: Sendable, Hashable {
        /// Virtual address of its first instruction.
        public var address: UInt64
        /// Size in bytes; 0 when the symbol table does not say.
        public var size: UInt64
        /// The name as stored (mangled).
        public var name: String
    }

    /// A `PT_LOAD` segment: file offsets `[offset, offset + size)` are loaded at `vaddr`.
    struct Segment: Sendable {
        var offset: UInt64
        var vaddr: UInt64
        var size: UInt64
    }

    /// The file read.
    public let path: String
    /// Function symbols sorted by address.
    public let symbols: [Symbol]
    let segments: [Segment]

    /// Reads the symbol tables and program headers of the ELF file at `path`.
    public init(path: String) throws(SitesError) {
        self.path = path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .badELF(path: path, reason: error.localizedDescription)
        }
        let parsed: Result<([Symbol], [Segment]), SitesError> = data.withUnsafeBytes { bytes in
            do throws(SitesError) { return .success(try Self.parse(bytes, path: path)) } catch {
                return .failure(error)
            }
        }
        let (symbols, segments) = try parsed.get()
        self.symbols = symbols
        self.segments = segments
    }

    /// The virtual address that file offset `offset` is loaded at, if a segment loads it.
    public func virtualAddress(fileOffset offset: UInt64) -> UInt64? {
        guard let segment = segments.first(where: { offset >= $0.offset && offset < $0.offset + $0.size }) else {
            return nil
        }
        return offset - segment.offset + segment.vaddr
    }

    /// The function symbol that contains virtual address `address`, if any.
    public func symbol(containing address: UInt64) -> Symbol? {
        var low = 0, high = symbols.count
        while low < high {
            let mid = (low + high) / 2
            if symbols[mid].address <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let candidate = symbols[low - 1]
        if candidate.size > 0, address >= candidate.address + candidate.size { return nil }
        return candidate
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(SitesError) -> ([Symbol], [Segment])
    {
        func u16(_ at: Int) -> UInt16 { bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian }
        func u32(_ at: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian }
        func u64(_ at: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
        guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw .badELF(path: path, reason: "no ELF magic")
        }
        guard bytes[4] == 2, bytes[5] == 1 else { throw .badELF(path: path, reason: "not ELF64 little-endian") }
        let phoff = Int(u64(0x20)), shoff = Int(u64(0x28))
        let phentsize = Int(u16(0x36)), phnum = Int(u16(0x38))
        let shentsize = Int(u16(0x3A)), shnum = Int(u16(0x3C))
        func inBounds(_ offset: Int, _ size: Int) -> Bool { offset >= 0 && size >= 0 && offset <= bytes.count - size }

        var segments: [Segment] = []
        for index in 0..<phnum {
            let at = phoff + index * phentsize
            guard phentsize >= 56, inBounds(at, 56) else {
                throw .badELF(path: path, reason: "program header \(index) out of bounds")
            }
            if u32(at) == 1 {  // PT_LOAD
                segments.append(Segment(offset: u64(at + 8), vaddr: u64(at + 16), size: u64(at + 32)))
            }
        }

        struct Section { var type: UInt32; var offset: Int; var size: Int; var link: Int; var entsize: Int }
        var sections: [Section] = []
        for index in 0..<shnum {
            let at = shoff + index * shentsize
            guard shentsize >= 64, inBounds(at, 64) else {
                throw .badELF(path: path, reason: "section header \(index) out of bounds")
            }
            sections.append(
                Section(
                    type: u32(at + 4), offset: Int(u64(at + 24)), size: Int(u64(at + 32)),
                    link: Int(u32(at + 40)), entsize: Int(u64(at + 56))))
        }
        // .symtab (type 2) when present, it is a superset of .dynsym (type 11).
        let table = sections.first { $0.type == 2 } ?? sections.first { $0.type == 11 }
        var symbols: [Symbol] = []
        if let table, table.link < sections.count {
            let strings = sections[table.link]
            let entsize = max(table.entsize, 24)
            guard inBounds(table.offset, table.size), inBounds(strings.offset, strings.size) else {
                throw .badELF(path: path, reason: "symbol table out of bounds")
            }
            for at in stride(from: table.offset, to: table.offset + table.size - 23, by: entsize) {
                let type = bytes[at + 4] & 0xf
                let value = u64(at + 8)
                guard type == 2 || type == 10, value != 0, u16(at + 6) != 0 else { continue }  // FUNC or IFUNC, defined
                let nameOffset = Int(u32(at))
                guard nameOffset < strings.size else { continue }
                let start = strings.offset + nameOffset
                var end = start
                while end < strings.offset + strings.size, bytes[end] != 0 { end += 1 }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                symbols.append(Symbol(address: value, size: u64(at + 16), name: name))
            }
        }
        symbols.sort { $0.address != $1.address ? $0.address < $1.address : $0.size > $1.size }
        return (symbols, segments)
    }
}
