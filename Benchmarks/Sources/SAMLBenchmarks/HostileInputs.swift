import CFloor
import Foundation

// The worst-case section's inputs, generated in memory at any size: a valid signed document of each kind (the
// reference a hostile input is compared with, padded to the same size) and the hostile variants. Every hostile
// input is a well-formed document of the right kind whose bytes go, as far as possible, into one feature (a long
// PrefixList, thousands of attributes on one element, …); the few bytes left over are whitespace before the closing
// tag of the root (`HostileParts` says where each feature goes).

/// What is validated: a Response (`ServiceProvider.validate(responseXML:)`, Assertion signed), a LogoutRequest sent
/// with HTTP-POST (`validateLogoutRequest(.post(…))`, root signed), signed metadata
/// (`IdPMetadata(xml:verifyingSignatureWith:)`, root signed, an aggregate).
enum DocumentKind: String, CaseIterable, Sendable {
    case response, logout, metadata

    /// Depth of the element hostile content goes into (the generators' nesting stays within the depth cap, AssumedLimits.depth).
    var contentDepth: Int {
        switch self {
        case .response: return 4   // Response > Assertion > Advice > b:w
        case .logout, .metadata: return 3   // root > Extensions > b:w
        }
    }
}

/// Where a hostile input puts its bytes. Empty strings leave the reference shape unchanged.
struct HostileParts {
    /// In the start tag of the signed element (the Assertion; the root for logout and metadata).
    var signedAttributes = ""
    /// Response only: in the Response's start tag (outside the signed Assertion).
    var responseAttributes = ""
    /// Response only: replaces the Response's Destination / IssueInstant (outside the signed Assertion).
    var destination: String?
    var responseIssueInstant: String?
    /// Inside the signed element, in `<b:w xmlns:b="urn:bench:hostile">` (in saml:Advice / md:Extensions / samlp:Extensions).
    var content = ""
    /// Inside the signed element beside the wrapper, unwrapped (Assertions in Advice).
    var rawContent = ""
    /// On ds:Signature, inside SignedInfo's CanonicalizationMethod, inside the Reference's exc-c14n Transform, after
    /// the two Transforms; KeyInfo's content, SignatureValue's and DigestValue's text when set.
    var signatureAttributes = ""
    var canonicalizationMethodChild = ""
    var referenceC14NChild = ""
    var extraTransforms = ""
    var keyInfo: String?
    var signatureValue: String?
    var digestValue: String?
    /// Response: more Audience elements, more Attribute elements; the Assertion replaced (EncryptedAssertion);
    /// a StatusMessage (with a non-success StatusCode).
    var audiences = ""
    var attributes = ""
    var assertionReplacement: String?
    var statusMessage: String?
    /// Logout: more SessionIndex elements. Metadata: more KeyDescriptors / SingleSignOnServices in the IdP's
    /// IDPSSODescriptor, more EntityDescriptors.
    var sessionIndexes = ""
    var keyDescriptors = ""
    var ssoServices = ""
    var entities = ""
}

/// One hostile input: its name, what it does, which kinds it applies to, whether its signature is valid (signed
/// by the IdP: to reach the checks after verification) or bogus (the realistic case for unauthenticated input),
/// and its generator, given the kind, the bytes it may use and the run's constants.
struct Hostile: Sendable {
    enum Signature: String, Sendable { case bogus, valid }
    let name: String
    let what: String
    let kinds: [DocumentKind]
    let signature: Signature
    let parts: @Sendable (DocumentKind, Int, HostileContext) -> HostileParts

    init(_ name: String, _ what: String, _ kinds: [DocumentKind] = DocumentKind.allCases, _ signature: Signature = .bogus,
         _ parts: @escaping @Sendable (DocumentKind, Int, HostileContext) -> HostileParts) {
        self.name = name; self.what = what; self.kinds = kinds; self.signature = signature; self.parts = parts
    }
}

// MARK: - Pieces

enum XMLNames {
    static let samlp = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let saml = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let md = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let ds = "http://www.w3.org/2000/09/xmldsig#"
    static let xenc = "http://www.w3.org/2001/04/xmlenc#"
    static let excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let enveloped = ds + "enveloped-signature"
    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let groups = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
}

/// As many `unit(i)` as fit in `budget` bytes (UTF-8), concatenated.
func units(_ budget: Int, _ unit: (Int) -> String) -> String {
    var out = ""
    out.reserveCapacity(max(0, budget))
    var i = 0
    while true {
        let u = unit(i)
        if out.utf8.count + u.utf8.count > budget { return out }
        out += u
        i += 1
    }
}

/// How many `unit(i)` fit in `budget` bytes.
func unitCount(_ budget: Int, _ unit: (Int) -> String) -> Int {
    var used = 0, i = 0
    while used + unit(i).utf8.count <= budget { used += unit(i).utf8.count; i += 1 }
    return i
}

/// `count` pseudo-random base64 characters (a multiple of 4), deterministic.
func base64Text(_ count: Int, seed: UInt64 = 1) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var state = seed &* 0x9E3779B97F4A7C15 | 1
    var bytes = [UInt8](repeating: 0, count: max(0, count / 4 * 4))
    for i in bytes.indices {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        bytes[i] = alphabet[Int(state % 64)]
    }
    return String(decoding: bytes, as: UTF8.self)
}

private func inclusiveNamespaces(_ prefixList: String) -> String {
    "<ec:InclusiveNamespaces xmlns:ec=\"\(XMLNames.excC14N)\" PrefixList=\"\(prefixList)\"/>"
}

/// A PrefixList of `p0 p1 …` filling `budget` bytes (with the InclusiveNamespaces element around it).
private func prefixList(_ budget: Int, prefix: String = "p", count: Int? = nil) -> String {
    let overhead = inclusiveNamespaces("").utf8.count
    var list: String
    if let count {
        list = (0..<count).map { "\(prefix)\($0)" }.joined(separator: " ")
    } else {
        list = units(budget - overhead) { "\(prefix)\($0) " }
        if list.hasSuffix(" ") { list.removeLast() }
    }
    return inclusiveNamespaces(list)
}

/// `xmlns:n0="urn:n:0" …` filling `budget` bytes; also returns how many.
private func declarations(_ budget: Int, prefix: String = "n") -> (String, Int) {
    let unit: (Int) -> String = { " xmlns:\(prefix)\($0)=\"urn:n:\($0)\"" }
    return (units(budget, unit), unitCount(budget, unit))
}

private let wrapperOverhead = "<b:w xmlns:b=\"urn:bench:hostile\"></b:w>".utf8.count

// MARK: - The hostile inputs

extension Hostile {
    /// Every hostile input, in no particular order (the table sorts by ratio).
    static let all: [Hostile] = signatureInputs + namespaceInputs + attributeInputs + treeInputs + samlInputs + validInputs + atLimitInputs

    static let signatureInputs: [Hostile] = [
        Hostile("prefixlist-reference", "Reference exc-c14n PrefixList of undeclared prefixes (all the bytes: the issue's input)") { _, b, _ in
            var p = HostileParts()
            p.referenceC14NChild = prefixList(b)
            return p
        },
        Hostile("prefixlist-reference-x-elements", "Reference PrefixList (half the bytes) × small elements in the signed content (half)") { _, b, _ in
            var p = HostileParts()
            p.referenceC14NChild = prefixList(b / 2)
            p.content = units(b / 2 - wrapperOverhead) { _ in "<b:e/>" }
            return p
        },
        Hostile("prefixlist-reference-declared", "Reference PrefixList naming prefixes declared on the signed element (decls ½, list ¼, elements ¼)") { _, b, _ in
            var p = HostileParts()
            let (decls, n) = declarations(b / 2, prefix: "p")
            p.signedAttributes = decls
            p.referenceC14NChild = prefixList(b / 4, count: min(n, unitCount(b / 4) { " p\($0)" }))
            p.content = units(b / 4 - wrapperOverhead) { _ in "<b:e/>" }
            return p
        },
        Hostile("prefixlist-signedinfo", "SignedInfo CanonicalizationMethod PrefixList of undeclared prefixes (all the bytes)") { _, b, _ in
            var p = HostileParts()
            p.canonicalizationMethodChild = prefixList(b)
            return p
        },
        Hostile("prefixlist-signedinfo-declared", "SignedInfo PrefixList naming prefixes declared on ds:Signature (decls ⅔, list ⅓)") { _, b, _ in
            var p = HostileParts()
            let (decls, n) = declarations(b * 2 / 3, prefix: "p")
            p.signatureAttributes = decls
            p.canonicalizationMethodChild = prefixList(b / 3, count: min(n, unitCount(b / 3 - 80) { " p\($0)" }))
            return p
        },
        Hostile("keyinfo-certificates", "KeyInfo with as many X509Data/X509Certificate (the IdP's certificate) as fit") { _, b, c in
            var p = HostileParts()
            p.keyInfo = units(b) { _ in "<ds:X509Data><ds:X509Certificate>\(c.certificate)</ds:X509Certificate></ds:X509Data>" }
            return p
        },
        Hostile("keyinfo-children", "KeyInfo with thousands of small children (KeyName)") { _, b, _ in
            var p = HostileParts()
            p.keyInfo = units(b) { "<ds:KeyName>k\($0)</ds:KeyName>" }
            return p
        },
        Hostile("signaturevalue-huge", "SignatureValue of all the bytes (base64)") { _, b, _ in
            var p = HostileParts()
            p.signatureValue = base64Text(b)
            return p
        },
        Hostile("digestvalue-huge", "DigestValue of all the bytes (base64)") { _, b, _ in
            var p = HostileParts()
            p.digestValue = base64Text(b)
            return p
        },
        Hostile("transforms-many", "thousands of Transform elements (enveloped-signature)") { _, b, _ in
            var p = HostileParts()
            p.extraTransforms = units(b) { _ in "<ds:Transform Algorithm=\"\(XMLNames.enveloped)\"/>" }
            return p
        },
        Hostile("transform-parameters-many", "thousands of InclusiveNamespaces children in one exc-c14n Transform") { _, b, _ in
            var p = HostileParts()
            p.referenceC14NChild = units(b) { _ in inclusiveNamespaces("a") }
            return p
        },
    ]

    static let namespaceInputs: [Hostile] = [
        Hostile("ns-decls-signed-element", "thousands of xmlns:nI on the signed element (⅗) × elements in it using the first and last (⅖)") { _, b, _ in
            var p = HostileParts()
            let (decls, n) = declarations(b * 3 / 5)
            p.signedAttributes = decls
            p.content = units(b * 2 / 5 - wrapperOverhead) { $0 % 2 == 0 ? "<n0:e/>" : "<n\(n - 1):e/>" }
            return p
        },
        Hostile("ns-decls-response-root", "thousands of xmlns:nI on the Response (⅗, outside the signed Assertion) × elements using them (⅖)", [.response]) { _, b, _ in
            var p = HostileParts()
            let (decls, n) = declarations(b * 3 / 5)
            p.responseAttributes = decls
            p.content = units(b * 2 / 5 - wrapperOverhead) { $0 % 2 == 0 ? "<n0:e/>" : "<n\(n - 1):e/>" }
            return p
        },
        Hostile("ns-decls-nested", "xmlns declarations spread over a chain nested to the depth cap (⅗) × elements at the bottom (⅖)") { kind, b, _ in
            var p = HostileParts()
            // The chain's innermost element holds the leaves, which sit exactly at the depth cap.
            let depth = AssumedLimits.depth - kind.contentDepth - 1
            let (all, n) = declarations(b * 3 / 5 - depth * 12)
            var chunks: [String] = Array(repeating: "", count: depth)
            for (k, part) in all.split(separator: " ", omittingEmptySubsequences: true).enumerated() {
                chunks[k % depth] += " " + part
            }
            let leaves = units(b * 2 / 5 - wrapperOverhead) { $0 % 2 == 0 ? "<n0:e/>" : "<n\(n - 1):e/>" }
            p.content = chunks.map { "<b:d\($0)>" }.joined() + leaves + String(repeating: "</b:d>", count: depth)
            return p
        },
        Hostile("ns-decls-spread", "8 xmlns declarations on each of thousands of elements") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { i in
                "<b:e" + (0..<8).map { " xmlns:x\($0)=\"urn:x:\(i % 3)\"" }.joined() + "/>"
            }
            return p
        },
        Hostile("ns-used-prefixes-one-element", "one element with thousands of attributes each in its own declared namespace (cI:a)") { _, b, _ in
            var p = HostileParts()
            p.content = "<b:e" + units(b - wrapperOverhead - 8) { " xmlns:c\($0)=\"u:\($0)\" c\($0):a=\"\"" } + "/>"
            return p
        },
    ]

    static let attributeInputs: [Hostile] = [
        Hostile("attrs-one-element", "one element with thousands of attributes (a0=\"\" a1=\"\" …)") { _, b, _ in
            var p = HostileParts()
            p.content = "<b:e" + units(b - wrapperOverhead - 8) { " a\($0)=\"\"" } + "/>"
            return p
        },
        Hostile("attrs-prefixed-one-element", "one element with thousands of prefixed attributes (b:a0=\"\" …)") { _, b, _ in
            var p = HostileParts()
            p.content = "<b:e" + units(b - wrapperOverhead - 8) { " b:a\($0)=\"\"" } + "/>"
            return p
        },
        Hostile("attrs-on-signed-element", "thousands of attributes on the signed element itself") { _, b, _ in
            var p = HostileParts()
            p.signedAttributes = units(b) { " a\($0)=\"\"" }
            return p
        },
        Hostile("attrs-many-elements", "thousands of elements with 8 attributes each") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { _ in "<b:e a=\"\" c=\"\" d=\"\" f=\"\" g=\"\" h=\"\" i=\"\" j=\"\"/>" }
            return p
        },
        Hostile("id-attrs", "thousands of elements carrying ID, Id and id (distinct values)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { "<b:e ID=\"_i\($0)\" Id=\"_j\($0)\" id=\"_k\($0)\"/>" }
            return p
        },
        Hostile("xml-id-attrs", "thousands of xml:id attributes (libxml2 registers each)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { "<b:e xml:id=\"x\($0)\"/>" }
            return p
        },
        Hostile("attr-value-long", "one attribute value of all the bytes") { _, b, _ in
            var p = HostileParts()
            p.content = "<b:e v=\"" + String(repeating: "x", count: max(0, b - wrapperOverhead - 12)) + "\"/>"
            return p
        },
        Hostile("attr-value-charrefs", "one attribute value of character references (&#x41;&amp;…)") { _, b, _ in
            var p = HostileParts()
            p.content = "<b:e v=\"" + units(b - wrapperOverhead - 12) { $0 % 2 == 0 ? "&#x41;" : "&amp;" } + "\"/>"
            return p
        },
    ]

    static let treeInputs: [Hostile] = [
        Hostile("siblings", "tens of thousands of sibling elements (<b:e/>)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { _ in "<b:e/>" }
            return p
        },
        Hostile("deep-nesting", "chains nested to the depth cap, repeated") { kind, b, _ in
            var p = HostileParts()
            let depth = AssumedLimits.depth - kind.contentDepth
            let chain = String(repeating: "<b:d>", count: depth) + String(repeating: "</b:d>", count: depth)
            p.content = units(b - wrapperOverhead) { _ in chain }
            return p
        },
        Hostile("deep-nesting-prefixed-leaves", "chains to the depth cap with an attribute per level and a saml-prefixed leaf", [.response]) { kind, b, _ in
            var p = HostileParts()
            let depth = AssumedLimits.depth - kind.contentDepth - 1
            let chain = String(repeating: "<b:d b:a=\"\">", count: depth) + "<saml:x/>" + String(repeating: "</b:d>", count: depth)
            p.content = units(b - wrapperOverhead) { _ in chain }
            return p
        },
        Hostile("comments", "tens of thousands of comments") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { _ in "<!---->" }
            return p
        },
        Hostile("processing-instructions", "tens of thousands of processing instructions") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { _ in "<?p?>" }
            return p
        },
        Hostile("cdata-sections", "tens of thousands of adjacent CDATA sections (libxml2 concatenates them)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { _ in "<![CDATA[x]]>" }
            return p
        },
        Hostile("text-huge", "one text node of all the bytes") { _, b, _ in
            var p = HostileParts()
            p.content = String(repeating: "x", count: max(0, b - wrapperOverhead))
            return p
        },
        Hostile("text-charrefs", "one text node of character references (&#x41;&amp;&gt;…)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { ["&#x41;", "&amp;", ">"][$0 % 3] }
            return p
        },
        Hostile("text-interleaved", "text split by tens of thousands of comments and PIs (x<!---->x<?p?>…)") { _, b, _ in
            var p = HostileParts()
            p.content = units(b - wrapperOverhead) { $0 % 2 == 0 ? "x<!---->" : "x<?p?>" }
            return p
        },
    ]

    static let samlInputs: [Hostile] = [
        Hostile("signatures-in-advice", "thousands of Assertions in Advice, each with its own ds:Signature (an allowed place)", [.response]) { _, b, _ in
            var p = HostileParts()
            p.rawContent = units(b) { "<saml:Assertion ID=\"_adv\($0)\" Version=\"2.0\"><ds:Signature xmlns:ds=\"\(XMLNames.ds)\"/></saml:Assertion>" }
            return p
        },
        Hostile("assertions-in-advice", "thousands of Assertions in Advice (each ID registered)", [.response]) { _, b, _ in
            var p = HostileParts()
            p.rawContent = units(b) { "<saml:Assertion ID=\"_adv\($0)\" Version=\"2.0\"/>" }
            return p
        },
        Hostile("advice-nested", "Assertion/Advice chains nested to the depth cap, repeated", [.response]) { _, b, _ in
            var p = HostileParts()
            let levels = (64 - 3) / 2
            let chain = (0..<levels).map { "<saml:Assertion ID=\"_n\($0)X\" Version=\"2.0\"><saml:Advice>" }.joined()
                + String(repeating: "</saml:Advice></saml:Assertion>", count: levels)
            var i = 0
            p.rawContent = units(b) { _ in i += 1; return chain.replacingOccurrences(of: "X\"", with: "_\(i)\"") }
            return p
        },
        Hostile("encryptedkey-candidates", "unsigned Response, EncryptedAssertion with thousands of EncryptedKey siblings", [.response]) { _, b, _ in
            var p = HostileParts()
            p.assertionReplacement = HostileContext.encryptedAssertion(siblings: units(b - 1200) { "<xenc:EncryptedKey Id=\"k\($0)\"/>" })
            return p
        },
        Hostile("encrypted-retrievalmethods", "unsigned Response, EncryptedData KeyInfo with thousands of RetrievalMethods × thousands of sibling EncryptedKeys", [.response]) { _, b, _ in
            var p = HostileParts()
            let siblingUnit: (Int) -> String = { "<xenc:EncryptedKey Id=\"k\($0)\"/>" }
            let n = unitCount(b / 2 - 1200, siblingUnit)
            let siblings = units(b / 2 - 1200, siblingUnit)
            let methods = units(b / 2) { _ in "<ds:RetrievalMethod URI=\"#k\(n - 1)\"/>" }
            p.assertionReplacement = HostileContext.encryptedAssertion(keyInfo: methods, siblings: siblings)
            return p
        },
        Hostile("status-message-long", "a non-success StatusCode with a StatusMessage of all the bytes", [.response]) { _, b, _ in
            var p = HostileParts()
            p.statusMessage = String(repeating: "x", count: max(0, b - 100))
            return p
        },
    ]

    /// Validly signed: what happens after the signature verifies (a signed assertion the attacker obtained, wrapped
    /// in a Response of their own; or what an IdP signs).
    static let validInputs: [Hostile] = [
        Hostile("audiences-many", "thousands of distinct Audience elements in one AudienceRestriction", [.response], .valid) { _, b, _ in
            var p = HostileParts()
            p.audiences = units(b) { "<saml:Audience>urn:a:\($0)</saml:Audience>" }
            return p
        },
        Hostile("attributes-many", "thousands of Attribute elements of one value each", [.response], .valid) { _, b, _ in
            var p = HostileParts()
            p.attributes = units(b) { "<saml:Attribute Name=\"a\($0)\"><saml:AttributeValue>v</saml:AttributeValue></saml:Attribute>" }
            return p
        },
        Hostile("destination-long", "a Destination of all the bytes on the (unsigned) Response around a signed Assertion", [.response], .valid) { _, b, _ in
            var p = HostileParts()
            p.destination = "https://app.example.test/saml/acs?" + String(repeating: "a", count: max(0, b - 40))
            return p
        },
        Hostile("issueinstant-long", "an IssueInstant with a fraction of all the bytes on the (unsigned) Response", [.response], .valid) { _, b, _ in
            var p = HostileParts()
            p.responseIssueInstant = "2026-12-01T11:59:50." + String(repeating: "0", count: max(0, b - 30)) + "Z"
            return p
        },
        Hostile("keydescriptors-many", "thousands of signing KeyDescriptors (the same certificate) in the IDPSSODescriptor", [.metadata], .valid) { _, b, c in
            var p = HostileParts()
            p.keyDescriptors = units(b) { _ in c.keyDescriptor }
            return p
        },
        Hostile("sso-services-many", "thousands of SingleSignOnService endpoints", [.metadata], .valid) { _, b, _ in
            var p = HostileParts()
            p.ssoServices = units(b) { "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp.example.test/sso/\($0)\"/>" }
            return p
        },
    ]

    /// The inputs above that are rejected by a bound, adapted to stay just inside it: the most work per byte an
    /// attacker can still ask for. The bounds assumed are `AssumedLimits` (the library's, or the proposal's).
    static let atLimitInputs: [Hostile] = [
        Hostile("at-limit-deep-nesting", "chains to the depth cap, as many elements as the node bound allows (the rest whitespace)") { kind, b, _ in
            var p = HostileParts()
            let depth = AssumedLimits.depth - kind.contentDepth
            let chain = String(repeating: "<b:d>", count: depth) + String(repeating: "</b:d>", count: depth)
            let chains = max(1, (AssumedLimits.nodes(bytes: b) - 200) / depth)
            p.content = units(min(b - wrapperOverhead, chains * chain.utf8.count)) { _ in chain }
            return p
        },
        Hostile("at-limit-siblings", "sibling elements up to the node bound") { _, b, _ in
            var p = HostileParts()
            let unit = "<b:e/>"
            p.content = units(min(b - wrapperOverhead, (AssumedLimits.nodes(bytes: b) - 200) * unit.utf8.count)) { _ in unit }
            return p
        },
        Hostile("at-limit-attributes", "elements with the most attributes allowed each, up to the node bound") { _, b, _ in
            var p = HostileParts()
            let n = AssumedLimits.attributesPerElement
            let unit = "<b:e" + (0..<n).map { " a\($0)=\"\"" }.joined() + "/>"
            p.content = units(min(b - wrapperOverhead, (AssumedLimits.nodes(bytes: b) - 200) / (n + 1) * unit.utf8.count)) { _ in unit }
            return p
        },
        Hostile("at-limit-namespaces", "the most namespaces in scope (declared per element at the bound), leaves using the first-declared") { _, b, _ in
            var p = HostileParts()
            let perElement = AssumedLimits.namespacesPerElement
            let levels = max(1, (AssumedLimits.namespacesInScope - 4) / perElement)
            var open = "", close = ""
            for level in 0..<levels {
                open += "<b:d" + (0..<perElement).map { " xmlns:n\(level * perElement + $0)=\"urn:n:\(level * perElement + $0)\"" }.joined() + ">"
                close += "</b:d>"
            }
            let leaves = (AssumedLimits.nodes(bytes: b) - 200 - levels * (perElement + 1))
            p.content = open + units(min(b - wrapperOverhead - open.utf8.count - close.utf8.count, leaves * 7)) { _ in "<n0:e/>" } + close
            return p
        },
        Hostile("at-limit-prefixlist", "Reference PrefixList at the bound, naming prefixes declared on the signed element, over many elements") { _, b, _ in
            var p = HostileParts()
            let n = min(AssumedLimits.inclusivePrefixes, AssumedLimits.namespacesPerElement)
            p.signedAttributes = (0..<n).map { " xmlns:p\($0)=\"urn:p:\($0)\"" }.joined()
            p.referenceC14NChild = prefixList(0, count: n)
            let unit = "<b:e/>"
            p.content = units(min(b - wrapperOverhead - 2_000, (AssumedLimits.nodes(bytes: b) - 200) * unit.utf8.count)) { _ in unit }
            return p
        },
    ]
}

/// The bounds the at-limit inputs stay inside: the library's defaults (`XMLParsingLimits`, and
/// `SignatureVerifier.maxInclusivePrefixes` for the PrefixList). Keep in step with them;
/// `SAML_BENCH_LIMITS=bytesPerNode=40,prefixes=4,…` tries others (inputs only: the library keeps its defaults).
enum AssumedLimits {
    private static let overrides: [String: Int] = {
        var values: [String: Int] = [:]
        for pair in (ProcessInfo.processInfo.environment["SAML_BENCH_LIMITS"] ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }()
    /// Elements, attributes, namespace declarations, comments, PIs and CDATA sections: 1024 + one per 32 bytes.
    static func nodes(bytes: Int) -> Int { (overrides["nodesBase"] ?? 1024) + bytes / (overrides["bytesPerNode"] ?? 32) }
    static let attributesPerElement = overrides["attributes"] ?? 32
    static let namespacesPerElement = overrides["namespaces"] ?? 32
    static let namespacesInScope = overrides["namespacesInScope"] ?? 64
    static let inclusivePrefixes = overrides["prefixes"] ?? 5
    /// `XMLParsingLimits.messages.maxDepth` and `.metadata.maxDepth`.
    static let depth = overrides["depth"] ?? 32
}
