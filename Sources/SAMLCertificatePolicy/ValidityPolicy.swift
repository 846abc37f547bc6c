import Foundation
import SwiftASN1
import X509

/// Every certificate of the chain, trust anchor included, is within its validity period at a fixed instant (the
/// SP clock's, not the system time). The typed counterpart of `RFC5280Policy`'s expiry check, which runs beside it.
public struct ValidityPolicy: VerifierPolicy, Sendable {
    /// The instant the chain must be valid at.
    public let validationTime: Date
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    /// A check at `validationTime`.
    /// - Parameter validationTime: the instant to check validity at (the SP clock's `now()`).
    public init(validationTime: Date) { self.validationTime = validationTime }

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        evaluate(chain)
    }
}

extension ValidityPolicy: ChainCheck {
    func violation(in chain: [Certificate]) -> CertificatePolicyError? {
        for certificate in chain {
            if validationTime < certificate.notValidBefore {
                return .notYetValid(subject: certificate.subjectText, notBefore: certificate.notValidBefore, now: validationTime)
            }
            if validationTime > certificate.notValidAfter {
                return .expired(subject: certificate.subjectText, notAfter: certificate.notValidAfter, now: validationTime)
            }
        }
        return nil
    }
}
