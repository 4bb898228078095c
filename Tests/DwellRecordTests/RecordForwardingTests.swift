import DwellRecord
import Foundation
import Testing

/// What the clinic hub relies on in the record: a row read back from its canonical bytes is the
/// same row, and the hub's acknowledgement is kept apart from the events.
struct RecordForwardingTests {
    @Test func aRowReadBackFromItsCanonicalBytesIsTheSameRow() async throws {
        let (store, _) = try await filledRecord(count: 5)
        for entry in try store.entries() {
            let bytes = try RecordChain.canonicalBytes(entry)
            #expect(RecordChain.hash(ofCanonical: bytes, after: entry.prevHash) == entry.hash)
            #expect(try RecordChain.entry(canonical: bytes, prevHash: entry.prevHash, hash: entry.hash) == entry)
        }
    }

    @Test func aFormatOneRowAndNullsRoundTrip() throws {
        let entry = RecordEntry(
            seq: 7, sessionID: "s-1", bed: "2", type: "session.paused", step: nil, site: nil, siteLabel: "L4, ü",
            plannedMs: nil, monotonicUs: 12, wallTime: "2026-12-06T22:00:00.000Z", latenessUs: -3, protocolID: "p",
            protocolVersion: 1, protocolTitle: "Line\nbreak", protocolSHA256: "ab", therapist: nil, patient: "p-1",
            needles: 4, note: "", prevHash: RecordChain.genesis, hash: "", format: 1, amountMs: nil, reason: nil)
        let bytes = try RecordChain.canonicalBytes(entry)
        #expect(try RecordChain.entry(canonical: bytes, prevHash: entry.prevHash, hash: "") == entry)
    }

    @Test func bytesThatAreNoRowAreRefused() throws {
        #expect(throws: RecordChain.DecodeError.self) {
            try RecordChain.entry(canonical: Array("dwell-record-v9\n~".utf8), prevHash: "", hash: "")
        }
        #expect(throws: RecordChain.DecodeError.self) {
            try RecordChain.entry(canonical: Array("dwell-record-v2\n99:short".utf8), prevHash: "", hash: "")
        }
    }

    @Test func theHubAcknowledgementIsKeptOutsideTheEvents() async throws {
        let (store, _) = try await filledRecord(count: 4)
        #expect(try store.hubAcknowledged() == nil)
        let last = try #require(try store.entries().last)
        let acknowledgement = HubAcknowledgement(
            device: "room-3", seq: last.seq, hash: last.hash, acknowledgedAt: "2026-12-06T22:00:00.000Z")
        try await store.setHubAcknowledged(acknowledgement)
        try await store.setHubAcknowledged(acknowledgement)
        #expect(try store.hubAcknowledged() == acknowledgement)
        #expect(try store.verify().isIntact)
        #expect(try store.entries(after: 2, limit: 1).map(\.seq) == [3])
        #expect(try store.headRow().seq == 4)
    }
}
