import ArgumentParser
import DwellWire
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the daemon is, for the client commands.
struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's address.", valueName: "url"))
    var daemon = "http://127.0.0.1:8470"

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp("File holding the API bearer token (when the daemon requires one).", valueName: "path"))
    var tokenFile: String?

    var client: DaemonClient {
        get throws {
            guard let base = URL(string: daemon), base.scheme == "http" || base.scheme == "https" else {
                throw ValidationError("--daemon `\(daemon)` is not an http(s) URL")
            }
            let token = try tokenFile.map { path -> String in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("cannot read the token file \(path)")
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return DaemonClient(base: base, token: token)
        }
    }
}

/// A thin client for `dwelld`'s API: it sends and decodes the wire types the daemon encodes;
/// problems come back as readable errors.
struct DaemonClient: Sendable {
    let base: URL
    let token: String?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func get<Answer: Decodable>(_ path: String, as answer: Answer.Type) async throws -> Answer {
        try await send("GET", path, body: nil, as: answer)
    }

    /// A POST with a JSON body (`{}` when it has no fields: dwelld refuses a POST that is not JSON, 415).
    func post<Answer: Decodable>(
        _ path: String, _ body: some Encodable = CommandBody(), as answer: Answer.Type
    ) async throws -> Answer {
        try await send("POST", path, body: try WireJSON.encoder().encode(body), as: answer)
    }

    private func send<Answer: Decodable>(
        _ method: String, _ path: String, body: Data?, as answer: Answer.Type
    ) async throws -> Answer {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 5
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(
                description:
                    "cannot reach dwelld at \(base.absoluteString): \(error.localizedDescription) (is it running? see --daemon)"
            )
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let problem = try? WireJSON.decoder().decode(ProblemBody.self, from: data)
            throw Failure(
                description:
                    "\(problem?.title ?? "error") (\(status)): \(problem?.detail ?? String(decoding: data, as: UTF8.self))"
            )
        }
        do {
            return try WireJSON.decoder().decode(Answer.self, from: data)
        } catch {
            throw Failure(
                description: "dwelld at \(base.absoluteString) answered \(path) with what this dwell cannot read "
                    + "(\(error)); are dwell and dwelld the same version?")
        }
    }
}
