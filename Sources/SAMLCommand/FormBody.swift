import Foundation

/// An `application/x-www-form-urlencoded` body or a query string, read as `name=value&…` pairs.
///
/// Which SAML parameter a message travels in is decided by these names (never by searching the text for
/// `SAMLResponse=`, which a RelayState may contain).
struct FormBody {
    /// The pairs in order, names and values decoded (`+` is a space, then percent-decoding).
    let pairs: [(name: String, value: String)]

    /// Nil when a name or value has invalid percent-encoding.
    init?(_ text: Substring) {
        var pairs: [(name: String, value: String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return nil }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    var names: Set<String> { Set(pairs.map(\.name)) }

    /// Every value of the parameter `name`.
    func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The single value of `name`, nil when absent.
    /// - Throws: `Rejection` `invalidForm` when it appears more than once.
    func single(_ name: String) throws -> String? {
        let found = values(name)
        guard found.count <= 1 else { throw Rejection(code: "invalidForm", detail: "\(name) appears \(found.count) times") }
        return found.first
    }

    private static func decode(_ text: Substring) -> String? {
        let spaced = String(text).replacingOccurrences(of: "+", with: " ")
        return spaced.contains("%") ? spaced.removingPercentEncoding : spaced
    }
}
