/// A metadata endpoint: a binding and its URL.
public struct Endpoint: Sendable, Hashable, Codable {
    /// The SAML binding the endpoint speaks.
    public var binding: Binding
    /// The endpoint's URL (`Location`).
    public var location: String
    /// Where responses to this endpoint go, when it differs from `location`.
    public var responseLocation: String?

    /// Creates an endpoint.
    /// - Parameters:
    ///   - binding: the SAML binding.
    ///   - location: the URL.
    ///   - responseLocation: where responses go, when not to `location`.
    public init(binding: Binding, location: String, responseLocation: String? = nil) {
        self.binding = binding
        self.location = location
        self.responseLocation = responseLocation
    }
}

/// An indexed endpoint (AssertionConsumerService).
public struct IndexedEndpoint: Sendable, Hashable, Codable {
    /// The SAML binding the endpoint speaks (HTTP-POST for an ACS).
    public var binding: Binding
    /// The endpoint's URL (`Location`).
    public var location: String
    /// The endpoint's `index`, unique among the SP's ACS endpoints.
    public var index: Int
    /// The `isDefault` attribute; nil when absent.
    public var isDefault: Bool?

    /// Creates an indexed endpoint.
    /// - Parameters:
    ///   - binding: the SAML binding.
    ///   - location: the URL.
    ///   - index: the endpoint's index.
    ///   - isDefault: whether it is the default endpoint; nil leaves the attribute out.
    public init(binding: Binding, location: String, index: Int, isDefault: Bool? = nil) {
        self.binding = binding
        self.location = location
        self.index = index
        self.isDefault = isDefault
    }
}

enum EndpointURL {
    /// Endpoint Locations must be absolute http(s) URLs: `javascript:` and friends would end up in a redirect
    /// or a form action.
    static func validate(_ location: String) throws -> String {
        let trimmed = XMLTree.trimmed(location)
        let lower = Exact.asciiLowercased(Substring(trimmed))
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              let host = URLMatching.components(trimmed)?.host, !host.isEmpty,
              !trimmed.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "<" || $0 == ">" || $0 == "\"" })
        else { throw SAMLError.invalidEndpointURL(location) }
        return trimmed
    }
}
