/// Exact URL comparison for Destination and Recipient: scheme and host compared case-insensitively in ASCII only, a
/// default port (80 for http, 443 for https) equal to no port; everything else (user info, path, query, fragment)
/// byte-for-byte (``Exact``). Never prefix or substring: `/acs-other`, `/acs/../x`, `?tenant=b` all differ from
/// `/acs`; never Unicode equivalence: a host or path with U+212A KELVIN SIGN differs from one with `K`.
enum URLMatching {
    struct Components: Equatable {
        static func == (a: Components, b: Components) -> Bool {
            Exact.equal(a.scheme, b.scheme) && Exact.equal(a.userInfo, b.userInfo) && Exact.equal(a.host, b.host)
                && a.port == b.port && Exact.equal(a.rest, b.rest)
        }

        var scheme: String
        var userInfo: String?
        var host: String
        var port: Int?
        var rest: String  // path, query and fragment exactly as written
    }

    static func components(_ url: String) -> Components? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = Exact.asciiLowercased(url[..<schemeEnd.lowerBound])
        guard !scheme.isEmpty, scheme.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        let rest = String(afterScheme[authorityEnd...])
        var userInfo: String?
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        var host = Substring(authority)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (0...65535).contains(p) else { return nil }
                port = p
            } else if !after.isEmpty { return nil }
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            let portText = host[host.index(after: colon)...]
            if !portText.isEmpty {
                guard portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let p = Int(portText), (0...65535).contains(p) else { return nil }
                port = p
            }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        if port == 80 && scheme == "http" { port = nil }
        if port == 443 && scheme == "https" { port = nil }
        return Components(scheme: scheme, userInfo: userInfo, host: Exact.asciiLowercased(host), port: port, rest: rest.isEmpty ? "/" : rest)
    }

    /// True when `found` names the same endpoint as `expected` under the rules above.
    static func matches(_ found: String, _ expected: String) -> Bool {
        if Exact.equal(found, expected) { return true }
        guard let a = components(found), let b = components(expected) else { return false }
        return a == b
    }
}
