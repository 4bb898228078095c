import Testing

@testable import DwellCore

@Suite("Pre-start checklist")
struct ScreeningTests {
    let checklist = Checklist(adding: [Contraindication("pacemaker", "Pacemaker (electro-needling planned)", .relative)]
    )

    func answers(yes: [String] = []) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: checklist.items.map { ($0.code, yes.contains($0.code)) })
    }

    @Test("the standard lists hold the domain's absolute and relative contraindications, plus the clinic's")
    func lists() {
        #expect(checklist.absolute.map(\.code) == ["no-consent", "medical-emergency", "local-infection", "lymphedema"])
        #expect(checklist.relative.count == 13)
        #expect(checklist.relative.last?.code == "pacemaker")
        #expect(Checklist.standardItems.allSatisfy { Contraindication.isCode($0.code) })
        #expect(!Contraindication.isCode("Pace Maker") && !Contraindication.isCode("x"))
    }

    @Test("a start needs consent first")
    func consent() {
        #expect(throws: ScreeningRefusal.noConsent) {
            try checklist.screen(consent: false, answers: answers(), acknowledged: [])
        }
    }

    @Test("every item must be answered, and only known items")
    func complete() {
        var partial = answers()
        partial["diabetes"] = nil
        partial["epilepsy"] = nil
        #expect(throws: ScreeningRefusal.unanswered(["diabetes", "epilepsy"])) {
            try checklist.screen(consent: true, answers: partial, acknowledged: [])
        }
        var unknown = answers()
        unknown["haemophilia"] = false
        #expect(throws: ScreeningRefusal.unknown(["haemophilia", "zzz"])) {
            try checklist.screen(consent: true, answers: unknown, acknowledged: ["zzz"])
        }
    }

    @Test("an absolute contraindication blocks the start, acknowledged or not")
    func absoluteBlocks() throws {
        let blocked = #expect(throws: ScreeningRefusal.self) {
            try checklist.screen(
                consent: true, answers: answers(yes: ["local-infection", "diabetes"]),
                acknowledged: ["local-infection", "diabetes"])
        }
        #expect(blocked == .absolute([checklist.items[2]]))
        #expect(blocked?.title == "Contraindicated")
        #expect(blocked?.description.contains("do not needle") == true)
        #expect(blocked?.description.contains("Local infection at a needling site (`local-infection`)") == true)
    }

    @Test("each relative contraindication present needs its own acknowledgement")
    func relativeNeedsAcknowledgement() throws {
        let present = answers(yes: ["bleeding", "pacemaker"])
        let refused = #expect(throws: ScreeningRefusal.self) {
            try checklist.screen(consent: true, answers: present, acknowledged: ["bleeding"])
        }
        #expect(refused.map { "\($0)" }?.contains("Pacemaker (electro-needling planned) (`pacemaker`)") == true)
        #expect(refused.map { "\($0)" }?.contains("bleeding") == false)
        let summary = try checklist.screen(consent: true, answers: present, acknowledged: ["bleeding", "pacemaker"])
        #expect(
            summary.hasPrefix(
                "consent=yes; no-consent=no; medical-emergency=no; local-infection=no; lymphedema=no; bleeding=yes (acknowledged);"
            ))
        #expect(summary.hasSuffix("pacemaker=yes (acknowledged)"))
        #expect(summary.split(separator: ";").count == checklist.items.count + 1, "codes and yes/no only, every item")
    }
}
