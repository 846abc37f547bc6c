/// Strict base64: the standard alphabet with `=` padding; whitespace (IdPs wrap lines) is the only thing
/// tolerated between characters. Everything else is ``SAMLError/invalidBase64``.
enum Base64 {
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        for c in [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")] { t[Int(c)] = 0xFE }
        t[Int(UInt8(ascii: "="))] = 0xFD
        return t
    }()

    static func decode(_ input: some Collection<UInt8>) throws -> [UInt8] {
        // One pass over contiguous bytes with unchecked table reads (a String's UTF-8 view is contiguous): the
        // generic element-by-element loop cost about 16 ns a character on the SAMLResponse hot path.
        if let decoded = try input.withContiguousStorageIfAvailable({ try decode(bytes: $0) }) { return decoded }
        return try Array(input).withUnsafeBufferPointer { try decode(bytes: $0) }
    }

    private static func decode(bytes input: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        try table.withUnsafeBufferPointer { table in
            try [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 3) { out, written in
                var quad: UInt32 = 0
                var count = 0
                var padding = 0
                var n = 0
                for c in input {
                    let v = table[Int(c)]
                    if v == 0xFE { continue }
                    if v == 0xFD { padding += 1; continue }
                    guard v < 64, padding == 0 else { throw SAMLError.invalidBase64 }
                    quad = quad << 6 | UInt32(v)
                    count += 1
                    if count == 4 {
                        out[n] = UInt8(truncatingIfNeeded: quad >> 16)
                        out[n + 1] = UInt8(truncatingIfNeeded: quad >> 8)
                        out[n + 2] = UInt8(truncatingIfNeeded: quad)
                        n += 3
                        quad = 0
                        count = 0
                    }
                }
                switch (count, padding) {
                case (0, 0): break
                case (2, 2), (2, 0):
                    guard quad & 0xF == 0 else { throw SAMLError.invalidBase64 }
                    out[n] = UInt8(truncatingIfNeeded: quad >> 4)
                    n += 1
                case (3, 1), (3, 0):
                    guard quad & 0x3 == 0 else { throw SAMLError.invalidBase64 }
                    out[n] = UInt8(truncatingIfNeeded: quad >> 10)
                    out[n + 1] = UInt8(truncatingIfNeeded: quad >> 2)
                    n += 2
                default:
                    throw SAMLError.invalidBase64
                }
                // Unpadded input is accepted only when the padding is entirely absent (some IdPs strip it); partial padding is not.
                if padding != 0 && (count == 0) { throw SAMLError.invalidBase64 }
                written = n
            }
        }
    }

    static func decode(_ string: String) throws -> [UInt8] {
        try decode(string.utf8)
    }

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var buffer: UInt32 = 0
        var n = 0
        for b in bytes {
            buffer = buffer << 8 | UInt32(b)
            n += 1
            if n == 3 {
                out.append(alphabet[Int(buffer >> 18 & 63)])
                out.append(alphabet[Int(buffer >> 12 & 63)])
                out.append(alphabet[Int(buffer >> 6 & 63)])
                out.append(alphabet[Int(buffer & 63)])
                buffer = 0
                n = 0
            }
        }
        if n == 1 {
            buffer <<= 16
            out.append(alphabet[Int(buffer >> 18 & 63)])
            out.append(alphabet[Int(buffer >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if n == 2 {
            buffer <<= 8
            out.append(alphabet[Int(buffer >> 18 & 63)])
            out.append(alphabet[Int(buffer >> 12 & 63)])
            out.append(alphabet[Int(buffer >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
