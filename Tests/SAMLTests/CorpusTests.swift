import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// Real-world documents from other projects' public test suites (`../shared/corpus/`, described by its
/// manifest.json). Every verdict must match. The SP's parameters come from the manifest, never from the document under
/// test: an entry whose source ran every check (`check_scope: full`) is validated completely with the manifest's
/// entityID, ACS URL and InResponseTo; every other entry — the source checked only the signature, or the manifest pins
/// no SP parameters the source checked — is tested signature-only, through the library's own signature path, and says
/// so. Where swift-saml is stricter on purpose (SHA-1 is refused by default), the test shows the strict rejection and
/// then the verdict under the named option; where the source needed one of its own options (`requires_option`), the
/// test shows that swift-saml's equivalent setting is what decides.
@Suite("Real-world corpus", .enabled(if: Corpus.runs, "needs ../shared/corpus: skipped with a printed reason outside CI; in CI (CI=true) a missing corpus fails"))
struct CorpusTests {
    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        let id: String
        let file: String
        let kind: String
        let source_repo: String
        let expected: String
        let expected_reason: String?
        let verify_cert: String?
        let sp_entity_id: String?
        let acs_url: String?
        let in_response_to: String?
        let valid_at: String?
        let encrypted: Bool?
        let sp_private_key: String?
        let check_scope: String?
        let requires_option: String?
        var testDescription: String { id }
    }

    /// The manifest's entries; empty when the corpus is absent (then ``manifestIsReadable`` fails in CI, and the suite
    /// is skipped elsewhere), so the parameterised tests below never silently run zero cases.
    static let entries: [Entry] = (try? loadEntries()) ?? []

    /// The error each invalid item is rejected with: the first check, in swift-saml's fixed order, that the document
    /// fails. Usually the defect the source named (a digest mismatch for content altered after signing); otherwise an
    /// earlier defect of the same document: python3-saml's strict-mode samples are also unsigned (signatureMissing)
    /// or lack a Status (missingElement), and node-saml's encrypted sample has an Assertion Issuer other than the
    /// Response's, which is compared before the Assertion's (invalid) signature is verified. A document rejected for
    /// another reason — a harness mistake, a changed check order — fails here.
    static let rejections: [String: String] = [
        "node-saml-logout-request-with-bad-signature": "digestMismatch",
        "node-saml-logout-request-with-bad-expiration": "logoutRequestExpired",
        "node-saml-invalid-root-signed-multiple-root-elements": "malformedXML",
        "node-saml-invalid-root-unsigned-assertion-unsigned": "signatureMissing",
        "node-saml-invalid-root-signed-assertion-signed": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-unsigned": "digestMismatch",
        "node-saml-invalid-root-unsigned-assertion-signed": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-invalidly-signed": "digestMismatch",
        "node-saml-invalid-root-signed-transforms-assertion-unsigned": "signatureMalformed",
        "node-saml-invalid-root-unsigned-assertion-signed-transforms": "signatureMalformed",
        "node-saml-invalid-root-resigned-by-attacker-assertion-unsigned-attackers-cert-at-keyinfo": "signatureInvalid",
        "node-saml-invalid-root-unsigned-assertion-unsigned-1advice-unsigned": "signatureMissing",
        "node-saml-invalid-root-signed-assertion-signed-1advice-signed": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-signed-1advice-unsigned": "digestMismatch",
        "node-saml-invalid-root-unsigned-assertion-signed-1advice-signed": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-unsigned-1advice-unsigned": "digestMismatch",
        "node-saml-invalid-root-unsigned-assertion-signed-1advice-unsigned": "digestMismatch",
        "node-saml-invalid-root-unsigned-assertion-unsigned-2advice-unsigned": "signatureMissing",
        "node-saml-invalid-root-signed-assertion-invalidly-signed-encrypted": "issuerMismatch",
        "node-saml-invalid-root-signed-assertion-signed-2advice-signed": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-signed-2advice-unsigned": "digestMismatch",
        "node-saml-invalid-root-signed-assertion-unsigned-2advice-unsigned": "digestMismatch",
        "py3saml-response4-wrapping": "multipleAssertions",
        "py3saml-response1-bad-reference": "digestMismatch",
        "py3saml-wrapped-response-2": "signatureMisplaced",
        "py3saml-signature-wrapping-attack": "duplicateID",
        "py3saml-no-key": "signatureMalformed",
        "py3saml-multiple-assertions": "multipleAssertions",
        "py3saml-expired-response": "signatureMissing",
        "py3saml-valid-response-wrong-cert": "signatureInvalid",
        "py3saml-invalid-audience": "signatureMissing",
        "py3saml-invalid-subjectconfirmation-recipient": "signatureMissing",
        "py3saml-not-after-failed": "missingElement",
        "py3saml-not-before-failed": "missingElement",
        "py3saml-no-saml2": "unexpectedRoot",
        "py3saml-no-id": "missingElement",
        "py3saml-encrypted-attrs": "signatureMissing",
        "py3saml-invalid-issuer-assertion": "issuerMismatch",
        "py3saml-no-signature": "signatureMissing",
        "py3saml-status-code-responder": "statusNotSuccess",
    ]

    static func loadEntries() throws -> [Entry] {
        let data = try Data(contentsOf: Corpus.directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode([Entry].self, from: data)
    }

    @Test func manifestIsReadable() throws {
        try #require(Corpus.isPresent, "no \(Corpus.directory.path)/manifest.json: in CI the real-world corpus must be present")
        let entries = try Self.loadEntries()
        // Each parameterised test below runs the cases counted here, and each way of checking has cases.
        #expect(entries.filter { $0.kind == "response" }.count >= 71, "\(entries.count) entries")
        #expect(entries.filter { $0.kind == "logout" }.count >= 3)
        #expect(entries.filter { $0.kind.hasSuffix("-metadata") }.count >= 15)
        let responses = entries.filter { $0.kind == "response" }
        #expect(responses.filter { if case .full = Self.scope($0) { true } else { false } }.count >= 12)
        #expect(responses.filter { if case .signatureOnly = Self.scope($0) { true } else { false } }.count >= 59)
        #expect(entries.filter { $0.requires_option != nil }.count >= 11)
        // Every invalid response and logout message names the error it is rejected with (or why it cannot be).
        for entry in entries where (entry.kind == "response" || entry.kind == "logout") && entry.expected == "invalid" {
            #expect(Self.rejections[entry.id] != nil || Self.invalidBeyondSignatureOnly[entry.id] != nil, "\(entry.id) has no expected rejection")
        }
    }

    static func bytes(_ entry: Entry) throws -> [UInt8] {
        let raw = Array(try Data(contentsOf: Corpus.directory.appendingPathComponent(entry.file)))
        guard entry.file.hasSuffix(".base64") else { return raw }
        return try Base64.decode(raw)
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: Corpus.directory.appendingPathComponent(relative)), as: UTF8.self)
    }

    // MARK: What is checked

    /// How an entry is checked: completely with the manifest's SP parameters, or its signatures only.
    enum Scope {
        case full(spEntityID: String, acsURL: String, inResponseTo: String?)
        case signatureOnly(why: String)
    }

    /// `full` only when the source ran every check and the manifest gives real SP parameters (not `{audience}`-style
    /// placeholders). Otherwise the manifest's SP values were read from the document (`signature-only`) or were never
    /// checked by the source (node-saml's fixtures: `audience: false`, InResponseTo not checked, and a callback URL
    /// other than the documents' Destination), and validating against them would test the document against itself.
    static func scope(_ entry: Entry) -> Scope {
        switch entry.check_scope {
        case "full":
            guard let sp = entry.sp_entity_id, !sp.hasPrefix("{"), let acs = entry.acs_url, !acs.hasPrefix("{"),
                  URLMatching.components(acs) != nil else {
                return .signatureOnly(why: "check_scope full, but the manifest's SP parameters are placeholders")
            }
            return .full(spEntityID: sp, acsURL: acs, inResponseTo: entry.in_response_to)
        case "signature-only":
            return .signatureOnly(why: "the source checked only the signature; the manifest's SP parameters were read from the document")
        default:
            return .signatureOnly(why: "the manifest pins no SP parameters the source checked (no check_scope)")
        }
    }

    /// The IdP entityID to trust with the manifest's certificate: the document's Issuer, as the manifest's README
    /// prescribes when no IdP metadata is given (the Response's, else the first Issuer, else the decrypted Assertion's).
    /// It picks the key; a wrong one only makes the entry fail.
    static func documentIssuer(_ entry: Entry, xml: [UInt8]) throws -> String? {
        func issuer(_ xml: [UInt8]) -> String? {
            guard let doc = try? ParsedXML.parse(xml, limits: .metadata, checkDepth: false) else { return nil }
            return doc.withRoot { root in
                if let direct = XMLTree.firstChild(root, NS.assertionURI, "Issuer") { return XMLTree.trimmedText(direct) }
                var stack = [root]
                while let node = stack.popLast() {
                    if XMLTree.isElement(node, NS.assertionURI, "Issuer") { return XMLTree.trimmedText(node) }
                    stack.append(contentsOf: XMLTree.children(node).reversed())
                }
                return nil
            }
        }
        if let found = issuer(xml) { return found }
        let keys = try Self.keys(entry, xml: xml)
        guard !keys.isEmpty, let doc = try? ParsedXML.parse(xml, limits: .metadata, checkDepth: false) else { return nil }
        let decryptor = Decryptor(keys: keys, allowRSA1_5: true, allowTripleDES: true, limits: .metadata)
        let decrypted = doc.withRoot { root in
            XMLTree.firstChild(root, NS.assertionURI, "EncryptedAssertion").flatMap { try? decryptor.decrypt($0, expecting: NS.assertionURI, "Assertion") }
        }
        guard let decrypted, let text = decrypted.withPointer({ decrypted.document.canonicalXML(of: $0) }) else { return nil }
        return issuer(Array(text.utf8))
    }

    /// Relaxations swift-saml refuses by default, each with the strict error it gives first.
    enum Relaxation: String, CaseIterable {
        case allowSHA1, allowMissingAudienceRestriction, allowEmptyReferenceURI, allowRSA1_5KeyTransport, allowTripleDES
        /// `minimumRSAKeyBits = 1024`: OneLogin's and other demo IdPs sign with RSA-1024.
        case allowRSA1024
        /// An unsolicited response whose SubjectConfirmationData answers some request (python3-saml accepts it).
        case allowUnsolicitedSubjectConfirmationInResponseTo
        var strictError: String {
            switch self {
            case .allowRSA1_5KeyTransport, .allowTripleDES: return "encryptionAlgorithmNotAllowed"
            case .allowRSA1024: return "weakKey"
            case .allowUnsolicitedSubjectConfirmationInResponseTo: return "inResponseToMismatch"
            case .allowSHA1: return "algorithmNotAllowed"
            case .allowMissingAudienceRestriction: return "missingAudienceRestriction"
            case .allowEmptyReferenceURI: return "referenceURIMismatch"
            }
        }
    }

    static func options(_ relaxations: Set<Relaxation>, requirement: ServiceProvider.SignatureRequirement) -> ServiceProvider.Options {
        var options = ServiceProvider.Options()
        options.signatureRequirement = requirement
        options.allowSHA1 = relaxations.contains(.allowSHA1)
        options.allowMissingAudienceRestriction = relaxations.contains(.allowMissingAudienceRestriction)
        options.allowEmptyReferenceURI = relaxations.contains(.allowEmptyReferenceURI)
        options.allowRSA1_5KeyTransport = relaxations.contains(.allowRSA1_5KeyTransport)
        options.allowTripleDES = relaxations.contains(.allowTripleDES)
        if relaxations.contains(.allowRSA1024) { options.minimumRSAKeyBits = 1024 }
        options.allowUnsolicitedSubjectConfirmationInResponseTo = relaxations.contains(.allowUnsolicitedSubjectConfirmationInResponseTo)
        options.maxResponseBytes = 1 << 20
        return options
    }

    /// The SP key for an encrypted document: the manifest's, else the one the same source's other entries use
    /// (python3-saml's signature-only tests never decrypt, so their entries name no key).
    static func decryptionKeyPath(_ entry: Entry, xml: [UInt8]) -> String? {
        if let key = entry.sp_private_key { return key }
        guard String(decoding: xml, as: UTF8.self).contains("EncryptedAssertion") else { return nil }
        let folder = entry.file.split(separator: "/").first.map(String.init) ?? ""
        return entries.first { $0.file.hasPrefix(folder + "/") && $0.sp_private_key != nil }?.sp_private_key
    }

    static func keys(_ entry: Entry, xml: [UInt8]) throws -> [DecryptionKey] {
        guard let path = decryptionKeyPath(entry, xml: xml) else { return [] }
        return [try DecryptionKey(privateKeyPEM: try text(path))]
    }

    /// A ServiceProvider trusting the manifest's certificate under the document's Issuer, on the manifest's clock.
    static func serviceProvider(_ entry: Entry, xml: [UInt8], entityID: String, acsURL: String, sloURL: String? = nil,
                                options: ServiceProvider.Options) throws -> ServiceProvider {
        let certificate = try SAMLCertificate(pem: try text(try #require(entry.verify_cert, "\(entry.id) names no verify_cert")))
        let idp = IdPMetadata(entityID: try documentIssuer(entry, xml: xml) ?? "urn:corpus:idp", signingCertificates: [certificate])
        return try ServiceProvider(entityID: entityID, assertionConsumerServiceURLs: [acsURL], singleLogoutServiceURLs: sloURL.map { [$0] } ?? [],
                                   identityProviders: [idp], options: options,
                                   clock: FixedClock(XSDateTime.parseOrNil(entry.valid_at ?? "") ?? Date()),
                                   decryptionKeys: try keys(entry, xml: xml))
    }

    /// Complete validation with the manifest's SP parameters only.
    static func validate(_ entry: Entry, xml: [UInt8], spEntityID: String, acsURL: String, inResponseTo: String?,
                         relaxations: Set<Relaxation>, requirement: ServiceProvider.SignatureRequirement) async throws -> String {
        var options = Self.options(relaxations, requirement: requirement)
        options.allowUnsolicitedResponses = inResponseTo == nil
        let sp = try serviceProvider(entry, xml: xml, entityID: spEntityID, acsURL: acsURL, options: options)
        let assertion = try await sp.validate(responseXML: xml, expectedRequestID: inResponseTo)
        return "accepted nameID=\(assertion.nameID.value)"
    }

    /// The response's signatures only, through the validator's own steps up to the signature requirement
    /// (``ResponseValidator``: root and version, status, the structure walk, the Response's Issuer selecting the
    /// trusted IdP and its signature, decryption, the Assertion's Issuer and signature, the signature requirement).
    /// Nothing that needs the SP's entityID, ACS URL or a request ID runs, so the SP's own values here are inert.
    static func verifySignatures(_ entry: Entry, xml: [UInt8], relaxations: Set<Relaxation>,
                                 requirement: ServiceProvider.SignatureRequirement) throws -> String {
        let options = Self.options(relaxations, requirement: requirement)
        let sp = try serviceProvider(entry, xml: xml, entityID: "urn:corpus:signature-only", acsURL: "https://corpus.invalid/acs", options: options)
        let now = sp.clock.now()
        let validator = ResponseValidator(serviceProvider: sp, now: now, expectedRequestID: nil, relayState: nil)
        let doc = try ParsedXML.parse(xml, limits: validator.limits, checkDepth: false)
        let signed = try doc.withRoot { response in
            let selection = IssuerSelection(sp: sp, now: now, expectedIssuer: nil)
            try RootCheck.check(response)
            try StatusCheck.check(response)
            let structure = try StructureWalk(document: doc, root: response, profile: .response, maxDepth: options.maxDepth)
            let responseIssuer = try IssuerSelection.issuer(of: response)
            let responseSigned = try ResponseSignatureCheck.check(response, issuer: responseIssuer, walk: structure, selection: selection,
                                                                  policy: sp.algorithmPolicy, options: options)
            return try AssertionDecryption.withAssertion(of: structure, decryptor: validator.decryptor, requireEncrypted: false,
                                                         maxDepth: options.maxDepth) { walk, assertion in
                let (idp, _) = try AssertionIssuerCheck.check(assertion, responseIssuer: responseIssuer, selected: responseSigned?.idp, selection: selection)
                let assertionKey = try XMLTree.firstChild(assertion, NS.dsigURI, "Signature").map {
                    try SignatureCheck.verify($0, of: assertion, walk: walk, keys: idp.keys, policy: sp.algorithmPolicy,
                                              allowEmptyURI: options.allowEmptyReferenceURI, minimumRSAKeyBits: options.minimumRSAKeyBits)
                }
                let signed = VerifiedAssertion.SignedParts(response: responseSigned != nil, assertion: assertionKey != nil)
                try SignatureRequirementCheck.check(signed, requirement: options.signatureRequirement)
                return signed
            }
        }
        return "verified " + [signed.response ? "Response" : nil, signed.assertion ? "Assertion" : nil].compactMap { $0 }.joined(separator: " and ")
    }

    /// A LogoutRequest's signature only, through the library's logout signature path (root, Version, ID, the structure
    /// walk with the logout profile, the Issuer selecting the trusted IdP, the enveloped signature and its key's
    /// strength). The manifest names no SP SingleLogoutService URL and no instant, so Destination and the times are
    /// not checked.
    static func verifyLogoutSignature(_ entry: Entry, xml: [UInt8], relaxations: Set<Relaxation>) throws -> String {
        let options = Self.options(relaxations, requirement: .assertionOrResponse)
        let sp = try serviceProvider(entry, xml: xml, entityID: "urn:corpus:signature-only", acsURL: "https://corpus.invalid/acs", options: options)
        let doc = try ParsedXML.parse(xml, limits: XMLParsingLimits(maxBytes: options.maxResponseBytes, maxDepth: options.maxDepth))
        return try doc.withRoot { root in
            guard XMLTree.isElement(root, NS.protocolURI, "LogoutRequest") else {
                throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
            }
            let version = XMLTree.attribute(root, "Version")
            guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
            let id = XMLTree.attribute(root, "ID")
            guard let id, RequestID.isNCName(id) else { throw SAMLError.invalidID(id) }
            let walk = try StructureWalk(document: doc, root: root, profile: .logoutMessage, maxDepth: options.maxDepth)
            guard let issuer = try IssuerSelection.issuer(of: root) else { throw SAMLError.missingElement("Issuer") }
            let idp = try sp.trustedIdP(for: issuer, at: sp.clock.now())
            guard let signature = XMLTree.firstChild(root, NS.dsigURI, "Signature") else { throw SAMLError.signatureMissing(.logoutMessage) }
            _ = try SignatureCheck.verify(signature, of: root, walk: walk, keys: idp.keys, policy: sp.algorithmPolicy,
                                          minimumRSAKeyBits: options.minimumRSAKeyBits)
            let nameID = XMLTree.firstChild(root, NS.assertionURI, "NameID").map(XMLTree.trimmedText) ?? ""
            return "verified LogoutRequest nameID=\(nameID)"
        }
    }

    /// Runs `check` strictly first; a strict rejection that a named relaxation lifts switches that relaxation on and
    /// runs again. Returns the outcome and the relaxations it took.
    static func withRelaxations(_ check: (Set<Relaxation>) async throws -> String) async -> (outcome: Result<String, SAMLError>, relaxations: Set<Relaxation>) {
        var relaxations: Set<Relaxation> = []
        while true {
            do {
                return (.success(try await check(relaxations)), relaxations)
            } catch let error as SAMLError {
                if let relaxation = Relaxation.allCases.first(where: { $0.strictError == error.code && !relaxations.contains($0) }) {
                    relaxations.insert(relaxation)
                    continue
                }
                return (.failure(error), relaxations)
            } catch {
                return (.failure(.invalidConfiguration("corpus harness: \(error)")), relaxations)
            }
        }
    }

    static func describe(_ relaxations: Set<Relaxation>) -> String { relaxations.map(\.rawValue).sorted().joined(separator: ", ") }

    // MARK: The source's own options

    /// What each `requires_option` of the manifest is in swift-saml: the signature requirement that accepts the item
    /// (`relaxed`), and the error it gets under the source's defaults without the option.
    static let sourceOptions: [String: (relaxed: ServiceProvider.SignatureRequirement, strictError: SAMLError)] = [
        // node-saml: the Response signed, the Assertion not — accepted when the Response's signature suffices.
        "wantAssertionsSigned=false": (.response, .signatureMissing(.assertion)),
        // node-saml: the Assertion signed, the Response not — accepted when the Assertion's signature suffices.
        "wantAuthnResponseSigned=false": (.assertion, .signatureMissing(.response)),
    ]

    /// The signatures each source demands by default: node-saml wants both (wantAuthnResponseSigned and
    /// wantAssertionsSigned default to true), python3-saml one of them (wantMessagesSigned and wantAssertionsSigned
    /// default to false, and it refuses an unsigned response).
    static func sourceDefaultRequirement(_ entry: Entry) -> ServiceProvider.SignatureRequirement? {
        switch entry.source_repo {
        case "node-saml/node-saml": return .both
        case "SAML-Toolkits/python3-saml": return .assertionOrResponse
        default: return nil
        }
    }

    /// Valid items swift-saml rejects on purpose, with no relaxation that could make them pass.
    static let stricterWithoutOption: [String: (error: String, why: String)] = [
        "py3saml-double-signed-encrypted-assertion": ("issuerMismatch",
            "the Response's Issuer is https://pitbulk.no-ip.org/... but the decrypted Assertion's is http://idp.example.com/; the source checked only the signature (strict=false); its strict mode rejects this too."),
        "py3saml-signed-message-encrypted-assertion": ("issuerMismatch",
            "the Response's Issuer differs from the decrypted Assertion's (http://idp.example.com/); the source checked only the signature (strict=false)."),
    ]

    /// Invalid items whose defect lies outside what a signature-only check can see (the manifest gives no SP
    /// parameters or instant to check it with): their signature must verify, as the manifest's xmlsec1 check says.
    static let invalidBeyondSignatureOnly: [String: String] = [
        "node-saml-logout-request-with-bad-expiration":
            "expired NotOnOrAfter; the source checked it against the real clock, and the manifest pins no SP SingleLogoutService URL, so the Destination check before it cannot run without reading it from the document",
    ]

    /// The verdict of a valid or invalid item against the manifest.
    static func expectVerdict(_ entry: Entry, scope: String, outcome: Result<String, SAMLError>, relaxations: Set<Relaxation>) {
        let note = relaxations.isEmpty ? "" : " (stricter by default; passes with \(describe(relaxations)))"
        switch outcome {
        case .success(let what):
            if let why = invalidBeyondSignatureOnly[entry.id] {
                print("corpus \(entry.id) [\(scope)]: \(what)\(note) — invalid for a reason signature-only cannot check: \(why)")
                #expect(entry.expected == "invalid")
                return
            }
            print("corpus \(entry.id) [\(scope)]: \(what)\(note)")
            #expect(entry.expected == "valid", "\(entry.id) must be rejected: \(entry.expected_reason ?? "")")
        case .failure(let error):
            let even = relaxations.isEmpty ? "" : " (even with \(describe(relaxations)))"
            if let known = stricterWithoutOption[entry.id] {
                print("corpus \(entry.id) [\(scope)]: rejected \(error.code)\(even) — stricter than the source on purpose: \(known.why)")
                #expect(error.code == known.error, "\(entry.id): \(error)")
                return
            }
            print("corpus \(entry.id) [\(scope)]: rejected \(error.code)\(even)")
            #expect(entry.expected == "invalid", "\(entry.id) must be accepted, got \(error)")
            if entry.expected == "invalid" {
                #expect(error.code == rejections[entry.id], "\(entry.id): rejected \(error), expected \(rejections[entry.id] ?? "an entry in CorpusTests.rejections")")
            }
        }
    }

    @Test(arguments: entries.filter { $0.kind == "response" })
    func responseVerdict(_ entry: Entry) async throws {
        let xml = try Self.bytes(entry)
        let scope = Self.scope(entry)
        let label: String
        func check(_ requirement: ServiceProvider.SignatureRequirement) async -> (outcome: Result<String, SAMLError>, relaxations: Set<Relaxation>) {
            await Self.withRelaxations { relaxations in
                switch scope {
                case .full(let spEntityID, let acsURL, let inResponseTo):
                    try await Self.validate(entry, xml: xml, spEntityID: spEntityID, acsURL: acsURL, inResponseTo: inResponseTo,
                                            relaxations: relaxations, requirement: requirement)
                case .signatureOnly:
                    try Self.verifySignatures(entry, xml: xml, relaxations: relaxations, requirement: requirement)
                }
            }
        }
        switch scope {
        case .full: label = "full, SP parameters from the manifest"
        case .signatureOnly(let why): label = "signature-only: \(why)"
        }
        // swift-saml's default signature requirement decides the verdict.
        let verdict = await check(.assertionOrResponse)
        Self.expectVerdict(entry, scope: label, outcome: verdict.outcome, relaxations: verdict.relaxations)

        // The source's own option, compared with swift-saml's: under the source's defaults the item fails with the
        // error the option lifts, and the swift-saml setting the option maps to accepts it. Without an option, the
        // source's defaults accept every valid item the default requirement accepts.
        guard entry.expected == "valid", case .success = verdict.outcome else { return }
        let sourceDefault = try #require(Self.sourceDefaultRequirement(entry), "\(entry.id): no known signature defaults for \(entry.source_repo)")
        let underSourceDefaults = await check(sourceDefault)
        guard let option = entry.requires_option else {
            #expect(underSourceDefaults.outcome.isSuccess, "\(entry.id) names no requires_option, but the source's defaults (\(sourceDefault)) reject it: \(underSourceDefaults.outcome)")
            return
        }
        guard let mapped = Self.sourceOptions[option] else {
            Issue.record("\(entry.id): requires_option \(option) has no swift-saml equivalent in CorpusTests.sourceOptions")
            return
        }
        guard case .failure(let strict) = underSourceDefaults.outcome else {
            Issue.record("\(entry.id): requires \(option), but passes under the source's defaults (\(sourceDefault)): the option is not what decides")
            return
        }
        #expect(strict == mapped.strictError, "\(entry.id): under the source's defaults (\(sourceDefault)) expected \(mapped.strictError), got \(strict)")
        let relaxed = await check(mapped.relaxed)
        #expect(relaxed.outcome.isSuccess, "\(entry.id): \(option) maps to signatureRequirement .\(mapped.relaxed), which rejects it: \(relaxed.outcome)")
        print("corpus \(entry.id): the source needs \(option); swift-saml: signatureRequirement .\(mapped.relaxed) accepts it (as does the default "
              + ".assertionOrResponse), the source's defaults (.\(sourceDefault)) reject it \(strict.code)(\(mapped.strictError == .signatureMissing(.assertion) ? "assertion" : "response"))")
    }

    @Test(arguments: entries.filter { $0.kind == "idp-metadata" || $0.kind == "sp-metadata" })
    func metadataParses(_ entry: Entry) throws {
        let xml = try Self.bytes(entry)
        let isIdP = entry.kind == "idp-metadata"
        do {
            if isIdP {
                let idp = try IdPMetadata(xml: xml)
                #expect(!idp.signingCertificates.isEmpty && !idp.singleSignOnServices.isEmpty, "\(entry.id)")
            } else {
                let sp = try SPMetadata(xml: xml)
                #expect(!sp.assertionConsumerServices.isEmpty, "\(entry.id)")
            }
        } catch SAMLError.ambiguousEntity(let ids) {
            // An aggregate: every candidate parses when selected by entityID.
            #expect(ids.count > 1)
            for id in ids {
                if isIdP { #expect(!(try IdPMetadata(xml: xml, entityID: id)).signingCertificates.isEmpty) }
                else { _ = try SPMetadata(xml: xml, entityID: id) }
            }
        }
    }

    /// The manifest gives the logout messages no SP parameters and no instant (the source used the real clock): each
    /// is checked signature-only.
    @Test(arguments: entries.filter { $0.kind == "logout" })
    func logoutVerdict(_ entry: Entry) async throws {
        let xml = try Self.bytes(entry)
        #expect(entry.sp_entity_id == nil && entry.acs_url == nil && entry.valid_at == nil, "\(entry.id): the manifest now pins SP parameters; check it fully")
        let verdict = await Self.withRelaxations { relaxations in try Self.verifyLogoutSignature(entry, xml: xml, relaxations: relaxations) }
        Self.expectVerdict(entry, scope: "signature-only: the manifest pins no SP parameters or instant", outcome: verdict.outcome, relaxations: verdict.relaxations)
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
