#if Hummingbird || Vapor
import Foundation
import Logging
import SAML
import SAMLTesting

/// What the SAMLHummingbird and SAMLVapor suites share: the fixture IdP, signed responses and logout messages, log
/// capture, and stores that are down. The two suites run the same cases through each framework.
public enum WebFixtures {
    public static let fixtures = FixtureDirectory(from: #filePath)!
    public static let now = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z
    public static let spEntityID = "https://app.example.test/saml/metadata"
    public static let acs = "https://app.example.test/saml/acs"
    public static let slo = "https://app.example.test/saml/slo"
    public static let idp = "https://idp-a.example.test/saml"
    public static let userName = "b.simon@contoso.example"

    /// The fixture IdP's metadata: signing key idp-rsa2048, SSO and SLO in both bindings.
    public static func idpMetadata() throws -> [UInt8] {
        let certificate = try fixtures.certificate("idp-rsa2048").base64
        var x = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(idp)\">"
        x += "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        x += "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(idp)/slo\"/>"
        x += "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"\(idp)/slo\"/>"
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(idp)/sso\"/>"
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"\(idp)/sso\"/>"
        return Array((x + "</md:IDPSSODescriptor></md:EntityDescriptor>").utf8)
    }

    /// The SP's configuration (routes under /saml), its AuthnRequests in `binding`.
    public static func configuration(binding: Binding = .httpPOST, options: ServiceProvider.Options = .init()) throws -> ServiceProviderConfiguration {
        try ServiceProviderConfiguration(entityID: spEntityID, assertionConsumerServiceURL: acs, singleLogoutServiceURL: slo,
                                         signingKey: fixtures.signingKey("sp-rsa2048"), authnRequestBinding: binding, options: options)
    }

    /// A signed response (assertion signed with `key`) answering `id` (nil: unsolicited).
    public static func response(answering id: String?, key: String = "idp-rsa2048", sessionIndex: String = "_session-1",
                                attributes: [(name: String, values: [String])]? = nil) throws -> String {
        var builder = ResponseBuilder(issuer: idp, audience: spEntityID, acsURL: acs, now: now)
        builder.inResponseTo = id
        builder.sessionIndex = sessionIndex
        if let attributes { builder.attributes = attributes }
        return try builder.samlResponse(signingAssertionWith: fixtures.signingKey(key))
    }

    /// `name=value&…`, values percent-encoded (unreserved characters only left as they are).
    public static func formBody(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// `text` percent-encoded for a query.
    public static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    /// The hidden field `name` of a POST-binding page.
    public static func hidden(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.range(of: "\"").map { String(rest[..<$0.lowerBound]).replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// The AuthnRequest ID and RelayState of a POST-binding login page.
    public static func pendingLogin(in html: String) -> (id: String, relayState: String)? {
        guard let encoded = hidden("SAMLRequest", in: html), let decoded = Data(base64Encoded: encoded),
              let relayState = hidden("RelayState", in: html) else { return nil }
        let request = String(decoding: decoded, as: UTF8.self)
        guard let start = request.range(of: "ID=\"") else { return nil }
        return (String(request[start.upperBound...].prefix { $0 != "\"" }), relayState)
    }

    /// The reference shown on a refusal page.
    public static func reference(in html: String) -> String? {
        guard let start = html.range(of: "Reference: <code id=\"reference\">") else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "<" })
    }

    /// A LogoutRequest from the IdP to the SP's SLO URL, signed with the IdP's key: the Redirect query string.
    public static func idpLogoutRequestQuery(nameID: String, sessionIndexes: [String], relayState: String? = "idp-state") throws -> String {
        // LogoutRequest addresses its destination's SingleLogoutService: describe the SP's SLO as that endpoint.
        let target = IdPMetadata(entityID: spEntityID, singleLogoutServices: [Endpoint(binding: .httpRedirect, location: slo)],
                                 signingCertificates: [try fixtures.certificate("sp-rsa2048")])
        let request = try LogoutRequest(issuer: idp, identityProvider: target, nameID: .init(value: nameID, format: .emailAddress),
                                        sessionIndexes: sessionIndexes, clock: FixedClock(now))
        let url = try request.redirectURL(relayState: relayState, signingKey: fixtures.signingKey("idp-rsa2048"))
        return String(url.split(separator: "?", maxSplits: 1)[1])
    }

    /// A LogoutRequest from the IdP by POST: the form's SAMLRequest value.
    public static func idpLogoutRequestPost(nameID: String, relayState: String) throws -> String {
        let target = IdPMetadata(entityID: spEntityID, singleLogoutServices: [Endpoint(binding: .httpPOST, location: slo)],
                                 signingCertificates: [try fixtures.certificate("sp-rsa2048")])
        let request = try LogoutRequest(issuer: idp, identityProvider: target, binding: .httpPOST,
                                        nameID: .init(value: nameID, format: .emailAddress), clock: FixedClock(now))
        return try request.postForm(relayState: relayState, signingKey: fixtures.signingKey("idp-rsa2048")).value
    }

    /// The IdP's answer to the LogoutRequest in `location` (the SP's redirect to the IdP): the IdP side validates the
    /// request (a ServiceProvider that trusts the SP's key plays the IdP), then signs a LogoutResponse to the SP's SLO.
    public static func idpLogoutResponse(to location: String, binding: Binding) async throws -> LogoutMessage {
        let spAsSender = IdPMetadata(entityID: spEntityID, signingCertificates: [try fixtures.certificate("sp-rsa2048")])
        let idpSide = try ServiceProvider(entityID: idp, assertionConsumerServiceURLs: ["\(idp)/acs"], singleLogoutServiceURLs: ["\(idp)/slo"],
                                          identityProviders: [spAsSender], clock: FixedClock(now))
        let query = String(location.split(separator: "?", maxSplits: 1)[1])
        let verified = try await idpSide.validateLogoutRequest(.redirect(query: query))
        let target = IdPMetadata(entityID: spEntityID, singleLogoutServices: [Endpoint(binding: .httpRedirect, location: slo),
                                                                              Endpoint(binding: .httpPOST, location: slo)],
                                 signingCertificates: [try fixtures.certificate("sp-rsa2048")])
        let response = try LogoutResponse(issuer: idp, answering: verified, identityProvider: target, binding: binding, clock: FixedClock(now))
        let key = try fixtures.signingKey("idp-rsa2048")
        if binding == .httpPOST {
            let form = try response.postForm(relayState: verified.relayState, signingKey: key)
            return .post(value: form.value, relayState: form.relayState, parameter: "SAMLResponse")
        }
        let url = try response.redirectURL(relayState: verified.relayState, signingKey: key)
        return .redirect(query: String(url.split(separator: "?", maxSplits: 1)[1]))
    }
}

/// A value behind a lock.
public final class LockedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func withLockedValue<T>(_ body: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&value) }
}

/// Collects log records (level, message and metadata, one line each) for the reference checks.
public final class LogSink: @unchecked Sendable {
    public let lines = LockedBox<[String]>([])
    public init() {}
    public var all: String { lines.withLockedValue { $0.joined(separator: "\n") } }
    public var logger: Logger { Logger(label: "test") { _ in Handler(sink: self) } }

    struct Handler: LogHandler {
        let sink: LogSink
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let fields = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.lines.withLockedValue { $0.append("\(level) \(message) \(fields)") }
        }
    }
}

/// A session index whose every call fails as a database that is down would.
public struct DownSessionIndex: SessionIndexStore {
    struct Down: Error {}
    public init() {}
    public func record(_ entry: SessionIndexEntry) async throws { throw Down() }
    public func endSessions(issuer: String, nameID: String, sessionIndexes: [String]) async throws -> [String] { throw Down() }
    public func remove(sessionID: String) async throws { throw Down() }
}

/// A request store that is down the way the database stores report it (a coded error, fault `unavailable`).
public struct DownRequestStore: AuthnRequestStore {
    struct DatabaseDown: SAMLCodedError { var code: String { "databaseFailed" }; var fault: Fault { .unavailable } }
    public init() {}
    public func put(_ request: PendingRequest) async throws { throw DatabaseDown() }
    public func take(relayState: String) async throws -> PendingRequest? { throw DatabaseDown() }
}
#endif
