import DwellDaemon
import DwellHub
import Foundation
import Testing

/// The config's `hub:` section: read whole, each problem at its line naming field and value.
struct DaemonConfigHubTests {
    func lines(_ text: String) -> [String] {
        switch DaemonConfig.parse(text, path: "dwell.yaml") {
        case .success: return []
        case .failure(let failure): return failure.diagnostics.map(\.description)
        }
    }

    @Test func aHubSectionIsRead() throws {
        let text = """
            hub:
              postgres: postgres://dwell_dev_room_3@hub.clinic.example:5433/dwell?sslmode=verify-full&sslrootcert=/etc/dwell/ca.pem
              password_file: /etc/dwell/hub-password
              device: room-3
              batch_rows: 50
            """
        let hub = try #require(try DaemonConfig.parse(text, path: "dwell.yaml").get().hub)
        #expect(hub.device == "room-3" && hub.passwordFile == "/etc/dwell/hub-password" && hub.batchRows == 50)
        #expect(hub.address.host == "hub.clinic.example" && hub.address.port == 5433 && hub.address.database == "dwell")
        #expect(hub.address.sslMode == .verifyFull && hub.address.rootCertificate == "/etc/dwell/ca.pem")
        #expect(try DaemonConfig.parse("beds: [1]\n", path: "dwell.yaml").get().hub == nil)
    }

    @Test(arguments: [
        (
            "hub:\n  postgres: mysql://x@h/d\n  password_file: /p\n  device: room-3\n",
            "dwell.yaml:2:13: error: hub.postgres: the PostgreSQL URL `mysql://x@h/d` cannot be used: it must look like postgres://user@host:5432/database"
        ),
        (
            "hub:\n  postgres: postgres://x@h/d?sslmode=allow\n  password_file: /p\n  device: room-3\n",
            "dwell.yaml:2:13: error: hub.postgres: the PostgreSQL URL `postgres://x@h/d?sslmode=allow` cannot be used: sslmode `allow` is not one of disable, prefer, require, verify-full"
        ),
        (
            "hub:\n  postgres: postgres://x@h/d\n  password_file: /p\n  device: Room 3\n",
            "dwell.yaml:4:11: error: hub.device: `Room 3` is not a room id: 1 to 40 lowercase letters, digits or `-`, starting with a letter or digit"
        ),
        (
            "hub:\n  postgres: postgres://x@h/d\n  password_file: /p\n  device: room-3\n  batch_rows: 0\n",
            "dwell.yaml:5:15: error: hub.batch_rows: `0` must be a whole number from 1 to 5000"
        ),
        (
            "hub:\n  postgres: postgres://x@h/d\n  device: room-3\n",
            "dwell.yaml:2:3: error: hub.password_file: is required (a file (0600) holding this room's password)"
        ),
    ])
    func aBadHubSectionIsReportedAtItsLine(text: String, expected: String) {
        #expect(lines(text) == [expected])
    }
}
