import DwellGPIO
import Testing

struct ChipSelectorTests {
    @Test func chipSelectorsAreReadFromTheirShape() {
        #expect(ChipSelector("/dev/gpiochip0") == .path("/dev/gpiochip0"))
        #expect(ChipSelector("gpiochip12") == .name("gpiochip12"))
        #expect(ChipSelector("gpiochip") == .label("gpiochip"))
        #expect(ChipSelector("pinctrl-bcm2711") == .label("pinctrl-bcm2711"))
    }
}
