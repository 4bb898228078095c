import DwellDaemon
import DwellProbe
import Foundation
import Testing

/// The built `dwelld` refuses a bad config at start-up with exit 78 and an error placed at the
/// config line (issue 11, finding 7). Each run has a deadline: a daemon that starts instead of
/// refusing is killed and the test fails saying so.
struct DaemonStartupRefusalTests {
    /// Runs dwelld; its exit status (nil when it was still running at the deadline) and stderr.
    func dwelld(_ arguments: [String], seconds: Double = 30) throws -> (status: Int32?, output: String) {
        let folder = try temporaryFolder()
        let log = folder + "/stderr.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = DaemonProcess.executable
        process.currentDirectoryURL = packageRoot
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let exited = !process.isRunning
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return (exited ? process.terminationStatus : nil, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func configFile(_ text: String) throws -> String {
        let path = try temporaryFolder() + "/dwell.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aListenOverrideThatIsADNSNameExits78() async throws {
        try await offThePool {
            let record = try temporaryFolder() + "/record.sqlite"
            let (status, output) = try dwelld([
                "--simulator", "--record", record, "--listen", "127.evil.example:\(freePort())",
            ])
            #expect(status == 78, "\(output)")
            #expect(output.contains("`127.evil.example` is not an IP address"), "\(output)")
        }
    }

    @Test func aListenHostInTheConfigThatIsADNSNameExits78AtItsLine() async throws {
        try await offThePool {
            let config = try configFile("beds: [\"1\"]\nprotocols: Protocols\nlisten: 127.evil.example:8470\n")
            let (status, output) = try dwelld([
                "--config", config, "--simulator", "--record", try temporaryFolder() + "/r.sqlite",
            ])
            #expect(status == 78, "\(output)")
            #expect(
                output.contains("\(config):3:9: error: listen: `127.evil.example` is not an IP address"), "\(output)")
        }
    }

    @Test func aMissingProtocolsFolderIsReportedAtTheConfigLineNamingIt() async throws {
        try await offThePool {
            let config = try configFile("beds: [\"1\"]\nprotocols:   /nonexistent/protocols\n")
            let (status, output) = try dwelld([
                "--config", config, "--simulator", "--listen", "127.0.0.1:\(freePort())",
                "--record", try temporaryFolder() + "/r.sqlite",
            ])
            #expect(status == 78, "\(output)")
            #expect(
                output.contains("\(config):2:14: error: protocols: no such folder /nonexistent/protocols"), "\(output)")
        }
    }

    @Test func aMissingTokenFileIsReportedAtTheConfigLineNamingIt() async throws {
        try await offThePool {
            let config = try configFile("beds: [\"1\"]\nprotocols: Protocols\ntoken_file: /nonexistent/api-token\n")
            let (status, output) = try dwelld([
                "--config", config, "--simulator", "--listen", "127.0.0.1:\(freePort())",
                "--record", try temporaryFolder() + "/r.sqlite",
            ])
            #expect(status == 78, "\(output)")
            #expect(
                output.contains("\(config):3:13: error: token_file: cannot open the token file /nonexistent/api-token"),
                "\(output)")
        }
    }

    @Test func aGroupOrWorldReadableTokenFileIsRefusedAsSshDoes() async throws {
        try await offThePool {
            let token = try temporaryFolder() + "/api-token"
            try "0123456789abcdef0123".write(toFile: token, atomically: true, encoding: .utf8)
            for mode in [0o644, 0o640, 0o666, 0o620] {
                chmod(token, mode_t(mode))
                let (status, output) = try dwelld([
                    "--simulator", "--listen", "127.0.0.1:\(freePort())", "--token-file", token,
                    "--record", try temporaryFolder() + "/r.sqlite",
                ])
                #expect(status == 78, "mode \(String(mode, radix: 8)): \(output)")
                #expect(output.contains("the token file \(token) has mode 0\(String(mode, radix: 8))"), "\(output)")
                #expect(output.contains("chmod 600 \(token)"), "\(output)")
            }
        }
    }

    @Test func aPrivateTokenFileIsRead() async throws {
        try await offThePool {
            let token = try temporaryFolder() + "/api-token"
            try "  0123456789abcdef0123\n".write(toFile: token, atomically: true, encoding: .utf8)
            chmod(token, 0o600)
            #expect(try TokenFile.read(token).get() == "0123456789abcdef0123")
            chmod(token, 0o400)
            #expect(try TokenFile.read(token).get() == "0123456789abcdef0123")
        }
    }
}
