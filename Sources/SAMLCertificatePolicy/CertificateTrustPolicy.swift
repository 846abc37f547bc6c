import Foundation
import SAML
@_spi(FixedExpiryValidationTime) import X509

/// Decides whether the certificate that verified a response is acceptable, on top of what `ServiceProvider`
/// already enforces (the signature verified with a key from the IdP's metadata, never one from the message).
///
/// ```swift
/// let assertion = try await acs.validate(samlResponse: form["SAMLResponse"] ?? "", expectedRequestID: requestID)
/// let policy = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchorsPEM: bundlePEM))
/// let report = try await policy.evaluate(assertion, identityProvider: idp, at: clock.now())
/// for warning in report.warnings { log.warning("\(warning)") }
/// ```
///
/// Both modes first require the signing certificate to be one of the metadata's certificates; the CA mode adds a
/// chain to a configured anchor and never replaces pinning. There is no mode that trusts any CA-issued certificate
/// a message carries in its KeyInfo: the API has no place to pass one.
public enum CertificateTrustPolicy: Sendable, Hashable {
    /// The signing certificate must be one of the metadata's (the default; what Entra ID's self-signed SAML signing
    /// certificates need). Self-signed is fine.
    ///
    /// A metadata certificate is only a container for the key (SAML V2.0 Metadata Interoperability Profile §2.5.1):
    /// its dates are reported, never enforced. Past its notAfter it is
    /// ``CertificateWarning/expiredPinnedCertificate(subject:notAfter:)``; before its notBefore
    /// ``CertificateWarning/notYetValidPinnedCertificate(subject:notBefore:daysUntilValid:)``. The key's size is the
    /// core's concern (`ServiceProvider.Options.minimumRSAKeyBits`, `SAMLError.weakKey(bits:)`), not this mode's.
    case pinned
    /// Pinned, and the signing certificate must chain to a configured anchor under the checks of
    /// ``evaluate(signingCertificate:metadataCertificates:at:)``.
    case certificateAuthority(CAPolicy)

    /// Evaluates the certificate that verified a response.
    ///
    /// CA mode, in order: the signing certificate is one of `metadataCertificates`; it is not self-signed; then
    /// swift-certificates' `Verifier` builds a chain to a trust anchor through the other metadata certificates and
    /// the policy's intermediates (all untrusted), applying `RFC5280Policy` at `now` (signatures, basicConstraints,
    /// path length, name constraints) with ``ValidityPolicy``, ``CertificateAuthorityPolicy``,
    /// ``SigningCertificatePolicy``, ``KeyStrengthPolicy`` and ``SignatureAlgorithmPolicy``. A rejected chain is
    /// reported with the first typed failure of those checks (validity, then CA constraints, leaf usage, key strength,
    /// signature algorithms). Pinned mode: only the first step; the signing certificate's dates become warnings.
    ///
    /// - Parameters:
    ///   - signingCertificate: `VerifiedAssertion.signingCertificate`.
    ///   - metadataCertificates: the IdP metadata's signing certificates (the pin set; in CA mode also offered as
    ///     intermediates). Those other than the signing one that cannot be read are reported as
    ///     ``CertificateWarning/unusableMetadataCertificate(_:)``.
    ///   - now: the SP clock's instant (certificate validity is never read from the system time).
    /// - Returns: the accepted chain, every metadata certificate's days to expiry, and warnings.
    /// - Throws: ``CertificatePolicyError/notPinned(subject:)``; ``CertificatePolicyError/weakKey(subject:bits:)`` or
    ///   ``CertificatePolicyError/invalidCertificate(detail:)`` when swift-certificates cannot read the signing
    ///   certificate (an RSA key below 2048 bits, which the core accepts with a lowered `minimumRSAKeyBits`: no
    ///   report can be made for it, though the message was valid);
    ///   CA mode also ``CertificatePolicyError/notYetValid(subject:notBefore:now:)``,
    ///   ``CertificatePolicyError/expired(subject:notAfter:now:)``, ``CertificatePolicyError/selfSignedLeafInCAMode(subject:)``,
    ///   ``CertificatePolicyError/signingCertificateIsCA(subject:)``, ``CertificatePolicyError/noPathToTrustAnchor(subject:)``,
    ///   ``CertificatePolicyError/notACertificateAuthority(subject:)``, ``CertificatePolicyError/missingKeyCertSign(subject:)``,
    ///   ``CertificatePolicyError/missingDigitalSignature(subject:)``, ``CertificatePolicyError/weakKey(subject:bits:)``,
    ///   ``CertificatePolicyError/weakSignatureAlgorithm(subject:oid:)``, ``CertificatePolicyError/chainUntrusted(reason:)``,
    ///   ``CertificatePolicyError/tooManyIntermediates(count:limit:)``.
    public func evaluate(signingCertificate: SAMLCertificate, metadataCertificates: [SAMLCertificate], at now: Date) async throws -> CertificateReport {
        let leaf = try Certificate(signingCertificate)
        guard metadataCertificates.contains(signingCertificate) else { throw CertificatePolicyError.notPinned(subject: leaf.subjectText) }
        // The other metadata certificates (rollover keys, intermediates) are reported, not required: one that cannot
        // be used is a warning, never a reason to reject a message signed with a good one.
        var warnings: [CertificateWarning] = []
        var metadata: [(SAMLCertificate, Certificate)] = []
        for certificate in metadataCertificates {
            if certificate == signingCertificate { metadata.append((certificate, leaf)); continue }
            do {
                let parsed = try Certificate(certificate)
                metadata.append((certificate, parsed))
                if now > parsed.notValidAfter { warnings.append(.expiredMetadataCertificate(subject: parsed.subjectText, notAfter: parsed.notValidAfter)) }
            } catch let error as CertificatePolicyError {
                warnings.append(.unusableMetadataCertificate(error))
            }
        }
        let summaries = metadata.map { CertificateSummary($0.0, parsed: $0.1, at: now) }
        let signing = CertificateSummary(signingCertificate, parsed: leaf, at: now)

        switch self {
        case .pinned:
            // Dates are warnings only (Metadata Interoperability Profile §2.5.1); the key size is the core's check.
            if now < leaf.notValidBefore, let days = signing.daysUntilValid {
                warnings.insert(.notYetValidPinnedCertificate(subject: leaf.subjectText, notBefore: leaf.notValidBefore, daysUntilValid: days), at: 0)
            }
            if now > leaf.notValidAfter {
                warnings.insert(.expiredPinnedCertificate(subject: leaf.subjectText, notAfter: leaf.notValidAfter), at: 0)
            }
            return CertificateReport(mode: .pinned, evaluatedAt: now, signingCertificate: signing, chain: [signing],
                                     metadataCertificates: summaries, warnings: warnings)

        case .certificateAuthority(let policy):
            if leaf.isSelfSigned { throw CertificatePolicyError.selfSignedLeafInCAMode(subject: leaf.subjectText) }
            // The metadata's other CA certificates are offered as intermediates, distinct and at most a few: the
            // publisher of the metadata is whom this mode does not trust, and certificates that all issue one
            // another would make the path search grow factorially. (A certificate without CA:TRUE could not be an
            // intermediate anyway: rollover signing certificates are not offered.)
            var seen: Set<SAMLCertificate> = [signingCertificate]
            let offered = metadata.filter { $0.1.isCertificateAuthority && seen.insert($0.0).inserted }.map(\.1)
            guard offered.count <= Self.maxMetadataIntermediates else {
                throw CertificatePolicyError.tooManyIntermediates(count: offered.count, limit: Self.maxMetadataIntermediates)
            }
            let untrusted = offered + policy.intermediateCertificates
            let chain = try await Self.validateChain(leaf: leaf, untrusted: untrusted, policy: policy, at: now)
            let chainSummaries = try chain.map { certificate in
                guard let der = SAMLCertificate(validated: certificate) else {
                    throw CertificatePolicyError.invalidCertificate(detail: "a chain certificate could not be re-encoded: \(certificate.subjectText)")
                }
                return CertificateSummary(der, parsed: certificate, at: now)
            }
            return CertificateReport(mode: .certificateAuthority, evaluatedAt: now, signingCertificate: signing,
                                     chain: chainSummaries, metadataCertificates: summaries, warnings: warnings)
        }
    }

    /// Evaluates the certificate that verified `assertion` against `identityProvider`'s metadata certificates
    /// (see ``evaluate(signingCertificate:metadataCertificates:at:)``).
    /// - Parameters:
    ///   - assertion: what `ServiceProvider` returned.
    ///   - identityProvider: the IdP that signed it (its signing certificates and the additional ones of its metadata
    ///     are the pin set).
    ///   - now: the SP clock's instant.
    /// - Throws: as ``evaluate(signingCertificate:metadataCertificates:at:)``.
    public func evaluate(_ assertion: VerifiedAssertion, identityProvider: IdPMetadata, at now: Date) async throws -> CertificateReport {
        try await evaluate(signingCertificate: assertion.signingCertificate,
                           metadataCertificates: identityProvider.signingCertificates + identityProvider.additionalCertificates, at: now)
    }

    /// The most distinct certificates, besides the signing one, taken from an IdP's metadata as intermediates.
    public static let maxMetadataIntermediates = 4

    /// The typed checks, in the order a rejected chain is diagnosed.
    static func checks(at now: Date) -> [any ChainCheck] {
        [ValidityPolicy(validationTime: now), CertificateAuthorityPolicy(), SigningCertificatePolicy(), KeyStrengthPolicy(), SignatureAlgorithmPolicy()]
    }

    private static func validateChain(leaf: Certificate, untrusted: [Certificate], policy: CAPolicy, at now: Date) async throws -> [Certificate] {
        var roots = CertificateStore(policy.anchorCertificates)
        if policy.includeSystemTrustRoots { roots = CertificateStore.systemTrustRoots.appending(contentsOf: policy.anchorCertificates) }
        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy(fixedExpiryValidationTime: now)
            ValidityPolicy(validationTime: now)
            CertificateAuthorityPolicy()
            SigningCertificatePolicy()
            KeyStrengthPolicy()
            SignatureAlgorithmPolicy()
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(untrusted)) {
        case .validCertificate(let chain):
            return Array(chain)
        case .couldNotValidate(let failures):
            guard let first = failures.first else { throw CertificatePolicyError.noPathToTrustAnchor(subject: leaf.subjectText) }
            let checks = Self.checks(at: now)
            for failure in failures {
                let chain = Array(failure.chain)
                if let error = checks.lazy.compactMap({ $0.violation(in: chain) }).first { throw error }
            }
            throw CertificatePolicyError.chainUntrusted(reason: first.policyFailureReason.description)
        }
    }
}

extension SAMLCertificate {
    /// A certificate that swift-certificates parsed (its DER is one well-formed certificate); nil should OpenSSL
    /// refuse swift-certificates' encoding of it (reported as `invalidCertificate`, never a trap).
    init?(validated certificate: Certificate) {
        do { try self.init(der: certificate.derBytes) } catch { return nil }
    }
}
