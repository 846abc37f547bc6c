import ArgumentParser
import SAML

/// Who the SP is and which IdP it trusts: shared by `verify` and `verify-logout`.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("idp-metadata"), help: "The trusted IdP's metadata file.")
    var idpMetadata: String?

    @Option(name: .customLong("idp-entity-id"), help: "The IdP's entityID (selects it from an aggregate; required with --idp-cert).")
    var idpEntityID: String?

    @Option(name: .customLong("idp-cert"), help: "A trusted IdP signing certificate (PEM) instead of metadata; repeatable.")
    var idpCerts: [String] = []

    @Option(name: .customLong("sp-entity-id"), help: "The SP's entityID (the expected Audience).")
    var spEntityID: String

    func validate() throws {
        guard (idpMetadata == nil) != idpCerts.isEmpty else { throw ValidationError("give --idp-metadata or --idp-cert, not both") }
        if !idpCerts.isEmpty && idpEntityID == nil { throw ValidationError("--idp-cert needs --idp-entity-id") }
    }

    /// The trusted IdP, from its metadata or from pinned certificates.
    func identityProvider() throws -> IdPMetadata {
        if let idpMetadata { return try IdPMetadata(xml: try IO.read(idpMetadata), entityID: idpEntityID) }
        return IdPMetadata(entityID: idpEntityID!, signingCertificates: try idpCerts.map { try SAMLCertificate(pem: try IO.readText($0)) })
    }
}
