import Testing
@testable import Harness
@testable import Model

/// ddmin on fake oracles whose minimal sets are known.
struct DeltaDebuggingTests {
    /// Runs ddmin over `changes` with `grows` and counts how often the oracle is asked each set.
    private func minimize(
        _ changes: Set<Knob>, grows: @escaping (Set<Knob>) -> Bool
    ) -> (DeltaDebugging.Result, [Set<Knob>: Int]) {
        var asked: [Set<Knob>: Int] = [:]
        let result = DeltaDebugging.minimize(changes: changes) { set in
            asked[set, default: 0] += 1
            return grows(set)
        }
        return (result, asked)
    }

    private let four: Set<Knob> = [.submit, .futures, .results, .writer]

    @Test func singleCulpritIsFoundAndShownMinimal() {
        // Memory grows until the writer is closed, whatever else changes.
        let (r, asked) = minimize(four) { !$0.contains(.writer) }
        #expect(r.outcome == .found)
        #expect(r.minimal == [.writer])
        #expect(r.checks == [.init(undone: .writer, grows: true)])
        #expect(asked.values.allSatisfy { $0 == 1 })
        #expect(r.probes.count == asked.count)
    }

    @Test func twoKnobsThatLeakOnlyTogetherNeedOnlyOneUndone() {
        // Growth only while futures are kept and results are kept, together: changing either removes it.
        let (r, _) = minimize(four) { !$0.contains(.futures) && !$0.contains(.results) }
        #expect(r.outcome == .found)
        #expect(r.minimal == [.futures] || r.minimal == [.results])
        #expect(r.minimal.count == 1)
        #expect(r.checks.allSatisfy { $0.grows })
    }

    @Test func twoKnobsThatMustChangeTogetherAreBothKept() {
        // The growth goes only when both are changed (two culprits, each enough to grow).
        let (r, _) = minimize(four) { !($0.contains(.submit) && $0.contains(.writer)) }
        #expect(r.minimal == [.submit, .writer])
        #expect(r.checks.map(\.undone) == [.submit, .writer])
        #expect(r.checks.allSatisfy { $0.grows })
    }

    @Test func threeIndependentCulpritsAreAllInTheResult() {
        let culprits: Set<Knob> = [.futures, .results, .writer]
        let changes = four.union([.allocator, .order, .manifest])
        let (r, asked) = minimize(changes) { !culprits.isSubset(of: $0) }
        #expect(r.outcome == .found)
        #expect(Set(r.minimal) == culprits)
        #expect(r.checks.count == 3 && r.checks.allSatisfy { $0.grows })
        // Each check's set (the result with one change undone) was probed, and nothing was probed twice.
        for knob in culprits { #expect(asked[culprits.subtracting([knob])] == 1) }
        #expect(asked.values.allSatisfy { $0 == 1 })
    }

    @Test func noneWhenEvenEveryChangeStillGrows() {
        let (r, asked) = minimize(four) { _ in true }
        #expect(r.outcome == .toStillGrows)
        #expect(r.minimal.isEmpty)
        #expect(asked.count == 2)
    }

    @Test func noneWhenFromDoesNotGrow() {
        let (r, asked) = minimize(four) { _ in false }
        #expect(r.outcome == .fromDoesNotGrow)
        #expect(r.minimal.isEmpty)
        #expect(asked.keys.map(\.count) == [0])
    }

    @Test func probesAreListedInOrderWithTheirAnswers() {
        let (r, _) = minimize([.futures, .writer]) { !$0.contains(.writer) }
        #expect(r.probes.first == .init(applied: [], grows: true))
        #expect(r.probes[1] == .init(applied: [.futures, .writer], grows: false))
        #expect(r.minimal == [.writer])
    }

    @Test func splitMakesContiguousNearlyEqualParts() {
        let parts = DeltaDebugging.split([.submit, .futures, .consume, .results, .writer], into: 3)
        #expect(parts == [[.submit, .futures], [.consume, .results], [.writer]])
        #expect(DeltaDebugging.split([.submit], into: 4) == [[.submit]])
    }
}
