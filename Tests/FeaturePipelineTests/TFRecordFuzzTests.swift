import Testing
import FeaturePipeline

/// Random and mutated inputs fed to the reader and to Example decoding: only typed errors, never a crash.
struct TFRecordFuzzTests {
    static let iterations = 3000

    enum Outcome: Hashable { case ok, corrupt, other }

    static func read(_ bytes: [UInt8]) -> (Outcome, [[UInt8]]) {
        let reader = TFRecordReader(bytes: bytes, name: "fuzz")
        var records: [[UInt8]] = []
        do {
            while let record = try reader.next() { records.append(record) }
            return (.ok, records)
        } catch {
            if case .corrupt(let path, let offset, _) = error, path == "fuzz", offset >= 0, offset < bytes.count {
                return (.corrupt, records)
            }
            return (.other, records)
        }
    }

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0..<5, using: &generator) {
        case 0 where !bytes.isEmpty:
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8(
                    1 << Int.random(in: 0..<8, using: &generator))
            }
        case 1 where !bytes.isEmpty:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
        case 2:
            bytes.insert(
                contentsOf: (0..<Int.random(in: 1...16, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                },
                at: Int.random(in: 0...bytes.count, using: &generator))
        case 3 where !bytes.isEmpty:
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = [0x00, 0xFF, 0x7F, 0x80].randomElement(
                using: &generator)!
        default:
            bytes += bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))
        }
        return bytes
    }

    @Test func readerAndDecoderSurviveArbitraryInput() throws {
        var generator = SeededGenerator(seed: 0x1EA4_4A55)
        let example = try ExampleEncoderTests.encodeSmall()
        let validFile = try framed([example, [], Array("abc".utf8), example])
        var outcomes: [Outcome: Int] = [:]
        var decodeErrors = 0
        var decodedOK = 0
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            switch iteration % 3 {
            case 0:
                input = (0..<Int.random(in: 0...256, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            case 1: input = Self.mutate(validFile, using: &generator)
            default: input = Self.mutate(example, using: &generator)
            }
            let (outcome, records) = Self.read(input)
            outcomes[outcome, default: 0] += 1
            for candidate in records + [input] {
                do {
                    let decoded = try ExampleDecoder.decode(candidate)
                    _ = decoded.features
                    decodedOK += 1
                } catch {
                    guard case .invalidExample = error else { Issue.record("unexpected error \(error)"); continue }
                    decodeErrors += 1
                }
            }
        }
        #expect(outcomes[.other, default: 0] == 0, "every reader error is .corrupt with an offset inside the input")
        #expect(outcomes[.corrupt, default: 0] > Self.iterations / 2)
        #expect(outcomes[.ok, default: 0] > 0)
        #expect(decodeErrors > 0)
        #expect(decodedOK > 0)
    }
}
