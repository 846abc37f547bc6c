import Foundation

/// Every way the `SAML` module rejects an input: one case per failed check, with typed payloads.
///
/// New cases may be added in minor releases as new checks are added; `switch` over this type with a
/// `default` branch. As a ``SAMLCodedError``, ``code`` names the case as a stable string (used by the `saml` tool and
/// in logs) and ``fault`` says whether the message was refused (HTTP 403) or the SP cannot work (5xx).
public enum SAMLError: Error, Hashable, Sendable {
    // MARK: Input and XML
    /// The input was empty.
    case emptyInput
    /// The input is larger than the configured cap.
    case inputTooLarge(limit: Int, size: Int)
    /// The input is not valid base64 (only whitespace may appear beside the alphabet).
    case invalidBase64
    /// The input is not well-formed XML (truncated, several roots, bad characters, ...). `detail` is libxml2's text.
    case malformedXML(detail: String)
    /// The document carries a DOCTYPE (SAML never needs one; rejecting it closes XXE and entity expansion).
    case doctypeForbidden
    /// The document nests elements deeper than the configured cap.
    case documentTooDeep(limit: Int)
    /// An element carries more attributes than ``XMLParsingLimits/maxAttributesPerElement`` (namespace declarations
    /// are not counted). Found by the scan of the raw bytes before libxml2 parses them.
    case tooManyAttributes(limit: Int)
    /// An element declares more namespaces than ``XMLParsingLimits/maxNamespaceDeclarationsPerElement``, or more than
    /// ``XMLParsingLimits/maxNamespaceDeclarationsInScope`` are in scope at one element (`limit` is the bound
    /// exceeded). Found by the scan of the raw bytes before libxml2 parses them.
    case tooManyNamespaceDeclarations(limit: Int)
    /// The document has more nodes (elements, attributes, namespace declarations, comments, processing instructions,
    /// CDATA sections) than its size allows (`limit`: ``XMLParsingLimits/maxNodes(forBytes:)``). Found by the scan
    /// of the raw bytes before libxml2 parses them.
    case tooManyNodes(limit: Int)
    /// The document declares an encoding other than UTF-8 or UTF-16.
    case unsupportedEncoding(String)
    /// The root element is not the one expected (namespace URI and local name as found).
    case unexpectedRoot(namespace: String?, name: String)
    /// The message's `Version` is not "2.0".
    case unsupportedVersion(String?)
    /// Raw DEFLATE data could not be inflated.
    case inflateFailed
    /// Inflated data would exceed the cap (a DEFLATE bomb).
    case inflatedTooLarge(limit: Int)
    /// The decoded document contains a NUL character at this byte offset (libxml2 would stop reading there, while
    /// other parsers and log readers would not).
    case nulCharacter(offset: Int)
    /// The byte-order mark and the XML declaration name different encodings (`byteOrderMark` is "UTF-8",
    /// "UTF-16LE" or "UTF-16BE"; `declared` as written).
    case encodingMismatch(byteOrderMark: String, declared: String)
    /// An HTTP-Redirect query string is malformed: a parameter appears twice, or a percent-escape is invalid.
    case malformedQuery(String)

    // MARK: IDs and structure
    /// An `xml:id` attribute appears in the document (libxml2 would treat it as an ID).
    case xmlIDForbidden
    /// A Response or Assertion has a missing ID, or one that is not an NCName.
    case invalidID(String?)
    /// Two elements carry the same ID value.
    case duplicateID(String)
    /// A `ds:Signature` is not the direct child of a SAML Response or Assertion.
    case signatureMisplaced(parent: String)
    /// One element carries more than one `ds:Signature` child.
    case multipleSignatures
    /// The Response carries no Assertion.
    case missingAssertion
    /// The Response carries more than one Assertion or EncryptedAssertion.
    case multipleAssertions(count: Int)
    /// An Assertion appears somewhere other than directly under the Response (or inside `saml:Advice`).
    case assertionMisplaced(parent: String)
    /// An element appears where the protocol does not allow it (a nested Response, say).
    case unexpectedElement(String)
    /// The Response carries an EncryptedAssertion (or an EncryptedID / EncryptedAttribute) and the SP has no
    /// decryption key configured.
    case encryptedAssertionNotSupported
    /// Decryption failed. One case for every cryptographic failure (wrong key, bad padding, bad tag, ...): the error
    /// never tells an attacker which (no padding oracle).
    case decryptionFailed
    /// An encryption algorithm outside the allow-list (rsa-1_5 unless allowed, unknown URIs, ...).
    case encryptionAlgorithmNotAllowed(String)
    /// The EncryptedData / EncryptedKey structure is not one the library accepts (CipherReference, a remote
    /// RetrievalMethod, several EncryptedData, ...).
    case encryptionMalformed(String)
    /// A plaintext assertion arrived and encrypted assertions are required.
    case encryptionRequired
    /// A required element is missing (`name` is its local name).
    case missingElement(String)
    /// A required attribute is missing or empty.
    case missingAttribute(element: String, attribute: String)
    /// An element that may appear at most once appears more often (`name` is its local name: `StatusCode`,
    /// `Conditions`, `NameID`, `OneTimeUse`, `ProxyRestriction`).
    case duplicateElement(String)

    // MARK: Signatures
    /// No signature covers the assertion the way the policy requires.
    case signatureMissing(SignedElement)
    /// A signature does not follow the SAML signature profile.
    case signatureMalformed(SignatureDefect)
    /// The Reference URI is not `#` followed by the ID of the Signature's parent.
    case referenceURIMismatch(expected: String, found: String?)
    /// A Reference transform outside the allow-list (enveloped-signature, exclusive c14n).
    case transformNotAllowed(String)
    /// A signature, digest or canonicalization algorithm outside the allow-list.
    case algorithmNotAllowed(String)
    /// The digest of the referenced element does not match `DigestValue`.
    case digestMismatch
    /// `SignatureValue` does not verify with any trusted key.
    case signatureInvalid
    /// xmlsec could not process the signature (canonicalization failure and the like).
    case signatureVerificationFailed(detail: String)
    /// The key that verified the signature is too weak: an RSA key below ``ServiceProvider/Options/minimumRSAKeyBits``
    /// or an EC key below P-256 (`bits` is the key's size).
    case weakKey(bits: Int)

    // MARK: Response
    /// `Destination` is missing (when required) or does not equal an ACS URL.
    case destinationMismatch(expected: [String], found: String?)
    /// `InResponseTo` does not match the request the SP sent.
    case inResponseToMismatch(expected: String?, found: String?)
    /// An unsolicited (IdP-initiated) response arrived and they are not allowed.
    case unsolicitedResponse
    /// The IdP reported a failure.
    case statusNotSuccess(code: String, subCodes: [String], message: String?)
    /// The Issuer is not the trusted IdP's entityID.
    case issuerMismatch(expected: String, found: String?)
    /// No trusted IdP has this entityID.
    case unknownIssuer(String?)
    /// A signed Response (or logout message) carries no Issuer (saml-profiles §4.1.4.2).
    case signedResponseWithoutIssuer
    /// An Issuer carries a Format other than `urn:oasis:names:tc:SAML:2.0:nameid-format:entity`.
    case invalidIssuerFormat(String)
    /// The message arrived in the binding parameter meant for the other kind (a LogoutResponse as `SAMLRequest`,
    /// or a LogoutRequest as `SAMLResponse`).
    case messageParameterMismatch(parameter: String, root: String)
    /// The response comes from a trusted IdP, but not from the one the answered request was sent to (`expected`, its
    /// entityID; `found`, the entityID of the IdP the response's Issuer selected). Checked when the IdP is
    /// selected, before any of its keys is used: another trusted IdP must not be able to complete a login that was
    /// started with this one.
    case responseFromUnexpectedIdP(expected: String, found: String)

    // MARK: Logout
    /// A LogoutRequest's NotOnOrAfter has passed (with the clock skew).
    case logoutRequestExpired(notOnOrAfter: Date, now: Date)
    /// A logout message's IssueInstant is in the future (beyond the clock skew).
    case logoutMessageNotYetValid(issueInstant: Date, now: Date)
    /// A logout message's IssueInstant is older than ``ServiceProvider/Options/maxLogoutMessageAge`` (plus the clock
    /// skew): a stale message is not acted on, and the replay cache need not remember IDs for longer.
    case logoutMessageTooOld(issueInstant: Date, now: Date)

    // MARK: Assertion
    /// The assertion has no Issuer.
    case missingIssuer
    /// The assertion has no Subject.
    case missingSubject
    /// The assertion's Subject has no (or an empty) NameID.
    case missingNameID
    /// No SubjectConfirmation with Method bearer.
    case noBearerSubjectConfirmation
    /// SubjectConfirmationData Recipient is missing or not an ACS URL.
    case recipientMismatch(expected: [String], found: String?)
    /// SubjectConfirmationData NotOnOrAfter has passed.
    case subjectConfirmationExpired(notOnOrAfter: Date, now: Date)
    /// SubjectConfirmationData carries NotBefore (forbidden for bearer confirmations).
    case subjectConfirmationNotBefore
    /// SubjectConfirmationData has no NotOnOrAfter.
    case subjectConfirmationMissingNotOnOrAfter
    /// Conditions NotBefore is in the future.
    case assertionNotYetValid(notBefore: Date, now: Date)
    /// Conditions NotOnOrAfter has passed.
    case assertionExpired(notOnOrAfter: Date, now: Date)
    /// Conditions NotBefore is at or after NotOnOrAfter: no instant satisfies them, whatever the skew.
    case invalidTimeWindow(notBefore: Date, notOnOrAfter: Date)
    /// Conditions carry a condition the SP does not understand (saml-core §2.5.1.5): `{namespace}name`, or the
    /// `xsi:type` of a `saml:Condition`.
    case unknownCondition(String)
    /// An AudienceRestriction does not name this SP.
    case audienceMismatch(expected: String, found: [String])
    /// The assertion has no AudienceRestriction.
    case missingAudienceRestriction
    /// The assertion has no AuthnStatement.
    case missingAuthnStatement
    /// AuthnStatement SessionNotOnOrAfter has passed.
    case sessionExpired(sessionNotOnOrAfter: Date, now: Date)
    /// This assertion ID (or LogoutRequest ID) from this IdP was accepted before.
    case replayDetected(assertionID: String)
    /// The replay cache is full of unexpired entries; accepting would open a replay window.
    case replayCacheFull
    /// A time value is not a valid xs:dateTime.
    case invalidTime(String)

    // MARK: Metadata and configuration
    /// The metadata has no IDPSSODescriptor supporting SAML 2.0.
    case missingIDPSSODescriptor
    /// The metadata has no SPSSODescriptor supporting SAML 2.0.
    case missingSPSSODescriptor
    /// No EntityDescriptor with this entityID in the document.
    case entityNotFound(String)
    /// An EntitiesDescriptor holds several candidates; name one with `entityID`.
    case ambiguousEntity([String])
    /// An aggregate holds two EntityDescriptors with this entityID: which key speaks for it cannot be decided.
    case duplicateEntityID(String)
    /// A role descriptor lists more endpoints of one kind (`element`: `SingleSignOnService`, `SingleLogoutService`,
    /// `AssertionConsumerService`) than the bound (1,000): real IdPs list a handful, and each costs a URL check.
    case tooManyEndpoints(element: String, limit: Int)
    /// A certificate is not a well-formed X.509 certificate.
    case invalidCertificate(String)
    /// An endpoint Location is not an absolute http(s) URL.
    case invalidEndpointURL(String)
    /// The metadata is past its validUntil.
    case metadataExpired(validUntil: Date, now: Date)
    /// A key could not be read or used.
    case invalidKey(String)
    /// Signing failed.
    case signingFailed(String)
    /// A configuration value is unusable.
    case invalidConfiguration(String)

    // MARK: Requests, login and runtime
    /// The IdP's metadata says `WantAuthnRequestsSigned="true"` and the SP has no signing key: an unsigned request
    /// would be refused there, so it is refused here when it is built.
    case unsignedRequestRefused(identityProvider: String)
    /// A login names an IdP that is not configured (or whose metadata is not loaded).
    case unknownIdentityProvider(String)
    /// No IdP is available to sign in with (none configured, or no metadata could be loaded yet).
    case noIdentityProvider
    /// The request store holds as many unexpired pending logins as it may; a new login is refused until some expire.
    case requestStoreFull

    /// Which element a required signature was missing from.
    public enum SignedElement: String, Hashable, Sendable {
        /// The Response.
        case response
        /// The Assertion.
        case assertion
        /// The Response or the Assertion (either would do).
        case responseOrAssertion
        /// A metadata document's root.
        case metadata
        /// A LogoutRequest or LogoutResponse: an enveloped signature (HTTP-POST) or a query-string signature
        /// (HTTP-Redirect).
        case logoutMessage
    }

    /// How a signature departs from the SAML signature profile (saml-core §5.4).
    public enum SignatureDefect: Hashable, Sendable {
        /// No `SignedInfo`.
        case missingSignedInfo
        /// More than one `SignedInfo`.
        case multipleSignedInfo
        /// No `SignatureValue`.
        case missingSignatureValue
        /// More than one `SignatureValue`.
        case multipleSignatureValues
        /// An empty `SignatureValue`.
        case emptySignatureValue
        /// No `Reference` in SignedInfo.
        case missingReference
        /// More than one `Reference` (the profile allows exactly one: the signed element).
        case multipleReferences
        /// A Reference without `DigestValue`.
        case missingDigestValue
        /// A Reference without `DigestMethod`.
        case missingDigestMethod
        /// No `SignatureMethod`.
        case missingSignatureMethod
        /// No `CanonicalizationMethod`.
        case missingCanonicalizationMethod
        /// A `ds:Object` (content the signature could cover instead of the element).
        case objectPresent
        /// The Reference lacks the enveloped-signature transform.
        case missingEnvelopedTransform
        /// The Reference has more transforms than enveloped-signature and exclusive c14n.
        case tooManyTransforms
        /// An element the profile does not allow inside the signature (its local name).
        case unexpectedElement(String)
        /// An exclusive c14n `InclusiveNamespaces PrefixList` names more prefixes (or bytes) than the bound (its
        /// cost inside libxml2/xmlsec grows quadratically).
        case inclusiveNamespacesTooLong(count: Int, limit: Int)
    }
}

extension SAMLError: SAMLCodedError {
    /// The case's name, spelled out per case: a stable string for logs, JSON and the `saml` tool's reports
    /// (``SAMLCodedError`` says what "stable" promises).
    public var code: String {
        switch self {
        case .emptyInput: "emptyInput"
        case .inputTooLarge: "inputTooLarge"
        case .invalidBase64: "invalidBase64"
        case .malformedXML: "malformedXML"
        case .doctypeForbidden: "doctypeForbidden"
        case .documentTooDeep: "documentTooDeep"
        case .tooManyAttributes: "tooManyAttributes"
        case .tooManyNamespaceDeclarations: "tooManyNamespaceDeclarations"
        case .tooManyNodes: "tooManyNodes"
        case .unsupportedEncoding: "unsupportedEncoding"
        case .unexpectedRoot: "unexpectedRoot"
        case .unsupportedVersion: "unsupportedVersion"
        case .inflateFailed: "inflateFailed"
        case .inflatedTooLarge: "inflatedTooLarge"
        case .nulCharacter: "nulCharacter"
        case .encodingMismatch: "encodingMismatch"
        case .malformedQuery: "malformedQuery"
        case .xmlIDForbidden: "xmlIDForbidden"
        case .invalidID: "invalidID"
        case .duplicateID: "duplicateID"
        case .signatureMisplaced: "signatureMisplaced"
        case .multipleSignatures: "multipleSignatures"
        case .missingAssertion: "missingAssertion"
        case .multipleAssertions: "multipleAssertions"
        case .assertionMisplaced: "assertionMisplaced"
        case .unexpectedElement: "unexpectedElement"
        case .encryptedAssertionNotSupported: "encryptedAssertionNotSupported"
        case .decryptionFailed: "decryptionFailed"
        case .encryptionAlgorithmNotAllowed: "encryptionAlgorithmNotAllowed"
        case .encryptionMalformed: "encryptionMalformed"
        case .encryptionRequired: "encryptionRequired"
        case .missingElement: "missingElement"
        case .missingAttribute: "missingAttribute"
        case .duplicateElement: "duplicateElement"
        case .signatureMissing: "signatureMissing"
        case .signatureMalformed: "signatureMalformed"
        case .referenceURIMismatch: "referenceURIMismatch"
        case .transformNotAllowed: "transformNotAllowed"
        case .algorithmNotAllowed: "algorithmNotAllowed"
        case .digestMismatch: "digestMismatch"
        case .signatureInvalid: "signatureInvalid"
        case .signatureVerificationFailed: "signatureVerificationFailed"
        case .weakKey: "weakKey"
        case .destinationMismatch: "destinationMismatch"
        case .inResponseToMismatch: "inResponseToMismatch"
        case .unsolicitedResponse: "unsolicitedResponse"
        case .statusNotSuccess: "statusNotSuccess"
        case .issuerMismatch: "issuerMismatch"
        case .unknownIssuer: "unknownIssuer"
        case .signedResponseWithoutIssuer: "signedResponseWithoutIssuer"
        case .invalidIssuerFormat: "invalidIssuerFormat"
        case .messageParameterMismatch: "messageParameterMismatch"
        case .responseFromUnexpectedIdP: "responseFromUnexpectedIdP"
        case .logoutRequestExpired: "logoutRequestExpired"
        case .logoutMessageNotYetValid: "logoutMessageNotYetValid"
        case .logoutMessageTooOld: "logoutMessageTooOld"
        case .missingIssuer: "missingIssuer"
        case .missingSubject: "missingSubject"
        case .missingNameID: "missingNameID"
        case .noBearerSubjectConfirmation: "noBearerSubjectConfirmation"
        case .recipientMismatch: "recipientMismatch"
        case .subjectConfirmationExpired: "subjectConfirmationExpired"
        case .subjectConfirmationNotBefore: "subjectConfirmationNotBefore"
        case .subjectConfirmationMissingNotOnOrAfter: "subjectConfirmationMissingNotOnOrAfter"
        case .assertionNotYetValid: "assertionNotYetValid"
        case .assertionExpired: "assertionExpired"
        case .invalidTimeWindow: "invalidTimeWindow"
        case .unknownCondition: "unknownCondition"
        case .audienceMismatch: "audienceMismatch"
        case .missingAudienceRestriction: "missingAudienceRestriction"
        case .missingAuthnStatement: "missingAuthnStatement"
        case .sessionExpired: "sessionExpired"
        case .replayDetected: "replayDetected"
        case .replayCacheFull: "replayCacheFull"
        case .invalidTime: "invalidTime"
        case .missingIDPSSODescriptor: "missingIDPSSODescriptor"
        case .missingSPSSODescriptor: "missingSPSSODescriptor"
        case .entityNotFound: "entityNotFound"
        case .ambiguousEntity: "ambiguousEntity"
        case .duplicateEntityID: "duplicateEntityID"
        case .tooManyEndpoints: "tooManyEndpoints"
        case .invalidCertificate: "invalidCertificate"
        case .invalidEndpointURL: "invalidEndpointURL"
        case .metadataExpired: "metadataExpired"
        case .invalidKey: "invalidKey"
        case .signingFailed: "signingFailed"
        case .invalidConfiguration: "invalidConfiguration"
        case .unsignedRequestRefused: "unsignedRequestRefused"
        case .unknownIdentityProvider: "unknownIdentityProvider"
        case .noIdentityProvider: "noIdentityProvider"
        case .requestStoreFull: "requestStoreFull"
        }
    }

    /// Whose fault the error is (``SAMLCodedError`` has the rule): the server's for configuration, keys, IdP
    /// metadata, a missing IdP, unsigned metadata and full stores; the client's for every refused message.
    public var fault: Fault {
        switch self {
        case .signatureMissing(let element): element == .metadata ? .server : .client
        case .emptyInput, .inputTooLarge, .invalidBase64, .malformedXML, .doctypeForbidden, .documentTooDeep,
             .tooManyAttributes, .tooManyNamespaceDeclarations, .tooManyNodes,
             .unsupportedEncoding, .unexpectedRoot, .unsupportedVersion, .inflateFailed, .inflatedTooLarge,
             .nulCharacter, .encodingMismatch, .malformedQuery, .xmlIDForbidden, .invalidID, .duplicateID, .signatureMisplaced,
             .multipleSignatures, .missingAssertion, .multipleAssertions, .assertionMisplaced, .unexpectedElement,
             .encryptedAssertionNotSupported, .decryptionFailed, .encryptionAlgorithmNotAllowed,
             .encryptionMalformed, .encryptionRequired, .missingElement, .missingAttribute, .duplicateElement,
             .signatureMalformed, .referenceURIMismatch, .transformNotAllowed, .algorithmNotAllowed,
             .digestMismatch, .signatureInvalid, .signatureVerificationFailed, .weakKey, .destinationMismatch,
             .inResponseToMismatch, .unsolicitedResponse, .statusNotSuccess, .issuerMismatch, .unknownIssuer,
             .signedResponseWithoutIssuer, .invalidIssuerFormat, .messageParameterMismatch,
             .responseFromUnexpectedIdP, .logoutRequestExpired, .logoutMessageNotYetValid, .logoutMessageTooOld,
             .missingIssuer, .missingSubject, .missingNameID, .noBearerSubjectConfirmation, .recipientMismatch,
             .subjectConfirmationExpired, .subjectConfirmationNotBefore, .subjectConfirmationMissingNotOnOrAfter,
             .assertionNotYetValid, .assertionExpired, .invalidTimeWindow, .unknownCondition, .audienceMismatch,
             .missingAudienceRestriction, .missingAuthnStatement, .sessionExpired, .replayDetected, .invalidTime:
            .client
        case .replayCacheFull, .missingIDPSSODescriptor, .missingSPSSODescriptor, .entityNotFound,
             .ambiguousEntity, .duplicateEntityID, .tooManyEndpoints, .invalidCertificate, .invalidEndpointURL, .metadataExpired,
             .invalidKey, .signingFailed, .invalidConfiguration, .unsignedRequestRefused, .unknownIdentityProvider,
             .noIdentityProvider, .requestStoreFull:
            .server
        }
    }
}

extension SAMLError {
    /// The case with its payload, for logs and the tool's `detail` field: one line (control characters and Unicode
    /// line separators are escaped), with echoed input capped (see ``cappingEchoes()``).
    public var detail: String {
        var out = ""
        for scalar in String(describing: cappingEchoes()).replacingOccurrences(of: "SAML.SAMLError.", with: "").unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator, .format:
                out += scalar.escaped(asASCII: true)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
