import ArgumentParser
import Foundation
import SAML
import SAMLAttributeMapping
import SAMLCertificatePolicy

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify and validate a SAML Response the way an ACS does; print the assertion as JSON.",
        discussion: """
            RESPONSE_FILE holds raw XML, the base64 SAMLResponse value, or a form body SAMLResponse=...&RelayState=...
            Exit 0 with the assertion as JSON; exit 1 with {"rejected": "<error case>", "detail": "..."} on stdout
            and one line on stderr; exit 2 on usage errors.
            """
    )

    @Argument(help: "The response file, or - for standard input.")
    var responseFile: String

    @Option(name: .customLong("idp-metadata"), help: "The trusted IdP's metadata file.")
    var idpMetadata: String?

    @Option(name: .customLong("idp-entity-id"), help: "The IdP's entityID (selects it from an aggregate; required with --idp-cert).")
    var idpEntityID: String?

    @Option(name: .customLong("idp-cert"), help: "A trusted IdP signing certificate (PEM) instead of metadata; repeatable.")
    var idpCerts: [String] = []

    @Option(name: .customLong("sp-entity-id"), help: "The SP's entityID (the expected Audience).")
    var spEntityID: String

    @Option(name: .customLong("acs-url"), help: "The SP's ACS URL (expected Destination and Recipient); repeatable.")
    var acsURLs: [String]

    @Option(name: .customLong("in-response-to"), help: "The ID of the AuthnRequest this response answers.")
    var inResponseTo: String?

    @Flag(name: .customLong("allow-idp-initiated"), help: "Accept unsolicited (IdP-initiated) responses.")
    var allowIdPInitiated = false

    @Option(name: .long, help: "Validate as of this instant (ISO 8601), instead of now.")
    var now: String?

    @Option(name: .customLong("clock-skew"), help: "Allowed clock skew in seconds (default 180).")
    var clockSkew: Double?

    @Flag(name: .customLong("allow-sha1"), help: "Accept SHA-1 signatures and digests.")
    var allowSHA1 = false

    @Option(name: .customLong("sp-key"), help: "An SP private key (PEM) that decrypts EncryptedAssertion/EncryptedID/EncryptedAttribute; repeatable.")
    var spKeys: [String] = []

    @Flag(name: .customLong("allow-rsa1_5"), help: "Accept RSA PKCS#1 v1.5 key transport in encrypted assertions.")
    var allowRSA1_5 = false

    @Option(name: .customLong("map"), help: "Map attributes with a preset (azure-ad, webex, adfs, okta, shibboleth, keycloak) or a JSON mapping FILE; adds \"mapped\".")
    var map: String?

    @Option(name: .customLong("require-ca"), help: "Also require the signing certificate to chain to a trust anchor in this PEM bundle.")
    var requireCA: String?

    @Option(name: .customLong("require"), help: "Required signatures: assertionOrResponse (default), assertion, response, both.")
    var require: String?

    func validate() throws {
        guard !acsURLs.isEmpty else { throw ValidationError("--acs-url is required") }
        guard (idpMetadata == nil) != idpCerts.isEmpty else { throw ValidationError("give --idp-metadata or --idp-cert, not both") }
        if !idpCerts.isEmpty && idpEntityID == nil { throw ValidationError("--idp-cert needs --idp-entity-id") }
        if inResponseTo != nil && allowIdPInitiated { throw ValidationError("--in-response-to and --allow-idp-initiated exclude each other") }
        if let require, ServiceProvider.SignatureRequirement(rawValue: require) == nil { throw ValidationError("unknown --require \(require)") }
        if let now, Self.parseInstant(now) == nil { throw ValidationError("--now is not an ISO 8601 instant") }
    }

    static func parseInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    struct Output: Encodable {
        struct NameID: Encodable { let value: String; let format: String? }
        let issuer: String
        let nameID: NameID
        let sessionIndex: String?
        let authnInstant: Date
        let notOnOrAfter: Date?
        let audiences: [String]
        let attributes: [String: [String]]
        let relayState: String?
        let mapped: MappedUser?
        let certificates: [CertificateJSON]?
    }

    struct CertificateJSON: Encodable {
        let subject: String
        let notAfter: Date
        let daysToExpiry: Int
    }

    struct RejectedOutput: Encodable {
        let rejected: String
        let detail: String
    }

    func run() async throws {
        let input = try IO.read(responseFile)
        let (responseValue, relayState) = try Self.extract(input)
        let idp: IdPMetadata
        if let idpMetadata {
            idp = try IdPMetadata(xml: try IO.read(idpMetadata), entityID: idpEntityID)
        } else {
            idp = IdPMetadata(entityID: idpEntityID!, signingCertificates: try idpCerts.map { try SAMLCertificate(pem: try IO.readText($0)) })
        }
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = allowIdPInitiated
        options.allowSHA1 = allowSHA1
        if let clockSkew { options.clockSkew = clockSkew }
        options.allowRSA1_5KeyTransport = allowRSA1_5
        if let require { options.signatureRequirement = ServiceProvider.SignatureRequirement(rawValue: require)! }
        let clock: any SAMLClock = now.flatMap(Self.parseInstant).map { FixedClock($0) as any SAMLClock } ?? SystemClock()
        let decryptionKeys = try spKeys.map { try DecryptionKey(privateKeyPEM: try IO.readText($0)) }
        let policy: CertificateTrustPolicy = try requireCA.map { .certificateAuthority(try CAPolicy(trustAnchorsPEM: try IO.readText($0))) } ?? .pinned()
        let mapping: AttributeMapping? = try map.map { name in
            if let preset = AttributeMapping.presets[name] { return preset }
            return try AttributeMapping(json: try IO.read(name))
        }
        let sp = try ServiceProvider(entityID: spEntityID, assertionConsumerServiceURLs: acsURLs, identityProviders: [idp],
                                     options: options, clock: clock, decryptionKeys: decryptionKeys,
                                     signingCertificateCheck: requireCA == nil ? nil : policy)
        do {
            let assertion: VerifiedAssertion
            switch responseValue {
            case .xml(let bytes):
                assertion = try await sp.validate(responseXML: bytes, relayState: relayState, expectedRequestID: inResponseTo)
            case .base64(let text):
                assertion = try await sp.validate(samlResponse: text, relayState: relayState, expectedRequestID: inResponseTo)
            }
            let mapped = try mapping?.map(assertion)
            let report = try await policy.evaluate(assertion, identityProvider: idp, at: clock.now())
            var attributes: [String: [String]] = [:]
            for attribute in assertion.attributes { attributes[attribute.name, default: []].append(contentsOf: attribute.values) }
            try IO.printJSON(Output(
                issuer: assertion.issuer,
                nameID: .init(value: assertion.nameID.value, format: assertion.nameID.format?.rawValue),
                sessionIndex: assertion.sessionIndex, authnInstant: assertion.authnInstant,
                notOnOrAfter: assertion.notOnOrAfter, audiences: assertion.audiences, attributes: attributes,
                relayState: assertion.relayState, mapped: mapped,
                certificates: report.metadataCertificates.map { CertificateJSON(subject: $0.subject, notAfter: $0.notAfter, daysToExpiry: $0.daysToExpiry) }))
            for warning in report.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        } catch let error as SAMLError {
            try IO.printJSON(RejectedOutput(rejected: error.code, detail: error.detail))
            SAMLTool.reject(error)
        } catch let error as AttributeMappingError {
            try IO.printJSON(RejectedOutput(rejected: error.code, detail: "\(error)"))
            throw Rejection(code: error.code, detail: "\(error)")
        } catch let error as CertificatePolicyError {
            try IO.printJSON(RejectedOutput(rejected: error.code, detail: "\(error)"))
            throw Rejection(code: error.code, detail: "\(error)")
        }
    }

    enum ResponseValue {
        case xml([UInt8])
        case base64(String)
    }

    /// Raw XML, a base64 value, or a form body: decided from the first meaningful bytes.
    static func extract(_ input: [UInt8]) throws -> (ResponseValue, String?) {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        while let first = bytes.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "<") { return (.xml(Array(bytes)), nil) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("SAMLResponse=") {
            var value: String?
            var relay: String?
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                let raw = parts.count > 1 ? String(parts[1]) : ""
                let decoded = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
                if name == "SAMLResponse" {
                    guard value == nil else { throw Rejection(code: "invalidForm", detail: "SAMLResponse appears twice") }
                    value = decoded
                } else if name == "RelayState" {
                    relay = decoded
                }
            }
            return (.base64(value ?? ""), relay)
        }
        return (.base64(text), nil)
    }
}
