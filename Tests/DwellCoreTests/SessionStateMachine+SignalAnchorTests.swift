import Testing

@testable import DwellCore

@Suite("Signal anchoring")
struct SessionStateMachineSignalAnchorTests {
    /// Two pistoning sites in a row at the same cadence show the same signal, but the second
    /// one's pulses must start with its own step, not continue the first one's rhythm.
    @Test("a new step re-anchors an unchanged signal at its own start")
    func sameSignalNewStep() throws {
        let cadence = Cadence(millihertz: 1_500)
        let treatment = makeProtocol(
            technique: .pistoning, warnBefore: .seconds(600),
            steps: [
                site("a", .seconds(301), cadence: cadence),
                site("b", .seconds(299), cadence: cadence),
            ])
        var machine = SessionStateMachine(treatment: treatment)
        let started = try machine.handle(.start, at: .zero)
        #expect(started.contains(.show(.running(cadence: cadence), since: .zero)))
        let next = machine.advance(to: .seconds(302))
        #expect(next.contains(.show(.running(cadence: cadence), since: .seconds(301))))
    }

    @Test("a deadline that changes nothing visible re-sends nothing")
    func noSpuriousShow() throws {
        var machine = SessionStateMachine(treatment: makeProtocol())
        _ = try machine.handle(.start, at: .zero)
        let paused = try machine.handle(.pause, at: .seconds(10))
        #expect(paused.filter { if case .show = $0 { return true } else { return false } }.count == 1)
        let extended = try machine.handle(.extend(.seconds(60)), at: .seconds(20))
        #expect(!extended.contains { if case .show = $0 { return true } else { return false } })
    }
}
