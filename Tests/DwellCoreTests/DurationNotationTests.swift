import Testing

@testable import DwellCore

@Suite("Duration notation")
struct DurationNotationTests {
    // MARK: Parsing

    @Test(
        "valid notation parses to the exact duration",
        arguments: [
            ("90s", Duration.seconds(90)),
            ("5m", .seconds(300)),
            ("1m30s", .seconds(90)),
            ("1h", .seconds(3_600)),
            ("500ms", .milliseconds(500)),
            ("1h2m3s4ms", .milliseconds(3_723_004)),
            ("2h30m", .seconds(9_000)),
            ("1m500ms", .milliseconds(60_500)),
            ("0s", .zero),
            ("  90s  ", .seconds(90)),
            ("24h", .seconds(86_400)),
        ])
    func parses(text: String, expected: Duration) throws {
        #expect(try Duration.parse(notation: text) == expected)
    }

    @Test("a bare number is refused as missing a unit, and the message suggests one")
    func bareNumber() {
        #expect(throws: Duration.NotationError.missingUnit("300")) { try Duration.parse(notation: "300") }
        let message = Duration.NotationError.missingUnit("300").description
        #expect(message.contains("300s"))
        #expect(message.contains("300m"))
        #expect(message.contains("no unit"))
    }

    @Test("empty and blank text is refused as empty", arguments: ["", " ", "\t  "])
    func empty(text: String) {
        #expect(throws: Duration.NotationError.empty) { try Duration.parse(notation: text) }
        #expect(Duration.NotationError.empty.description.contains("required"))
    }

    @Test(
        "malformed notation is refused and the text is quoted back",
        arguments: [
            "30s1m",  // wrong order
            "5m5m",  // repeated unit
            "1m2m",  // repeated unit
            "500ms1s",  // wrong order (ms before s)
            "5x",  // unknown unit
            "-5m",  // negative
            "-90s",  // negative
            "1.5m",  // decimal
            "0.5s",  // decimal
            "m",  // unit without a number
            "5M",  // units are lowercase
            "1m 30s",  // inner space
            "5 m",  // space before unit
            "1234567890s",  // more than nine digits
            "5ms5s",  // wrong order
            "5min",  // unknown unit
            "abc",
        ])
    func malformed(text: String) {
        #expect(throws: Duration.NotationError.malformed(text)) { try Duration.parse(notation: text) }
    }

    @Test("the malformed message quotes the text and shows examples")
    func malformedMessage() {
        let message = Duration.NotationError.malformed("30s1m").description
        #expect(message.contains("`30s1m`"))
        #expect(message.contains("1m30s"))
    }

    @Test("longer than 24 hours is refused", arguments: ["25h", "24h1ms", "1440m1s", "86401s"])
    func tooLarge(text: String) {
        #expect(throws: Duration.NotationError.tooLarge(text)) { try Duration.parse(notation: text) }
        #expect(Duration.NotationError.tooLarge(text).description.contains("24h"))
    }

    @Test("the largest values do not overflow")
    func largeValues() {
        #expect(throws: Duration.NotationError.tooLarge("999999999h999999999m")) {
            try Duration.parse(notation: "999999999h999999999m")
        }
    }

    // MARK: Notation back

    @Test(
        "notation renders largest unit first",
        arguments: [
            (Duration.seconds(90), "1m30s"),
            (.seconds(720), "12m"),
            (.milliseconds(500), "500ms"),
            (.zero, "0s"),
            (.seconds(3_600), "1h"),
            (.milliseconds(3_723_004), "1h2m3s4ms"),
            (.seconds(-90), "-1m30s"),
            (.milliseconds(-500), "-500ms"),
        ])
    func notation(duration: Duration, expected: String) {
        #expect(duration.notation == expected)
    }

    @Test(
        "notation round-trips through parse",
        arguments: [
            "90s", "5m", "1m30s", "1h", "500ms", "1h2m3s4ms", "24h", "1h1ms", "59m59s999ms",
        ])
    func roundTrip(text: String) throws {
        let parsed = try Duration.parse(notation: text)
        let back = try Duration.parse(notation: parsed.notation)
        #expect(back == parsed)
    }

    @Test("canonical notation is reproduced exactly", arguments: ["1m30s", "5m", "1h", "500ms", "1h2m3s4ms"])
    func canonical(text: String) throws {
        #expect(try Duration.parse(notation: text).notation == text)
    }

    @Test("non-canonical input is normalised", arguments: [("90s", "1m30s"), ("60m", "1h"), ("1000ms", "1s")])
    func normalised(text: String, expected: String) throws {
        #expect(try Duration.parse(notation: text).notation == expected)
    }

    // MARK: Clock display

    @Test(
        "clockDisplay counts down as m:ss or h:mm:ss (time left rounds up), with + for overrun",
        arguments: [
            (Duration.seconds(725), "12:05"),
            (.seconds(3_725), "1:02:05"),
            (.seconds(-42), "+0:42"),
            (.zero, "0:00"),
            (.seconds(59), "0:59"),
            (.seconds(60), "1:00"),
            (.seconds(3_600), "1:00:00"),
            (.seconds(-3_725), "+1:02:05"),
            (.milliseconds(5_999), "0:06"),
            (.milliseconds(1), "0:01"),
            (.milliseconds(-999), "+0:00"),
            (.milliseconds(-1_000), "+0:01"),
        ])
    func clockDisplay(duration: Duration, expected: String) {
        #expect(duration.clockDisplay == expected)
    }

    @Test("whole milliseconds and microseconds truncate toward zero")
    func wholeUnits() {
        #expect(Duration.microseconds(1_999).wholeMilliseconds == 1)
        #expect(Duration.microseconds(-1_999).wholeMilliseconds == -1)
        #expect(Duration.nanoseconds(2_999).wholeMicroseconds == 2)
        #expect(Duration.seconds(3).wholeMicroseconds == 3_000_000)
    }
}
