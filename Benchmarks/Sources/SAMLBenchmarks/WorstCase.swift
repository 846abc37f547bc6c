import CFloor
import Foundation
import SAML

// The worst-case section: hostile inputs just under each size cap, each timed against a valid signed document of the
// same kind padded to the same size (README.md, "Worst case").

/// The run's constants (the manifest's parameters, the IdP's certificate and signing key) and the document builders.
struct HostileContext: Sendable {
    let manifest: Manifest
    let now: Date
    /// The IdP's signing certificate, base64 DER (KeyInfo and metadata).
    let certificate: String
    /// Another certificate (the SP's), for the metadata aggregate's other entities.
    let otherCertificate: String
    let signingKeyPEM: [UInt8]
    let sloURL = "https://app.example.test/saml/slo"
    let responseID = "_r6b1f0d6e-2c1a-4f7e-9a55-0c3e8d1f2a01"
    let assertionID = "_a0d4c7e2-91b3-4f26-8e0a-5b7c9d1e3f42"
    let logoutID = "_l5c2a9e1-0b7d-4e3f-8a61-2d9c4b7e1f05"
    let metadataID = "_m8e3d1c7-5a2b-4f90-9c16-7b0e2a4d6c38"

    init(inputs: Inputs) throws {
        manifest = inputs.manifest
        now = inputs.now
        func base64(_ pem: String) -> String { pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined() }
        certificate = base64(try inputs.text("keys/idp-rsa2048.crt"))
        otherCertificate = base64(try inputs.text(manifest.spSigningCert))
        signingKeyPEM = try inputs.bytes("keys/idp-rsa2048.key")
    }

    func ts(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: now.addingTimeInterval(TimeInterval(seconds)))
    }

    var keyDescriptor: String {
        "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"\(XMLNames.ds)\"><ds:X509Data><ds:X509Certificate>\(certificate)" +
            "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
    }

    // MARK: Documents

    /// A bogus but well-formed DigestValue (32 bytes) and SignatureValue (256 bytes).
    static let bogusDigest = String(base64Text(44, seed: 7).dropLast(2)) + "A="
    static let bogusSignatureValue = String(base64Text(344, seed: 11).dropLast(3)) + "A=="

    /// `template`: empty DigestValue and SignatureValue, for cfloor_sign; otherwise bogus values (or the parts').
    func signature(_ p: HostileParts, reference: String, template: Bool) -> String {
        let digest = template ? "" : (p.digestValue ?? Self.bogusDigest)
        let value = template ? "" : (p.signatureValue ?? Self.bogusSignatureValue)
        let keyInfo = p.keyInfo ?? "<ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data>"
        var x = "<ds:Signature xmlns:ds=\"\(XMLNames.ds)\"\(p.signatureAttributes)><ds:SignedInfo>"
        x += "<ds:CanonicalizationMethod Algorithm=\"\(XMLNames.excC14N)\">\(p.canonicalizationMethodChild)</ds:CanonicalizationMethod>"
        x += "<ds:SignatureMethod Algorithm=\"\(XMLNames.rsaSHA256)\"/><ds:Reference URI=\"#\(reference)\"><ds:Transforms>"
        x += "<ds:Transform Algorithm=\"\(XMLNames.enveloped)\"/>"
        x += "<ds:Transform Algorithm=\"\(XMLNames.excC14N)\">\(p.referenceC14NChild)</ds:Transform>"
        x += "\(p.extraTransforms)</ds:Transforms><ds:DigestMethod Algorithm=\"\(XMLNames.sha256)\"/>"
        x += "<ds:DigestValue>\(digest)</ds:DigestValue></ds:Reference></ds:SignedInfo>"
        x += "<ds:SignatureValue>\(value)</ds:SignatureValue><ds:KeyInfo>\(keyInfo)</ds:KeyInfo></ds:Signature>"
        return x
    }

    private func wrapped(_ p: HostileParts) -> String {
        p.rawContent + (p.content.isEmpty ? "" : "<b:w xmlns:b=\"urn:bench:hostile\">\(p.content)</b:w>")
    }

    private func assertion(_ p: HostileParts, template: Bool) -> String {
        let m = manifest
        let advice = wrapped(p)
        var x = "<saml:Assertion xmlns:saml=\"\(XMLNames.saml)\" ID=\"\(assertionID)\" IssueInstant=\"\(ts(-10))\" Version=\"2.0\""
        x += "\(p.signedAttributes)>\n<saml:Issuer>\(m.idpEntityID)</saml:Issuer>"
        x += signature(p, reference: assertionID, template: template)
        x += "\n<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">\(m.nameID)</saml:NameID>"
        x += "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData "
        x += "InResponseTo=\"\(m.requestID)\" NotOnOrAfter=\"\(ts(300))\" Recipient=\"\(m.acsURL)\"/></saml:SubjectConfirmation></saml:Subject>\n"
        x += "<saml:Conditions NotBefore=\"\(ts(-300))\" NotOnOrAfter=\"\(ts(3600))\"><saml:AudienceRestriction>"
        x += "<saml:Audience>\(m.spEntityID)</saml:Audience>\(p.audiences)</saml:AudienceRestriction></saml:Conditions>\n"
        if !advice.isEmpty { x += "<saml:Advice>\(advice)</saml:Advice>\n" }
        x += "<saml:AttributeStatement><saml:Attribute Name=\"uid\"><saml:AttributeValue>b.simon</saml:AttributeValue></saml:Attribute>"
        x += "\(p.attributes)</saml:AttributeStatement>\n"
        x += "<saml:AuthnStatement AuthnInstant=\"\(ts(-20))\" SessionIndex=\"_s3c9f1a2b\" SessionNotOnOrAfter=\"\(ts(8 * 3600))\">"
        x += "<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        x += "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\n</saml:Assertion>"
        return x
    }

    func document(_ kind: DocumentKind, _ p: HostileParts, template: Bool, padding: Int) -> String {
        let pad = String(repeating: " ", count: max(0, padding))
        let m = manifest
        var x = ""
        switch kind {
        case .response:
            var status = "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
            if let message = p.statusMessage {
                status = "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Requester\"/>"
                status += "<samlp:StatusMessage>\(message)</samlp:StatusMessage></samlp:Status>"
            }
            x += "<samlp:Response xmlns:samlp=\"\(XMLNames.samlp)\" xmlns:saml=\"\(XMLNames.saml)\" ID=\"\(responseID)\" Version=\"2.0\" "
            x += "IssueInstant=\"\(p.responseIssueInstant ?? ts(-10))\" Destination=\"\(p.destination ?? m.acsURL)\" "
            x += "InResponseTo=\"\(m.requestID)\"\(p.responseAttributes)>\n<saml:Issuer>\(m.idpEntityID)</saml:Issuer>\n\(status)\n"
            x += p.assertionReplacement ?? assertion(p, template: template)
            x += "\n\(pad)</samlp:Response>\n"
        case .logout:
            let extensions = wrapped(p)
            x += "<samlp:LogoutRequest xmlns:samlp=\"\(XMLNames.samlp)\" xmlns:saml=\"\(XMLNames.saml)\" ID=\"\(logoutID)\" Version=\"2.0\" "
            x += "IssueInstant=\"\(ts(-10))\" Destination=\"\(sloURL)\" NotOnOrAfter=\"\(ts(300))\"\(p.signedAttributes)>"
            x += "<saml:Issuer>\(m.idpEntityID)</saml:Issuer>" + signature(p, reference: logoutID, template: template)
            if !extensions.isEmpty { x += "<samlp:Extensions>\(extensions)</samlp:Extensions>" }
            x += "<saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">\(m.nameID)</saml:NameID>"
            x += "<samlp:SessionIndex>_s3c9f1a2b</samlp:SessionIndex>\(p.sessionIndexes)\(pad)</samlp:LogoutRequest>\n"
        case .metadata:
            let extensions = wrapped(p)
            x += "<md:EntitiesDescriptor xmlns:md=\"\(XMLNames.md)\" ID=\"\(metadataID)\" Name=\"urn:bench:federation\"\(p.signedAttributes)>"
            x += signature(p, reference: metadataID, template: template)
            if !extensions.isEmpty { x += "<md:Extensions>\(extensions)</md:Extensions>" }
            x += "\n<md:EntityDescriptor entityID=\"\(m.idpEntityID)\"><md:IDPSSODescriptor "
            x += "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\(keyDescriptor)\(p.keyDescriptors)"
            x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
            x += "Location=\"https://login.example.test/saml2\"/>\(p.ssoServices)</md:IDPSSODescriptor></md:EntityDescriptor>\n"
            x += "\(p.entities)\(pad)</md:EntitiesDescriptor>\n"
        }
        return x
    }

    /// The padding of the valid reference: group values (response), SessionIndexes (logout), SP entities (metadata).
    func referenceParts(_ kind: DocumentKind, budget: Int) -> HostileParts {
        var p = HostileParts()
        switch kind {
        case .response:
            let open = "<saml:Attribute Name=\"\(XMLNames.groups)\">", close = "</saml:Attribute>"
            p.attributes = open + units(budget - open.utf8.count - close.utf8.count) {
                "<saml:AttributeValue>\(guid($0))</saml:AttributeValue>"
            } + close
        case .logout:
            p.sessionIndexes = units(budget) { "<samlp:SessionIndex>_\(guid($0))</samlp:SessionIndex>" }
        case .metadata:
            p.entities = units(budget) { i in
                var x = "<md:EntityDescriptor entityID=\"https://sp\(i).example.test/saml\"><md:SPSSODescriptor "
                x += "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\">"
                x += "<ds:KeyInfo xmlns:ds=\"\(XMLNames.ds)\"><ds:X509Data><ds:X509Certificate>\(otherCertificate)</ds:X509Certificate>"
                x += "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:AssertionConsumerService "
                x += "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://sp\(i).example.test/saml/acs\" index=\"0\"/>"
                x += "</md:SPSSODescriptor></md:EntityDescriptor>\n"
                return x
            }
        }
        return p
    }

    private func guid(_ i: Int) -> String {
        var h = UInt64(truncatingIfNeeded: i) &* 0x9E3779B97F4A7C15
        var hex = ""
        for _ in 0..<4 { h ^= h >> 29; h = h &* 0xBF58476D1CE4E5B9; hex += String(format: "%08x", UInt32(truncatingIfNeeded: h)) }
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    /// An EncryptedAssertion whose EncryptedData's KeyInfo holds `keyInfo` (one bogus EncryptedKey by default) and
    /// `siblings` beside it. Nothing in it decrypts.
    static func encryptedAssertion(keyInfo: String? = nil, siblings: String) -> String {
        let encryptedKey = "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"\(XMLNames.xenc)rsa-oaep-mgf1p\"/>" +
            "<xenc:CipherData><xenc:CipherValue>\(bogusSignatureValue)</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"
        return "<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc=\"\(XMLNames.xenc)\" xmlns:ds=\"\(XMLNames.ds)\" " +
            "Type=\"\(XMLNames.xenc)Element\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>" +
            "<ds:KeyInfo>\(keyInfo ?? encryptedKey)</ds:KeyInfo><xenc:CipherData><xenc:CipherValue>\(base64Text(64, seed: 3))" +
            "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>" +
            siblings.replacingOccurrences(of: "<xenc:EncryptedKey ", with: "<xenc:EncryptedKey xmlns:xenc=\"\(XMLNames.xenc)\" ") +
            "</saml:EncryptedAssertion>"
    }

    // MARK: Sizing and signing

    private func sign(_ text: String, id: String) throws -> [UInt8] {
        let bytes = Array(text.utf8)
        var length: Int32 = 0
        let signed = bytes.withUnsafeBufferPointer { xml in
            signingKeyPEM.withUnsafeBufferPointer { key in
                cfloor_sign(xml.baseAddress, Int32(xml.count), id, key.baseAddress, Int32(key.count), &length)
            }
        }
        guard let signed else { throw BenchmarkError.missing("a signature over the generated \(id) document") }
        defer { cfloor_free(signed) }
        return Array(UnsafeBufferPointer(start: signed, count: Int(length)))
    }

    private func signedID(_ kind: DocumentKind) -> String {
        switch kind { case .response: assertionID; case .logout: logoutID; case .metadata: metadataID }
    }

    /// The document with `parts`, exactly `target` bytes (whitespace before the root's end tag makes up the rest),
    /// validly signed by the IdP when `valid`.
    func bytes(_ kind: DocumentKind, _ parts: HostileParts, valid: Bool, target: Int) throws -> [UInt8] {
        let unpadded = document(kind, parts, template: valid, padding: 0)
        guard valid else {
            let pad = target - unpadded.utf8.count
            guard pad >= 0 else { throw BenchmarkError.missing("room: \(kind) document is \(unpadded.utf8.count) bytes, over \(target)") }
            return Array(document(kind, parts, template: false, padding: pad).utf8)
        }
        // Signing adds the XML declaration and the two values: measure that on a small document of the same kind.
        let growth = try sign(document(kind, HostileParts(), template: true, padding: 0), id: signedID(kind)).count
            - document(kind, HostileParts(), template: true, padding: 0).utf8.count
        var pad = target - unpadded.utf8.count - growth
        for _ in 0..<2 {
            guard pad >= 0 else { break }
            let signed = try sign(document(kind, parts, template: true, padding: pad), id: signedID(kind))
            if signed.count == target { return signed }
            pad += target - signed.count
        }
        throw BenchmarkError.missing("a signed \(kind) document of exactly \(target) bytes")
    }

    /// The bytes a generator may use for a document of `target` bytes.
    func budget(_ kind: DocumentKind, target: Int, valid: Bool) -> Int {
        target - document(kind, HostileParts(), template: valid, padding: 0).utf8.count - (valid ? 600 : 64)
    }

    func reference(_ kind: DocumentKind, target: Int) throws -> [UInt8] {
        try bytes(kind, referenceParts(kind, budget: budget(kind, target: target, valid: true)), valid: true, target: target)
    }

    func hostile(_ h: Hostile, _ kind: DocumentKind, target: Int) throws -> [UInt8] {
        var b = budget(kind, target: target, valid: h.signature == .valid)
        for _ in 0..<4 {
            let parts = h.parts(kind, b, self)
            let size = document(kind, parts, template: h.signature == .valid, padding: 0).utf8.count
            let limit = target - (h.signature == .valid ? 600 : 0)
            if size <= limit { return try bytes(kind, parts, valid: h.signature == .valid, target: target) }
            b -= size - limit + 16
        }
        throw BenchmarkError.missing("room for \(h.name) in \(target) bytes")
    }
}

// MARK: - The runner

struct WorstCase {
    let context: HostileContext
    let inputs: Inputs
    /// Skip a larger size when the predicted single operation there exceeds this (its time is then extrapolated).
    let budgetSeconds: Double
    /// About this much CPU time per (input, size), hostile and reference together.
    let secondsPerPoint: Double
    let selected: Set<String>?
    let kinds: [DocumentKind]

    static let responseCap = ServiceProvider.Options().maxResponseBytes
    static let metadataCap = XMLParsingLimits.metadata.maxBytes

    func cap(_ kind: DocumentKind) -> Int { kind == .metadata ? Self.metadataCap : Self.responseCap }

    /// Sizes measured, ×4 apart, the cap last; each is that size minus 64 bytes ("just under").
    func ladder(_ kind: DocumentKind) -> [Int] {
        let c = cap(kind)
        return (kind == .metadata ? [c / 1024, c / 256, c / 64, c / 16, c / 4, c] : [c / 16, c / 4, c]).map { $0 - 64 }
    }

    /// One way in: the library's entry point for a kind, on prepared bytes.
    struct Entry {
        let run: () async throws -> Void
        let parse: () -> Void
    }

    func entry(_ kind: DocumentKind, _ xml: [UInt8]) throws -> Entry {
        let parse: () -> Void = { _ = xml.withUnsafeBufferPointer { cfloor_parse_only($0.baseAddress, Int32($0.count)) } }
        switch kind {
        case .response:
            let sp = try serviceProvider()
            let request = context.manifest.requestID
            return Entry(run: { _ = try await sp.validate(responseXML: xml, expectedRequestID: request) }, parse: parse)
        case .logout:
            let sp = try serviceProvider()
            let value = Data(xml).base64EncodedString()
            return Entry(run: { _ = try await sp.validateLogoutRequest(.post(value: value, relayState: nil)) }, parse: parse)
        case .metadata:
            let trusted = [try SAMLCertificate(pem: try inputs.text("keys/idp-rsa2048.crt"))]
            return Entry(run: { _ = try IdPMetadata(xml: xml, verifyingSignatureWith: trusted) }, parse: parse)
        }
    }

    /// Default options (the caps under test), the SP's decryption key (EncryptedAssertion is then processed), the SLO URL.
    func serviceProvider() throws -> ServiceProvider {
        let m = context.manifest
        let clock = FixedClock(context.now)
        let idp = IdPMetadata(entityID: m.idpEntityID, signingCertificates: [try SAMLCertificate(pem: try inputs.text("keys/idp-rsa2048.crt"))])
        return try ServiceProvider(entityID: m.spEntityID, assertionConsumerServiceURLs: [m.acsURL], singleLogoutServiceURLs: [context.sloURL],
                                   identityProviders: [idp], clock: clock, replayCache: BenchmarkReplayCache(clock: clock),
                                   decryptionKeys: [try DecryptionKey(privateKeyPEM: try inputs.text("keys/sp-enc-rsa2048.key"))])
    }

    /// CPU time of one run and what it ended with: "accepted" or the error, shortened.
    static func once(_ body: () async throws -> Void) async -> (time: Double, outcome: String) {
        let start = cpuNanos()
        do {
            try await body()
            return (Double(cpuNanos() - start), "accepted")
        } catch {
            let time = Double(cpuNanos() - start)
            let text = String(describing: error)
            return (time, text.count > 90 ? String(text.prefix(87)) + "…" : text)
        }
    }

    struct Point {
        let size: Int
        let hostile: Double      // ns, CPU, median
        let reference: Double
        let ratio: Double        // median of per-round ratios
        let parse: Double
        /// The parse column was predicted from the last two sizes, not measured (libxml2 alone over the budget).
        var parseEstimated = false
        let outcome: String
    }

    /// The package's method, scaled to slow operations: rounds of one batch of the hostile input and one of the
    /// reference (order alternating), per-operation process CPU time, the medians and the median of the per-round
    /// ratios; about `secondsPerPoint` of CPU per point, at least 3 rounds, except that operations over 0.3 s together
    /// get one round (after the one run that found the outcome, which is also the warm-up).
    func measure(_ h: Entry, _ r: Entry, size: Int, predictedParse: Double? = nil) async throws -> Point {
        let first = await Self.once(h.run)
        let eh = first.time, er = await Self.once(r.run).time
        let rounds = eh + er > 0.3e9 ? 1 : max(3, min(15, Int(secondsPerPoint * 1e9 / (eh + er))))
        let nh = max(1, Int(4e6 / eh)), nr = max(1, Int(4e6 / er))
        var th: [Double] = [], tr: [Double] = [], tp: [Double] = [], ratios: [Double] = []
        func timed(_ n: Int, _ body: () async throws -> Void) async -> Double {
            let start = cpuNanos()
            for _ in 0..<n { try? await body() }
            return Double(cpuNanos() - start) / Double(n)
        }
        for round in 0..<rounds {
            var a = 0.0, b = 0.0
            if round % 2 == 0 { a = await timed(nh, h.run); b = await timed(nr, r.run) } else { b = await timed(nr, r.run); a = await timed(nh, h.run) }
            th.append(a); tr.append(b); ratios.append(a / b)
        }
        // libxml2 alone on the same bytes (what a bound checked before parsing saves): its own batch size, one run
        // when a run is slow; not run (predicted from the last two sizes) when that prediction exceeds the budget.
        if let predictedParse, predictedParse > budgetSeconds * 1e9 {
            return Point(size: size, hostile: percentile(th, 0.5), reference: percentile(tr, 0.5), ratio: percentile(ratios, 0.5),
                         parse: predictedParse, parseEstimated: true, outcome: first.outcome)
        }
        let single: Double = { let start = cpuNanos(); h.parse(); return Double(cpuNanos() - start) }()
        tp.append(single)
        if single < 0.1e9 {
            let np = max(1, Int(4e6 / single))
            for _ in 0..<3 {
                let start = cpuNanos()
                for _ in 0..<np { h.parse() }
                tp.append(Double(cpuNanos() - start) / Double(np))
            }
            tp.removeFirst()
        }
        return Point(size: size, hostile: percentile(th, 0.5), reference: percentile(tr, 0.5), ratio: percentile(ratios, 0.5),
                     parse: percentile(tp, 0.5), outcome: first.outcome)
    }

    struct Row {
        let kind: DocumentKind
        let hostile: Hostile
        let points: [Point]
        /// The cap's values when it was not measured: extrapolated from the last two sizes.
        let extrapolated: (time: Double, ratio: Double)?
        var last: Point { points.last! }
        var exponent: Double? {
            guard points.count >= 2 else { return nil }
            let a = points[points.count - 2], b = points[points.count - 1]
            return log(b.hostile / a.hostile) / log(Double(b.size) / Double(a.size))
        }
        var timeAtCap: Double { extrapolated?.time ?? last.hostile }
        var ratioAtCap: Double { extrapolated?.ratio ?? last.ratio }
    }

    func run() async throws {
        // A ServiceProvider first: its initialisation is the process's one libxml2/xmlsec initialisation (signing needs it).
        _ = try serviceProvider()
        let wall = nanos()
        print("## Worst case: hostile input under the size caps\n")
        print("Each input is generated just under its cap (responses and logout: \(Self.responseCap / 1024) KiB of XML; metadata: " +
              "\(Self.metadataCap / 1024 / 1024) MiB) and at smaller sizes, and timed against a valid document of the same kind and size " +
              "signed by the IdP (response: group values; logout: SessionIndexes; metadata: an aggregate of SP entities). " +
              "µs: median process CPU time; ratio: median of per-round ratios (hostile / valid); growth: the exponent of time over " +
              "the last ×4 in size (1 = linear, 2 = quadratic); parse: libxml2 alone on the same bytes. A size whose predicted time " +
              "exceeds \(budgetSeconds) s is not run: its time is extrapolated (≈). Target: every ratio ≤ 3.\n")
        var allRows: [Row] = []
        for kind in kinds {
            let candidates = Hostile.all.filter { $0.kinds.contains(kind) && (selected?.contains($0.name) ?? true) }
            guard !candidates.isEmpty else { continue }
            var references: [Int: (entry: Entry, time: Double)] = [:]
            func reference(_ size: Int) async throws -> (entry: Entry, time: Double) {
                if let known = references[size] { return known }
                let e = try entry(kind, try context.reference(kind, target: size))
                let first = await Self.once(e.run)
                guard first.outcome == "accepted" else { throw BenchmarkError.wrongResult("the valid \(kind) reference of \(size) bytes: \(first.outcome)") }
                let made = (entry: e, time: await Self.once(e.run).time)
                references[size] = made
                return made
            }
            var rows: [Row] = []
            for h in candidates {
                var points: [Point] = []
                var extrapolated: (Double, Double)?
                for size in ladder(kind) {
                    if let last = points.last {
                        let e = points.count >= 2 ? max(1, log(last.hostile / points[points.count - 2].hostile) / log(4)) : 2
                        let predicted = last.hostile * pow(Double(size) / Double(last.size), e)
                        if predicted > budgetSeconds * 1e9 {
                            let c = cap(kind) - 64
                            let referenceAtCap = try await reference(c)
                            let t = last.hostile * pow(Double(c) / Double(last.size), e)
                            extrapolated = (t, t / referenceAtCap.time)
                            break
                        }
                    }
                    let r = try await reference(size)
                    let xml = try context.hostile(h, kind, target: size)
                    var predictedParse: Double?
                    if let last = points.last {
                        let e = points.count >= 2 ? max(1, log(last.parse / points[points.count - 2].parse) / log(4)) : 2
                        predictedParse = last.parse * pow(Double(xml.count) / Double(last.size), e)
                    }
                    points.append(try await measure(try entry(kind, xml), r.entry, size: xml.count, predictedParse: predictedParse))
                }
                let row = Row(kind: kind, hostile: h, points: points, extrapolated: extrapolated)
                rows.append(row)
                FileHandle.standardError.write("worst-case \(kind.rawValue) \(h.name): \(micros(row.timeAtCap)) µs, \(String(format: "%.2f", row.ratioAtCap))×\n".data(using: .utf8)!)
            }
            allRows += rows
            printTable(kind, rows, references: references.mapValues(\.time))
        }
        if let worst = allRows.max(by: { $0.ratioAtCap < $1.ratioAtCap }) {
            let over = allRows.filter { $0.ratioAtCap > 3 }
            print("Slowest relative to a valid document of its size: \(worst.kind.rawValue) `\(worst.hostile.name)`, " +
                  "\(micros(worst.timeAtCap)) µs, \(String(format: "%.1f", worst.ratioAtCap))× (target ≤ 3×: " +
                  (over.isEmpty ? "met by every input)." : "**missed** by \(over.count): \(over.map { "\($0.kind.rawValue) \($0.hostile.name)" }.joined(separator: ", ")))."))
        }
        print("(worst-case section: \(String(format: "%.0f", Double(nanos() - wall) / 1e9)) s)\n")
    }

    func printTable(_ kind: DocumentKind, _ rows: [Row], references: [Int: Double]) {
        let entry: String
        switch kind {
        case .response: entry = "ServiceProvider.validate(responseXML:)"
        case .logout: entry = "ServiceProvider.validateLogoutRequest(.post(…)), base64 of the XML"
        case .metadata: entry = "IdPMetadata(xml:verifyingSignatureWith:)"
        }
        let refs = references.keys.sorted().map { "\(sizeLabel($0)) \(micros(references[$0]!)) µs" }.joined(separator: ", ")
        print("### \(kind.rawValue): \(entry)\n")
        print("Valid reference (one run each): \(refs).\n")
        print("| input | signature | bytes | µs | ratio to valid | growth | libxml2 parse µs | rejected with | ≤3× |")
        print("|---|---|--:|--:|--:|--:|--:|---|---|")
        for row in rows.sorted(by: { $0.ratioAtCap > $1.ratioAtCap }) {
            let p = row.last
            let bytes = row.extrapolated == nil ? "\(p.size)" : "\(cap(kind) - 64) (run up to \(p.size))"
            let time = row.extrapolated == nil ? micros(p.hostile) : "≈ " + micros(row.timeAtCap)
            let ratio = (row.extrapolated == nil ? "" : "≈ ") + String(format: row.ratioAtCap >= 100 ? "%.0f×" : "%.2f×", row.ratioAtCap)
            let growth = row.exponent.map { String(format: "%.2f", $0) } ?? "–"
            print("| \(row.hostile.name) | \(row.hostile.signature.rawValue) | \(bytes) | \(time) | \(ratio) | \(growth) | \(p.parseEstimated ? "≈ " : "")\(micros(p.parse)) " +
                  "| \(p.outcome.replacingOccurrences(of: "|", with: "\\|")) | \(row.ratioAtCap <= 3 ? "met" : "**missed**") |")
        }
        print("")
    }

    func sizeLabel(_ bytes: Int) -> String {
        bytes + 64 >= 1 << 20 ? "\((bytes + 64) >> 20) MiB" : "\((bytes + 64) >> 10) KiB"
    }

    /// For perf: `iterations` validations of one hostile input (or of the valid `reference`) at one size, no timing.
    func profile(_ name: String, kind: DocumentKind, size: Int?, iterations: Int) async throws {
        _ = try serviceProvider()
        let target = size ?? cap(kind) - 64
        let xml: [UInt8]
        if name == "reference" {
            xml = try context.reference(kind, target: target)
        } else {
            guard let h = Hostile.all.first(where: { $0.name == name }) else { throw BenchmarkError.missing("hostile input \(name)") }
            xml = try context.hostile(h, kind, target: target)
        }
        let e = try entry(kind, xml)
        print("\(name) (\(kind.rawValue), \(xml.count) bytes): \(await Self.once(e.run).outcome)")
        for _ in 0..<iterations { try? await e.run() }
    }
}
