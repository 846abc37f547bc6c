import Foundation
@_spi(Testing) import SAML

/// Builds signed SAML Responses the way an IdP would, for tests of code on top of the library (a login coordinator,
/// a framework route, a store): the values a test needs to vary are properties, everything else is a valid default.
///
/// ```swift
/// var builder = ResponseBuilder(issuer: idp.entityID, audience: sp.entityID, acsURL: "https://app.example.com/saml/acs",
///                               now: clock.now())
/// builder.inResponseTo = requestID
/// let body = try builder.samlResponse(signingAssertionWith: idpKey)
/// ```
public struct ResponseBuilder: Sendable {
    /// The IdP's entityID (Response and Assertion Issuer).
    public var issuer: String
    /// The Audience (the SP's entityID).
    public var audience: String
    /// The Destination and Recipient (the SP's ACS URL).
    public var acsURL: String
    /// The InResponseTo of the Response and SubjectConfirmationData; nil for an IdP-initiated response.
    public var inResponseTo: String?
    /// The NameID value.
    public var nameID = "b.simon@contoso.example"
    /// The NameID Format.
    public var nameIDFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    /// Attributes, in order: Name and values.
    public var attributes: [(name: String, values: [String])] = [("uid", ["b.simon@contoso.example"])]
    /// The instant the response is issued at.
    public var issueInstant: Date
    /// How long the assertion is valid (Conditions and SubjectConfirmationData NotOnOrAfter).
    public var lifetime: TimeInterval = 300
    /// The AuthnStatement's SessionIndex.
    public var sessionIndex: String? = "_session-1"
    /// The AuthnStatement's SessionNotOnOrAfter.
    public var sessionNotOnOrAfter: Date?
    /// The Response's ID.
    public var responseID = "_r" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    /// The Assertion's ID.
    public var assertionID = "_a" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    /// A valid response from `issuer` to the SP `audience` at `acsURL`, issued at `now`, with the default fields.
    /// - Parameters:
    ///   - issuer: the IdP's entityID.
    ///   - audience: the SP's entityID.
    ///   - acsURL: the SP's ACS URL.
    ///   - now: the issue instant.
    public init(issuer: String, audience: String, acsURL: String, now: Date) {
        self.issuer = issuer
        self.audience = audience
        self.acsURL = acsURL
        self.issueInstant = now
    }

    private static func escape(_ text: String, quotes: Bool = true) -> String {
        var out = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        if quotes { out = out.replacingOccurrences(of: "\"", with: "&quot;") }
        return out
    }

    private static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The Assertion element (unsigned, or with a signature template when `key` is given), declaring its namespaces.
    func assertionXML(template key: SigningKey?) -> String {
        let irt = inResponseTo.map { " InResponseTo=\"\(Self.escape($0))\"" } ?? ""
        var x = "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"\(assertionID)\" Version=\"2.0\" IssueInstant=\"\(Self.time(issueInstant))\">"
        x += "<saml:Issuer>\(Self.escape(issuer, quotes: false))</saml:Issuer>"
        if let key { x += EnvelopedSigning.template(referenceID: assertionID, key: key) }
        x += "<saml:Subject><saml:NameID Format=\"\(Self.escape(nameIDFormat))\">\(Self.escape(nameID, quotes: false))</saml:NameID>"
        x += "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData\(irt)"
        x += " NotOnOrAfter=\"\(Self.time(issueInstant.addingTimeInterval(lifetime)))\" Recipient=\"\(Self.escape(acsURL))\"/></saml:SubjectConfirmation></saml:Subject>"
        x += "<saml:Conditions NotBefore=\"\(Self.time(issueInstant.addingTimeInterval(-60)))\" NotOnOrAfter=\"\(Self.time(issueInstant.addingTimeInterval(lifetime)))\">"
        x += "<saml:AudienceRestriction><saml:Audience>\(Self.escape(audience, quotes: false))</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        x += "<saml:AuthnStatement AuthnInstant=\"\(Self.time(issueInstant))\""
        if let sessionIndex { x += " SessionIndex=\"\(Self.escape(sessionIndex))\"" }
        if let sessionNotOnOrAfter { x += " SessionNotOnOrAfter=\"\(Self.time(sessionNotOnOrAfter))\"" }
        x += "><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        if !attributes.isEmpty {
            x += "<saml:AttributeStatement>"
            for attribute in attributes {
                x += "<saml:Attribute Name=\"\(Self.escape(attribute.name))\">"
                for value in attribute.values { x += "<saml:AttributeValue>\(Self.escape(value, quotes: false))</saml:AttributeValue>" }
                x += "</saml:Attribute>"
            }
            x += "</saml:AttributeStatement>"
        }
        return x + "</saml:Assertion>"
    }

    /// The Response document: the Assertion signed with `assertionKey`, the Response with `responseKey` (either or
    /// both; neither gives an unsigned response, which every SP must refuse).
    /// - Parameters:
    ///   - assertionKey: signs the Assertion when given.
    ///   - responseKey: signs the Response when given.
    /// - Throws: `SAMLError.signingFailed` and the parser's errors (a field that makes the XML malformed).
    public func xml(signingAssertionWith assertionKey: SigningKey? = nil, signingResponseWith responseKey: SigningKey? = nil) throws -> String {
        var assertion = assertionXML(template: assertionKey)
        if let assertionKey {
            assertion = try EnvelopedSigning.sign(assertion, key: assertionKey)
            // Drop the XML declaration the signer writes: the Assertion goes inside the Response.
            if assertion.hasPrefix("<?xml"), let end = assertion.range(of: "?>") { assertion = String(assertion[end.upperBound...]) }
        }
        let irt = inResponseTo.map { " InResponseTo=\"\(Self.escape($0))\"" } ?? ""
        var x = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
        x += " ID=\"\(responseID)\" Version=\"2.0\" IssueInstant=\"\(Self.time(issueInstant))\" Destination=\"\(Self.escape(acsURL))\"\(irt)>"
        x += "<saml:Issuer>\(Self.escape(issuer, quotes: false))</saml:Issuer>"
        if let responseKey { x += EnvelopedSigning.template(referenceID: responseID, key: responseKey) }
        x += "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
        x += assertion.trimmingCharacters(in: .whitespacesAndNewlines) + "</samlp:Response>"
        guard let responseKey else { return x }
        return try EnvelopedSigning.sign(x, key: responseKey)
    }

    /// The base64 `SAMLResponse` form value of ``xml(signingAssertionWith:signingResponseWith:)``.
    /// - Parameters:
    ///   - assertionKey: signs the Assertion when given.
    ///   - responseKey: signs the Response when given.
    /// - Throws: as ``xml(signingAssertionWith:signingResponseWith:)``.
    public func samlResponse(signingAssertionWith assertionKey: SigningKey? = nil, signingResponseWith responseKey: SigningKey? = nil) throws -> String {
        Data(try xml(signingAssertionWith: assertionKey, signingResponseWith: responseKey).utf8).base64EncodedString()
    }
}
