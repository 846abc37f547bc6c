#if Postgres
/// Why a ``PostgresStore`` could not answer. The caller refuses the login or message (fail closed). Cases may be
/// added in later versions.
public enum PostgresStoreError: Error, Hashable, Sendable {
    /// A statement failed: the server is down or unreachable, the client closed, a constraint broken (`operation`
    /// names the store call; `detail`: PostgresNIO's description).
    case databaseFailed(operation: String, detail: String)
    /// The call took longer than ``PostgresStore/Options/operationTimeout`` (no connection could be had in time).
    case timedOut(operation: String)
    /// Migration `version` failed; the database keeps the previous version (`detail`: PostgresNIO's description).
    case migrationFailed(version: Int, detail: String)
    /// The URL given to ``PostgresStore/configuration(url:)`` is not a `postgres://` URL it can read.
    case invalidURL(reason: String)
}
#endif

#if Postgres
import SAML

extension PostgresStoreError: SAMLCodedError {
    /// The case's name.
    public var code: String {
        switch self {
        case .databaseFailed: "databaseFailed"
        case .timedOut: "timedOut"
        case .migrationFailed: "migrationFailed"
        case .invalidURL: "invalidURL"
        }
    }

    /// A server that is down, unreachable or slow is unavailable (503: retry); a failed migration or a bad URL is the
    /// server's configuration.
    public var fault: Fault {
        switch self {
        case .databaseFailed, .timedOut: .unavailable
        case .migrationFailed, .invalidURL: .server
        }
    }
}
#endif
