import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the daemon is, for the client commands.
struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's address.", valueName: "url"))
    var daemon = "http://127.0.0.1:8470"

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the API bearer token (when the daemon requires one).", valueName: "path"))
    var tokenFile: String?

    var client: DaemonClient {
        get throws {
            guard let base = URL(string: daemon), base.scheme == "http" || base.scheme == "https" else {
                throw ValidationError("--daemon `\(daemon)` is not an http(s) URL")
            }
            let token = try tokenFile.map { path -> String in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read the token file \(path)") }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return DaemonClient(base: base, token: token)
        }
    }
}

/// A thin JSON client for `dwelld`'s API; problems come back as readable errors.
struct DaemonClient: Sendable {
    let base: URL
    let token: String?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func get(_ path: String) async throws -> Any { try await send("GET", path, body: nil) }

    func post(_ path: String, _ body: [String: Any]? = nil) async throws -> Any { try await send("POST", path, body: body) }

    private func send(_ method: String, _ path: String, body: [String: Any]?) async throws -> Any {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 5
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if method == "POST" {
            // dwelld refuses a POST that is not JSON (415), even one without a body.
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body ?? [:])
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(description: "cannot reach dwelld at \(base.absoluteString): \(error.localizedDescription) (is it running? see --daemon)")
        }
        let json = (try? JSONSerialization.jsonObject(with: data)) ?? [:]
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let problem = json as? [String: Any]
            let detail = problem?["detail"] as? String ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "\(problem?["title"] as? String ?? "error") (\(status)): \(detail)")
        }
        return json
    }
}
