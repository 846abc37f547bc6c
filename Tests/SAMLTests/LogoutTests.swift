import Foundation
import Testing
@testable import SAML

@Suite("Single logout")
struct LogoutTests {
    static let spSLO = "https://app.example.test/saml/slo"
    static let idpSLO = "https://login.microsoftonline.com/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/saml2"

    /// The SP as the IdP sees it: its SLO endpoint, so that the IdP side of these tests can address it.
    static func spAsPeer() throws -> IdPMetadata {
        IdPMetadata(entityID: Fixtures.spEntityID,
                    singleLogoutServices: [Endpoint(binding: .httpRedirect, location: spSLO), Endpoint(binding: .httpPOST, location: spSLO)],
                    signingCertificates: [try Fixtures.certificate("sp-rsa2048")])
    }

    static func serviceProvider(clock: some SAMLClock = FixedClock(Fixtures.now)) throws -> ServiceProvider {
        let idp = IdPMetadata(entityID: Fixtures.idpEntityID,
                              singleLogoutServices: [Endpoint(binding: .httpRedirect, location: idpSLO)],
                              signingCertificates: [try Fixtures.certificate("idp-rsa2048")])
        return try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                   singleLogoutServiceURLs: [spSLO], identityProviders: [idp], clock: clock)
    }

    static let nameID = VerifiedAssertion.NameID(value: "b.simon@contoso.example", format: .emailAddress, nameQualifier: nil, spNameQualifier: nil)

    /// A LogoutRequest as the IdP would send it to the SP.
    static func idpRequest(issuer: String = Fixtures.idpEntityID, lifetime: TimeInterval? = 300, issuedAt: Date = Fixtures.now) throws -> LogoutRequest {
        try LogoutRequest(issuer: issuer, identityProvider: spAsPeer(), binding: .httpRedirect, nameID: nameID,
                          sessionIndexes: ["_s3c9f1a2b"], lifetime: lifetime, clock: FixedClock(issuedAt))
    }

    static func query(_ url: String) -> String { String(url[url.index(after: url.firstIndex(of: "?")!)...]) }

    @Test func redirectSignedRequestIsAccepted() async throws {
        let url = try Self.idpRequest().redirectURL(relayState: "rs", signingKey: Fixtures.signingKey("idp-rsa2048"))
        let verified = try await Self.serviceProvider().validateLogoutRequest(.redirect(query: Self.query(url)))
        #expect(verified.nameID == Self.nameID && verified.sessionIndexes == ["_s3c9f1a2b"] && verified.relayState == "rs")
    }

    @Test func redirectSignatureCoversTheOctetsAsReceived() async throws {
        // An IdP that escapes with lower-case hex (ADFS, Azure): the signature is over its octets, not ours.
        let request = try Self.idpRequest()
        let deflated = try RawDeflate.compress(Array(request.xml().utf8))
        let lower = { (s: String) in RedirectBinding.percentEncode(s).replacingOccurrences(of: "%2B", with: "%2b").replacingOccurrences(of: "%2F", with: "%2f").replacingOccurrences(of: "%3D", with: "%3d") }
        let signed = "SAMLRequest=\(lower(Base64.encode(deflated)))&RelayState=a%2fb&SigAlg=\(lower(SignatureAlgorithm.rsaSHA256.rawValue))"
        let signature = try Fixtures.signingKey("idp-rsa2048").sign(Array(signed.utf8))
        let query = signed + "&Signature=" + RedirectBinding.percentEncode(Base64.encode(signature))
        let verified = try await Self.serviceProvider().validateLogoutRequest(.redirect(query: query))
        #expect(verified.relayState == "a/b")
        // Re-encoded (upper-case) octets are not what was signed.
        let reencoded = query.replacingOccurrences(of: "a%2fb", with: "a%2Fb")
        await #expect(throws: SAMLError.signatureInvalid) { _ = try await Self.serviceProvider().validateLogoutRequest(.redirect(query: reencoded)) }
    }

    @Test func postSignedRequestIsAccepted() async throws {
        let form = try Self.idpRequest().postForm(signingKey: Fixtures.signingKey("idp-rsa2048"))
        let verified = try await Self.serviceProvider().validateLogoutRequest(.post(value: form.value, relayState: nil))
        #expect(verified.nameID.value == Self.nameID.value)
    }

    struct Hostile: CustomTestStringConvertible, Sendable {
        let name: String
        let expected: SAMLError
        let message: @Sendable () throws -> LogoutMessage
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = [
        Hostile(name: "unsigned redirect", expected: .signatureMissing(.logoutMessage)) {
            .redirect(query: query(try idpRequest().redirectURL()))
        },
        Hostile(name: "unsigned post", expected: .signatureMissing(.logoutMessage)) {
            .post(value: try idpRequest().postForm().value, relayState: nil)
        },
        Hostile(name: "redirect signed by another key", expected: .signatureInvalid) {
            .redirect(query: query(try idpRequest().redirectURL(signingKey: Fixtures.signingKey("attacker-rsa2048"))))
        },
        Hostile(name: "post signed by another key", expected: .signatureInvalid) {
            .post(value: try idpRequest().postForm(signingKey: Fixtures.signingKey("attacker-rsa2048")).value, relayState: nil)
        },
        Hostile(name: "redirect with RelayState changed after signing", expected: .signatureInvalid) {
            .redirect(query: query(try idpRequest().redirectURL(relayState: "a", signingKey: Fixtures.signingKey("idp-rsa2048")))
                .replacingOccurrences(of: "RelayState=a", with: "RelayState=b"))
        },
        Hostile(name: "SHA-1 query signature", expected: .algorithmNotAllowed(SignatureAlgorithm.rsaSHA1.rawValue)) {
            let key = try SigningKey(privateKeyPEM: try Fixtures.text("keys/idp-rsa2048.key"), algorithm: .rsaSHA1, allowSHA1: true)
            return .redirect(query: query(try idpRequest().redirectURL(signingKey: key)))
        },
        Hostile(name: "another issuer", expected: .issuerMismatch(expected: Fixtures.idpEntityID, found: "https://evil.example/idp")) {
            .redirect(query: query(try idpRequest(issuer: "https://evil.example/idp").redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))))
        },
        Hostile(name: "expired", expected: .logoutRequestExpired(notOnOrAfter: Fixtures.now.addingTimeInterval(-600), now: Fixtures.now)) {
            .redirect(query: query(try idpRequest(lifetime: -600).redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))))
        },
        Hostile(name: "expired, through HTTP-POST", expected: .logoutRequestExpired(notOnOrAfter: Fixtures.now.addingTimeInterval(-200), now: Fixtures.now)) {
            .post(value: try idpRequest(lifetime: -200).postForm(signingKey: Fixtures.signingKey("idp-rsa2048")).value, relayState: nil)
        },
        Hostile(name: "issued in the future (beyond the skew)",
                expected: .logoutMessageNotYetValid(issueInstant: Fixtures.now.addingTimeInterval(181), now: Fixtures.now)) {
            .redirect(query: query(try idpRequest(issuedAt: Fixtures.now.addingTimeInterval(181)).redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))))
        },
        Hostile(name: "issued longer ago than maxLogoutMessageAge plus the skew",
                expected: .logoutMessageTooOld(issueInstant: Fixtures.now.addingTimeInterval(-481), now: Fixtures.now)) {
            .redirect(query: query(try idpRequest(lifetime: nil, issuedAt: Fixtures.now.addingTimeInterval(-481)).redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))))
        },
        Hostile(name: "another destination", expected: .destinationMismatch(expected: [spSLO], found: "https://app.example.test/saml/slo-other")) {
            var request = try idpRequest()
            request.destination = "https://app.example.test/saml/slo-other"
            return .redirect(query: query(try request.redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))))
        },
        Hostile(name: "a response where a request is expected", expected: .unexpectedRoot(namespace: NS.protocol, name: "LogoutResponse")) {
            .post(value: Base64.encode(Array("<samlp:LogoutResponse xmlns:samlp=\"\(NS.protocol)\"/>".utf8)), relayState: nil)
        },
        Hostile(name: "DEFLATE bomb", expected: .inflatedTooLarge(limit: 256 * 1024)) {
            .redirect(query: "SAMLRequest=" + RedirectBinding.percentEncode(Base64.encode(try RawDeflate.compress([UInt8](repeating: 0x20, count: 8 << 20)))))
        },
    ]

    @Test(arguments: hostile)
    func rejects(_ c: Hostile) async throws {
        let message = try c.message()
        await #expect(throws: c.expected) { _ = try await Self.serviceProvider().validateLogoutRequest(message) }
    }

    @Test func theHostileListIsNotEmpty() {
        #expect(Self.hostile.count >= 14)
    }

    @Test func theAgeBoundIncludesTheSkew() async throws {
        // 300 s + 180 s of skew: a request issued 480 s ago is still acted on, and without a NotOnOrAfter too.
        let url = try Self.idpRequest(lifetime: nil, issuedAt: Fixtures.now.addingTimeInterval(-480)).redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))
        _ = try await Self.serviceProvider().validateLogoutRequest(.redirect(query: Self.query(url)))
        // A shorter bound is an option.
        var options = ServiceProvider.Options()
        options.maxLogoutMessageAge = 60
        let sp = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                     singleLogoutServiceURLs: [Self.spSLO], identityProviders: Self.serviceProvider().trustedIdentityProviders,
                                     options: options, clock: FixedClock(Fixtures.now))
        await #expect(throws: SAMLError.logoutMessageTooOld(issueInstant: Fixtures.now.addingTimeInterval(-480), now: Fixtures.now)) {
            _ = try await sp.validateLogoutRequest(.redirect(query: Self.query(url)))
        }
    }

    @Test func aReplayedLogoutRequestIsRefused() async throws {
        let sp = try Self.serviceProvider()
        let request = try Self.idpRequest()
        let url = try request.redirectURL(relayState: "rs", signingKey: Fixtures.signingKey("idp-rsa2048"))
        _ = try await sp.validateLogoutRequest(.redirect(query: Self.query(url)))
        await #expect(throws: SAMLError.replayDetected(assertionID: request.id)) {
            _ = try await sp.validateLogoutRequest(.redirect(query: Self.query(url)))
        }
        // The same message through the other binding is the same request: refused as well.
        let form = try request.postForm(signingKey: Fixtures.signingKey("idp-rsa2048"))
        await #expect(throws: SAMLError.replayDetected(assertionID: request.id)) {
            _ = try await sp.validateLogoutRequest(.post(value: form.value, relayState: nil))
        }
    }

    @Test func theReplayKeyIsTheIssuerAndTheRequestID() async throws {
        // What the cache is asked to remember: (IdP, .logoutRequest, ID), until the earlier of NotOnOrAfter and the
        // age bound, plus the skew.
        let cache = RecordingReplayCache()
        let sp = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                     singleLogoutServiceURLs: [Self.spSLO], identityProviders: Self.serviceProvider().trustedIdentityProviders,
                                     clock: FixedClock(Fixtures.now), replayCache: cache)
        let short = try Self.idpRequest(lifetime: 60)
        _ = try await sp.validateLogoutRequest(.redirect(query: Self.query(try short.redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048")))))
        let unbounded = try Self.idpRequest(lifetime: nil)
        _ = try await sp.validateLogoutRequest(.redirect(query: Self.query(try unbounded.redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048")))))
        let recorded = await cache.recorded
        #expect(recorded.map(\.key) == [ReplayKey(issuer: Fixtures.idpEntityID, kind: .logoutRequest, id: short.id),
                                        ReplayKey(issuer: Fixtures.idpEntityID, kind: .logoutRequest, id: unbounded.id)])
        #expect(recorded.map(\.expiresAt) == [Fixtures.now.addingTimeInterval(60 + 180), Fixtures.now.addingTimeInterval(300 + 180)])
    }

    actor RecordingReplayCache: ReplayCache {
        var recorded: [(key: ReplayKey, expiresAt: Date)] = []
        func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
            recorded.append((key, expiresAt))
            return true
        }
    }

    @Test func logoutResponseRoundTrip() async throws {
        // The SP answers an IdP request; then, playing the IdP, answer an SP request and validate it at the SP.
        let sp = try Self.serviceProvider()
        let spRequest = try LogoutRequest(issuer: Fixtures.spEntityID, identityProvider: sp.trustedIdentityProviders[0], nameID: Self.nameID,
                                          clock: FixedClock(Fixtures.now))
        let verifiedAsIdP = VerifiedLogoutRequest(id: spRequest.id, issuer: Fixtures.spEntityID, nameID: Self.nameID, sessionIndexes: [],
                                                  notOnOrAfter: nil, relayState: nil)
        let answer = try LogoutResponse(issuer: Fixtures.idpEntityID, answering: verifiedAsIdP, identityProvider: Self.spAsPeer(), clock: FixedClock(Fixtures.now))
        let url = try answer.redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))
        let ok = try await sp.validateLogoutResponse(.redirect(query: Self.query(url)), expectedRequestID: spRequest.id)
        #expect(ok.inResponseTo == spRequest.id)
        await #expect(throws: SAMLError.inResponseToMismatch(expected: "_other", found: spRequest.id)) {
            _ = try await sp.validateLogoutResponse(.redirect(query: Self.query(url)), expectedRequestID: "_other")
        }
        var failed = answer
        failed.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Responder"
        let failedURL = try failed.redirectURL(signingKey: Fixtures.signingKey("idp-rsa2048"))
        await #expect(throws: SAMLError.statusNotSuccess(code: "urn:oasis:names:tc:SAML:2.0:status:Responder", subCodes: [], message: nil)) {
            _ = try await sp.validateLogoutResponse(.redirect(query: Self.query(failedURL)), expectedRequestID: spRequest.id)
        }
    }

    @Test(.enabled(if: Tools.available("xmlsec1")))
    func postSignedLogoutVerifiesWithXmlsec1() throws {
        let form = try Self.idpRequest().postForm(signingKey: Fixtures.signingKey("idp-rsa2048"))
        let file = try Tools.temporaryFile(try Base64.decode(form.value))
        let result = try Tools.run("xmlsec1", ["--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", Fixtures.url("keys/idp-rsa2048.crt").path,
                                               "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest", file.path])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
