import Crypto
import Foundation
@_spi(Integrations) import SAML
import SAMLAttributeMapping

/// The admin console: server-rendered pages over the same operations as the admin API. The admin signs in with the
/// admin token once; the console's cookie (`SAML_ADMIN`, HttpOnly, SameSite=Strict) is an expiry and an HMAC under a
/// key derived from the token (stateless, valid on every instance, void when the token changes), and every form
/// carries a CSRF field derived from the cookie.
extension TenantHTTP {
    static var consoleCookie: String { "SAML_ADMIN" }

    func mac(_ text: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The console cookie's value when it is authentic and unexpired.
    func consoleSession(_ request: TenantRequest) -> String? {
        guard let value = request.cookie(Self.consoleCookie), let dot = value.firstIndex(of: "."),
              let expiry = TimeInterval(value[..<dot]), expiry > service.clock.now().timeIntervalSince1970,
              Self.constantTimeEqual(String(value[value.index(after: dot)...]), mac("session|" + value[..<dot])) else { return nil }
        return value
    }

    func csrf(_ session: String) -> String { mac("csrf|" + session) }

    func console(_ request: TenantRequest, _ parts: [String]) async throws -> TenantResponse {
        if parts == ["login"] {
            if request.method == "POST" {
                let form = WebForm.parse(request.body)
                guard let token = form["token"], Self.constantTimeEqual(token, adminToken) else {
                    return html(401, TenantPages.login(error: "That is not the admin token."))
                }
                let expiry = String(Int(service.clock.now().timeIntervalSince1970) + 8 * 3600)
                let value = expiry + "." + mac("session|" + expiry)
                var response = TenantResponse(reply: .redirect(to: "/admin", status: 303))
                response.cookies = ["\(Self.consoleCookie)=\(value); Path=/admin; HttpOnly; SameSite=Strict; Max-Age=28800" + (secureCookies ? "; Secure" : "")]
                return response
            }
            return html(200, TenantPages.login(error: nil))
        }
        guard let session = consoleSession(request) else { return TenantResponse(reply: .redirect(to: "/admin/login", status: 303)) }
        let token = csrf(session)
        if request.method == "POST" {
            guard let sent = WebForm.parse(request.body)["csrf"], Self.constantTimeEqual(sent, token) else {
                return html(403, TenantPages.message("Refused", "The form is stale or did not come from this console. Reload the page and try again."))
            }
        }
        let form = request.method == "POST" ? WebForm.parse(request.body) : [:]
        switch (request.method, parts) {
        case ("GET", []):
            return html(200, TenantPages.tenantList(try await service.store.tenants(), csrf: token, error: nil))
        case ("POST", ["tenants"]):
            let domains = (form["domains"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
            do {
                let tenant = try await service.createTenant(id: form["id"] ?? "", name: form["name"] ?? "", domains: domains, actor: "admin")
                return TenantResponse(reply: .redirect(to: "/admin/tenants/\(tenant.id)", status: 303))
            } catch let error as TenantError {
                return html(error.httpStatus, TenantPages.tenantList(try await service.store.tenants(), csrf: token, error: "\(error.code): \(error.detail)"))
            }
        default: break
        }
        guard parts.count >= 2, parts[0] == "tenants" else { return notFound(json: false) }
        let id = parts[1]
        let rest = Array(parts.dropFirst(2))
        switch (request.method, rest) {
        case ("GET", []):
            return html(200, try await wizard(id, csrf: token, error: nil))
        case ("GET", ["sp-metadata"]):
            let xml = try await service.spMetadata(id)
            return TenantResponse(reply: WebReply(status: 200, headers: [
                ("Content-Type", "application/samlmetadata+xml"), ("Content-Disposition", "attachment; filename=\"\(id)-sp-metadata.xml\""),
            ], body: xml))
        case ("POST", ["idp-metadata"]):
            let xml = form["xml"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : Array($0.utf8) }
            let url = form["url"].flatMap { $0.isEmpty ? nil : $0 }
            return try await step(id, csrf: token) {
                guard xml != nil || url != nil else { throw TenantError.invalidRequest("paste the metadata XML or give its URL") }
                _ = try await service.setIdPMetadata(id, xml: xml, url: url, entityID: nil, actor: "admin")
            }
        case ("POST", ["settings"]):
            var settings = TenantService.Settings(requireCA: form["requireCA"] == "on", allowIdPInitiated: form["allowIdPInitiated"] == "on")
            if let bundle = form["caBundlePEM"] { settings.caBundlePEM = bundle.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let preset = form["mapping"], !preset.isEmpty {
                settings.mapping = preset == "rules" ? .rules(form["rules"] ?? "") : .preset(preset)
            }
            return try await step(id, csrf: token) { _ = try await service.updateSettings(id, settings, actor: "admin") }
        case ("POST", ["tests"]):
            let test = try await service.createTest(id, actor: "admin")
            return TenantResponse(reply: .redirect(to: service.testLoginURL(test), status: 303))
        case ("GET", ["test"]):
            let tenant = try await service.tenant(id)
            var latest: SSOTest?
            if let summary = tenant.sso.lastTest { latest = try await service.store.test(id: summary.id, tenant: id) }
            return html(200, TenantPages.testPage(tenant, latest: latest, csrf: token))
        case ("POST", ["enable"]):
            return try await step(id, csrf: token, back: "/admin/tenants/\(id)/test") { _ = try await service.enable(id, actor: "admin") }
        case ("POST", ["disable"]):
            return try await step(id, csrf: token) { _ = try await service.disable(id, actor: "admin") }
        case ("GET", ["audit"]):
            let tenant = try await service.tenant(id)
            return html(200, TenantPages.audit(tenant, try await service.auditLog(id)))
        default:
            return notFound(json: false)
        }
    }

    /// Runs a console action: back to the wizard (303), or the wizard with the refusal shown (its status).
    func step(_ id: String, csrf: String, back: String? = nil, _ action: () async throws -> Void) async throws -> TenantResponse {
        do {
            try await action()
            return TenantResponse(reply: .redirect(to: back ?? "/admin/tenants/\(id)", status: 303))
        } catch let error as TenantError where error.httpStatus != 404 {
            return html(error.httpStatus, try await wizard(id, csrf: csrf, error: "\(error.code): \(error.detail)"))
        } catch let error as SAMLError {
            return html(422, try await wizard(id, csrf: csrf, error: "\(error.code): \(error.detail)"))
        }
    }

    func wizard(_ id: String, csrf: String, error: String?) async throws -> String {
        let tenant = try await service.tenant(id)
        let idp = try? service.identityProvider(of: tenant)
        return TenantPages.wizard(tenant, idp: idp, sp: (service.entityID(id), service.acsURL(id)), now: service.clock.now(),
                                  warningDays: service.configuration.expiryWarningDays, csrf: csrf, error: error)
    }
}

/// The console's and the end users' HTML. Every value that came from outside goes through `e` (HTML escaping).
enum TenantPages {
    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' http: https:; frame-ancestors 'none'"),
        ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"),
    ]

    static func e(_ text: String) -> String { HTMLEscape.escape(text) }

    static func page(_ title: String, _ body: String, refresh: Int? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>\(refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
        <style>
        body{font-family:system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}
        h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6rem}section{border:1px solid #ccd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
        .done{border-color:#2e7d32}.step{color:#555;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em}
        .ok{color:#2e7d32;font-weight:600}.bad{color:#b00020;font-weight:600}.warn{color:#9a6700}
        table{border-collapse:collapse}td,th{text-align:left;padding:.2rem .6rem .2rem 0;vertical-align:top}code{word-break:break-all}
        textarea{width:100%;font-family:monospace}button{padding:.35rem .9rem}nav a{margin-right:1rem}
        .error{background:#fdecea;border:1px solid #b00020;padding:.5rem;border-radius:4px}
        </style></head>
        <body>
        \(body)
        </body></html>
        """
    }

    static func message(_ title: String, _ text: String, reference: String? = nil) -> String {
        page(title, "<h1>\(e(title))</h1><p>\(e(text))</p>" + (reference.map { "<p>Reference: <code id=\"reference\">\(e($0))</code></p>" } ?? "")
             + "<p><a href=\"/\">Start page</a></p>")
    }

    static func home(user: TenantUser?) -> String {
        guard let user else {
            return page("Sign in", """
                <h1>Sign in</h1>
                <form method="get" action="/login"><label>Work email <input id="email" name="email" type="email" required></label>
                <button id="continue" type="submit">Continue</button></form>
                """)
        }
        return page("Signed in", """
            <h1>Signed in</h1><table>
            <tr><th>Organisation</th><td id="tenant">\(e(user.tenant))</td></tr>
            <tr><th>User</th><td id="uid">\(e(user.uid))</td></tr>
            <tr><th>Email</th><td id="email">\(e(user.email ?? ""))</td></tr>
            <tr><th>Name</th><td id="name">\(e(user.name ?? ""))</td></tr>
            <tr><th>Groups</th><td id="groups">\(user.groups.map { "<span class=\"group\">\(e($0))</span>" }.joined(separator: ", "))</td></tr>
            </table>
            <form method="post" action="/logout"><button id="logout" type="submit">Sign out</button></form>
            """)
    }

    static func login(error: String?) -> String {
        page("Admin sign-in", """
            <h1>Admin console</h1>\(error.map { "<p class=\"error\" id=\"error\">\(e($0))</p>" } ?? "")
            <form method="post" action="/admin/login"><label>Admin token <input id="token" name="token" type="password" required></label>
            <button id="sign-in" type="submit">Sign in</button></form>
            """)
    }

    static func csrfField(_ csrf: String) -> String { "<input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\">" }

    static func tenantList(_ tenants: [Tenant], csrf: String, error: String?) -> String {
        var rows = ""
        for tenant in tenants {
            rows += "<tr><td><a class=\"tenant\" href=\"/admin/tenants/\(e(tenant.id))\">\(e(tenant.id))</a></td><td>\(e(tenant.name))</td>"
            rows += "<td>\(e(tenant.domains.joined(separator: ", ")))</td><td class=\"state\">\(e(tenant.sso.state.rawValue))</td></tr>\n"
        }
        return page("Organisations", """
            <h1>Organisations</h1>\(error.map { "<p class=\"error\" id=\"error\">\(e($0))</p>" } ?? "")
            <table><tr><th>Id</th><th>Name</th><th>Email domains</th><th>Single sign-on</th></tr>
            \(rows)</table>
            <h2>Add an organisation</h2>
            <form method="post" action="/admin/tenants">\(csrfField(csrf))
            <p><label>Id <input id="new-id" name="id" pattern="[a-z0-9-]{1,63}" required></label>
            <label>Name <input id="new-name" name="name" required></label>
            <label>Email domains <input id="new-domains" name="domains" placeholder="example.com, example.org"></label>
            <button id="create" type="submit">Add</button></p></form>
            """)
    }

    static func certificateRows(_ certificates: [CertificateInfo], warningDays: Int) -> String {
        certificates.map { c in
            let warn = c.daysToExpiry <= warningDays
            return "<tr class=\"certificate\"><td><code>\(e(c.subject))</code></td><td>\(e(ISO8601DateFormatter().string(from: c.notAfter)))</td>"
                + "<td class=\"\(warn ? "warn expiry-warning" : "")\"><span class=\"days-left\">\(c.daysToExpiry)</span> days\(warn ? " — renew soon" : "")</td></tr>"
        }.joined(separator: "\n")
    }

    static func wizard(_ tenant: Tenant, idp: IdPMetadata?, sp: (entityID: String, acs: String), now: Date, warningDays: Int, csrf: String, error: String?) -> String {
        let id = e(tenant.id)
        let state = tenant.sso.state
        var body = "<nav><a href=\"/admin\">Organisations</a><a href=\"/admin/tenants/\(id)/audit\" id=\"audit-link\">Audit log</a></nav>"
        body += "<h1>\(e(tenant.name)) <small>(<code>\(id)</code>)</small></h1>"
        body += "<p>Single sign-on: <strong id=\"state\">\(e(state.rawValue))</strong></p>"
        if let error { body += "<p class=\"error\" id=\"error\">\(e(error))</p>" }
        body += """
            <section class="done"><div class="step">Step 1</div><h2>Download this organisation's SP metadata and upload it to your IdP</h2>
            <p><a id="download-sp-metadata" href="/admin/tenants/\(id)/sp-metadata" download>Download SP metadata</a></p>
            <table><tr><th>Entity ID</th><td><code id="sp-entity-id">\(e(sp.entityID))</code></td></tr>
            <tr><th>Reply URL (ACS)</th><td><code id="sp-acs">\(e(sp.acs))</code></td></tr></table></section>
            """
        body += "<section class=\"\(idp == nil ? "" : "done")\"><div class=\"step\">Step 2</div><h2>Upload the IdP's federation metadata</h2>"
        if let idp {
            let sso = idp.singleSignOnServices.first { $0.binding == .httpRedirect } ?? idp.singleSignOnServices.first
            body += "<table id=\"idp\"><tr><th>IdP entity ID</th><td><code id=\"idp-entity-id\">\(e(idp.entityID))</code></td></tr>"
            body += "<tr><th>SSO URL</th><td><code id=\"idp-sso-url\">\(e(sso?.location ?? ""))</code></td></tr></table>"
            body += "<table><tr><th>Signing certificate</th><th>Expires</th><th></th></tr>"
            body += certificateRows(idp.signingCertificates.compactMap { CertificateInfo($0, now: now) }, warningDays: warningDays) + "</table>"
        }
        body += """
            <form method="post" action="/admin/tenants/\(id)/idp-metadata">\(csrfField(csrf))
            <p><label>Metadata XML<br><textarea id="idp-xml" name="xml" rows="5" placeholder="&lt;EntityDescriptor …"></textarea></label></p>
            <p><label>or its URL <input id="idp-url" name="url" size="60"></label> <button id="upload-idp" type="submit">Upload</button></p></form></section>
            """
        let mappingName: String
        switch tenant.sso.mapping {
        case .preset(let name): mappingName = name
        case .rules: mappingName = "rules"
        }
        let rulesText: String
        if case .rules(let json) = tenant.sso.mapping { rulesText = json } else { rulesText = "" }
        let options = (AttributeMapping.presetNames + ["rules"]).map {
            "<option value=\"\(e($0))\"\($0 == mappingName ? " selected" : "")>\(e($0))</option>"
        }.joined()
        body += """
            <section><div class="step">Step 3</div><h2>Trust and attributes</h2>
            <form method="post" action="/admin/tenants/\(id)/settings">\(csrfField(csrf))
            <p><label><input id="require-ca" type="checkbox" name="requireCA"\(tenant.sso.requireCA ? " checked" : "")> Require certificate signed by a certificate authority in metadata (more secure)</label></p>
            <p><label>CA bundle (PEM)<br><textarea id="ca-bundle" name="caBundlePEM" rows="3">\(e(tenant.sso.caBundlePEM ?? ""))</textarea></label></p>
            <p><label>Attribute mapping <select id="mapping" name="mapping">\(options)</select></label></p>
            <p><label>Rules (JSON, when "rules")<br><textarea id="rules" name="rules" rows="3">\(e(rulesText))</textarea></label></p>
            <p><label><input id="allow-idp-initiated" type="checkbox" name="allowIdPInitiated"\(tenant.sso.allowIdPInitiated ? " checked" : "")> Allow IdP-initiated sign-in</label></p>
            <p><button id="save-settings" type="submit">Save</button></p></form></section>
            """
        body += """
            <section class="\(state == .tested || state == .enabled ? "done" : "")"><div class="step">Step 4</div><h2>Test SSO connection</h2>
            <p>Opens a new tab that signs in at the IdP; the result appears on the <a id="test-page" href="/admin/tenants/\(id)/test">test page</a>.</p>
            <form method="post" action="/admin/tenants/\(id)/tests" target="_blank">\(csrfField(csrf))
            <button id="test-sso" type="submit"\(idp == nil ? " disabled" : "")>Test SSO connection</button></form></section>
            """
        body += "<section class=\"\(state == .enabled ? "done" : "")\"><div class=\"step\">Step 5</div><h2>Enable single sign-on</h2>"
        if state == .tested {
            body += "<p class=\"ok\" id=\"test-passed\">This test was successful.</p>"
        }
        body += """
            <form method="post" action="/admin/tenants/\(id)/enable">\(csrfField(csrf))<button id="enable" type="submit">Enable single sign-on</button></form>
            <form method="post" action="/admin/tenants/\(id)/disable">\(csrfField(csrf))<button id="disable" type="submit">Disable</button></form></section>
            """
        return page("\(tenant.name): single sign-on", body)
    }

    static func testDetails(_ test: SSOTest) -> String {
        var body = ""
        switch test.status {
        case .pending:
            body += "<p id=\"test-status\" class=\"warn\">Waiting for the sign-in in the other tab…</p>"
        case .passed:
            body += "<p id=\"test-status\" class=\"ok\">This test was successful.</p>"
        case .failed:
            body += "<p id=\"test-status\" class=\"bad\">The test failed.</p>"
            body += "<table><tr><th>Failed check</th><td><code id=\"failed-check\">\(e(test.failedCheck ?? ""))</code></td></tr>"
            body += "<tr><th>What to do</th><td id=\"failed-detail\">\(e(test.detail ?? ""))</td></tr></table>"
        }
        if let nameID = test.nameID { body += "<p>NameID: <code id=\"test-nameid\">\(e(nameID))</code></p>" }
        if let mapped = test.mapped, !mapped.isEmpty {
            body += "<h2>Mapped user</h2><table id=\"mapped\">" + mapped.sorted { $0.key < $1.key }.map {
                "<tr><th>\(e($0.key))</th><td>\(e($0.value.joined(separator: ", ")))</td></tr>"
            }.joined() + "</table>"
        }
        if let attributes = test.attributes, !attributes.isEmpty {
            body += "<h2>Attributes received</h2><table id=\"attributes\">" + attributes.sorted { $0.key < $1.key }.map {
                "<tr><th><code>\(e($0.key))</code></th><td>\(e($0.value.joined(separator: ", ")))</td></tr>"
            }.joined() + "</table>"
        }
        for warning in test.warnings ?? [] { body += "<p class=\"warn expiry-warning\">\(e(warning))</p>" }
        return body
    }

    /// The new tab's page at the ACS when a test completes.
    static func testResult(_ test: SSOTest) -> String {
        page(test.status == .passed ? "This test was successful" : "The test failed",
             "<h1>Test SSO connection</h1>" + testDetails(test) + "<p>Nobody was signed in to the application. Close this tab and go back to the console.</p>")
    }

    /// The console's test page: refreshes itself while the test is pending.
    static func testPage(_ tenant: Tenant, latest: SSOTest?, csrf: String) -> String {
        let id = e(tenant.id)
        var body = "<nav><a href=\"/admin\">Organisations</a><a href=\"/admin/tenants/\(id)\">Back to the setup</a></nav>"
        body += "<h1>Test SSO connection: \(e(tenant.name))</h1><p>Single sign-on: <strong id=\"state\">\(e(tenant.sso.state.rawValue))</strong></p>"
        body += """
            <form method="post" action="/admin/tenants/\(id)/tests" target="_blank">\(csrfField(csrf))
            <button id="test-sso" type="submit">Test SSO connection</button></form>
            """
        if let latest { body += "<section id=\"latest-test\">" + testDetails(latest) + "</section>" } else { body += "<p id=\"test-status\">No test yet.</p>" }
        if tenant.sso.state == .tested {
            body += """
                <form method="post" action="/admin/tenants/\(id)/enable">\(csrfField(csrf))
                <button id="enable" type="submit">This test was successful — enable single sign-on</button></form>
                """
        } else if tenant.sso.state == .enabled {
            body += "<p class=\"ok\" id=\"enabled\">Single sign-on is enabled.</p>"
        }
        return page("Test SSO connection", body, refresh: 3)
    }

    static func audit(_ tenant: Tenant, _ events: [AuditEvent]) -> String {
        let format = ISO8601DateFormatter()
        let rows = events.map {
            "<tr class=\"event\"><td>\(e(format.string(from: $0.at)))</td><td>\(e($0.actor))</td><td>\(e($0.action))</td><td class=\"result\">\(e($0.result))</td><td>\(e($0.detail))</td></tr>"
        }.joined(separator: "\n")
        return page("Audit log: \(tenant.name)", """
            <nav><a href="/admin">Organisations</a><a href="/admin/tenants/\(e(tenant.id))">Back to the setup</a></nav>
            <h1>Audit log: \(e(tenant.name))</h1>
            <table id="audit"><tr><th>When</th><th>Who</th><th>What</th><th>Result</th><th>Detail</th></tr>
            \(rows)</table>
            """)
    }
}
