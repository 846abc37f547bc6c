#if Postgres
import Foundation
import PostgresNIO

extension PostgresStore {
    /// A client configuration from a URL: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
    /// (also `postgresql://`; the port defaults to 5432, TLS to `prefer`; user and password are percent-decoded).
    /// - Parameter url: the URL (a `DATABASE_URL`).
    /// - Throws: ``PostgresStoreError/invalidURL(reason:)``.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url) else { throw PostgresStoreError.invalidURL(reason: "not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresStoreError.invalidURL(reason: "scheme is not postgres or postgresql")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresStoreError.invalidURL(reason: "no host") }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresStoreError.invalidURL(reason: "no user")
        }
        let password = components.percentEncodedPassword?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? nil : path
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let mode: throw PostgresStoreError.invalidURL(reason: "sslmode \(mode) is not known")
        }
        let port = components.port ?? 5432
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
#endif
