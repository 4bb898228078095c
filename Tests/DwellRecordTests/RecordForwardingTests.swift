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

    @Test func aFormatOneRowWithNullsNewlinesAndUnicodeRoundTrips() throws {
        let fields: [String?] = [
            "7", "s-1", "2", "session.paused", nil, nil, "L4, ü", nil, "12", "2026-12-06T22:00:00.000Z", "-3", "p",
            "1", "Line\nbreak", "ab", nil, "p-1", "4", "",
        ]
        var bytes = Array("dwell-record-v1".utf8)
        for field in fields {
            bytes += [0x0A] + (field.map { Array("\($0.utf8.count):\($0)".utf8) } ?? [UInt8(ascii: "~")])
        }
        let entry = try RecordChain.entry(canonical: bytes, prevHash: RecordChain.genesis, hash: "h")
        #expect(entry.format == 1 && entry.seq == 7 && entry.step == nil && entry.siteLabel == "L4, ü")
        #expect(entry.protocolTitle == "Line\nbreak" && entry.note == "" && entry.latenessUs == -3)
        #expect(try RecordChain.canonicalBytes(entry) == bytes)
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
