// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dwell",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dwell", targets: ["dwell"]),
        .library(name: "DwellCore", targets: ["DwellCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Pure core: protocol model, rules, schedule, session state machine, signal patterns.
        // No Foundation I/O, no Dispatch, no clock.
        .target(name: "DwellCore"),
        // Protocol files: YAML decoding with line:column diagnostics.
        .target(
            name: "DwellProtocolFiles",
            dependencies: [
                "DwellCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Indicator outputs: the simulated board (GPIO comes later behind the same protocol).
        .target(name: "DwellIndicators", dependencies: ["DwellCore"]),
        // The clock-driven runner, generic over `Clock`.
        .target(name: "DwellRunner", dependencies: ["DwellCore", "DwellIndicators"]),
        // The clinic record: an append-only, hash-chained event log in SQLite (GRDB), with export.
        .target(
            name: "DwellRecord",
            dependencies: [
                "DwellCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A bed: its runner's reports, recorded before anyone is told of them.
        .target(name: "DwellBed", dependencies: ["DwellCore", "DwellRunner", "DwellRecord"]),
        .executableTarget(
            name: "dwell",
            dependencies: [
                "DwellCore", "DwellProtocolFiles", "DwellIndicators", "DwellRunner", "DwellRecord", "DwellBed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DwellCoreTests", dependencies: ["DwellCore"]),
        .testTarget(
            name: "DwellProtocolFilesTests",
            dependencies: ["DwellProtocolFiles"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DwellRunnerTests",
            dependencies: [
                "DwellRunner", "DwellIndicators",
                .product(name: "Clocks", package: "swift-clocks"),
            ]
        ),
        .testTarget(name: "DwellRecordTests", dependencies: ["DwellRecord"]),
        .testTarget(
            name: "DwellBedTests",
            dependencies: [
                "DwellBed", "DwellRunner", "DwellRecord", "DwellIndicators",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "DwellCLITests", dependencies: ["dwell", "DwellRecord"]),
    ]
)
