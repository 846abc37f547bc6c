import Foundation
import SAML

// Reads IdP metadata given on the command line and prints a signed-less login URL: the library works from outside.
let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../../Fixtures/metadata/azure-ad.xml"
guard let data = FileManager.default.contents(atPath: path) else {
    FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
    exit(2)
}
do {
    let idp = try IdPMetadata(xml: Array(data))
    let sp = SPMetadata(entityID: "https://dependent.example/saml/metadata",
                        assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: "https://dependent.example/saml/acs", index: 0, isDefault: true)])
    let request = try AuthnRequest(serviceProvider: sp, identityProvider: idp)
    print("dependent package OK: \(idp.entityID) -> \(try request.redirectURL().prefix(60))…")
} catch let error as SAMLError {
    FileHandle.standardError.write(Data("error: \(error.code): \(error.detail)\n".utf8))
    exit(1)
}
