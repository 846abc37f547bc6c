/// Message IDs: `_` followed by 32 hex digits of a cryptographically secure random 128-bit value (the `_` keeps
/// the ID an NCName whatever the first digit).
enum RequestID {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "_")]
        out.reserveCapacity(33)
        for _ in 0..<2 {
            var word = generator.next() as UInt64
            for _ in 0..<16 {
                out.append(hex[Int(word & 0xF)])
                word >>= 4
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Is `value` an XML NCName (what xs:ID requires)?
    static func isNCName(_ value: String) -> Bool {
        // ASCII fast path (every ID real IdPs send): letters and `_` start, then letters, digits, `-`, `.`, `_`.
        var copy = value
        let ascii: Bool? = copy.withUTF8 { bytes in
            guard let first = bytes.first else { return false }
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
            guard isLetter(first) || first == 0x5F else { return false }
            return bytes.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
        }
        if let ascii { return ascii }
        return isNCNameByScalars(value)
    }

    /// The NCName production of XML Namespaces 1.0, scalar by scalar (any input).
    static func isNCNameByScalars(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        func isStart(_ c: Unicode.Scalar) -> Bool {
            switch c.value {
            case 0x41...0x5A, 0x61...0x7A, 0x5F, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
                 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
                 0x10000...0xEFFFF:
                return true
            default: return false
            }
        }
        func isChar(_ c: Unicode.Scalar) -> Bool {
            if isStart(c) { return true }
            switch c.value {
            case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
            default: return false
            }
        }
        guard isStart(first) else { return false }
        return value.unicodeScalars.dropFirst().allSatisfy(isChar)
    }
}
