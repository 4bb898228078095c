import Testing

@testable import DwellCore

@Suite("Cadence")
struct CadenceTests {
    @Test(
        "hertz notation parses to exact millihertz",
        arguments: [
            ("1Hz", 1_000),
            ("1.5Hz", 1_500),
            ("0.75Hz", 750),
            ("0.75 Hz", 750),
            ("2hz", 2_000),
            ("4HZ", 4_000),
            ("  1.25Hz ", 1_250),
            ("0.5Hz", 500),
            ("1.005Hz", 1_005),
            ("12Hz", 12_000),
        ])
    func parses(text: String, millihertz: Int) throws {
        #expect(try Cadence.parse(notation: text) == Cadence(millihertz: millihertz))
    }

    @Test(
        "malformed cadences are refused with the trimmed text",
        arguments: [
            "1", "Hz", "1 H", "1.Hz", ".5Hz", "-1Hz", "1.2345Hz", "1,5Hz", "1e3Hz", "abcHz",
            "1.5.0Hz", "1000Hz", "", "1kHz", "1.5 Hz Hz", "1 .5Hz",
        ])
    func malformed(text: String) {
        let trimmed = text.trimmingSpaces
        #expect(throws: Cadence.NotationError.malformed(trimmed)) { try Cadence.parse(notation: text) }
    }

    @Test("the error message quotes the text and shows hertz examples")
    func message() {
        let message = Cadence.NotationError.malformed("fast").description
        #expect(message.contains("`fast`"))
        #expect(message.contains("1Hz"))
        #expect(message.contains("1.5Hz"))
    }

    @Test(
        "period is one beat",
        arguments: [
            (1_000, Duration.seconds(1)),
            (2_000, .milliseconds(500)),
            (500, .seconds(2)),
            (4_000, .milliseconds(250)),
            (1_500, .microseconds(666_666)),
            (750, .microseconds(1_333_333)),
        ])
    func period(millihertz: Int, expected: Duration) {
        #expect(Cadence(millihertz: millihertz).period == expected)
    }

    @Test("period times frequency is one second, within a microsecond per beat")
    func periodMatchesFrequency() {
        for millihertz in stride(from: 500, through: 4_000, by: 125) {
            let period = Cadence(millihertz: millihertz).period
            let product = period.wholeMicroseconds * Int64(millihertz)  // µs · mHz = 1e-9
            #expect(abs(product - 1_000_000_000) <= Int64(millihertz), "\(millihertz) mHz")
        }
    }

    @Test("a zero cadence does not divide by zero")
    func zeroCadence() {
        #expect(Cadence(millihertz: 0).period > .zero)
    }

    @Test(
        "description renders the shortest hertz notation",
        arguments: [
            (1_000, "1Hz"), (1_500, "1.5Hz"), (750, "0.75Hz"), (1_005, "1.005Hz"), (1_050, "1.05Hz"), (12_000, "12Hz"),
        ])
    func description(millihertz: Int, expected: String) {
        #expect(Cadence(millihertz: millihertz).description == expected)
    }

    @Test("description round-trips through parse", arguments: [500, 750, 1_000, 1_250, 1_333, 2_500, 4_000])
    func roundTrip(millihertz: Int) throws {
        let cadence = Cadence(millihertz: millihertz)
        #expect(try Cadence.parse(notation: cadence.description) == cadence)
    }

    @Test("cadences order by frequency and the allowed range is 0.5–4 Hz")
    func ordering() throws {
        #expect(Cadence(millihertz: 750) < Cadence(millihertz: 1_000))
        #expect(!(Cadence(millihertz: 1_000) < Cadence(millihertz: 1_000)))
        #expect(Cadence.allowed.contains(try Cadence.parse(notation: "0.5Hz")))
        #expect(Cadence.allowed.contains(try Cadence.parse(notation: "4Hz")))
        #expect(!Cadence.allowed.contains(try Cadence.parse(notation: "0.499Hz")))
        #expect(!Cadence.allowed.contains(try Cadence.parse(notation: "4.001Hz")))
    }
}
