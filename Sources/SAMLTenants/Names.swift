import Foundation

/// Tenant ids and email domains: their one stored form, and the look-alike key (skeleton) that keeps a new tenant
/// from impersonating an existing one.
public enum TenantNames {
    /// Whether `id` is a tenant id: `[a-z0-9-]{1,63}`, no leading or trailing `-` (ASCII only, so exact comparison
    /// of its bytes is tenant isolation).
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// The ASCII (IDNA) form of an email domain: compatibility-mapped (NFKC, so U+212A KELVIN SIGN becomes `K`),
    /// lower-cased, each label of letters, digits and marks, punycoded when not ASCII (`xn--…`). Nil when it is not a
    /// domain name (an empty or over-long label, a leading or trailing hyphen, spaces, symbols, a single label).
    public static func asciiDomain(_ input: String) -> String? {
        var text = input.precomposedStringWithCompatibilityMapping.lowercased()
        for dot in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] { text = text.replacingOccurrences(of: dot, with: ".") }
        if text.hasSuffix(".") { text.removeLast() }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        var out: [String] = []
        for label in labels {
            guard !label.isEmpty, label.first != "-", label.last != "-" else { return nil }
            if label.unicodeScalars.allSatisfy(\.isASCII) {
                guard label.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else { return nil }
                if label.hasPrefix("xn--") {
                    // Given already encoded: it must decode, to a label that encodes back to it.
                    guard let decoded = Punycode.decode(String(label.dropFirst(4))), !decoded.unicodeScalars.allSatisfy(\.isASCII),
                          asciiLabel(decoded) == String(label) else { return nil }
                }
                guard label.utf8.count <= 63 else { return nil }
                out.append(String(label))
            } else {
                guard let encoded = asciiLabel(String(label)) else { return nil }
                out.append(encoded)
            }
        }
        let domain = out.joined(separator: ".")
        return domain.utf8.count <= 253 ? domain : nil
    }

    /// The `xn--` form of one non-ASCII label, if every character is a letter, a mark, a decimal digit or `-`.
    static func asciiLabel(_ label: String) -> String? {
        for scalar in label.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: continue
            default: if scalar != "-" { return nil }
            }
        }
        guard let encoded = Punycode.encode(label) else { return nil }
        let ascii = "xn--" + encoded
        return ascii.utf8.count <= 63 ? ascii : nil
    }

    /// The look-alike key of an id or an ASCII domain: its Unicode form (labels decoded), compatibility-mapped,
    /// lower-cased, with confusable letters and sequences replaced by the Latin letters they imitate (after
    /// Unicode's confusables list, UTS #39, for the scripts that imitate Latin: Cyrillic, Greek, Armenian, Cherokee,
    /// and ASCII's own `0`/`o`, `1`/`l`/`i`, `rn`/`m`, `vv`/`w`, `cl`/`d`). Two values with one skeleton look alike.
    public static func skeleton(_ value: String) -> String {
        let unicode = value.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            label.hasPrefix("xn--") ? (Punycode.decode(String(label.dropFirst(4))) ?? String(label)) : String(label)
        }.joined(separator: ".")
        var out = ""
        for scalar in unicode.precomposedStringWithCompatibilityMapping.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }   // accents: é looks like e
            if let latin = confusables[scalar] { out += latin } else { out.unicodeScalars.append(scalar) }
        }
        for (sequence, letter) in [("rn", "m"), ("vv", "w"), ("cl", "d")] { out = out.replacingOccurrences(of: sequence, with: letter) }
        return out
    }

    static let confusables: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        let pairs: [(String, String)] = [
            // Cyrillic
            ("а", "a"), ("в", "b"), ("с", "c"), ("ԁ", "d"), ("е", "e"), ("ё", "e"), ("һ", "h"), ("і", "i"), ("ї", "i"), ("ј", "j"),
            ("к", "k"), ("ӏ", "l"), ("м", "m"), ("н", "h"), ("о", "o"), ("р", "p"), ("ԛ", "q"), ("г", "r"), ("ѕ", "s"), ("т", "t"),
            ("ц", "u"), ("ѵ", "v"), ("ԝ", "w"), ("х", "x"), ("у", "y"), ("з", "3"), ("ь", "b"),
            // Greek
            ("α", "a"), ("β", "b"), ("ϲ", "c"), ("ε", "e"), ("η", "n"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"), ("ρ", "p"),
            ("τ", "t"), ("υ", "u"), ("χ", "x"), ("γ", "y"), ("ω", "w"),
            // Armenian, Cherokee, Latin extensions
            ("օ", "o"), ("ս", "u"), ("հ", "h"), ("ո", "n"), ("ı", "i"), ("ɡ", "g"), ("ℓ", "l"), ("ƅ", "b"), ("ɑ", "a"), ("ʏ", "y"),
            // ASCII look-alikes
            ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"),
        ]
        for (from, to) in pairs { table[from.unicodeScalars.first!] = to }
        return table
    }()
}

/// Punycode (RFC 3492) for IDNA labels.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    private static func adapt(_ delta: Int, _ numPoints: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = String(scalars.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) })
        let basic = output.count
        var handled = basic
        if basic > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basic)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    static func decode(_ input: String) -> String? {
        guard input.unicodeScalars.allSatisfy(\.isASCII), input.utf8.count <= 63 else { return nil }
        var output: [Int] = []
        var rest = Substring(input)
        if let dash = input.lastIndex(of: "-") {
            output = input[..<dash].unicodeScalars.map { Int($0.value) }
            rest = input[input.index(after: dash)...]
        }
        var n = initialN, i = 0, bias = initialBias
        var iterator = rest.unicodeScalars.makeIterator()
        var next = iterator.next()
        while next != nil {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard let scalar = next else { return nil }
                next = iterator.next()
                let value = Int(scalar.value)
                let d: Int
                switch value {
                case 48...57: d = value - 22
                case 65...90: d = value - 65
                case 97...122: d = value - 97
                default: return nil
                }
                let (step, overflow) = d.multipliedReportingOverflow(by: w)
                guard !overflow, i <= Int.max - step else { return nil }
                i += step
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                w *= base - t
                guard w < 1 << 40 else { return nil }
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n < 0x110000, output.count < 63 else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var text = ""
        for value in output {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
            text.unicodeScalars.append(scalar)
        }
        return text
    }
}
