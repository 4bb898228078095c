import DwellBed
import DwellCore
import DwellGPIO
import DwellWire
import Testing

/// The one set of button rules (dwelld and `dwell simulate --board`).
@Suite("Buttons as session commands")
struct ButtonRoleTests {
    @Test func startPausePausesAndResumesButNeverStarts() {
        #expect(ButtonRole.startPause.command(in: .session(.running)) == .pause)
        #expect(ButtonRole.startPause.command(in: .session(.rest)) == .pause)
        #expect(ButtonRole.startPause.command(in: .session(.paused)) == .resume)
        // A start needs the protocol, consent and the checklist: no button gives it.
        #expect(ButtonRole.startPause.command(in: .session(.prepare)) == nil)
        #expect(ButtonRole.startPause.command(in: .idle) == nil)
    }

    @Test func withNoSessionOpenNoButtonActs() {
        for role in ButtonRole.allCases {
            for phase in [BedPhase.idle, .session(.prepare), .session(.completed), .session(.aborted)] {
                #expect(role.command(in: phase) == nil, "\(role) in \(phase)")
            }
        }
    }

    @Test func acknowledgeSilencesWhatItMayNotEndAndExtendAddsTheDefault() {
        for phase in SessionPhase.allCases where BedPhase.session(phase).isTiming {
            // An alarm a button cannot end (needles unaccounted, the count after a rapid removal,
            // interrupted) is silenced instead.
            let silences = phase == .unaccounted || phase == .reconcile || phase == .interrupted
            #expect(ButtonRole.acknowledge.command(in: .session(phase)) == (silences ? .silence : .acknowledge))
            #expect(ButtonRole.extend.command(in: .session(phase)) == .extend(SessionCommand.defaultExtension))
        }
    }
}
