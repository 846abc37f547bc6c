import Foundation
import SAML
import SAMLTesting
import Synchronization

/// A failure of the load tool, with what went wrong in words (it is printed and the tool exits 1).
struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The fixture IdP the SP under load trusts (key `idp-rsa2048` of Fixtures/keys), and the SP's names derived from its
/// base URL exactly as the example derives them (Examples/Shared/Configuration.swift).
struct LoadIdentities: Sendable {
    static let idpEntityID = "https://idp.load.example/saml"
    static let fixtures = FixtureDirectory(from: #filePath)!

    let baseURL: String
    var spEntityID: String { baseURL + "/saml/metadata" }
    var acsURL: String { baseURL + "/saml/acs" }
    var sloURL: String { baseURL + "/saml/slo" }

    /// The IdP's metadata: its signing certificate and SSO/SLO endpoints in both bindings (the shape of
    /// `WebFixtures.idpMetadata()` in Tests/SAMLWebTestSupport).
    static func idpMetadata() throws -> String {
        let certificate = try fixtures.certificate("idp-rsa2048").base64
        let idp = idpEntityID
        var x = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(idp)\">"
        x += "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        x += "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(idp)/slo\"/>"
        x += "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"\(idp)/slo\"/>"
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(idp)/sso\"/>"
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"\(idp)/sso\"/>"
        return x + "</md:IDPSSODescriptor></md:EntityDescriptor>\n"
    }
}

/// A login the SP started: its AuthnRequest's ID and the RelayState it is kept under.
struct PendingLogin: Sendable {
    let requestID: String
    let relayState: String
}

/// `GET /saml/login` `count` times over `connections` keep-alive connections (POST binding): the pending logins, read
/// from the auto-submitting form (the AuthnRequest's `ID` inside the base64 `SAMLRequest`, and `RelayState`).
/// - Throws: ``LoadError`` when a request fails or a page is not a POST-binding form.
func fetchPendingLogins(port: Int, count: Int, connections: Int) throws -> [PendingLogin] {
    let shares = Mutex<[[PendingLogin]]>(Array(repeating: [], count: connections))
    let failure = Mutex<LoadError?>(nil)
    DispatchQueue.concurrentPerform(iterations: connections) { k in
        let share = count / connections + (k < count % connections ? 1 : 0)
        do {
            let connection = try LoopbackConnection(port: port)
            var mine: [PendingLogin] = []
            mine.reserveCapacity(share)
            for _ in 0..<share {
                let (status, page) = try connection.get("/saml/login?returnTo=%2Fload")
                guard status == 200, let login = pendingLogin(in: page) else {
                    throw LoadError("GET /saml/login answered \(status), not a POST-binding form (is SAML_AUTHN_REQUEST_BINDING=post?)")
                }
                mine.append(login)
            }
            shares.withLock { $0[k] = mine }
        } catch {
            failure.withLock { $0 = $0 ?? LoadError("\(error)") }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return shares.withLock { $0.flatMap { $0 } }
}

/// The AuthnRequest ID and RelayState of a POST-binding login page (as `WebFixtures.pendingLogin(in:)`).
func pendingLogin(in html: String) -> PendingLogin? {
    func hidden(_ name: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.range(of: "\"").map {
            String(rest[..<$0.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
    }
    guard let encoded = hidden("SAMLRequest"), let decoded = Data(base64Encoded: encoded), let relayState = hidden("RelayState") else { return nil }
    let request = String(decoding: decoded, as: UTF8.self)
    guard let start = request.range(of: " ID=\"") else { return nil }
    return PendingLogin(requestID: String(request[start.upperBound...].prefix { $0 != "\"" }), relayState: relayState)
}

/// Signs one response per pending login, each unique (its own IDs, NameID, SessionIndex), the Assertion signed with
/// the fixture IdP's RSA-2048 key (rsa-sha256, exc-c14n), issued now and valid for `lifetime` seconds, on `workers`
/// threads. Returns the base64 `SAMLResponse` values, in the order of `logins`.
/// - Throws: the signer's errors.
func signResponses(answering logins: [PendingLogin], identities: LoadIdentities, lifetime: TimeInterval, workers: Int) throws -> [String] {
    let key = try LoadIdentities.fixtures.signingKey("idp-rsa2048")
    let now = Date()
    let results = Mutex<[String?]>(Array(repeating: nil, count: logins.count))
    let failure = Mutex<LoadError?>(nil)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        var mine: [(Int, String)] = []
        do {
            for i in stride(from: w, to: logins.count, by: workers) {
                var builder = ResponseBuilder(issuer: LoadIdentities.idpEntityID, audience: identities.spEntityID, acsURL: identities.acsURL, now: now)
                builder.inResponseTo = logins[i].requestID
                builder.lifetime = lifetime
                builder.nameID = "user\(i)@load.example"
                builder.sessionIndex = "_load-session-\(i)"
                builder.attributes = [
                    ("uid", ["user\(i)"]), ("mail", ["user\(i)@load.example"]), ("displayName", ["Load User \(i)"]),
                    ("groups", ["staff", "load-test", "saml-users"]),
                ]
                mine.append((i, try builder.samlResponse(signingAssertionWith: key)))
            }
        } catch {
            failure.withLock { $0 = $0 ?? LoadError("signing: \(error)") }
        }
        results.withLock { all in for (i, value) in mine { all[i] = value } }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return results.withLock { $0.map { $0! } }
}

/// `text` percent-encoded for an `application/x-www-form-urlencoded` body (unreserved characters left as they are).
func formEncoded(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + text.utf8.count / 16)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(byte)
        default:
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Writes what wrk and the bare measurement read, into `directory`:
/// - `bodies.K` for each wrk thread K: one ACS form body (`SAMLResponse=…&RelayState=…`) a line, logins dealt round-robin;
/// - `pending.tsv`: RelayState, AuthnRequest ID and the base64 response, tab-separated, a line per login.
/// - Throws: Foundation's file errors.
func writeLoadFiles(logins: [PendingLogin], responses: [String], threads: Int, directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var bodies = Array(repeating: "", count: threads)
    var pending = ""
    for (i, (login, response)) in zip(logins, responses).enumerated() {
        bodies[i % threads] += "SAMLResponse=\(formEncoded(response))&RelayState=\(formEncoded(login.relayState))\n"
        pending += "\(login.relayState)\t\(login.requestID)\t\(response)\n"
    }
    for (k, text) in bodies.enumerated() {
        try Data(text.utf8).write(to: directory.appendingPathComponent("bodies.\(k)"))
    }
    try Data(pending.utf8).write(to: directory.appendingPathComponent("pending.tsv"))
}
