import Foundation
import SAML

/// The example's HTML. Every value that came from outside (attributes, entityIDs, certificate names) goes through
/// `escape`; nothing else builds markup.
public enum Pages {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}th{text-align:left;padding-right:1rem}
        td,th{vertical-align:top}code{word-break:break-all}</style></head>
        <body>
        \(body)
        </body></html>

        """
    }

    public static func home(session: ExampleUser?, identityProviders: [IdPMetadata], isAdmin: Bool) -> String {
        guard let session else {
            var links = ""
            if identityProviders.isEmpty {
                links = "<p id=\"no-idp\">No identity provider is available right now (see the server log).</p>"
            } else if identityProviders.count == 1 {
                links = "<p><a id=\"sign-in\" href=\"/saml/login?returnTo=%2F\">Sign in with SSO</a></p>"
            } else {
                links = "<ul>"
                for idp in identityProviders {
                    let query = "returnTo=%2F&idp=" + (idp.entityID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                    links += "<li><a class=\"sign-in\" data-idp=\"\(escape(idp.entityID))\" href=\"/saml/login?\(escape(query))\">"
                    links += "Sign in with SSO at <code>\(escape(idp.entityID))</code></a></li>"
                }
                links += "</ul>"
            }
            return page(title: "Not signed in", body: "<h1>Not signed in</h1>\n" + links)
        }
        let user = session.user
        var rows = ""
        func row(_ id: String, _ label: String, _ value: String) {
            rows += "<tr><th>\(label)</th><td id=\"\(id)\">\(value)</td></tr>\n"
        }
        row("uid", "User", escape(user.uid))
        row("email", "Email", escape(user.email ?? ""))
        row("name", "Name", escape(user.name ?? ""))
        row("groups", "Groups", user.groups.map { "<span class=\"group\">\(escape($0))</span>" }.joined(separator: ", "))
        row("issuer", "Identity provider", "<code>\(escape(session.issuer))</code>")
        row("nameid", "NameID", "<code>\(escape(session.nameID))</code>")
        row("signed", "Signed", escape(session.signedParts.joined(separator: ", ")))
        row("expires", "Session until", escape(ISO8601DateFormatter().string(from: session.expires)))
        var body = "<h1>Signed in</h1>\n<table>\n\(rows)</table>\n"
        body += "<form method=\"post\" action=\"/saml/logout\"><button id=\"logout\" type=\"submit\">Sign out</button></form>\n"
        if isAdmin { body += "<p><a id=\"status-link\" href=\"/saml/status\">SAML status</a></p>\n" }
        return page(title: "Signed in as \(user.uid)", body: body)
    }

    public static func message(_ title: String, _ text: String) -> String {
        page(title: title, body: "<h1>\(escape(title))</h1>\n<p>\(escape(text))</p>\n<p><a href=\"/\">Back to the start page</a></p>")
    }

    public static func status(configuration: Configuration, status: ServiceProviderRuntime.Status) -> String {
        let format = ISO8601DateFormatter()
        var body = "<h1>SAML status</h1>\n<h2>This SP</h2>\n<table>\n"
        body += "<tr><th>entityID</th><td><code id=\"sp-entity-id\">\(escape(configuration.entityID))</code></td></tr>\n"
        body += "<tr><th>ACS</th><td><code>\(escape(configuration.acsURL))</code></td></tr>\n"
        body += "<tr><th>IdP-initiated login</th><td>\(configuration.allowIdPInitiated ? "accepted" : "rejected")</td></tr>\n"
        body += "<tr><th>AuthnRequest binding</th><td>\(configuration.authnRequestBinding == .httpPOST ? "HTTP-POST" : "HTTP-Redirect")</td></tr>\n"
        body += "</table>\n<h2>Identity providers</h2>\n"
        for entry in status.identityProviders where entry.metadata == nil {
            body += "<p class=\"idp-unavailable\">Not loaded: <code>\(escape(entry.source))</code>: \(escape(entry.lastError?.detail ?? "pending"))</p>\n"
        }
        for entry in status.identityProviders {
            guard let idp = entry.metadata else { continue }
            body += "<div class=\"idp\"><h3><code class=\"idp-entity-id\">\(escape(idp.entityID))</code></h3>\n<ul>\n"
            for certificate in entry.certificates {
                if let summary = certificate.summary, let days = certificate.daysToExpiry {
                    body += "<li class=\"certificate\">signing certificate <code>\(escape(summary.subject))</code>, "
                    body += "expires \(escape(format.string(from: summary.notAfter))) "
                    body += "(<span class=\"days-left\">\(days)</span> days)</li>\n"
                } else {
                    body += "<li class=\"certificate\">signing certificate (unreadable)</li>\n"
                }
            }
            if let failure = entry.lastError {
                body += "<li>last metadata refresh refused: <code>\(escape(failure.code))</code></li>\n"
            }
            body += "</ul></div>\n"
        }
        body += "<h2>Last rejected response</h2>\n"
        if let last = status.lastRejection {
            body += "<p id=\"last-error\"><code class=\"code\">\(escape(last.code))</code> at "
            body += "\(escape(format.string(from: last.time))), reference <code>\(escape(last.reference))</code>: "
            body += "\(escape(last.detail))</p>\n"
        } else {
            body += "<p id=\"last-error\">none since the server started</p>\n"
        }
        return page(title: "SAML status", body: body)
    }
}

extension Pages {
    /// The pages' Content-Security-Policy: nothing but inline style; forms go to this origin, and (for the sign-out
    /// form, whose answer redirects to the IdP's SingleLogoutService) to the IdPs' SLO origins.
    public static func contentSecurityPolicy(identityProviders: [IdPMetadata]) -> String {
        var origins: [String] = []
        for idp in identityProviders {
            for endpoint in idp.singleLogoutServices {
                guard let url = URL(string: endpoint.location), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                      let host = url.host else { continue }
                let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
                // Only characters a CSP source expression allows; anything else is left out.
                guard origin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ":/.-[]".contains($0)) }), !origins.contains(origin) else { continue }
                origins.append(origin)
            }
        }
        return "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" + origins.map { " " + $0 }.joined()
            + "; frame-ancestors 'none'"
    }
}
