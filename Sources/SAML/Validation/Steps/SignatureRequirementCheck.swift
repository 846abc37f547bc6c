import Foundation

/// Step 9: the signatures that verified are the ones ``ServiceProvider/Options/signatureRequirement`` demands; at
/// least one always.
enum SignatureRequirementCheck {
    /// - Throws: ``SAMLError/signatureMissing(_:)`` naming what is missing.
    static func check(_ signed: VerifiedAssertion.SignedParts, requirement: ServiceProvider.SignatureRequirement) throws {
        switch requirement {
        case .assertionOrResponse:
            guard signed.response || signed.assertion else { throw SAMLError.signatureMissing(.responseOrAssertion) }
        case .assertion:
            guard signed.assertion else { throw SAMLError.signatureMissing(.assertion) }
        case .response:
            guard signed.response else { throw SAMLError.signatureMissing(.response) }
        case .both:
            guard signed.response else { throw SAMLError.signatureMissing(.response) }
            guard signed.assertion else { throw SAMLError.signatureMissing(.assertion) }
        }
    }
}
