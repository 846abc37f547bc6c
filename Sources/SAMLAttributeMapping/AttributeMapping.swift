import SAML

/// Turns a `VerifiedAssertion` into the app's user record, declaratively: a list of rules `field ← source`.
///
/// Each ``Rule`` names a field and the places to read it from, in order (the first source that is present wins), says
/// whether the field is required and how many values it takes. Mappings are `Codable`, so an admin's JSON file can
/// define one (the format is in ``init(json:)``); presets such as ``azureAD`` cover the IdPs people actually use.
///
/// ```swift
/// let assertion = try await acs.validate(samlResponse: form["SAMLResponse"] ?? "", expectedRequestID: requestID)
/// let user = try AttributeMapping.azureAD.map(assertion)
/// if let link = user.groupsOverageLink { /* fetch the groups from Microsoft Graph */ }
/// ```
public struct AttributeMapping: Sendable, Hashable {
    /// The rules, in the order they are applied (the first failing required rule is the error reported).
    public let rules: [Rule]

    /// Creates a mapping from its rules, checking them.
    /// - Parameter rules: at least one rule; field names unique and non-empty; each rule with at least one source.
    /// - Throws: ``AttributeMappingError/noRules``, ``AttributeMappingError/emptyFieldName``,
    ///   ``AttributeMappingError/duplicateField(_:)``, ``AttributeMappingError/noSources(field:)``.
    public init(rules: [Rule]) throws {
        guard !rules.isEmpty else { throw AttributeMappingError.noRules }
        var seen: Set<String> = []
        for rule in rules {
            guard !rule.field.isEmpty else { throw AttributeMappingError.emptyFieldName }
            guard seen.insert(rule.field).inserted else { throw AttributeMappingError.duplicateField(rule.field) }
            guard !rule.sources.isEmpty else { throw AttributeMappingError.noSources(field: rule.field) }
        }
        self.rules = rules
    }

    /// For the presets, whose rules are known to be valid.
    init(validRules rules: [Rule]) {
        do { try self.init(rules: rules) } catch { preconditionFailure("invalid preset: \(error)") }
    }

    /// Applies every rule to a verified assertion.
    ///
    /// A source is *present* when it yields at least one value that is not empty or whitespace only (empty values
    /// are dropped, so an IdP that sends `<AttributeValue/>` falls through to the next source). Values keep their
    /// document order; several `Attribute` elements with the same Name contribute their values in turn.
    /// - Parameter assertion: an assertion returned by `ServiceProvider`.
    /// - Returns: the mapped fields, with the assertion's NameID and issuer.
    /// - Throws: ``AttributeMappingError/missingRequired(field:tried:)`` when no source of a required rule is present;
    ///   ``AttributeMappingError/tooManyValues(field:count:)`` when a single-valued rule that rejects several values
    ///   receives more than one.
    public func map(_ assertion: VerifiedAssertion) throws -> MappedUser {
        try map(AssertionContents(assertion))
    }

    func map(_ contents: AssertionContents) throws -> MappedUser {
        var fields: [String: [String]] = [:]
        var matched: [String: Source] = [:]
        var multiValued: Set<String> = []
        for rule in rules {
            if case .multiple = rule.multiplicity { multiValued.insert(rule.field) }
            guard let (source, values) = rule.sources.lazy.map({ ($0, contents.values(for: $0)) }).first(where: { !$0.1.isEmpty }) else {
                if rule.required { throw AttributeMappingError.missingRequired(field: rule.field, tried: rule.sources) }
                continue
            }
            switch rule.multiplicity {
            case .multiple:
                fields[rule.field] = values
            case .single(onMany: .first):
                fields[rule.field] = [values[0]]
            case .single(onMany: .reject):
                guard values.count == 1 else { throw AttributeMappingError.tooManyValues(field: rule.field, count: values.count) }
                fields[rule.field] = values
            }
            matched[rule.field] = source
        }
        return MappedUser(fields: fields, matchedSources: matched, multiValuedFields: multiValued,
                          nameID: contents.nameID, issuer: contents.issuer)
    }
}

/// What a mapping reads from an assertion: its NameID, issuer and attributes (Name, FriendlyName, values).
struct AssertionContents: Sendable {
    struct Attribute: Sendable {
        let name: String
        let friendlyName: String?
        let values: [String]
    }

    let nameID: String
    let issuer: String
    let attributes: [Attribute]

    init(nameID: String, issuer: String, attributes: [Attribute]) {
        self.nameID = nameID
        self.issuer = issuer
        self.attributes = attributes
    }

    init(_ assertion: VerifiedAssertion) {
        self.init(nameID: assertion.nameID.value, issuer: assertion.issuer,
                  attributes: assertion.attributes.map { Attribute(name: $0.name, friendlyName: $0.friendlyName, values: $0.values) })
    }

    /// The present (non-blank) values of one source, in document order.
    func values(for source: AttributeMapping.Source) -> [String] {
        let all: [String]
        switch source {
        // Names compared by Unicode scalars, as SAML compares them: `\u{212A}elvin` (KELVIN SIGN) is not `Kelvin`.
        case .attribute(let name): all = attributes.filter { $0.name.unicodeScalars.elementsEqual(name.unicodeScalars) }.flatMap(\.values)
        case .friendlyName(let name):
            all = attributes.filter { $0.friendlyName.map { $0.unicodeScalars.elementsEqual(name.unicodeScalars) } ?? false }.flatMap(\.values)
        case .nameID: all = [nameID]
        }
        return all.filter { !$0.allSatisfy(\.isWhitespace) }
    }
}
