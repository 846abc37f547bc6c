/// Exact comparison of identifiers, the way SAML compares them: character by character (saml-core §1.3.1, §8.3.6).
///
/// Swift's `String ==`, `hasPrefix`, `contains` and dictionary keys use Unicode canonical equivalence: U+212A KELVIN
/// SIGN equals `K`, and `é` equals `e` + U+0301. An Audience, Issuer, Destination, Recipient, InResponseTo, entityID
/// or attribute name spelled with a look-alike would then match a name it is not. Every identifier comparison in the
/// library goes through this one helper, which compares UTF-8 bytes.
enum Exact {
    /// The same Unicode scalars (byte-for-byte in UTF-8).
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// `a` and `b` are both absent, or both present and exactly equal.
    @inline(__always)
    static func equal(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return equal(a, b)
        default: return false
        }
    }

    /// `value` with ASCII letters lower-cased and every other scalar unchanged (`String.lowercased()` would map
    /// U+212A KELVIN SIGN to `k`).
    static func asciiLowercased(_ value: Substring) -> String {
        var bytes = Array(value.utf8)
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5A { bytes[i] += 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `list` holds `value` exactly.
    @inline(__always)
    static func contains(_ list: some Sequence<String>, _ value: String) -> Bool {
        list.contains { equal($0, value) }
    }
}

/// A `String` used as a dictionary key or set member under exact comparison (see ``Exact``): equal and hashed by its
/// UTF-8 bytes, never by canonical equivalence.
struct ExactKey: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { Exact.equal(lhs.value, rhs.value) }

    func hash(into hasher: inout Hasher) {
        var copy = value
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
