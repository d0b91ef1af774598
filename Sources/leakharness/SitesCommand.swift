import ArgumentParser
import Sites

/// `leakharness sites RUN_DIR`: rank the allocation sites of a run's heap profiles.
struct SitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "Rank the allocation sites of a run made with --sites; writes sites.csv and sites.md.")

    @Argument(help: "A run directory with profiles/<variant>/pass-N.heap.")
    var runDirectory: String

    func run() throws {
        let variants: [VariantSites]
        do {
            variants = try SiteReport.write(runDirectory: runDirectory)
        } catch {
            throw UsageFailure(message: "\(error)")
        }
        guard !variants.isEmpty else {
            throw UsageFailure(message: "\(runDirectory): no heap profiles (run with --sites)")
        }
        print(SiteReport.markdown(variants))
        print("\(runDirectory)/sites.csv")
    }
}
