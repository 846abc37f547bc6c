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
            RESPONSE_FILE holds raw XML (UTF-8 or UTF-16, with or without a byte-order mark, passed on unchanged), \
            the base64 SAMLResponse value, or a form body SAMLResponse=...&RelayState=... (recognised from the \
            first bytes; --input names the form instead).

            The verdict is ServiceProvider.validate's, with the options the flags name. Exit 0 with the assertion \
            as JSON, plus "certificates" and "warnings" (informational; warnings also on stderr as `warning: ...`); \
            exit 1 with {"rejected": "<error case>", "detail": "..."} on stdout and one line on stderr; exit 2 on \
            usage errors.
            """
    )

    @Argument(help: "The response file, or - for standard input.")
    var responseFile: String

    @Option(name: .long, help: "How to read RESPONSE_FILE: auto (default: recognised from its first bytes), xml, base64, form.")
    var input: ResponseInput.Format = .auto

    @OptionGroup var trust: TrustOptions

    @Option(name: .customLong("acs-url"), help: "The SP's ACS URL (expected Destination and Recipient); repeatable.")
    var acsURLs: [String]

    @Option(name: .customLong("in-response-to"), help: "The ID of the AuthnRequest this response answers.")
    var inResponseTo: String?

    @OptionGroup var validation: ValidationOptions

    @OptionGroup var response: ResponseOptions

    @Option(name: .customLong("sp-key"), help: "An SP private key (PEM) that decrypts EncryptedAssertion/EncryptedID/EncryptedAttribute; repeatable.")
    var spKeys: [String] = []

    @Option(name: .customLong("map"), help: "Map attributes with a preset (azure-ad, webex, adfs, okta, shibboleth, keycloak) or a JSON mapping FILE; adds \"mapped\".")
    var map: String?

    @Option(name: .customLong("require-ca"), help: "Also require the signing certificate to chain to a trust anchor in this PEM bundle (checked inside validation).")
    var requireCA: String?

    func validate() throws {
        guard !acsURLs.isEmpty else { throw ValidationError("--acs-url is required") }
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
        let mapped: MappedUser.Flattened?
        /// Omitted when the report could not be made (a warning says why).
        let certificates: [CertificateJSON]?
        let warnings: [String]
    }

    struct CertificateJSON: Encodable {
        let subject: String
        let notAfter: Date
        let daysToExpiry: Int
        /// Only when notBefore is still ahead.
        let notBefore: Date?
        let daysUntilValid: Int?

        init(_ summary: CertificateSummary) {
            subject = summary.subject
            notAfter = summary.notAfter
            daysToExpiry = summary.daysToExpiry
            daysUntilValid = summary.daysUntilValid
            notBefore = summary.daysUntilValid == nil ? nil : summary.notBefore
        }
    }

    func run() async throws {
        let input = try ResponseInput(try IO.read(responseFile), format: input)
        let idp = try trust.identityProvider()
        var options = ServiceProvider.Options()
        validation.apply(to: &options)
        response.apply(to: &options)
        let clock = validation.clock
        let decryptionKeys = try spKeys.map { try DecryptionKey(privateKeyPEM: try IO.readText($0)) }
        let policy: CertificateTrustPolicy = try requireCA.map { .certificateAuthority(try CAPolicy(trustAnchorsPEM: try IO.readText($0))) } ?? .pinned
        let mapping: AttributeMapping? = try map.map { name in
            if let preset = AttributeMapping.presets[name] { return preset }
            return try AttributeMapping(json: try IO.read(name))
        }
        let sp = try ServiceProvider(entityID: trust.spEntityID, assertionConsumerServiceURLs: acsURLs, identityProviders: [idp],
                                     options: options, clock: clock, decryptionKeys: decryptionKeys,
                                     signingCertificateCheck: requireCA == nil ? nil : policy)
        // The verdict is validate's alone (the CA policy, when asked for, runs inside it).
        let assertion: VerifiedAssertion
        switch input {
        case .xml(let bytes):
            assertion = try await sp.validate(responseXML: bytes, expectedRequestID: inResponseTo)
        case .base64(let text, let relayState):
            assertion = try await sp.validate(samlResponse: text, relayState: relayState, expectedRequestID: inResponseTo)
        }
        let mapped = try mapping?.map(assertion)
        // After a valid response nothing rejects: the certificate report is informational, and a report that
        // cannot be made (swift-certificates refusing what OpenSSL accepted) is one more warning.
        var warnings: [String] = []
        var certificates: [CertificateJSON]?
        do {
            let report = try await policy.evaluate(assertion, identityProvider: idp, at: clock.now())
            certificates = report.metadataCertificates.map(CertificateJSON.init)
            warnings = report.warnings.map(\.description)
        } catch {
            let reason = Rejection(error).map { "\($0.code): \($0.detail)" } ?? String(describing: error)
            warnings.append("certificateReportUnavailable: \(reason)")
        }
        warnings = warnings.map { Rejection.oneLine($0) }
        var attributes: [String: [String]] = [:]
        for attribute in assertion.attributes { attributes[attribute.name, default: []].append(contentsOf: attribute.values) }
        try IO.printJSON(Output(
            issuer: assertion.issuer,
            nameID: .init(value: assertion.nameID.value, format: assertion.nameID.format?.rawValue),
            sessionIndex: assertion.sessionIndex, authnInstant: assertion.authnInstant,
            notOnOrAfter: assertion.notOnOrAfter, audiences: assertion.audiences, attributes: attributes,
            relayState: assertion.relayState, mapped: mapped?.flattened, certificates: certificates, warnings: warnings))
        for warning in warnings { SAMLTool.warn(warning) }
    }
}
