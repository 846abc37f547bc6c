#if Hummingbird
import Foundation
import Hummingbird
import Logging
@_spi(Integrations) import SAML

/// Errors of the Hummingbird integration itself.
public enum SAMLHummingbirdError: SAMLCodedError, Hashable, Sendable {
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
}

/// Turns any error of a SAML route into a short HTML page and one log line sharing a random reference.
struct ErrorPage: Sendable {
    let runtime: ServiceProviderRuntime
    let logger: Logger

    /// A reference short enough to read out over the phone: 10 characters of an unambiguous alphabet (50 bits).
    static func reference() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        return String((0..<10).map { _ in alphabet.randomElement()! })
    }

    /// One line, control and format characters escaped, at most `limit` characters (the detail of errors that are
    /// not SAMLError, which caps its own).
    static func oneLine(_ text: String, limit: Int = 300) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator, .format: out += scalar.escaped(asASCII: true)
            default: out.unicodeScalars.append(scalar)
            }
            if out.count >= limit { return out + "…" }
        }
        return out
    }

    static func html(_ text: String) -> String { HTMLEscape.escape(text) }

    /// The status, code and detail of `error`: its fault's status for a coded error, 413 for a body over the limit,
    /// 500 for anything else.
    static func classify(_ error: any Error) -> (status: HTTPResponse.Status, code: String, detail: String, fault: Fault) {
        switch error {
        case SAMLHummingbirdError.bodyTooLarge(let limit):
            return (.contentTooLarge, "bodyTooLarge", "request body over \(limit) bytes", .client)
        case let error as SAMLError:
            return (.init(code: error.httpStatus), error.code, error.detail, error.fault)
        case let error as any SAMLCodedError:
            return (.init(code: error.httpStatus), error.code, oneLine(String(describing: error)), error.fault)
        default:
            return (.internalServerError, "internal", oneLine(String(describing: error)), .server)
        }
    }

    /// The page for `error` at `route`, logged with the reference it shows; SAMLErrors are recorded as the runtime's
    /// last rejection.
    func response(for error: any Error, route: String) async -> Response {
        let reference = Self.reference()
        let (status, code, detail, fault) = Self.classify(error)
        if let error = error as? SAMLError { await runtime.recordRejection(error, reference: reference) }
        let level: Logger.Level = fault == .client ? .warning : .error
        logger.log(level: level, "SAML request refused", metadata: [
            "saml.reference": .string(reference), "saml.code": .string(code), "saml.fault": .string(fault.rawValue),
            "saml.route": .string(route), "saml.detail": .string(detail),
        ])
        let title: String
        switch fault {
        case .client: title = "Sign-in refused"
        case .server: title = "Sign-in is not available"
        case .unavailable: title = "Sign-in is temporarily unavailable"
        }
        let message: String
        switch fault {
        case .client: message = "The sign-in message could not be accepted. Please start again from the application."
        case .server: message = "The service is not configured to sign you in right now."
        case .unavailable: message = "Please try again in a moment."
        }
        let page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Self.html(title))</title></head>
        <body><h1>\(Self.html(title))</h1><p>\(Self.html(message))</p>
        <p>Reference: <code>\(Self.html(reference))</code></p></body></html>
        """
        return Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'",
        ], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
#endif
