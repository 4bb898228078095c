// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dwell",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dwell", targets: ["dwell"]),
        .executable(name: "dwelld", targets: ["dwelld"]),
        .library(name: "DwellCore", targets: ["DwellCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure core: protocol model, rules, schedule, session state machine, signal patterns.
        // No Foundation I/O, no Dispatch, no clock.
        .target(name: "DwellCore"),
        // YAML files read with diagnostics, for protocol files, board files and the daemon config
        // alike: one document per file, field readers, `path:line:column` problems, capped per file.
        .target(name: "DwellYAML", dependencies: ["DwellCore", .product(name: "Yams", package: "Yams")]),
        // Protocol files: decoding into `TreatmentProtocol`, the rules placed at their fields, folders.
        .target(
            name: "DwellProtocolFiles",
            dependencies: [
                "DwellCore", "DwellYAML",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The clock-driven runner, generic over `Clock`, and the indicator output port it drives
        // (the simulated board here; GPIO lines through the bed layer).
        .target(name: "DwellRunner", dependencies: ["DwellCore"]),
        // The clinic record: an append-only, hash-chained event log in SQLite (GRDB), with export.
        .target(
            name: "DwellRecord",
            dependencies: [
                "DwellCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The clinic hub: every board's record forwarded to PostgreSQL (schema, device roles,
        // the forwarder's batches, central verify and export, the clinic board's queries).
        .target(
            name: "DwellHub",
            dependencies: [
                "DwellCore", "DwellRecord", "DwellWire",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `dwell hub serve`: the read-only clinic page and its SSE stream, fed by LISTEN.
        .target(
            name: "DwellClinicBoard",
            dependencies: [
                "DwellHub",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Board")]
        ),
        // A small neutral C facade over libgpiod that loads the library at run time (dlopen):
        // libgpiod.so.3 (2.x, v2 API) or libgpiod.so.2 (1.6, v1 API). No <gpiod.h>, no -lgpiod:
        // the prototypes it uses are declared in the target and checked against the real headers
        // by GPIOHeaderCheckTests when they are at hand. `dl` for glibc before 2.34.
        .target(name: "CGpiod", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // GPIO boards: board files, chips and lines, lamp and buzzer outputs, debounced buttons,
        // safe states. Knows nothing of sessions: no runner, no signal handlers, no exit().
        .target(
            name: "DwellGPIO",
            dependencies: ["CGpiod", "DwellCore", "DwellYAML", .product(name: "Yams", package: "Yams")]
        ),
        // The API's wire types: bed status, command names, request, problem and record bodies,
        // one JSON set-up. No server in it: dwelld encodes them, dwell decodes them.
        .target(name: "DwellWire", dependencies: ["DwellCore"]),
        // Asks the kernel whether the wall clock is synchronised (adjtimex), for restart notices.
        .target(name: "CSystemClock"),
        // The bed layer: bed controllers and the set of beds, restore of interrupted sessions,
        // the state hub, board bring-up and lamp test, the one set of button rules. Typed status
        // (DwellWire) and typed errors (`BedError`); no HTTP.
        .target(
            name: "DwellBed",
            dependencies: [
                "DwellCore", "DwellYAML", "DwellProtocolFiles", "DwellRunner", "DwellRecord", "DwellGPIO", "DwellWire",
                "CSystemClock",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's HTTP server and lifecycle: config, the API gate, routes on Hummingbird's
        // request context (decoding, ResponseEncodable), SSE stream, kiosk page, sd_notify.
        .target(
            name: "DwellDaemon",
            dependencies: [
                "DwellCore", "DwellYAML", "DwellProtocolFiles", "DwellRecord", "DwellBed", "DwellWire", "DwellHub",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Kiosk")]
        ),
        .executableTarget(
            name: "dwelld",
            dependencies: [
                "DwellDaemon", "DwellBed", "DwellGPIO", "DwellCore", "DwellRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks: the C floor loops and the runnable measurement.
        .target(name: "CDwellBench"),
        // Plain-socket probes of a running dwelld (notify socket, HTTP, free port): tests and bench.
        .target(name: "DwellProbe"),
        .executableTarget(
            name: "dwell-bench",
            dependencies: [
                "CDwellBench", "DwellProbe", "DwellCore", "DwellRunner", "DwellRecord", "DwellWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The clinic hub benchmark: simulated rooms forwarding into one PostgreSQL (BENCHMARKS-HUB.md).
        .executableTarget(
            name: "dwell-hub-bench",
            dependencies: [
                "DwellHub", "DwellRecord",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Replays inputs through the protocol and board parsers; built with
        // `-sanitize=fuzzer -D FUZZING` it is a libFuzzer target (by hand, see README).
        .executableTarget(name: "dwell-fuzz", dependencies: ["DwellYAML", "DwellProtocolFiles", "DwellGPIO"]),
        .executableTarget(
            name: "dwell",
            dependencies: [
                "DwellCore", "DwellProtocolFiles", "DwellRunner", "DwellRecord", "DwellBed", "DwellGPIO", "DwellWire",
                "DwellHub", "DwellClinicBoard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "DwellCoreTests", dependencies: ["DwellCore"]),
        .testTarget(
            name: "DwellYAMLTests", dependencies: ["DwellYAML", "DwellCore", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "DwellProtocolFilesTests",
            dependencies: ["DwellProtocolFiles", "DwellYAML"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DwellRunnerTests",
            dependencies: [
                "DwellRunner",
                .product(name: "Clocks", package: "swift-clocks"),
            ]
        ),
        .testTarget(
            name: "DwellRecordTests",
            dependencies: ["DwellRecord"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DwellBedTests",
            dependencies: [
                "DwellBed", "DwellRunner", "DwellRecord", "DwellGPIO", "DwellWire", "DwellCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "DwellGPIOTests", dependencies: ["DwellGPIO", "DwellCore", "DwellYAML"]),
        .testTarget(name: "DwellCLITests", dependencies: ["dwell", "dwelld", "dwell-bench", "DwellRecord"]),
        // Bounded fuzz of the protocol, board and config parsers over Tests/Fuzz/corpus.
        .testTarget(
            name: "DwellFuzzTests",
            dependencies: ["DwellDaemon", "DwellGPIO", "DwellProtocolFiles", "DwellYAML", "DwellCore"]),
        .testTarget(
            name: "DwellDaemonTests",
            dependencies: [
                "DwellDaemon", "DwellBed", "DwellWire", "DwellCore", "DwellYAML", "DwellRecord", "DwellRunner",
                "dwelld", "dwell", "DwellProbe", "DwellHub",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ]
)
