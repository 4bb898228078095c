import Testing

@testable import DwellCore

/// The limits a session started with are kept in its `session.started` note, so a restart
/// replays it with those.
@Suite("Clinic limits in the record")
struct ClinicLimitsRecordTests {
    let custom = ClinicLimits(
        sessionLength: .seconds(300)...Duration.seconds(1_200), escalateAfter: .seconds(90), silenceFor: .seconds(45),
        hardLimit: .seconds(2_400), pauseLimit: .seconds(30), checkEvery: .seconds(300), sweep: true)

    @Test("the note says every limit in words and reads back as the same limits")
    func roundTrip() {
        #expect(
            ClinicLimits.standard.recordNote
                == "clinic limits: session 10m-15m, escalate_after 1m, silence_for 2m, hard_limit 30m, pause_limit 3m, "
                + "check_every off, sweep off")
        #expect(ClinicLimits(recordNote: custom.recordNote, fallback: .standard) == custom)
        #expect(ClinicLimits(recordNote: ClinicLimits.standard.recordNote, fallback: custom) == .standard)
    }

    @Test("the start of a session records its limits")
    func startRecordsThem() throws {
        var machine = SessionStateMachine(treatment: makeProtocol(), limits: custom)
        let started = try machine.handle(.start, at: .zero).events.first
        #expect(started?.kind == .sessionStarted && started?.note == custom.recordNote)
    }

    @Test("a limit the note does not name comes from today's config; an old row without limits gives nil")
    func missingAndOld() {
        let onlyPause = ClinicLimits(recordNote: "clinic limits: pause_limit 30s", fallback: custom)
        #expect(onlyPause == custom, "custom's pause limit is 30s too")
        var expected = ClinicLimits.standard
        expected.pauseLimit = .seconds(30)
        #expect(
            ClinicLimits(recordNote: "clinic limits: pause_limit 30s, later_limit 5m", fallback: .standard) == expected)
        #expect(
            ClinicLimits(recordNote: "clinic limits: check_every 5m, sweep on", fallback: .standard)
                == ClinicLimits(checkEvery: .seconds(300), sweep: true))
        #expect(ClinicLimits(recordNote: nil, fallback: .standard) == nil)
        #expect(ClinicLimits(recordNote: "started by hand", fallback: .standard) == nil)
    }

    @Test("a value that cannot be read makes the note unreadable, not half-read")
    func unreadable() {
        #expect(ClinicLimits(recordNote: "clinic limits: pause_limit soon", fallback: .standard) == nil)
        #expect(ClinicLimits(recordNote: "clinic limits: session 15m-10m", fallback: .standard) == nil)
        #expect(ClinicLimits(recordNote: "clinic limits: sweep maybe", fallback: .standard) == nil)
    }
}
