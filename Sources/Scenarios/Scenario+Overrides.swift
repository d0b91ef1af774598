public import Model

extension Scenario {
    /// This scenario with command-line knobs (`--files`, `--allocator`, ...) applied to the base and every variant.
    ///
    /// An override wins over a variant's own setting of the same knob, which then leaves its `overrides`.
    /// Every variant must still keep `min_files` files after the warm-up.
    public func applying(overrides: [Knob: String]) throws(ScenarioError) -> Scenario {
        guard !overrides.isEmpty else { return self }
        var out = self
        for knob in Knob.allCases {
            guard let value = overrides[knob] else { continue }
            do {
                try out.base.set(knob, value)
                for i in out.variants.indices {
                    try out.variants[i].config.set(knob, value)
                    out.variants[i].overrides[knob] = nil
                }
            } catch {
                throw .invalidOverride(option: "--\(knob.rawValue)", reason: error.description)
            }
        }
        for variant in out.variants {
            let kept = ScenarioLoader.filesAfterWarmup(variant.config, thresholds: thresholds)
            if kept < thresholds.minFiles {
                let option = overrides[.files] != nil ? "--files" : (overrides[.passes] != nil ? "--passes" : "files")
                throw .invalidOverride(
                    option: option,
                    reason:
                        "\(variant.name): \(variant.config.pipeline.files) files × \(variant.config.pipeline.passes) passes leave \(kept) "
                        + "after the warm-up, fewer than min_files \(thresholds.minFiles) of \(name)")
            }
        }
        return out
    }

    /// This scenario with only the named variants, in file order; `steps`, `from` and `to` keep only those.
    ///
    /// An empty list keeps every variant.
    public func selecting(variants names: [String]) throws(ScenarioError) -> Scenario {
        guard !names.isEmpty else { return self }
        let available = variants.map(\.name)
        for name in names where !available.contains(name) {
            throw .unknownVariant(name: name, scenario: self.name, available: available)
        }
        var out = self
        out.variants = variants.filter { names.contains($0.name) }
        out.steps = steps.map { $0.filter { names.contains($0) } }
        if out.steps?.isEmpty == true { out.steps = nil }
        if let from, let to, !(names.contains(from) && names.contains(to)) {
            out.from = nil
            out.to = nil
        }
        return out
    }
}
