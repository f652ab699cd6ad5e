import GroundStation
import TestSupport

/// The store's view of the shared throwaway server (TestSupport does not know GroundStation's types).
extension PostgresTestServer {
    /// Creates an empty database and returns the store configuration for it (password auth over TCP).
    func makeDatabase() throws -> PostgresStoreConfiguration {
        configuration(database: try createDatabase())
    }

    func configuration(database: String) -> PostgresStoreConfiguration {
        PostgresStoreConfiguration(
            host: "127.0.0.1", port: port, username: "postgres", password: password, database: database, tls: .disable)
    }
}
