#if SQLite
/// Why a ``SQLiteStore`` could not answer. Cases may be added in later versions.
public enum SQLiteStoreError: Error, Hashable, Sendable {
    /// The file could not be opened or switched to WAL mode (`detail`: SQLite's message).
    case openFailed(path: String, detail: String)
    /// Migration `version` failed; the file keeps the previous version (`detail`: SQLite's message).
    case migrationFailed(version: Int, detail: String)
    /// A statement failed: the store is closed, the disk full, another process held the lock past the busy timeout
    /// (`operation` names the store call; `detail`: SQLite's message). The caller refuses the login (fail closed).
    case databaseFailed(operation: String, detail: String)
    /// A row came back without the expected columns (the schema was changed by something else).
    case unexpectedRow(operation: String)
}
#endif

#if SQLite
import SAML

extension SQLiteStoreError: SAMLCodedError {
    /// The case's name.
    public var code: String {
        switch self {
        case .openFailed: "openFailed"
        case .migrationFailed: "migrationFailed"
        case .databaseFailed: "databaseFailed"
        case .unexpectedRow: "unexpectedRow"
        }
    }

    /// A database that cannot be opened or migrated is the server's configuration; one that fails a statement is
    /// unavailable (503: retry), never a verdict on the user.
    public var fault: Fault {
        switch self {
        case .openFailed, .migrationFailed, .unexpectedRow: .server
        case .databaseFailed: .unavailable
        }
    }
}
#endif
