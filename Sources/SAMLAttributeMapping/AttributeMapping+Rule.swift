extension AttributeMapping {
    /// One field of the user record and where to read it from.
    public struct Rule: Sendable, Hashable {
        /// The field's name in ``MappedUser/fields`` (``MappedUser/Field`` lists the names the presets use).
        public var field: String
        /// Where to read the field, in order of preference: the first source that is present wins.
        public var sources: [Source]
        /// Whether a missing field rejects the login (default `true`: a field is optional only when the rule says so).
        public var required: Bool
        /// How many values the field takes (default ``Multiplicity/single(onMany:)`` rejecting several).
        public var multiplicity: Multiplicity

        /// Creates a rule (``required(_:from:)``, ``optional(_:from:)`` and ``list(_:from:)`` are the usual shapes).
        /// - Parameters:
        ///   - field: the field's name.
        ///   - sources: where to read it, first present wins.
        ///   - required: whether its absence rejects the login (default `true`).
        ///   - multiplicity: single (rejecting several values unless told to take the first) or multiple.
        public init(field: String, sources: [Source], required: Bool = true, multiplicity: Multiplicity = .single(onMany: .reject)) {
            self.field = field
            self.sources = sources
            self.required = required
            self.multiplicity = multiplicity
        }

        /// A required single-valued field that rejects several values.
        /// - Parameters:
        ///   - field: the field's name.
        ///   - sources: where to read it, first present wins.
        public static func required(_ field: String, from sources: Source...) -> Rule {
            Rule(field: field, sources: sources, required: true, multiplicity: .single(onMany: .reject))
        }

        /// An optional single-valued field that rejects several values.
        /// - Parameters:
        ///   - field: the field's name.
        ///   - sources: where to read it, first present wins.
        public static func optional(_ field: String, from sources: Source...) -> Rule {
            Rule(field: field, sources: sources, required: false, multiplicity: .single(onMany: .reject))
        }

        /// An optional multi-valued field (groups, roles, affiliations).
        /// - Parameters:
        ///   - field: the field's name.
        ///   - sources: where to read it, first present wins.
        public static func list(_ field: String, from sources: Source...) -> Rule {
            Rule(field: field, sources: sources, required: false, multiplicity: .multiple)
        }
    }

    /// Where a field's values come from.
    public enum Source: Sendable, Hashable {
        /// Every value of the attributes with this `Name` (exact, case-sensitive match).
        case attribute(String)
        /// Every value of the attributes with this `FriendlyName` (exact match). FriendlyName is informative in SAML;
        /// prefer ``attribute(_:)`` when the IdP's Name is known.
        case friendlyName(String)
        /// The Subject's NameID value.
        case nameID
    }

    /// How many values a field takes.
    public enum Multiplicity: Sendable, Hashable {
        /// One value; `onMany` says what several values do.
        case single(onMany: OnMany)
        /// Any number of values, in document order.
        case multiple
    }

    /// What a single-valued field does with several values.
    public enum OnMany: String, Sendable, Hashable, Codable {
        /// Reject the login with ``AttributeMappingError/tooManyValues(field:count:)``.
        case reject
        /// Keep the first value in document order.
        case first
    }
}

extension AttributeMapping.Source: CustomStringConvertible {
    /// `Name=…`, `FriendlyName=…` or `NameID`, as in error messages.
    public var description: String {
        switch self {
        case .attribute(let name): "Name=\(name)"
        case .friendlyName(let name): "FriendlyName=\(name)"
        case .nameID: "NameID"
        }
    }
}
