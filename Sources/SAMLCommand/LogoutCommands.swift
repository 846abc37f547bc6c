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
            INPUT is a file (or -) holding the Redirect query string exactly as received (everything after ?), \
            or a POST form body SAMLRequest=...&RelayState=... / SAMLResponse=..., or the bare base64 POST value.

            The parameter's name says which message it is (SAMLRequest: a LogoutRequest; SAMLResponse: a \
            LogoutResponse, which needs --in-response-to); a bare value is a LogoutResponse when --in-response-to \
            is given.

            Exit 0 with JSON (the Issuer and InResponseTo the message carried); exit 1 with \
            {"rejected": "<error case>", "detail": "..."}; exit 2 on usage errors.
            """
    )

    @Argument(help: "The message file, or - for standard input.")
    var input: String

    @OptionGroup var trust: TrustOptions

    @Option(name: .customLong("slo-url"), help: "The SP's SingleLogoutService URL (expected Destination); repeatable.")
    var sloURLs: [String]

    @Option(name: .customLong("in-response-to"), help: "For a LogoutResponse: the ID of the SP's LogoutRequest.")
    var inResponseTo: String?

    @OptionGroup var validation: ValidationOptions

    @Flag(name: .customLong("post"), help: "The input is an HTTP-POST form body (default: a Redirect query string; a bare base64 value is always POST).")
    var post = false

    func validate() throws {
        guard !sloURLs.isEmpty else { throw ValidationError("--slo-url is required") }
    }

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

    enum Kind { case request, response }

    /// The message and its kind, decided by the parameter names of the parsed query or form (never by searching
    /// the text: a RelayState may contain `SAMLResponse=`).
    /// - Throws: `Rejection` `invalidForm` (both parameters, one twice, bad percent-encoding).
    static func message(_ text: String, post: Bool, inResponseTo: String?) throws -> (LogoutMessage, Kind) {
        let names = FormBody(Substring(text))?.names ?? []
        let hasRequest = names.contains("SAMLRequest"), hasResponse = names.contains("SAMLResponse")
        guard hasRequest || hasResponse else {
            if text.contains("="), text.contains("%"), FormBody(Substring(text)) == nil {
                throw Rejection(code: "invalidForm", detail: "invalid percent-encoding")
            }
            return (.post(value: text, relayState: nil), inResponseTo == nil ? .request : .response)
        }
        guard !(hasRequest && hasResponse) else { throw Rejection(code: "invalidForm", detail: "both SAMLRequest and SAMLResponse") }
        let kind: Kind = hasResponse ? .response : .request
        guard post else { return (.redirect(query: text), kind) }
        guard let form = FormBody(Substring(text)) else { throw Rejection(code: "invalidForm", detail: "invalid percent-encoding") }
        let parameter = hasResponse ? "SAMLResponse" : "SAMLRequest"
        let value = try form.single(parameter) ?? ""
        return (.post(value: value, relayState: try form.single("RelayState"), parameter: parameter), kind)
    }

    func run() async throws {
        let text = try IO.readText(input).trimmingCharacters(in: .whitespacesAndNewlines)
        let idp = try trust.identityProvider()
        var options = ServiceProvider.Options()
        validation.apply(to: &options)
        let sp = try ServiceProvider(entityID: trust.spEntityID, assertionConsumerServiceURLs: sloURLs, singleLogoutServiceURLs: sloURLs,
                                     identityProviders: [idp], options: options, clock: validation.clock)
        let (message, kind) = try Self.message(text, post: post, inResponseTo: inResponseTo)
        switch kind {
        case .response:
            guard let inResponseTo else { throw ValidationError("a LogoutResponse needs --in-response-to") }
            let r = try await sp.validateLogoutResponse(message, expectedRequestID: inResponseTo)
            try IO.printJSON(ResponseOutput(id: r.id, issuer: r.issuer, inResponseTo: r.inResponseTo, relayState: r.relayState))
        case .request:
            let r = try await sp.validateLogoutRequest(message)
            try IO.printJSON(RequestOutput(id: r.id, issuer: r.issuer, nameID: r.nameID.value, sessionIndexes: r.sessionIndexes, relayState: r.relayState))
        }
    }
}
