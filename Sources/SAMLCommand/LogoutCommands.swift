import ArgumentParser
import Foundation
import SAML

struct LogoutRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout-request",
        abstract: "Build a LogoutRequest for the IdP's SingleLogoutService: a Redirect URL or a POST form, as JSON."
    )

    @Option(name: .customLong("idp-metadata"), help: "The IdP's metadata file.")
    var idpMetadata: String

    @Option(name: .customLong("sp-entity-id"), help: "The SP's entityID (the request's Issuer).")
    var spEntityID: String

    @Option(name: .customLong("name-id"), help: "The NameID of the user to log out.")
    var nameID: String

    @Option(name: .customLong("name-id-format"), help: "Its Format URI.")
    var nameIDFormat: String?

    @Option(name: .customLong("session-index"), help: "A SessionIndex; repeatable.")
    var sessionIndexes: [String] = []

    @Option(name: .long, help: "redirect (default) or post.")
    var binding: AuthnRequestCommand.BindingChoice = .redirect

    @Option(name: .customLong("relay-state"), help: "Opaque state returned by the IdP.")
    var relayState: String?

    @Option(name: .customLong("sign-key"), help: "PEM private key that signs the request.")
    var signKey: String?

    @Option(name: .customLong("sign-cert"), help: "PEM certificate of --sign-key.")
    var signCert: String?

    func run() async throws {
        let idp = try IdPMetadata(xml: try IO.read(idpMetadata))
        let request = try LogoutRequest(
            issuer: spEntityID, identityProvider: idp, binding: binding == .redirect ? .httpRedirect : .httpPOST,
            nameID: .init(value: nameID, format: nameIDFormat.map(NameIDFormat.init(rawValue:)), nameQualifier: nil, spNameQualifier: nil),
            sessionIndexes: sessionIndexes)
        let key = try signKey.map { try SigningKey(privateKeyPEM: try IO.readText($0), certificatePEM: try signCert.map(IO.readText)) }
        switch binding {
        case .redirect:
            try IO.printJSON(AuthnRequestCommand.Output(id: request.id, url: try request.redirectURL(relayState: relayState, signingKey: key), html: nil))
        case .post:
            try IO.printJSON(AuthnRequestCommand.Output(id: request.id, url: nil, html: try request.postForm(relayState: relayState, signingKey: key).html))
        }
    }
}

struct VerifyLogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-logout",
        abstract: "Validate an IdP's LogoutRequest or LogoutResponse; print it as JSON.",
        discussion: """
            INPUT is a file (or -) holding the Redirect query string exactly as received (everything after ?), or a POST
            form body SAMLRequest=...&RelayState=... / SAMLResponse=..., or the bare base64 POST value.
            Exit 0 with JSON; exit 1 with {"rejected": "<error case>", "detail": "..."}; exit 2 on usage errors.
            """
    )

    @Argument(help: "The message file, or - for standard input.")
    var input: String

    @Option(name: .customLong("idp-metadata"), help: "The trusted IdP's metadata file.")
    var idpMetadata: String

    @Option(name: .customLong("sp-entity-id"), help: "The SP's entityID.")
    var spEntityID: String

    @Option(name: .customLong("slo-url"), help: "The SP's SingleLogoutService URL (expected Destination); repeatable.")
    var sloURLs: [String]

    @Option(name: .customLong("in-response-to"), help: "For a LogoutResponse: the ID of the SP's LogoutRequest.")
    var inResponseTo: String?

    @Option(name: .long, help: "Validate as of this instant (ISO 8601), instead of now.")
    var now: String?

    @Flag(name: .customLong("allow-sha1"), help: "Accept SHA-1 signatures.")
    var allowSHA1 = false

    @Flag(name: .customLong("post"), help: "The input is an HTTP-POST form body (default: a Redirect query string; a bare base64 value is always POST).")
    var post = false

    struct RequestOutput: Encodable {
        let kind = "LogoutRequest"
        let id: String
        let issuer: String
        let nameID: String
        let sessionIndexes: [String]
        let relayState: String?
    }

    struct ResponseOutput: Encodable {
        let kind = "LogoutResponse"
        let id: String
        let issuer: String
        let inResponseTo: String
        let relayState: String?
    }

    func run() async throws {
        let text = try IO.readText(input).trimmingCharacters(in: .whitespacesAndNewlines)
        let idp = try IdPMetadata(xml: try IO.read(idpMetadata))
        var options = ServiceProvider.Options()
        options.allowSHA1 = allowSHA1
        let clock: any SAMLClock = now.flatMap(VerifyCommand.parseInstant).map { FixedClock($0) as any SAMLClock } ?? SystemClock()
        let sp = try ServiceProvider(entityID: spEntityID, assertionConsumerServiceURLs: sloURLs, singleLogoutServiceURLs: sloURLs,
                                     identityProviders: [idp], options: options, clock: clock)
        let message: LogoutMessage
        let isResponse = text.contains("SAMLResponse=") || inResponseTo != nil
        if text.contains("SAMLRequest=") || text.contains("SAMLResponse=") {
            if post {
                var value = "", relay: String?
                for pair in text.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    let decoded = (parts.count > 1 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                    if parts[0] == "SAMLRequest" || parts[0] == "SAMLResponse" { value = decoded } else if parts[0] == "RelayState" { relay = decoded }
                }
                message = .post(value: value, relayState: relay)
            } else {
                message = .redirect(query: text)
            }
        } else {
            message = .post(value: text, relayState: nil)
        }
        do {
            if isResponse {
                guard let inResponseTo else { throw ValidationError("a LogoutResponse needs --in-response-to") }
                let r = try await sp.validateLogoutResponse(message, expectedRequestID: inResponseTo)
                try IO.printJSON(ResponseOutput(id: r.id, issuer: r.issuer, inResponseTo: r.inResponseTo, relayState: r.relayState))
            } else {
                let r = try await sp.validateLogoutRequest(message)
                try IO.printJSON(RequestOutput(id: r.id, issuer: r.issuer, nameID: r.nameID.value, sessionIndexes: r.sessionIndexes, relayState: r.relayState))
            }
        } catch let error as SAMLError {
            try IO.printJSON(VerifyCommand.RejectedOutput(rejected: error.code, detail: error.detail))
            SAMLTool.reject(error)
        }
    }
}
