import ArgumentParser
import SAML

@main
struct SAMLTool: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "saml", abstract: "SAML 2.0 service-provider tools.")
}
