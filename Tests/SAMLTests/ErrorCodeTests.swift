import Foundation
import SAML
import Testing

/// ``SAMLError/code`` and ``SAMLError/fault`` over one value of every case.
///
/// The list is guarded: ``ordinal(_:)`` switches over every case without a `default`, so a new case does not compile
/// until it has an ordinal, and ``listCoversEveryCase()`` fails until the list has a value at that ordinal.
@Suite("SAMLError codes and faults")
struct SAMLErrorCodeTests {
    static let t = Date(timeIntervalSince1970: 1_700_000_000)
    static let oneOfEachCase: [SAMLError] = [
        .emptyInput,
        .inputTooLarge(limit: 1, size: 1),
        .invalidBase64,
        .malformedXML(detail: "x"),
        .doctypeForbidden,
        .documentTooDeep(limit: 1),
        .unsupportedEncoding("x"),
        .unexpectedRoot(namespace: "x", name: "x"),
        .unsupportedVersion("x"),
        .inflateFailed,
        .inflatedTooLarge(limit: 1),
        .nulCharacter(offset: 1),
        .encodingMismatch(byteOrderMark: "x", declared: "x"),
        .malformedQuery("x"),
        .xmlIDForbidden,
        .invalidID("x"),
        .duplicateID("x"),
        .signatureMisplaced(parent: "x"),
        .multipleSignatures,
        .missingAssertion,
        .multipleAssertions(count: 1),
        .assertionMisplaced(parent: "x"),
        .unexpectedElement("x"),
        .encryptedAssertionNotSupported,
        .decryptionFailed,
        .encryptionAlgorithmNotAllowed("x"),
        .encryptionMalformed("x"),
        .encryptionRequired,
        .missingElement("x"),
        .missingAttribute(element: "x", attribute: "x"),
        .duplicateElement("x"),
        .signatureMissing(.assertion),
        .signatureMalformed(.missingSignedInfo),
        .referenceURIMismatch(expected: "x", found: "x"),
        .transformNotAllowed("x"),
        .algorithmNotAllowed("x"),
        .digestMismatch,
        .signatureInvalid,
        .signatureVerificationFailed(detail: "x"),
        .weakKey(bits: 1),
        .destinationMismatch(expected: ["x"], found: "x"),
        .inResponseToMismatch(expected: "x", found: "x"),
        .unsolicitedResponse,
        .statusNotSuccess(code: "x", subCodes: ["x"], message: "x"),
        .issuerMismatch(expected: "x", found: "x"),
        .unknownIssuer("x"),
        .signedResponseWithoutIssuer,
        .invalidIssuerFormat("x"),
        .messageParameterMismatch(parameter: "x", root: "x"),
        .responseFromUnexpectedIdP(expected: "x", found: "x"),
        .logoutRequestExpired(notOnOrAfter: t, now: t),
        .logoutMessageNotYetValid(issueInstant: t, now: t),
        .logoutMessageTooOld(issueInstant: t, now: t),
        .missingIssuer,
        .missingSubject,
        .missingNameID,
        .noBearerSubjectConfirmation,
        .recipientMismatch(expected: ["x"], found: "x"),
        .subjectConfirmationExpired(notOnOrAfter: t, now: t),
        .subjectConfirmationNotBefore,
        .subjectConfirmationMissingNotOnOrAfter,
        .assertionNotYetValid(notBefore: t, now: t),
        .assertionExpired(notOnOrAfter: t, now: t),
        .invalidTimeWindow(notBefore: t, notOnOrAfter: t),
        .unknownCondition("x"),
        .audienceMismatch(expected: "x", found: ["x"]),
        .missingAudienceRestriction,
        .missingAuthnStatement,
        .sessionExpired(sessionNotOnOrAfter: t, now: t),
        .replayDetected(assertionID: "x"),
        .replayCacheFull,
        .invalidTime("x"),
        .missingIDPSSODescriptor,
        .missingSPSSODescriptor,
        .entityNotFound("x"),
        .ambiguousEntity(["x"]),
        .duplicateEntityID("x"),
        .invalidCertificate("x"),
        .invalidEndpointURL("x"),
        .metadataExpired(validUntil: t, now: t),
        .invalidKey("x"),
        .signingFailed("x"),
        .invalidConfiguration("x"),
        .unsignedRequestRefused(identityProvider: "x"),
        .unknownIdentityProvider("x"),
        .noIdentityProvider,
        .requestStoreFull,
        .tooManyAttributes(limit: 1),
        .tooManyNamespaceDeclarations(limit: 1),
        .tooManyNodes(limit: 1),
        .tooManyEndpoints(element: "x", limit: 1),
    ]

    /// The case's position in ``oneOfEachCase``.
    static func ordinal(_ error: SAMLError) -> Int {
        switch error {
        case .emptyInput: 0
        case .inputTooLarge: 1
        case .invalidBase64: 2
        case .malformedXML: 3
        case .doctypeForbidden: 4
        case .documentTooDeep: 5
        case .unsupportedEncoding: 6
        case .unexpectedRoot: 7
        case .unsupportedVersion: 8
        case .inflateFailed: 9
        case .inflatedTooLarge: 10
        case .nulCharacter: 11
        case .encodingMismatch: 12
        case .malformedQuery: 13
        case .xmlIDForbidden: 14
        case .invalidID: 15
        case .duplicateID: 16
        case .signatureMisplaced: 17
        case .multipleSignatures: 18
        case .missingAssertion: 19
        case .multipleAssertions: 20
        case .assertionMisplaced: 21
        case .unexpectedElement: 22
        case .encryptedAssertionNotSupported: 23
        case .decryptionFailed: 24
        case .encryptionAlgorithmNotAllowed: 25
        case .encryptionMalformed: 26
        case .encryptionRequired: 27
        case .missingElement: 28
        case .missingAttribute: 29
        case .duplicateElement: 30
        case .signatureMissing: 31
        case .signatureMalformed: 32
        case .referenceURIMismatch: 33
        case .transformNotAllowed: 34
        case .algorithmNotAllowed: 35
        case .digestMismatch: 36
        case .signatureInvalid: 37
        case .signatureVerificationFailed: 38
        case .weakKey: 39
        case .destinationMismatch: 40
        case .inResponseToMismatch: 41
        case .unsolicitedResponse: 42
        case .statusNotSuccess: 43
        case .issuerMismatch: 44
        case .unknownIssuer: 45
        case .signedResponseWithoutIssuer: 46
        case .invalidIssuerFormat: 47
        case .messageParameterMismatch: 48
        case .responseFromUnexpectedIdP: 49
        case .logoutRequestExpired: 50
        case .logoutMessageNotYetValid: 51
        case .logoutMessageTooOld: 52
        case .missingIssuer: 53
        case .missingSubject: 54
        case .missingNameID: 55
        case .noBearerSubjectConfirmation: 56
        case .recipientMismatch: 57
        case .subjectConfirmationExpired: 58
        case .subjectConfirmationNotBefore: 59
        case .subjectConfirmationMissingNotOnOrAfter: 60
        case .assertionNotYetValid: 61
        case .assertionExpired: 62
        case .invalidTimeWindow: 63
        case .unknownCondition: 64
        case .audienceMismatch: 65
        case .missingAudienceRestriction: 66
        case .missingAuthnStatement: 67
        case .sessionExpired: 68
        case .replayDetected: 69
        case .replayCacheFull: 70
        case .invalidTime: 71
        case .missingIDPSSODescriptor: 72
        case .missingSPSSODescriptor: 73
        case .entityNotFound: 74
        case .ambiguousEntity: 75
        case .duplicateEntityID: 76
        case .invalidCertificate: 77
        case .invalidEndpointURL: 78
        case .metadataExpired: 79
        case .invalidKey: 80
        case .signingFailed: 81
        case .invalidConfiguration: 82
        case .unsignedRequestRefused: 83
        case .unknownIdentityProvider: 84
        case .noIdentityProvider: 85
        case .requestStoreFull: 86
        case .tooManyAttributes: 87
        case .tooManyNamespaceDeclarations: 88
        case .tooManyNodes: 89
        case .tooManyEndpoints: 90
        }
    }

    /// The codes the server is at fault for; every other case is the client's (a refused message).
    static let serverCodes: Set<String> = [
        "replayCacheFull", "requestStoreFull", "noIdentityProvider", "unknownIdentityProvider", "unsignedRequestRefused",
        "invalidConfiguration", "invalidKey", "signingFailed", "invalidCertificate", "invalidEndpointURL",
        "metadataExpired", "missingIDPSSODescriptor", "missingSPSSODescriptor", "entityNotFound", "ambiguousEntity",
        "duplicateEntityID", "tooManyEndpoints",
    ]

    @Test("The list holds exactly one value of every case, in declaration order")
    func listCoversEveryCase() {
        #expect(Self.oneOfEachCase.map(Self.ordinal) == Array(Self.oneOfEachCase.indices))
    }

    @Test("Every case has a non-empty code that is its name (what the reflection-derived code returned)", arguments: oneOfEachCase)
    func codeIsTheCaseName(_ error: SAMLError) {
        #expect(!error.code.isEmpty)
        #expect(error.code == caseName(error))
    }

    @Test("Codes are distinct")
    func codesAreDistinct() {
        let codes = Self.oneOfEachCase.map(\.code)
        #expect(Set(codes).count == codes.count)
    }

    @Test("The server's faults are configuration, keys, metadata, missing IdPs and full stores; the rest are the client's",
          arguments: oneOfEachCase)
    func fault(_ error: SAMLError) {
        let expected: Fault = Self.serverCodes.contains(error.code) ? .server : .client
        #expect(error.fault == expected)
        #expect(error.httpStatus == (expected == .client ? 403 : 500))
    }

    @Test("A missing metadata signature is the server's; a missing message signature the client's")
    func signatureMissingByElement() {
        #expect(SAMLError.signatureMissing(.metadata).fault == .server)
        for element in [SAMLError.SignedElement.response, .assertion, .responseOrAssertion, .logoutMessage] {
            #expect(SAMLError.signatureMissing(element).fault == .client)
        }
    }

    @Test("The protocol serves any of the library's errors")
    func existential() throws {
        let error: any Error = SAMLError.replayDetected(assertionID: "a")
        let coded = try #require(error as? any SAMLCodedError)
        #expect(coded.code == "replayDetected")
        #expect(coded.fault == .client)
    }
}

/// The case name as `String(describing:)` spells it: what `code` returned before it became an explicit mapping.
func caseName(_ value: some Error) -> String {
    let text = String(describing: value)
    return text.firstIndex(of: "(").map { String(text[..<$0]) } ?? text
}
