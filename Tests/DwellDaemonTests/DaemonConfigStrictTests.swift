import DwellCore
import DwellDaemon
import DwellYAML
import Foundation
import Testing

/// Strict config (issue 11, finding 7): every duration within its range, beds as names or whole
/// numbers, `listen` as an IP literal or `localhost`, `allowed_hosts` as host names; every
/// problem at its line and column.
struct DaemonConfigStrictTests {
    func lines(_ text: String) -> [String] {
        switch DaemonConfig.parse(text, path: "dwell.yaml") {
        case .success: return []
        case .failure(let failure): return failure.diagnostics.map(\.description)
        }
    }

    func config(_ text: String) throws -> DaemonConfig {
        try DaemonConfig.parse(text, path: "dwell.yaml").mapError {
            DiagnosticsText(lines: $0.diagnostics.map(\.description))
        }.get()
    }

    struct DiagnosticsText: Error { var lines: [String] }

    @Test(arguments: [
        ("silence_for: 24h", "dwell.yaml:2:16: error: clinic.silence_for: 24h is outside the allowed 10s to 10m"),
        ("silence_for: 5s", "dwell.yaml:2:16: error: clinic.silence_for: 5s is outside the allowed 10s to 10m"),
        ("escalate_after: 0s", "dwell.yaml:2:19: error: clinic.escalate_after: 0s is outside the allowed 10s to 10m"),
        ("escalate_after: 24h", "dwell.yaml:2:19: error: clinic.escalate_after: 24h is outside the allowed 10s to 10m"),
        ("pause_limit: 10s", "dwell.yaml:2:16: error: clinic.pause_limit: 10s is outside the allowed 30s to 30m"),
        ("pause_limit: 1h", "dwell.yaml:2:16: error: clinic.pause_limit: 1h is outside the allowed 30s to 30m"),
        ("check_every: 30s", "dwell.yaml:2:16: error: clinic.check_every: 30s is outside the allowed 1m to 30m"),
        ("sweep: maybe", "dwell.yaml:2:10: error: clinic.sweep: `maybe` must be true or false"),
        ("min_session: 0s", "dwell.yaml:2:16: error: clinic.min_session: 0s is outside the allowed 1m to 1h"),
        ("max_session: 2h", "dwell.yaml:2:16: error: clinic.max_session: 2h is outside the allowed 1m to 1h"),
    ])
    func durationsOutsideTheirRangesAreRefusedAtTheirValue(field: String, expected: String) {
        #expect(lines("clinic:\n  \(field)\n") == [expected])
    }

    @Test func durationsAtTheEdgesOfTheirRangesAreAccepted() throws {
        let limits = try config(
            "clinic:\n  silence_for: 10m\n  escalate_after: 10s\n  min_session: 1m\n  max_session: 60m\n  hard_limit: 1h\n"
        ).limits
        #expect(limits.silenceFor == .seconds(600) && limits.escalateAfter == .seconds(10))
        #expect(limits.sessionLength == .seconds(60)...Duration.seconds(3_600))
        #expect(limits.hardLimit == .seconds(3_600))
        #expect(try config("clinic:\n  pause_limit: 30s\n").limits.pauseLimit == .seconds(30))
        #expect(try config("clinic:\n  pause_limit: 30m\n").limits.pauseLimit == .seconds(1_800))
        #expect(try config("clinic:\n  min_session: 10m\n").limits.pauseLimit == .seconds(180), "3m by default")
    }

    @Test func theCheckInAndTheSweepAreOffUnlessTheClinicSetsThem() throws {
        let standard = try config("clinic:\n  min_session: 10m\n").limits
        #expect(standard.checkEvery == nil && standard.sweep == false)
        let set = try config("clinic:\n  check_every: 5m\n  sweep: true\n").limits
        #expect(set.checkEvery == .seconds(300) && set.sweep == true)
        #expect(try config("clinic:\n  sweep: false\n").limits.sweep == false)
    }

    @Test func theHardLimitMayNotBeShorterThanTheLongestSession() throws {
        #expect(try config("clinic:\n  hard_limit: 45m\n").limits.hardLimit == .seconds(2_700))
        #expect(
            lines("clinic:\n  max_session: 20m\n  hard_limit: 15m\n")
                == ["dwell.yaml:3:15: error: clinic.hard_limit: hard_limit 15m is shorter than max_session 20m"])
        #expect(
            lines("clinic:\n  max_session: 40m\n")
                == [
                    "dwell.yaml:2:16: error: clinic.max_session: max_session 40m is longer than the hard limit 30m; set hard_limit too"
                ])
    }

    @Test func aMinimumLongerThanTheMaximumIsRefusedAtTheMinimum() {
        #expect(
            lines("clinic:\n  min_session: 20m\n  max_session: 15m\n")
                == ["dwell.yaml:2:16: error: clinic.min_session: min_session 20m is longer than max_session 15m"])
    }

    @Test(arguments: [
        (
            "[true]",
            "dwell.yaml:1:8: error: beds[0]: must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not a yes/no value (`true`; quote it if it is a name)"
        ),
        (
            "[1.5]",
            "dwell.yaml:1:8: error: beds[0]: must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not a decimal number (`1.5`)"
        ),
        (
            "[null]",
            "dwell.yaml:1:8: error: beds[0]: must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not an empty value"
        ),
        (
            "[\"1\", {a: 1}]",
            "dwell.yaml:1:13: error: beds[1]: must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not a mapping"
        ),
        (
            "[[1]]",
            "dwell.yaml:1:8: error: beds[0]: must be a bed name (`\"1\"`, `\"couch-a\"`) or a whole number, not a list"
        ),
        ("[\"1\", 1]", "dwell.yaml:1:13: error: beds[1]: `1` is listed twice; bed names must be unique"),
    ])
    func bedsThatAreNotNamesOrWholeNumbersAreRefusedWhereTheyStand(beds: String, expected: String) {
        #expect(lines("beds: \(beds)\n") == [expected])
    }

    @Test func wholeNumberBedsBecomeTheirDecimalNames() throws {
        #expect(try config("beds: [1, \"2\", couch-a, 0x10]\n").beds == ["1", "2", "couch-a", "16"])
    }

    @Test func aListenHostThatIsADNSNameIsRefusedAndIsNeverLoopback() {
        #expect(
            lines("listen: 127.evil.example:8470\n") == [
                "dwell.yaml:1:9: error: listen: `127.evil.example` is not an IP address: dwelld listens on an IP address or `localhost`, never a name looked up in DNS (e.g. `127.0.0.1:8470`, `[::1]:8470` or `0.0.0.0:8470`)"
            ])
        #expect(ListenAddress("127.evil.example:8470") == nil)
        #expect(!ListenAddress(host: "127.evil.example", port: 8470).isLoopback, "a name is never loopback")
        #expect(!ListenAddress(host: "127.0.0.1.nip.io", port: 8470).isLoopback)
        #expect(ListenAddress("127.1:8470") == nil, "only dotted quads")
        #expect(ListenAddress("::1:8470") == nil, "IPv6 in brackets")
        #expect(ListenAddress("127.0.0.1:+80") == nil)
    }

    @Test func listenAddressesAndTheirLoopbackness() throws {
        let cases: [(String, Bool)] = [
            ("127.0.0.1:8470", true), ("127.255.0.9:1", true), ("localhost:8470", true), ("[::1]:8470", true),
            ("[::ffff:127.0.0.1]:8470", true), ("0.0.0.0:8470", false), ("192.168.1.20:8470", false),
            ("[::]:8470", false),
        ]
        for (text, loopback) in cases {
            let address = try #require(ListenAddress(text), "\(text)")
            #expect(address.isLoopback == loopback, "\(text)")
        }
        #expect(ListenAddress("[::1]:8470")?.description == "[::1]:8470")
    }

    @Test func allowedHostsAreHostNames() throws {
        #expect(
            try config("allowed_hosts: [Room-3.Clinic.example, dwell.local.]\n").allowedHosts == [
                "room-3.clinic.example", "dwell.local",
            ])
        #expect(try config("beds: [\"1\"]\n").allowedHosts == [])
        #expect(
            lines("allowed_hosts: [\"evil.example:80\", \"*.clinic.example\", \"a_b.example\", 7]\n") == [
                "dwell.yaml:1:17: error: allowed_hosts[0]: `evil.example:80` is not a host name: give the name alone, without a port or brackets",
                "dwell.yaml:1:36: error: allowed_hosts[1]: `*.clinic.example` is not a host name: wildcards are not allowed; list each name",
                "dwell.yaml:1:56: error: allowed_hosts[2]: `a_b.example` is not a host name: each dot-separated part is 1 to 63 letters, digits or `-`",
                "dwell.yaml:1:71: error: allowed_hosts[3]: must be a host name, not `7`",
            ])
    }

    @Test func theShippedExampleConfigIsValid() throws {
        let path = packageRoot.appendingPathComponent("systemd/dwell.yaml").path
        let loaded = try DaemonConfig.load(path).mapError { DiagnosticsText(lines: $0.diagnostics.map(\.description)) }
            .get()
        #expect(loaded.beds == ["1", "2"] && loaded.listen.isLoopback)
        #expect(loaded.sources["protocols"]?.line == 6, "\(loaded.sources)")
    }

    @Test func fieldsNamingPathsRememberTheirConfigLine() throws {
        let loaded = try config("beds: [\"1\"]\nprotocols:   /nowhere\ntoken_file: /etc/dwell/api-token\n")
        #expect(
            loaded.located("protocols", "no such folder /nowhere")
                == "dwell.yaml:2:14: error: protocols: no such folder /nowhere")
        #expect(loaded.located("token_file", "x") == "dwell.yaml:3:13: error: token_file: x")
        #expect(loaded.located("record", "x") == "error: record: x", "not set in the file")
    }
}
