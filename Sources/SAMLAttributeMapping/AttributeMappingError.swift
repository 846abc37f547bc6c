/// Every way `SAMLAttributeMapping` rejects an assertion or a mapping: one case per failed check.
///
/// New cases may be added in minor releases; `switch` over this type with a `default` branch. ``code`` names the
/// case as a stable string (the `saml` tool prints it).
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

extension AttributeMappingError {
    /// The case name, a stable string for logs, JSON and the `saml` tool's exit reports.
    public var code: String {
        let text = String(describing: self)
        if let paren = text.firstIndex(of: "(") { return String(text[..<paren]) }
        return text
    }
}
