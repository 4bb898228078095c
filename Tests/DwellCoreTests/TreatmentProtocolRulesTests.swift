import Testing

@testable import DwellCore

/// The fields named by a protocol's violations, as text (`steps[2].cadence`).
private func fields(_ treatment: TreatmentProtocol, limits: ClinicLimits = .standard) -> [String] {
    treatment.violations(limits: limits).map(\.field.description)
}

/// The only violation of `treatment`; fails the test if there is not exactly one.
private func onlyViolation(_ treatment: TreatmentProtocol, limits: ClinicLimits = .standard) throws -> RuleViolation {
    let found = treatment.violations(limits: limits)
    #expect(found.count == 1, "\(found)")
    return try #require(found.first)
}

@Suite("Treatment protocol rules")
struct TreatmentProtocolRulesTests {
    @Test("a valid protocol has no violations")
    func valid() {
        #expect(makeProtocol().violations().isEmpty)
        #expect(makeProtocol(length: m(12), observation: m(5)).violations().isEmpty)
    }

    @Test(
        "the id must be lowercase letters, digits and dashes",
        arguments: ["Neck", "neck_shoulder", "neck shoulder", "", "nèck"])
    func idFormat(id: String) throws {
        let violation = try onlyViolation(makeProtocol(id: id))
        #expect(violation.field == .key("id"))
        #expect(violation.field.description == "id")
        #expect(violation.message.contains("lowercase"))
    }

    @Test("ids with digits and dashes are accepted")
    func idAccepted() {
        #expect(makeProtocol(id: "neck-shoulder-2").violations().isEmpty)
    }

    @Test("the title must not be empty", arguments: ["", "   "])
    func emptyTitle(title: String) throws {
        let violation = try onlyViolation(makeProtocol(title: title))
        #expect(violation.field.description == "title")
    }

    @Test("the version must be 1 or more", arguments: [0, -1])
    func version(version: Int) throws {
        let violation = try onlyViolation(makeProtocol(version: version))
        #expect(violation.field.description == "version")
        #expect(violation.message.contains("\(version)"))
    }

    @Test("warn_before must be positive", arguments: [Duration.zero, .seconds(-5)])
    func warnBefore(warn: Duration) throws {
        let violation = try onlyViolation(makeProtocol(warnBefore: warn))
        #expect(violation.field.description == "warn_before")
    }

    @Test("observation must not be negative, but zero is fine")
    func observation() throws {
        let violation = try onlyViolation(makeProtocol(observation: .seconds(-1)))
        #expect(violation.field.description == "observation")
        #expect(makeProtocol(observation: .zero).violations().isEmpty)
    }

    @Test("a protocol needs steps")
    func noSteps() throws {
        let violation = try onlyViolation(makeProtocol(steps: []))
        #expect(violation.field.description == "steps")
        #expect(violation.message.contains("at least one site"))
    }

    @Test("a protocol needs at least one site step, not only rests")
    func onlyRests() {
        let found = makeProtocol(steps: [rest(m(12))]).violations()
        #expect(found.contains { $0.field.description == "steps" && $0.message.contains("at least one site") })
        let three = makeProtocol(steps: [rest(m(4)), rest(m(4)), rest(m(4))]).violations()
        #expect(three.contains { $0.field.description == "steps" && $0.message.contains("at least one site") })
    }

    @Test("a protocol starts with a site, not a rest")
    func restFirst() throws {
        let violation = try onlyViolation(makeProtocol(steps: [rest(m(1)), site("a", m(6)), site("b", m(5))]))
        #expect(violation.field.description == "steps[0]")
        #expect(violation.message.contains("starts"))
    }

    @Test("a protocol ends with a site, not a rest")
    func restLast() throws {
        let violation = try onlyViolation(makeProtocol(steps: [site("a", m(6)), site("b", m(5)), rest(m(1))]))
        #expect(violation.field.description == "steps[2]")
        #expect(violation.message.contains("observation"))
    }

    @Test("two rests in a row are refused at the second")
    func twoRests() throws {
        let violation = try onlyViolation(
            makeProtocol(steps: [site("a", m(5)), rest(m(1)), rest(m(1)), site("b", m(5))]))
        #expect(violation.field.description == "steps[2]")
        #expect(violation.message.contains("two rests"))
    }

    @Test("a rest must be longer than zero", arguments: [Duration.zero, .seconds(-10)])
    func nonPositiveRest(duration: Duration) throws {
        let treatment = makeProtocol(steps: [site("a", m(6)), rest(duration), site("b", m(6))])
        let violation = try onlyViolation(treatment)
        #expect(violation.field.description == "steps[1].rest")
    }

    @Test("a site id must be lowercase letters, digits and dashes")
    func siteIdFormat() throws {
        var steps = makeProtocol().steps
        steps[2] = site("Upper_Trap", m(4))
        let violation = try onlyViolation(makeProtocol(steps: steps))
        #expect(violation.field.description == "steps[2].site")
        #expect(violation.message.contains("Upper_Trap"))
    }

    @Test("needles must be 1 to 30", arguments: [0, 31, -1])
    func needles(count: Int) throws {
        var steps = makeProtocol().steps
        steps[3] = site("c", m(3), needles: count)
        let violation = try onlyViolation(makeProtocol(steps: steps))
        #expect(violation.field.description == "steps[3].needles")
        #expect(violation.message.contains("\(count)"))
    }

    @Test("1 and 30 needles are accepted", arguments: [1, 30])
    func needlesAccepted(count: Int) {
        var steps = makeProtocol().steps
        steps[0] = site("a", m(4), needles: count)
        #expect(makeProtocol(steps: steps).violations().isEmpty)
    }

    @Test("a site's dwell must be longer than zero")
    func zeroDwell() throws {
        // The other steps still add up to 12 minutes, so only the dwell is wrong.
        let treatment = makeProtocol(steps: [site("a", m(6)), site("b", .zero), site("c", m(6))])
        let violation = try onlyViolation(treatment)
        #expect(violation.field.description == "steps[1].dwell")
    }

    @Test("only pistoning sites may have a cadence")
    func cadenceNotPistoning() throws {
        var steps = makeProtocol().steps
        steps[2] = site("b", m(4), cadence: Cadence(millihertz: 1_000))
        let violation = try onlyViolation(makeProtocol(technique: .deep, steps: steps))
        #expect(violation.field.description == "steps[2].cadence")
        #expect(violation.message.contains("deep"))
    }

    @Test("a site override decides whether a cadence is allowed")
    func cadenceOverride() throws {
        var steps = makeProtocol().steps
        steps[2] = site("b", m(4), technique: .pistoning, cadence: Cadence(millihertz: 1_000))
        #expect(makeProtocol(technique: .deep, steps: steps).violations().isEmpty)

        steps[2] = site("b", m(4), technique: .superficial, cadence: Cadence(millihertz: 1_000))
        let violation = try onlyViolation(makeProtocol(technique: .pistoning, steps: steps))
        #expect(violation.field.description == "steps[2].cadence")
        #expect(violation.message.contains("superficial"))
    }

    @Test("a pistoning cadence must be within 0.5–4 Hz", arguments: [499, 4_001, 0])
    func cadenceOutOfRange(millihertz: Int) throws {
        var steps = makeProtocol().steps
        steps[2] = site("b", m(4), cadence: Cadence(millihertz: millihertz))
        let violation = try onlyViolation(makeProtocol(technique: .pistoning, steps: steps))
        #expect(violation.field.description == "steps[2].cadence")
        #expect(violation.message.contains("0.5Hz"))
        #expect(violation.message.contains("4Hz"))
    }

    @Test("the cadence range bounds are accepted", arguments: [500, 4_000])
    func cadenceBounds(millihertz: Int) {
        var steps = makeProtocol().steps
        steps[2] = site("b", m(4), cadence: Cadence(millihertz: millihertz))
        #expect(makeProtocol(technique: .pistoning, steps: steps).violations().isEmpty)
    }

    @Test("site ids must be unique; the duplicate names the first use")
    func duplicateSites() throws {
        var steps = makeProtocol().steps
        steps[3] = site("a", m(3))
        let violation = try onlyViolation(makeProtocol(steps: steps))
        #expect(violation.field.description == "steps[3].site")
        #expect(violation.message.contains("steps[0]"))
    }

    @Test("a declared length must equal the steps' sum")
    func lengthMismatch() throws {
        let violation = try onlyViolation(makeProtocol(length: m(15)))
        #expect(violation.field.description == "length")
        #expect(violation.message.contains("15m"))
        #expect(violation.message.contains("12m"))
    }

    @Test("the steps must add up to 10–15 minutes", arguments: [Duration.seconds(599), .seconds(901), m(5), m(20)])
    func totalOutsideRange(total: Duration) throws {
        let violation = try onlyViolation(makeProtocol(steps: [site("a", total)]))
        #expect(violation.field.description == "steps")
        #expect(violation.message.contains("10m to 15m"))
    }

    @Test("exactly 10 and 15 minutes are accepted", arguments: [m(10), m(15)])
    func totalBounds(total: Duration) {
        #expect(makeProtocol(steps: [site("a", total)]).violations().isEmpty)
    }

    @Test("custom clinic limits replace the session length range")
    func customLimits() throws {
        let limits = ClinicLimits(sessionLength: m(20)...m(30))
        let violation = try onlyViolation(makeProtocol(), limits: limits)
        #expect(violation.field.description == "steps")
        #expect(violation.message.contains("20m to 30m"))
        #expect(makeProtocol(steps: [site("a", m(25))]).violations(limits: limits).isEmpty)
        #expect(fields(makeProtocol(steps: [site("a", m(25))])) == ["steps"])
    }

    @Test("violations are reported together, in document order")
    func severalViolations() {
        let treatment = makeProtocol(
            id: "Bad", title: "", version: 0, warnBefore: .zero,
            steps: [site("a", m(6), needles: 0), site("a", m(6))])
        #expect(fields(treatment) == ["id", "title", "version", "warn_before", "steps[0].needles", "steps[1].site"])
    }

    @Test("a violation's description is field: message")
    func violationDescription() {
        let violation = RuleViolation(FieldPath.key("steps").appending(index: 2).appending("cadence"), "bad")
        #expect(violation.description == "steps[2].cadence: bad")
        #expect(FieldPath.root.description == "(document)")
        #expect(violation.field.parent.description == "steps[2]")
    }

    @Test("stepsTotal and totalNeedles sum the steps")
    func totals() {
        let treatment = makeProtocol()
        #expect(treatment.stepsTotal == m(12))
        #expect(treatment.totalNeedles == 6)
    }
}
