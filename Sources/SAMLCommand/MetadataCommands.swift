import ArgumentParser
import Foundation
import SAML
import SAMLCertificatePolicy

struct IdPMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp-metadata",
        abstract: "Parse IdP metadata and print what the SP uses, as JSON."
    )

    @Argument(help: "The metadata file, or - for standard input.")
    var file: String

    @Option(name: .customLong("entity-id"), help: "The entity to take from an EntitiesDescriptor.")
    var entityID: String?

    @Option(name: .customLong("verify-signature"), help: "Require the metadata's root signature: by one of these pinned certificates (PEM), or by a KeyInfo certificate chaining to them as a CA bundle.")
    var verifySignature: String?

    struct Output: Encodable {
        let entityID: String
        let singleSignOnServices: [EndpointJSON]
        let singleLogoutServices: [EndpointJSON]
        let signingCertificates: [String]
        let encryptionCertificates: [String]
        let nameIDFormats: [String]
        let wantAuthnRequestsSigned: Bool
        let validUntil: Date?
        let cacheDuration: Double?
    }

    struct EndpointJSON: Encodable {
        let binding: String
        let location: String
    }

    func run() async throws {
        let xml = try IO.read(file)
        if let verifySignature {
            let trusted = try CAPolicy.certificates(inPEM: try IO.readText(verifySignature))
            do {
                try MetadataSignature.verify(xml, trusting: trusted)
            } catch SAMLError.signatureInvalid {
                // Not one of the pinned certificates: a KeyInfo certificate that chains to them as anchors, and then
                // verifies the signature, is accepted (the CA mode; KeyInfo alone is never trusted).
                let policy = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchors: trusted))
                var accepted = false
                for candidate in try MetadataSignature.keyInfoCertificates(xml) {
                    guard (try? await policy.evaluate(signingCertificate: candidate, metadataCertificates: [candidate], at: Date())) != nil else { continue }
                    try MetadataSignature.verify(xml, trusting: [candidate])
                    accepted = true
                    break
                }
                if !accepted { throw SAMLError.signatureInvalid }
            }
        }
        let idp = try IdPMetadata(xml: xml, entityID: entityID)
        try IO.printJSON(Output(
            entityID: idp.entityID,
            singleSignOnServices: idp.singleSignOnServices.map { EndpointJSON(binding: $0.binding.rawValue, location: $0.location) },
            singleLogoutServices: idp.singleLogoutServices.map { EndpointJSON(binding: $0.binding.rawValue, location: $0.location) },
            signingCertificates: idp.signingCertificates.map(\.base64),
            encryptionCertificates: idp.encryptionCertificates.map(\.base64),
            nameIDFormats: idp.nameIDFormats.map(\.rawValue),
            wantAuthnRequestsSigned: idp.wantAuthnRequestsSigned,
            validUntil: idp.validUntil,
            cacheDuration: idp.cacheDuration))
    }
}

struct SPMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sp-metadata",
        abstract: "Write the SP metadata XML an admin hands to the IdP."
    )

    @Option(name: .customLong("entity-id"), help: "The SP's entityID.")
    var entityID: String

    @Option(name: .customLong("acs-url"), help: "An AssertionConsumerService URL (HTTP-POST); repeat for more.")
    var acsURLs: [String]

    @Option(name: .customLong("slo-url"), help: "A SingleLogoutService URL (HTTP-Redirect).")
    var sloURL: String?

    @Option(name: .customLong("cert"), help: "PEM certificate published for signing.")
    var cert: String?

    @Option(name: .customLong("encryption-cert"), help: "PEM certificate published for encryption.")
    var encryptionCert: String?

    @Option(name: .customLong("sign-key"), help: "PEM private key that signs the metadata.")
    var signKey: String?

    @Option(name: .customLong("sign-cert"), help: "PEM certificate of --sign-key.")
    var signCert: String?

    @Option(name: .customLong("name-id-format"), help: "A NameIDFormat URI; repeat for more.")
    var nameIDFormats: [String] = []

    @Flag(name: .customLong("authn-requests-signed"), help: "Declare that the SP signs its AuthnRequests.")
    var authnRequestsSigned = false

    func validate() throws {
        guard !acsURLs.isEmpty else { throw ValidationError("at least one --acs-url is required") }
        guard (signKey == nil) == (signCert == nil) else { throw ValidationError("--sign-key and --sign-cert go together") }
    }

    func run() async throws {
        var signing: [SAMLCertificate] = []
        if let cert { signing.append(try SAMLCertificate(pem: try IO.readText(cert))) }
        var key: SigningKey?
        if let signKey, let signCert {
            let signingKey = try SigningKey(privateKeyPEM: try IO.readText(signKey), certificatePEM: try IO.readText(signCert))
            key = signingKey
            if let certificate = signingKey.certificate, !signing.contains(certificate) { signing.append(certificate) }
        }
        let metadata = SPMetadata(
            entityID: entityID,
            assertionConsumerServices: acsURLs.enumerated().map { IndexedEndpoint(binding: .httpPOST, location: $1, index: $0, isDefault: $0 == 0 ? true : nil) },
            singleLogoutServices: sloURL.map { [Endpoint(binding: .httpRedirect, location: $0)] } ?? [],
            authnRequestsSigned: authnRequestsSigned || key != nil,
            wantAssertionsSigned: true,
            signingCertificates: signing,
            encryptionCertificates: try encryptionCert.map { [try SAMLCertificate(pem: try IO.readText($0))] } ?? [],
            nameIDFormats: nameIDFormats.map(NameIDFormat.init(rawValue:)))
        print(try metadata.xml(signedWith: key), terminator: "")
    }
}

struct AuthnRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authn-request",
        abstract: "Build an AuthnRequest for the IdP: a Redirect URL or an auto-submitting POST form, as JSON."
    )

    enum BindingChoice: String, ExpressibleByArgument { case redirect, post }

    @Option(name: .customLong("idp-metadata"), help: "The IdP's metadata file.")
    var idpMetadata: String

    @Option(name: .customLong("idp-entity-id"), help: "The IdP to take from an EntitiesDescriptor.")
    var idpEntityID: String?

    @Option(name: .customLong("sp-entity-id"), help: "The SP's entityID (the request's Issuer).")
    var spEntityID: String

    @Option(name: .customLong("acs-url"), help: "The SP's AssertionConsumerService URL.")
    var acsURL: String

    @Option(name: .long, help: "redirect (default) or post.")
    var binding: BindingChoice = .redirect

    @Option(name: .customLong("relay-state"), help: "Opaque state returned by the IdP (at most 80 bytes).")
    var relayState: String?

    @Option(name: .customLong("sign-key"), help: "PEM private key that signs the request.")
    var signKey: String?

    @Option(name: .customLong("sign-cert"), help: "PEM certificate of --sign-key.")
    var signCert: String?

    @Option(name: .customLong("sig-alg"), help: "Signature algorithm URI (default RSA-SHA256, or ECDSA-SHA256 for EC keys).")
    var sigAlg: String?

    @Flag(name: .customLong("force-authn"), help: "Ask the IdP to authenticate again.")
    var forceAuthn = false

    @Flag(name: .customLong("is-passive"), help: "Ask the IdP not to interact with the user.")
    var isPassive = false

    @Option(name: .customLong("name-id-format"), help: "NameIDPolicy Format URI.")
    var nameIDFormat: String?

    @Option(name: .customLong("authn-context"), help: "RequestedAuthnContext class reference; repeat for more.")
    var authnContexts: [String] = []

    func validate() throws {
        guard (signKey == nil) == (signCert == nil) || signCert == nil else { throw ValidationError("--sign-cert needs --sign-key") }
    }

    struct Output: Encodable {
        let id: String
        let url: String?
        let html: String?
    }

    func run() async throws {
        let idp = try IdPMetadata(xml: try IO.read(idpMetadata), entityID: idpEntityID)
        let wanted: Binding = binding == .redirect ? .httpRedirect : .httpPOST
        let sp = SPMetadata(entityID: spEntityID, assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: acsURL, index: 0, isDefault: true)])
        let request = try AuthnRequest(
            serviceProvider: sp, identityProvider: idp, binding: wanted,
            nameIDPolicy: AuthnRequest.NameIDPolicy(format: nameIDFormat.map(NameIDFormat.init(rawValue:)), allowCreate: true),
            forceAuthn: forceAuthn, isPassive: isPassive,
            requestedAuthnContext: authnContexts.isEmpty ? nil : .init(comparison: .exact, classRefs: authnContexts.map(AuthnContextClass.init(rawValue:))))
        var key: SigningKey?
        if let signKey {
            key = try SigningKey(privateKeyPEM: try IO.readText(signKey), certificatePEM: try signCert.map(IO.readText),
                                 algorithm: sigAlg.map(SignatureAlgorithm.init(rawValue:)))
        }
        switch binding {
        case .redirect:
            try IO.printJSON(Output(id: request.id, url: try request.redirectURL(relayState: relayState, signingKey: key), html: nil))
        case .post:
            try IO.printJSON(Output(id: request.id, url: nil, html: try request.postForm(relayState: relayState, signingKey: key).html))
        }
    }
}
