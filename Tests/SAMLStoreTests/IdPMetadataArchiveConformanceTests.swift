import Foundation
import SAML
import SAMLTesting
import Testing

/// IdPMetadataArchive semantics, the same tests on every implementation (``StoreKind/all``).
@Suite("IdPMetadataArchive conformance")
struct IdPMetadataArchiveConformanceTests {
    @Test("empty, then the latest document of each source, sorted by source, bytes exact", arguments: StoreKind.all)
    func latestPerSource(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            #expect(try await stores.archive.load().isEmpty)
            let bytes: [UInt8] = Array("<md:EntityDescriptor/>".utf8) + [0x00, 0xFF, 0xFE, 0x80]
            let azure1 = ArchivedIdPMetadata(source: "azure", entityID: "https://sts.example/1", xml: bytes, savedAt: clock.now())
            let okta = ArchivedIdPMetadata(source: "okta", entityID: "https://okta.example", xml: [0x3C], savedAt: clock.now())
            try await stores.archive.save(okta)
            try await stores.archive.save(azure1)
            clock.advance(by: 3_600)
            let azure2 = ArchivedIdPMetadata(source: "azure", entityID: "https://sts.example/2", xml: bytes + [0x41], savedAt: clock.now())
            try await stores.archive.save(azure2)
            #expect(try await stores.archive.load() == [azure2, okta])
        }
    }

    @Test("source names compare exactly (U+212A)", arguments: StoreKind.all)
    func exactSource(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let a = ArchivedIdPMetadata(source: "K", entityID: "a", xml: [1], savedAt: clock.now())
            let b = ArchivedIdPMetadata(source: "\u{212A}", entityID: "b", xml: [2], savedAt: clock.now())
            try await stores.archive.save(a)
            try await stores.archive.save(b)
            let loaded = try await stores.archive.load()
            #expect(loaded.count == 2)
            #expect(Set(loaded.map(\.entityID)) == ["a", "b"])
        }
    }
}
