import Foundation
import SAML

/// Everything the example reads at startup: environment variables, or the same names as `KEY=value` lines in the
/// file named by `SAML_CONFIG_FILE` (the environment wins). See README.md for the table.
public struct Configuration: Sendable {
    /// Where one IdP's metadata document comes from.
    public enum MetadataSource: Sendable, Hashable, CustomStringConvertible {
        case file(String)
        case url(URL)

        public var description: String {
            switch self {
            case .file(let path): path
            case .url(let url): url.absoluteString
            }
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Address the server binds to (default 127.0.0.1) and its port (default 8080).
    public var host: String
    public var port: Int
    /// The URL users reach the SP at, without a trailing slash (default http://localhost:PORT). The ACS URL and the
    /// default entityID derive from it; it never comes from a request's Host header.
    public var baseURL: String
    public var entityID: String
    public var idpMetadata: [MetadataSource]
    /// PEM files of the SP's key pair: signs AuthnRequests and the SP metadata; absent → unsigned (not for production).
    public var keyPath: String?
    public var certificatePath: String?
    /// Publish the certificate for encryption too, and decrypt EncryptedAssertions with the key.
    public var decryptAssertions: Bool
    public var authnRequestBinding: Binding
    public var allowIdPInitiated: Bool
    public var signatureRequirement: ServiceProvider.SignatureRequirement
    public var nameIDFormat: NameIDFormat?
    public var mappingPreset: MappingPreset
    /// Where the SQLite store lives (`SAML_STATE_DIR`, default `.state` under the working folder), unless
    /// `DATABASE_URL` names a PostgreSQL database (then shared by every instance) with `DATABASE_POOL_SIZE` connections.
    public var stateDirectory: String
    public var databaseURL: String?
    public var databasePoolSize: Int
    public var sessionLifetime: TimeInterval
    /// Members of this group (after mapping) may open /saml/status.
    public var adminGroup: String

    public var acsURL: String { baseURL + "/saml/acs" }
    public var sloURL: String { baseURL + "/saml/slo" }
    public var isHTTPS: Bool { baseURL.lowercased().hasPrefix("https://") }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Configuration {
        var values: [String: String] = [:]
        if let file = environment["SAML_CONFIG_FILE"], !file.isEmpty {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw Invalid(description: "SAML_CONFIG_FILE \(file): \(error.localizedDescription)")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
                values[String(trimmed[..<eq]).trimmingCharacters(in: .whitespaces)] =
                    String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        for (key, value) in environment where key.hasPrefix("SAML_") || key.hasPrefix("SP_") || key.hasPrefix("DATABASE_") { values[key] = value }
        func value(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        func flag(_ key: String) throws -> Bool {
            switch value(key)?.lowercased() {
            case nil, "0", "false", "no", "off": return false
            case "1", "true", "yes", "on": return true
            case let other?: throw Invalid(description: "\(key) must be true or false, not \(other)")
            }
        }

        let port = try value("SP_PORT").map { text -> Int in
            guard let port = Int(text), (1...65535).contains(port) else { throw Invalid(description: "SP_PORT \(text) is not a port") }
            return port
        } ?? 8080
        var baseURL = value("SP_BASE_URL") ?? "http://localhost:\(port)"
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        guard let base = URL(string: baseURL), ["http", "https"].contains(base.scheme?.lowercased() ?? ""), base.host != nil else {
            throw Invalid(description: "SP_BASE_URL \(baseURL) is not an http(s) URL")
        }

        guard let sourcesText = value("SAML_IDP_METADATA") else {
            throw Invalid(description: "SAML_IDP_METADATA is not set: give the IdP's metadata file or URL (several: comma-separated)")
        }
        let sources = try sourcesText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> MetadataSource in
                let lower = text.lowercased()
                if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
                    guard let url = URL(string: text) else { throw Invalid(description: "bad metadata URL \(text)") }
                    return .url(url)
                }
                return .file(text)
            }

        let binding: Binding
        switch value("SAML_AUTHN_REQUEST_BINDING")?.lowercased() ?? "redirect" {
        case "redirect": binding = .httpRedirect
        case "post": binding = .httpPOST
        case let other: throw Invalid(description: "SAML_AUTHN_REQUEST_BINDING must be redirect or post, not \(other)")
        }
        let requirementText = value("SAML_REQUIRE_SIGNED") ?? "assertionOrResponse"
        guard let requirement = ServiceProvider.SignatureRequirement(rawValue: requirementText) else {
            throw Invalid(description: "SAML_REQUIRE_SIGNED must be assertionOrResponse, assertion, response or both")
        }
        let presetText = value("SAML_MAPPING_PRESET") ?? "generic"
        guard let preset = MappingPreset(rawValue: presetText) else {
            throw Invalid(description: "SAML_MAPPING_PRESET must be one of \(MappingPreset.names.joined(separator: ", "))")
        }
        let lifetime = try value("SAML_SESSION_LIFETIME").map { text -> TimeInterval in
            guard let seconds = TimeInterval(text), seconds > 0 else { throw Invalid(description: "SAML_SESSION_LIFETIME is seconds") }
            return seconds
        } ?? 8 * 3600
        let key = value("SAML_SP_KEY"), certificate = value("SAML_SP_CERT")
        guard (key == nil) == (certificate == nil) else {
            throw Invalid(description: "SAML_SP_KEY and SAML_SP_CERT go together")
        }

        return Configuration(
            host: value("SP_HOST") ?? "127.0.0.1",
            port: port,
            baseURL: baseURL,
            entityID: value("SAML_SP_ENTITY_ID") ?? baseURL + "/saml/metadata",
            idpMetadata: sources,
            keyPath: key,
            certificatePath: certificate,
            decryptAssertions: try flag("SAML_DECRYPT_ASSERTIONS"),
            authnRequestBinding: binding,
            allowIdPInitiated: try flag("SAML_ALLOW_IDP_INITIATED"),
            signatureRequirement: requirement,
            nameIDFormat: value("SAML_NAMEID_FORMAT").map(NameIDFormat.init(rawValue:)),
            mappingPreset: preset,
            stateDirectory: value("SAML_STATE_DIR") ?? ".state",
            databaseURL: value("DATABASE_URL"),
            databasePoolSize: try value("DATABASE_POOL_SIZE").map { text -> Int in
                guard let size = Int(text), (1...256).contains(size) else { throw Invalid(description: "DATABASE_POOL_SIZE must be 1...256") }
                return size
            } ?? 10,
            sessionLifetime: lifetime,
            adminGroup: value("SAML_ADMIN_GROUP") ?? "saml-admins"
        )
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension Configuration {
    /// The library's configuration of this SP (its metadata, requests and validator all derive from it).
    public func serviceProviderConfiguration() throws -> ServiceProviderConfiguration {
        var signingKey: SigningKey?
        var decryptionKeys: [DecryptionKey] = []
        if let keyPath, let certificatePath {
            let keyPEM = try String(contentsOfFile: keyPath, encoding: .utf8)
            let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
            signingKey = try SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)
            if decryptAssertions { decryptionKeys = [try DecryptionKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)] }
        }
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = allowIdPInitiated
        options.signatureRequirement = signatureRequirement
        return try ServiceProviderConfiguration(entityID: entityID, assertionConsumerServiceURL: acsURL, singleLogoutServiceURL: sloURL,
                                                signingKey: signingKey,
                                                decryptionKeys: decryptionKeys, nameIDFormats: nameIDFormat.map { [$0] } ?? [],
                                                authnRequestBinding: authnRequestBinding, options: options)
    }

    /// The IdP metadata sources: files read again at each refresh, URLs fetched with URLSession.
    public var identityProviderSources: [ServiceProviderRuntime.IdentityProviderSource] {
        idpMetadata.map { source in
            ServiceProviderRuntime.IdentityProviderSource(name: source.description) {
                switch source {
                case .file(let path):
                    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                case .url(let url):
                    var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 15)
                    request.setValue("application/samlmetadata+xml, application/xml, text/xml", forHTTPHeaderField: "Accept")
                    let (data, response) = try await URLSession.shared.data(for: request)
                    if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                        throw Invalid(description: "HTTP \(http.statusCode) from \(url)")
                    }
                    return Array(data)
                }
            }
        }
    }
}
