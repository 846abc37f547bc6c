import SwiftASN1
import X509

/// A chain check with a typed verdict. Each check is a `VerifierPolicy` (so swift-certificates' `Verifier` applies it
/// while building chains) and can also name the first ``CertificatePolicyError`` a chain commits (so a rejected chain
/// is reported with its typed case). Chains are ordered leaf first, trust anchor last.
protocol ChainCheck: VerifierPolicy {
    func violation(in chain: [Certificate]) -> CertificatePolicyError?
}

extension ChainCheck {
    func evaluate(_ chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        guard let error = violation(in: Array(chain)) else { return .meetsPolicy }
        return .failsToMeetPolicy(reason: String(describing: error))
    }
}
