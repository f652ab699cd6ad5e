import Foundation
import PostgresNIO

/// Where a `PostgresPassStore` connects: parsed from the daemon's storage URL,
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`.
public struct PostgresStoreConfiguration: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Connections the store may open at once (one more is taken by each live frame feed).
    public var maximumConnections: Int
    /// The longest any store operation may take, waiting for a connection included; beyond it the
    /// operation fails (`PassStoreError.backend`) instead of hanging while the server is away.
    public var operationTimeout: Duration

    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String,
        tls: TLSMode = .prefer, maximumConnections: Int = 8, operationTimeout: Duration = .seconds(30)
    ) {
        self.operationTimeout = operationTimeout
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.maximumConnections = maximumConnections
    }

    /// Parses a `postgres://` or `postgresql://` URL; errors name the part that is wrong.
    public init(url text: String) throws(PostgresStoreConfigurationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw .invalid(url: Self.redacted(text), problem: "not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .invalid(url: Self.redacted(text), problem: "scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalid(url: Self.redacted(text), problem: "no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalid(url: Self.redacted(text), problem: "no user name")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid(url: Self.redacted(text), problem: "path must be one database name")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw .invalid(url: Self.redacted(text), problem: "sslmode must be disable, prefer or require, not \(item.value ?? "empty")")
                }
                tls = mode
            default:
                throw .invalid(url: Self.redacted(text), problem: "unknown parameter \(item.name)")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database, tls: tls)
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "(unprintable URL)"
    }

    var clientConfiguration: PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: clientTLS = .disable
        case .prefer: clientTLS = .prefer(.makeClientConfiguration())
        case .require: clientTLS = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}

extension PostgresStoreConfiguration {
    /// For single connections (schema migration at open).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: connectionTLS = .disable
        case .prefer: connectionTLS = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: connectionTLS = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}

public enum PostgresStoreConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(url: String, problem: String)

    public var description: String {
        switch self {
        case .invalid(let url, let problem): return "PostgreSQL URL \(url): \(problem)"
        }
    }
}
