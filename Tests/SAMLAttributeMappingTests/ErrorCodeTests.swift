import SAML
import SAMLAttributeMapping
import Testing

/// ``AttributeMappingError/code`` and ``AttributeMappingError/fault`` over one value of every case (the list is
/// guarded as in SAMLTests' `SAMLErrorCodeTests`: `ordinal` has no `default`).
@Suite("AttributeMappingError codes and faults")
struct AttributeMappingErrorCodeTests {
    static let oneOfEachCase: [AttributeMappingError] = [
        .missingRequired(field: "uid", tried: [.nameID]),
        .tooManyValues(field: "uid", count: 2),
        .noRules,
        .emptyFieldName,
        .duplicateField("uid"),
        .noSources(field: "uid"),
        .unknownPreset("x"),
        .invalidJSON(detail: "x"),
    ]

    static func ordinal(_ error: AttributeMappingError) -> Int {
        switch error {
        case .missingRequired: 0
        case .tooManyValues: 1
        case .noRules: 2
        case .emptyFieldName: 3
        case .duplicateField: 4
        case .noSources: 5
        case .unknownPreset: 6
        case .invalidJSON: 7
        }
    }

    @Test("The list holds exactly one value of every case, in declaration order")
    func listCoversEveryCase() {
        #expect(Self.oneOfEachCase.map(Self.ordinal) == Array(Self.oneOfEachCase.indices))
    }

    @Test("Every case has a non-empty code that is its name", arguments: oneOfEachCase)
    func codeIsTheCaseName(_ error: AttributeMappingError) {
        let text = String(describing: error)
        #expect(!error.code.isEmpty)
        #expect(error.code == (text.firstIndex(of: "(").map { String(text[..<$0]) } ?? text))
    }

    @Test("Codes are distinct")
    func codesAreDistinct() {
        let codes = Self.oneOfEachCase.map(\.code)
        #expect(Set(codes).count == codes.count)
    }

    @Test("An assertion lacking what the mapping requires is the client's fault; an unusable mapping the server's",
          arguments: oneOfEachCase)
    func fault(_ error: AttributeMappingError) {
        let client: Set<String> = ["missingRequired", "tooManyValues"]
        #expect(error.fault == (client.contains(error.code) ? .client : .server))
    }
}
