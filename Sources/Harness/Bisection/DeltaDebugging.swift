public import Model

/// Delta debugging (Zeller's ddmin) over knob changes: the smallest set of changes from a growing configuration
/// toward a stable one that removes the growth. Pure search: the oracle runs (or fakes) the probes.
///
/// The oracle answers, for a set of changes applied to `from`, whether memory still grows. ddmin minimizes the set
/// that does *not* grow: split the current set into n parts; keep a part that removes the growth (n = 2), else a
/// complement that does (n − 1), else split finer (2n) until the parts are single changes. The result is 1-minimal:
/// undoing any one of its changes makes the growth return, and those probes are in `checks`.
/// Every distinct set is asked once (a cache); `probes` lists them in the order they were asked.
public enum DeltaDebugging {
    /// How the search ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// A 1-minimal set of changes that removes the growth was found.
        case found
        /// `from` (no change applied) does not grow: nothing to bisect.
        case fromDoesNotGrow = "from-does-not-grow"
        /// `to` (every change applied) still grows: no subset can remove the growth.
        case toStillGrows = "to-still-grows"
    }

    /// One question asked of the oracle.
    public struct Probe: Sendable, Hashable {
        /// The changes applied to `from`, in knob order.
        public var applied: [Knob]
        /// The oracle's answer: memory still grows.
        public var grows: Bool
    }

    /// One 1-minimality check: the result with one change undone.
    public struct Check: Sendable, Hashable {
        /// The change undone.
        public var undone: Knob
        /// Whether memory grows without it (true for every check of a 1-minimal result).
        public var grows: Bool
    }

    /// What the search found and every probe it asked.
    public struct Result: Sendable, Hashable {
        /// How it ended.
        public var outcome: Outcome
        /// The minimal set of changes (empty unless `found`), in knob order.
        public var minimal: [Knob]
        /// Each change of `minimal` undone in turn.
        public var checks: [Check]
        /// Every distinct set asked, in order.
        public var probes: [Probe]
    }

    /// Finds a 1-minimal subset of `changes` for which `grows` is false; `grows([])` must be true and `grows(changes)` false.
    public static func minimize(changes: Set<Knob>, grows oracle: (Set<Knob>) throws -> Bool) rethrows -> Result {
        var search = Search()
        return try search.run(changes: changes.sorted(), oracle: oracle)
    }

    /// `items` cut into `n` contiguous parts of nearly equal size (the first ones one longer).
    static func split(_ items: [Knob], into n: Int) -> [[Knob]] {
        let n = max(1, min(n, items.count))
        var parts: [[Knob]] = []
        var start = 0
        for i in 0..<n {
            let size = items.count / n + (i < items.count % n ? 1 : 0)
            parts.append(Array(items[start..<(start + size)]))
            start += size
        }
        return parts
    }

    private struct Search {
        var cache: [Set<Knob>: Bool] = [:]
        var probes: [Probe] = []

        mutating func ask(_ set: [Knob], _ oracle: (Set<Knob>) throws -> Bool) rethrows -> Bool {
            let key = Set(set)
            if let known = cache[key] { return known }
            let answer = try oracle(key)
            cache[key] = answer
            probes.append(Probe(applied: key.sorted(), grows: answer))
            return answer
        }

        mutating func run(changes all: [Knob], oracle: (Set<Knob>) throws -> Bool) rethrows -> Result {
            guard try ask([], oracle) else {
                return Result(outcome: .fromDoesNotGrow, minimal: [], checks: [], probes: probes)
            }
            if try ask(all, oracle) { return Result(outcome: .toStillGrows, minimal: [], checks: [], probes: probes) }
            var current = all
            var n = 2
            search: while current.count >= 2 {
                let parts = DeltaDebugging.split(current, into: n)
                for part in parts {
                    if try !ask(part, oracle) {
                        current = part
                        n = 2
                        continue search
                    }
                }
                if parts.count > 2 {
                    for part in parts {
                        let complement = current.filter { !part.contains($0) }
                        if try !ask(complement, oracle) {
                            current = complement
                            n = max(n - 1, 2)
                            continue search
                        }
                    }
                }
                if n >= current.count { break }
                n = min(current.count, 2 * n)
            }
            var checks: [Check] = []
            for knob in current {
                checks.append(Check(undone: knob, grows: try ask(current.filter { $0 != knob }, oracle)))
            }
            return Result(outcome: .found, minimal: current, checks: checks, probes: probes)
        }
    }
}
