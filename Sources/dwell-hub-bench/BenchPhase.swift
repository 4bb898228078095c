import DwellHub
import Foundation
import Glibc

/// The benchmark's phases: steady forwarding while rooms write, and catching up a backlog.
enum BenchPhase {
    struct Steady {
        var rowsPerSecond: Double
        var lagP50: Double
        var lagP99: Double
        var lagged: Int
        var cpuSeconds: Double
    }

    /// This process's CPU time (user + system), in seconds.
    static func cpu() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Rows written at `rate` per bed per second for `seconds`; with `forwarding`, the rooms'
    /// forwarders run (after catching up what is there), and each row's lag is measured.
    static func steady(
        _ rooms: [BenchRoom], address: HubAddress, password: String, rate: Double, seconds: Int, forwarding: Bool
    ) async throws -> Steady {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if forwarding {
                for room in rooms {
                    group.addTask { try await room.forwarder(address: address, password: password).run() }
                }
                try await awaitCaughtUp(rooms, deadline: .seconds(600))
            }
            let start = ContinuousClock.now
            let startCPU = cpu()
            let startAcknowledged = rooms.map(\.acknowledged)
            let end = start + .seconds(seconds)
            var lags: [Double] = try await withThrowingTaskGroup(of: [Double].self) { writers in
                for room in rooms {
                    writers.addTask {
                        var owed = 0.0
                        var tick = ContinuousClock.now
                        while tick < end {
                            owed += rate * Double(room.beds) / 10
                            let due = Int(owed)
                            owed -= Double(due)
                            try await room.write(due, timed: forwarding)
                            tick += .milliseconds(100)
                            try await Task.sleep(until: tick)
                        }
                        return []
                    }
                }
                if forwarding {
                    // Measures while the rooms write, then until the hub holds the last row.
                    writers.addTask {
                        try await Task.sleep(for: .milliseconds(50))
                        var lags: [Double] = []
                        try await awaitCaughtUp(rooms, deadline: .seconds(seconds + 120), notBefore: end) {
                            room, seq, now in
                            if let committed = room.takeCommitTime(seq) { lags.append((now - committed) / .seconds(1)) }
                        }
                        return lags
                    }
                }
                var all: [Double] = []
                for try await part in writers { all += part }
                return all
            }
            let cpuSeconds = cpu() - startCPU
            let acknowledged = zip(rooms.map(\.acknowledged), startAcknowledged).map { $0 - $1 }.reduce(0, +)
            group.cancelAll()
            lags.sort()
            func percentile(_ p: Double) -> Double {
                lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * p))]
            }
            return Steady(
                rowsPerSecond: Double(acknowledged) / Double(seconds), lagP50: percentile(0.5),
                lagP99: percentile(0.99), lagged: lags.count, cpuSeconds: cpuSeconds)
        }
    }

    /// `rows` per room written with no forwarder running (the outage), then the forwarders
    /// started: the time until the hub holds every row, and the CPU spent meanwhile.
    static func catchUp(
        _ rooms: [BenchRoom], address: HubAddress, password: String, rows: Int
    ) async throws -> (seconds: Double, cpuSeconds: Double) {
        try await withThrowingTaskGroup(of: Void.self) { writers in
            for room in rooms { writers.addTask { try await room.write(rows, timed: false) } }
            try await writers.waitForAll()
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let start = ContinuousClock.now
            let startCPU = cpu()
            for room in rooms { group.addTask { try await room.forwarder(address: address, password: password).run() } }
            try await awaitCaughtUp(rooms, deadline: .seconds(1_800))
            let elapsed = (ContinuousClock.now - start) / .seconds(1)
            let cpuSeconds = cpu() - startCPU
            group.cancelAll()
            return (elapsed, cpuSeconds)
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// Polls every 20 ms until every room's hub acknowledgement reaches its head (and `notBefore`
    /// has passed); `seen` is told of each newly acknowledged row. Throws past `deadline`.
    static func awaitCaughtUp(
        _ rooms: [BenchRoom], deadline: Duration, notBefore: ContinuousClock.Instant? = nil,
        seen: (BenchRoom, Int64, ContinuousClock.Instant) -> Void = { _, _, _ in }
    ) async throws {
        let limit = ContinuousClock.now + deadline
        var known = rooms.map(\.acknowledged)
        while true {
            let now = ContinuousClock.now
            var behind = 0
            for (index, room) in rooms.enumerated() {
                let acknowledged = room.acknowledged
                if acknowledged > known[index] {
                    for seq in (known[index] + 1)...acknowledged { seen(room, seq, now) }
                    known[index] = acknowledged
                }
                if acknowledged < room.head { behind += 1 }
            }
            if behind == 0 && notBefore.map({ now >= $0 }) != false { return }
            guard now < limit else {
                throw Timeout(description: "\(behind) rooms still behind after \(deadline)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
