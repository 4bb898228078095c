import DwellCore
import DwellGPIO
import Testing

@Suite("Buttons as engine commands")
struct ButtonRoleTests {
    @Test func startPauseStartsPausesAndResumes() {
        #expect(ButtonRole.startPause.action(in: .prepare) == .start)
        #expect(ButtonRole.startPause.action(in: .running) == .send(.pause))
        #expect(ButtonRole.startPause.action(in: .rest) == .send(.pause))
        #expect(ButtonRole.startPause.action(in: .paused) == .send(.resume))
    }

    @Test func acknowledgeAndExtend() {
        for phase in SessionPhase.allCases {
            // An alarm a button cannot end (needles unaccounted, interrupted) is silenced instead.
            let silences = phase == .unaccounted || phase == .interrupted
            #expect(ButtonRole.acknowledge.action(in: phase) == .send(silences ? .silence : .acknowledge))
            #expect(ButtonRole.extend.action(in: phase) == .send(.extend(SessionCommand.defaultExtension)))
        }
    }

    @Test func chipSelectorsAreReadFromTheirShape() {
        #expect(ChipSelector("/dev/gpiochip0") == .path("/dev/gpiochip0"))
        #expect(ChipSelector("gpiochip12") == .name("gpiochip12"))
        #expect(ChipSelector("gpiochip") == .label("gpiochip"))
        #expect(ChipSelector("pinctrl-bcm2711") == .label("pinctrl-bcm2711"))
    }
}
