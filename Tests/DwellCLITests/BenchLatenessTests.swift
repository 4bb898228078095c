import Testing

@testable import dwell_bench

/// The lateness table takes a run's cues only when every bed measured every cue: a partial
/// sample would make the lateness look better than it is.
struct BenchLatenessTests {
    @Test func everyCueOfEveryBedIsTaken() throws {
        let values = try Bench.everyCue(
            [(bed: "1", lateness: [1, 2]), (bed: "2", lateness: [3, 4])], beds: 2, cuesPerBed: 2, mode: "smoke",
            load: "idle")
        #expect(values == [1, 2, 3, 4])
    }

    @Test func aBedShortOfCuesIsRefusedNamingTheBedAndTheMode() {
        #expect {
            try Bench.everyCue(
                [(bed: "1", lateness: [1, 2]), (bed: "2", lateness: [3])], beds: 2, cuesPerBed: 2, mode: "smoke",
                load: "idle")
        } throws: { error in
            let text = "\(error)"
            return text.contains("bed 2 measured 1 of its 2 cues") && text.contains("smoke mode")
                && text.contains("2 beds")
        }
    }

    @Test func aMissingBedIsRefused() {
        #expect {
            try Bench.everyCue(
                [(bed: "1", lateness: [1, 2])], beds: 2, cuesPerBed: 2, mode: "quick", load: "both cores busy")
        } throws: { error in
            "\(error)".contains("1 of 2 beds reported") && "\(error)".contains("quick mode, both cores busy")
        }
    }
}
