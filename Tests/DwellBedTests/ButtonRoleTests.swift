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

    @Test func theCallButtonCallsInEveryPhaseEvenIdle() {
        for phase in [BedPhase.idle] + SessionPhase.allCases.map(BedPhase.session) {
            #expect(ButtonRole.call.action(in: ButtonState(phase: phase)) == .call, "\(phase)")
            #expect(ButtonRole.call.command(in: phase) == nil, "a call is the bed's, not a session command")
        }
    }

    @Test func acknowledgeAnswersACallFirstThenSweepsThenChecksIn() {
        for phase in [BedPhase.idle] + SessionPhase.allCases.map(BedPhase.session) {
            #expect(
                ButtonRole.acknowledge.action(in: ButtonState(phase: phase, calling: true, checkDue: true))
                    == .answerCall,
                "\(phase)")
        }
        #expect(ButtonRole.acknowledge.action(in: ButtonState(phase: .session(.sweep))) == .session(.swept))
        for phase in [SessionPhase.running, .rest, .paused, .observation] {
            #expect(
                ButtonRole.acknowledge.action(in: ButtonState(phase: .session(phase), checkDue: true))
                    == .session(.checked), "\(phase): nothing else to acknowledge, so the press is the check")
            #expect(
                ButtonRole.acknowledge.action(in: ButtonState(phase: .session(phase))) == .session(.acknowledge),
                "\(phase): without a check due, as before")
        }
        // An alarm keeps its own answer when the check-in is due too.
        #expect(
            ButtonRole.acknowledge.action(in: ButtonState(phase: .session(.overrun), checkDue: true))
                == .session(.acknowledge))
        #expect(
            ButtonRole.acknowledge.action(in: ButtonState(phase: .session(.unaccounted), checkDue: true))
                == .session(.silence))
        #expect(ButtonRole.acknowledge.action(in: ButtonState(phase: .idle)) == nil)
    }
}
