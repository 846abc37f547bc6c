import ArgumentParser
import SAML

/// The `ServiceProvider.Options` that concern responses (assertions) only: `verify`'s relaxations and requirements.
struct ResponseOptions: ParsableArguments {
    @Flag(name: .customLong("allow-idp-initiated"), help: "Accept unsolicited (IdP-initiated) responses. (allowUnsolicitedResponses)")
    var allowIdPInitiated = false

    @Flag(name: .customLong("allow-unsolicited-subject-in-response-to"),
          help: "With --allow-idp-initiated, accept a SubjectConfirmationData InResponseTo. (allowUnsolicitedSubjectConfirmationInResponseTo)")
    var allowUnsolicitedSubjectInResponseTo = false

    @Flag(name: .customLong("allow-missing-audience"), help: "Accept an assertion without AudienceRestriction. (allowMissingAudienceRestriction)")
    var allowMissingAudience = false

    @Flag(name: .customLong("allow-empty-reference-uri"), help: "Accept Reference URI=\"\" on a signature. (allowEmptyReferenceURI)")
    var allowEmptyReferenceURI = false

    @Flag(name: .customLong("allow-rsa1_5"), help: "Accept RSA PKCS#1 v1.5 key transport in encrypted assertions. (allowRSA1_5KeyTransport)")
    var allowRSA1_5 = false

    @Flag(name: .customLong("allow-tripledes"), help: "Accept Triple DES data encryption. (allowTripleDES)")
    var allowTripleDES = false

    @Flag(name: .customLong("require-encryption"), help: "Accept only EncryptedAssertion (needs --sp-key). (requireEncryptedAssertions)")
    var requireEncryption = false

    @Option(name: .customLong("require"), help: "Required signatures: assertionOrResponse (default), assertion, response, both. (signatureRequirement)")
    var require: String?

    func validate() throws {
        if let require, ServiceProvider.SignatureRequirement(rawValue: require) == nil { throw ValidationError("unknown --require \(require)") }
    }

    /// Applies these flags to `options`.
    func apply(to options: inout ServiceProvider.Options) {
        options.allowUnsolicitedResponses = allowIdPInitiated
        options.allowUnsolicitedSubjectConfirmationInResponseTo = allowUnsolicitedSubjectInResponseTo
        options.allowMissingAudienceRestriction = allowMissingAudience
        options.allowEmptyReferenceURI = allowEmptyReferenceURI
        options.allowRSA1_5KeyTransport = allowRSA1_5
        options.allowTripleDES = allowTripleDES
        options.requireEncryptedAssertions = requireEncryption
        if let require, let requirement = ServiceProvider.SignatureRequirement(rawValue: require) { options.signatureRequirement = requirement }
    }
}
