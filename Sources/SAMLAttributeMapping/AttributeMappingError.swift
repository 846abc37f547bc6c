import SAML

/// Every way `SAMLAttributeMapping` rejects an assertion or a mapping: one case per failed check.
///
/// New cases may be added in minor releases; `switch` over this type with a `default` branch. As a
/// `SAMLCodedError`, ``code`` names the case as a stable string (the `saml` tool prints it) and ``fault`` says
/// whether the assertion was refused (HTTP 403) or the mapping cannot be used (5xx).
public enum AttributeMappingError: Error, Hashable, Sendable {
    // MARK: Mapping an assertion
    /// A required field is missing: none of the sources tried (in order) yielded a non-blank value.
    case missingRequired(field: String, tried: [AttributeMapping.Source])
    /// A single-valued field that rejects several values received `count` of them.
    case tooManyValues(field: String, count: Int)

    // MARK: Defining a mapping
    /// The mapping has no rules.
    case noRules
    /// A rule has an empty field name.
    case emptyFieldName
    /// Two rules set the same field.
    case duplicateField(String)
    /// A rule lists no source.
    case noSources(field: String)
    /// No preset has this name (``AttributeMapping/presetNames`` lists them).
    case unknownPreset(String)
    /// The mapping's JSON is malformed, has an unknown key or a value of the wrong shape; `detail` is the decoder's
    /// text with the key path.
    case invalidJSON(detail: String)
}

extension AttributeMappingError: SAMLCodedError {
    /// The case's name, spelled out per case: a stable string for logs, JSON and the `saml` tool's reports
    /// (`SAMLCodedError` says what "stable" promises).
    public var code: String {
        switch self {
        case .missingRequired: "missingRequired"
        case .tooManyValues: "tooManyValues"
        case .noRules: "noRules"
        case .emptyFieldName: "emptyFieldName"
        case .duplicateField: "duplicateField"
        case .noSources: "noSources"
        case .unknownPreset: "unknownPreset"
        case .invalidJSON: "invalidJSON"
        }
    }

    /// Whose fault the error is (`SAMLCodedError` has the rule): the server's for a mapping that cannot be used,
    /// the client's for an assertion that lacks what the mapping requires.
    public var fault: Fault {
        switch self {
        case .missingRequired, .tooManyValues:
            .client
        case .noRules, .emptyFieldName, .duplicateField, .noSources, .unknownPreset, .invalidJSON:
            .server
        }
    }
}
