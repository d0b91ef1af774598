import Foundation
import Testing

@testable import Model

/// The knob table is the one place a knob's range and accepted values are written: `set` and the error messages
/// follow it, and a child's spec carries the typed configuration.
struct KnobTableTests {
    @Test(arguments: Knob.allCases)
    func integerKnobsAcceptTheirRangeAndNothingOutsideIt(knob: Knob) throws {
        guard case .integer(let range, _) = knob.spec.kind, range.upperBound < Int.max else { return }
        var config = VariantConfig()
        try config.set(knob, String(range.lowerBound))
        #expect(config.value(of: knob) == String(range.lowerBound))
        try config.set(knob, String(range.upperBound))
        #expect(config.value(of: knob) == String(range.upperBound))
        #expect(throws: KnobError.self) { try config.set(knob, String(range.lowerBound - 1)) }
        #expect(throws: KnobError.self) { try config.set(knob, String(range.upperBound + 1)) }
        #expect(knob.accepted.hasSuffix("from \(range.lowerBound) to \(range.upperBound)"))
    }

    @Test(arguments: Knob.allCases)
    func choiceKnobsAcceptEachWordTheyList(knob: Knob) throws {
        guard case .choice(let words) = knob.spec.kind else { return }
        var config = VariantConfig()
        for word in words {
            try config.set(knob, word)
            #expect(config.value(of: knob) == word)
        }
        #expect(throws: KnobError.self) { try config.set(knob, "no-such-\(knob.rawValue)") }
        #expect(knob.accepted == words.joined(separator: ", "))
    }

    @Test func everyKnobHasADocAndTheSettleIsANumber() throws {
        #expect(Knob.allCases.allSatisfy { !$0.spec.doc.isEmpty && $0.spec.key == $0 })
        var config = VariantConfig()
        try config.set(.settle, "1.5")
        #expect(config.settleSeconds == 1.5)
        #expect(throws: KnobError.self) { try config.set(.settle, "601") }
        #expect(Knob.settle.accepted == "seconds from 0 to 600")
        #expect(Knob.seed.accepted == "a non-negative integer")
        #expect(!Knob.ceilingMB.isWorkload && Knob.workers.isWorkload)
    }

    @Test func aChildSpecCarriesTheTypedConfigurationThroughJSON() throws {
        var config = VariantConfig()
        try config.set(.workers, "3")
        try config.set(.allocator, "jemalloc")
        try config.set(.fault, "crash-after-files:7")
        let spec = ChildSpec(variant: "v", config: config, samplesPath: "s", resultPath: "r", workDirectory: "w")
        let data = try JSONEncoder().encode(spec)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let knobs = try #require(object["knobs"] as? [String: String])
        #expect(knobs["workers"] == "3" && knobs["allocator"] == "jemalloc" && knobs["fault"] == "crash-after-files:7")
        #expect(try JSONDecoder().decode(ChildSpec.self, from: data) == spec)

        let bad = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"3\"", with: "\"65\"")
        #expect {
            try JSONDecoder().decode(ChildSpec.self, from: Data(bad.utf8))
        } throws: { error in
            String(describing: error).contains("workers: '65' is not valid; expected an integer from 1 to 64")
        }
    }

    @Test func runJSONRecordsEitherThePipelinesKnobsOrAWatchedCommandsSettings() throws {
        var config = VariantConfig()
        try config.set(.profile, "sites")
        let command = CommandSettings(
            commandLine: "python3 x.py", intervalMs: 50, progressRegex: "done (\\d+)", allocator: .jemalloc,
            sitesLgProfSample: 19)
        for settings in [VariantSettings.pipeline(config), .command(command)] {
            let data = try JSONEncoder().encode(settings)
            #expect(try JSONDecoder().decode(VariantSettings.self, from: data) == settings)
            #expect(try JSONDecoder().decode([String: String].self, from: data) == settings.text)
        }
        #expect(VariantSettings.pipeline(config).profilesSites && VariantSettings.command(command).profilesSites)
        #expect(VariantSettings.command(command).allocator == .jemalloc)
        #expect(VariantSettings.command(command).filesPerPass == nil)
        #expect(command.text["x"] == "items" && command.text["lg-prof-sample"] == "19")
        let bad = Data(#"{"workers": "0"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(VariantSettings.self, from: bad) }
    }
}
