import Foundation
import Testing
@testable import SAML
import SAMLTesting

@Suite("IdP metadata over time")
struct MetadataStoreTests {
    static let entityID = Fixtures.idpEntityID

    /// IdP metadata with the given signing certificates, optionally signed at the root.
    static func document(certificates: [String], validUntil: String? = "2027-01-01T00:00:00Z", cacheDuration: String? = "PT6H",
                         signedWith key: String? = nil) throws -> [UInt8] {
        var x = "<md:EntityDescriptor xmlns:md=\"\(NS.metadata)\" xmlns:ds=\"\(NS.dsig)\" ID=\"_m1\" entityID=\"\(entityID)\""
        if let validUntil { x += " validUntil=\"\(validUntil)\"" }
        if let cacheDuration { x += " cacheDuration=\"\(cacheDuration)\"" }
        x += ">"
        if key != nil { x += XMLSigner.template(referenceID: "_m1", algorithm: .rsaSHA256) }
        x += "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        for name in certificates {
            x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(try Fixtures.certificate(name).base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        }
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.test/saml2\"/>"
        x += "</md:IDPSSODescriptor></md:EntityDescriptor>"
        guard let key else { return Array(x.utf8) }
        return try XMLSigner.signEnveloped(x, key: Fixtures.signingKey(key))
    }

    @Test func acceptsGoodAndKeepsItThroughBadOnes() async throws {
        let clock = MovableClock(Fixtures.now)
        let store = IdPMetadataStore(clock: clock)
        let first = await store.update(entityID: Self.entityID, xml: try Self.document(certificates: ["idp-rsa2048", "idp-rsa2048-next"]))
        #expect(first.updated && first.current?.signingCertificates.count == 2)
        #expect(first.nextRefresh == Fixtures.now.addingTimeInterval(6 * 3600))

        // An expired document, a broken one, another entity: each refused, the good one still served, the failure reported.
        let expired = await store.update(entityID: Self.entityID, xml: try Self.document(certificates: ["idp-rsa2048"], validUntil: "2026-01-01T00:00:00Z"))
        #expect(!expired.updated)
        #expect(expired.failure == .metadataExpired(validUntil: XSDateTime.parseOrNil("2026-01-01T00:00:00Z")!, now: Fixtures.now))
        let broken = await store.update(entityID: Self.entityID, xml: Array("<md:EntityDescriptor".utf8))
        #expect(broken.failure?.code == "malformedXML")
        #expect(await store.lastFailure(for: Self.entityID)?.code == "malformedXML")
        #expect(await store.metadata(for: Self.entityID)?.signingCertificates.count == 2)

        // A rollover that removes the old certificate takes effect at once.
        let rolled = await store.update(entityID: Self.entityID, xml: try Self.document(certificates: ["idp-rsa2048-next"]))
        let next = try Fixtures.certificate("idp-rsa2048-next")
        #expect(rolled.updated && rolled.current?.signingCertificates == [next])
        #expect(await store.lastFailure(for: Self.entityID) == nil)

        // Past validUntil nothing is served.
        clock.advance(by: 60 * 86_400)
        #expect(await store.metadata(for: Self.entityID) == nil)
        #expect(await store.currentIdentityProviders().isEmpty)
    }

    @Test func signedSourcesMustVerify() async throws {
        let store = IdPMetadataStore(clock: FixedClock(Fixtures.now))
        let anchor = [try Fixtures.certificate("idp-rsa2048")]
        let bytes = LockedBox<[UInt8]>(try Self.document(certificates: ["idp-rsa2048"], signedWith: "idp-rsa2048"))
        await store.register(.init(entityID: Self.entityID, signingCertificates: anchor) { bytes.value })
        #expect(await store.refresh(entityID: Self.entityID).updated)

        bytes.value = try Self.document(certificates: ["attacker-rsa2048"])
        let unsigned = await store.refresh(entityID: Self.entityID)
        #expect(unsigned.failure == .signatureMissing(.metadata))

        bytes.value = try Self.document(certificates: ["attacker-rsa2048"], signedWith: "attacker-rsa2048")
        let forged = await store.refresh(entityID: Self.entityID)
        #expect(forged.failure == .signatureInvalid)
        #expect(await store.metadata(for: Self.entityID)?.signingCertificates == anchor)
    }

    @Test func fetchFailuresAreReportedAndRetried() async throws {
        let store = IdPMetadataStore(clock: FixedClock(Fixtures.now), retryInterval: 300)
        struct Offline: Error {}
        await store.register(.init(entityID: Self.entityID) { throw Offline() })
        let report = await store.refresh(entityID: Self.entityID)
        #expect(report.current == nil && report.failure?.code == "invalidConfiguration")
        #expect(report.nextRefresh == Fixtures.now.addingTimeInterval(300))
        #expect(await store.refreshDue().isEmpty)  // not due again before the retry interval
    }
}

/// A value shared with a @Sendable closure in tests. `@unchecked Sendable`: every access holds the lock.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
