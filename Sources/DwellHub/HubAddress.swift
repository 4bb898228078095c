import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where the clinic hub is: a libpq-style URL,
/// `postgres://user[:password]@host[:port]/database?sslmode=verify-full&sslrootcert=/path`
/// (or `?host=/run/postgresql` for a socket folder). `sslmode` is `disable`, `prefer` (the
/// default, as libpq), `require` (encrypted, not authenticated) or `verify-full` (the server's
/// certificate checked against the system's or `sslrootcert`'s roots, and its name against the host).
public struct HubAddress: Equatable, Sendable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// A socket folder (libpq's `host=/dir`): connects to `dir/.s.PGSQL.<port>`.
    public var socketFolder: String?
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var rootCertificate: String?
    /// The URL as given, for messages (never with its password).
    public var redacted: String

    public static func parse(_ text: String) -> Result<HubAddress, HubError> {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            return .failure(.badURL(redact(text), "it must look like postgres://user@host:5432/database"))
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["sslmode", "sslrootcert", "host", "port"].contains(item.name), let value = item.value else {
                return .failure(
                    .badURL(redact(text), "unknown parameter `\(item.name)` (sslmode, sslrootcert, host, port)"))
            }
            query[item.name] = value
        }
        guard let user = components.user, !user.isEmpty else {
            return .failure(.badURL(redact(text), "it names no user (postgres://USER@host/database)"))
        }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty else {
            return .failure(.badURL(redact(text), "it names no database (postgres://user@host/DATABASE)"))
        }
        var sslMode = SSLMode.prefer
        if let mode = query["sslmode"] {
            guard let known = SSLMode(rawValue: mode) else {
                return .failure(
                    .badURL(redact(text), "sslmode `\(mode)` is not one of disable, prefer, require, verify-full"))
            }
            sslMode = known
        }
        let portText = query["port"] ?? components.port.map(String.init) ?? "5432"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            return .failure(.badURL(redact(text), "port `\(portText)` is not 1 to 65535"))
        }
        var socketFolder = query["host"]
        if let folder = socketFolder, !folder.hasPrefix("/") {
            return .failure(
                .badURL(redact(text), "host parameter `\(folder)` must be a socket folder (an absolute path)"))
        }
        let host = components.host ?? ""
        if host.isEmpty && socketFolder == nil { socketFolder = "/var/run/postgresql" }
        if sslMode == .verifyFull && socketFolder != nil {
            return .failure(.badURL(redact(text), "sslmode verify-full needs a host name, not a socket folder"))
        }
        return .success(
            HubAddress(
                host: host, port: port, socketFolder: socketFolder, user: user, password: components.password,
                database: database, sslMode: sslMode, rootCertificate: query["sslrootcert"], redacted: redact(text)))
    }

    /// The URL with any password replaced by `***`.
    static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    /// The pool's configuration; `password` (from a password file) wins over one in the URL.
    public func configuration(password override: String? = nil) throws(HubError) -> PostgresClient.Configuration {
        let password = resolvedPassword(override)
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: try tls())
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 4
        return configuration
    }

    /// One connection, opened and closed at once: the server's own reason (a wrong password, an
    /// unknown role, a refused port) fails fast, where a pool would keep retrying in silence.
    public func probe(password override: String? = nil, logger: Logger) async throws {
        let password = resolvedPassword(override)
        var configuration: PostgresConnection.Configuration
        if let socketFolder {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            var tls = PostgresConnection.Configuration.TLS.disable
            if let settings = try tlsConfiguration() {
                let context: NIOSSLContext
                do {
                    context = try NIOSSLContext(configuration: settings)
                } catch {
                    throw HubError.badURL(redacted, "TLS cannot be set up: \(error)")
                }
                tls = sslMode == .prefer ? .prefer(context) : .require(context)
            }
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    /// The password to log in with: a password file's, else the URL's, else `PGPASSWORD`.
    func resolvedPassword(_ override: String?) -> String? {
        override ?? password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
    }

    func tls() throws(HubError) -> PostgresClient.Configuration.TLS {
        guard let configuration = try tlsConfiguration() else { return .disable }
        return sslMode == .prefer ? .prefer(configuration) : .require(configuration)
    }

    /// The TLS set-up `sslmode` asks for; nil for `disable`.
    func tlsConfiguration() throws(HubError) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            if let rootCertificate {
                guard FileManager.default.isReadableFile(atPath: rootCertificate) else {
                    throw .badURL(redacted, "sslrootcert \(rootCertificate) cannot be read")
                }
                tls.trustRoots = .file(rootCertificate)
            }
        }
        return tls
    }
}
