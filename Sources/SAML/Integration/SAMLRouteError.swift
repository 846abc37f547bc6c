/// Errors of the web-framework integrations (SAMLHummingbird, SAMLVapor) themselves: the HTTP side of a route, and
/// the stores the routes call besides the runtime's.
public enum SAMLRouteError: SAMLCodedError, Hashable, Sendable {
    /// The request body was larger than the route's limit (answered 413).
    case bodyTooLarge(limit: Int)
    /// A required form or query parameter was missing.
    case missingParameter(String)
    /// A LogoutResponse arrived that answers no logout this SP started (or one already answered).
    case unexpectedLogoutResponse
    /// A LogoutResponse came from another IdP than the one the LogoutRequest went to.
    case logoutResponseFromUnexpectedIdP
    /// A store the routes call (sessions, the SLO index) failed; the login or logout is refused, never half done.
    case storeFailed(operation: String, detail: String)

    public var code: String {
        switch self {
        case .bodyTooLarge: "bodyTooLarge"
        case .missingParameter: "missingParameter"
        case .unexpectedLogoutResponse: "unexpectedLogoutResponse"
        case .logoutResponseFromUnexpectedIdP: "logoutResponseFromUnexpectedIdP"
        case .storeFailed: "storeFailed"
        }
    }

    public var fault: Fault {
        switch self {
        case .bodyTooLarge, .missingParameter, .unexpectedLogoutResponse, .logoutResponseFromUnexpectedIdP: .client
        case .storeFailed: .unavailable
        }
    }

    /// The HTTP status: 413 for a body over the limit, otherwise the fault's.
    public var routeStatus: Int {
        if case .bodyTooLarge = self { return 413 }
        return httpStatus
    }
}
