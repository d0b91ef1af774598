import Testing
@testable import FeaturePipeline

/// Shape of the Slaney filterbank.
struct MelFilterbankTests {
    @Test func slaneyScaleRoundTrips() {
        #expect(abs(MelFilterbank.hzToMel(1000) - 15) < 1e-12)
        #expect(abs(MelFilterbank.hzToMel(500) - 7.5) < 1e-12)
        for hz in [0.0, 300, 999, 1000, 4000, 24000] {
            #expect(abs(MelFilterbank.melToHz(MelFilterbank.hzToMel(hz)) - hz) < 1e-6)
        }
    }

    @Test(arguments: [16000, 48000])
    func bandsAreTrianglesOfUnitArea(rate: Int) {
        let bank = MelFilterbank(sampleRate: rate)
        let binHz = Double(rate) / 2048
        for band in 0..<bank.bands {
            let weights = (0..<bank.bins).map { bank.weight(band: band, bin: $0) }
            #expect(weights.contains { $0 > 0 })
            // Slaney normalisation: area under each triangle is about 1 (in Hz).
            let area = weights.reduce(0) { $0 + Double($1) } * binHz
            #expect(abs(area - 1) < 0.35, "band \(band) area \(area)")
        }
        #expect(bank.paddedBins <= bank.bins + 7)
    }
}
