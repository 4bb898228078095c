import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Two busy processes that keep both cores loaded: `stress-ng --cpu 2` when it is installed,
/// else two shell busy loops. Each runs in its own process group, so stopping it kills
/// stress-ng's workers too (Foundation starts a child as the leader of its own process group,
/// and the workers inherit that group), and each is bounded by `timeout`, so not even a bench
/// killed with SIGKILL leaves a load behind for long. ``stop()`` runs on every exit path (`defer`).
final class CPULoad {
    private var groups: [Process] = []
    /// What loads the cores, for the report.
    let description: String

    init(limit: Duration) throws {
        let seconds = "\(Int(limit.seconds.rounded(.up)))"
        let stress = ["/usr/bin/stress-ng", "/usr/local/bin/stress-ng"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let commands: [[String]]
        if let stress {
            commands = [[stress, "--cpu", "2", "--timeout", seconds + "s", "--quiet"]]
            description = "`stress-ng --cpu 2` (Debian's stress-ng)"
        } else {
            commands = Array(
                repeating: ["/usr/bin/timeout", seconds, "/bin/sh", "-c", "while :; do :; done"], count: 2)
            description = "two `while :; do :; done` shells (stress-ng is not installed)"
        }
        for command in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                stop()
                throw BenchError("could not start the CPU load `\(command.joined(separator: " "))`: \(error)")
            }
            groups.append(process)
        }
        usleep(300_000)
        for process in groups where !process.isRunning {
            stop()
            throw BenchError("the CPU load (\(description)) exited at once (status \(process.terminationStatus))")
        }
    }

    /// Kills every process of each load's group (stress-ng's workers with it) and waits for the
    /// leaders to exit.
    func stop() {
        for process in groups {
            let pid = process.processIdentifier
            if getpgid(pid) == pid { kill(-pid, SIGKILL) }
            kill(pid, SIGKILL)
        }
        for process in groups { try? process.wait(for: "the CPU load", within: .seconds(10)) }
        groups = []
    }
}

/// The 1-, 5- and 15-minute load averages now (`/proc/loadavg`), for the report.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    let fields = text.split(separator: " ").prefix(3)
    return fields.count == 3 ? fields.joined(separator: " ") : "unknown"
}
