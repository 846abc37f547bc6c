// The names README.md's and the DocC articles' Swift snippets use without defining them: an app's own values and
// helpers (its keys, its HTTP client, its web framework's request and response). scripts/check-snippets.sh
// type-checks every snippet against the library with this file beside it; nothing here runs. A snippet that needs a
// new placeholder adds it here, never `…` in code.
import Foundation
import SAML
import SAMLAttributeMapping
import SAMLCertificatePolicy

/// What a route handler returns (the web framework's response).
struct Reply {}
/// A 302/303 to `url`.
func redirect(to url: String) -> Reply { Reply() }
/// An HTML page with its Content-Security-Policy header.
func html(_ body: String, contentSecurityPolicy: String) -> Reply { Reply() }

// The app's configuration.
let keyPEM = ""
let nextKeyPEM = ""
let certificatePEM = ""
let bundlePEM = ""
let federationMetadataURL = "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml"
let stateFolder = URL(fileURLWithPath: "/var/lib/app/saml")
let federationMetadataBytes: [UInt8] = []
let adminFileBytes: [UInt8] = []
let clock: any SAMLClock = SystemClock()
let sharedCache: any ReplayCache = InMemoryReplayCache()

// The app's HTTP client.
func httpGet(_ url: String) async throws -> [UInt8] { [] }

// The request being handled: its query parameters, form fields and raw query string.
let query: [String: String] = [:]
let form: [String: String] = [:]
let rawQuery = ""

// The app's one-shot store of request IDs by RelayState (the low-level path; LoginCoordinator has its own).
func store(_ requestID: String, for relayState: String) {}
func takeRequestID(for relayState: String?) -> String? { nil }

// Values an earlier snippet of the same page made (each snippet is compiled in its own function).
var idp: IdPMetadata { fatalError("placeholder") }
var sp: SPMetadata { fatalError("placeholder") }
var spKey: SigningKey { fatalError("placeholder") }
var acs: ServiceProvider { fatalError("placeholder") }
var assertion: VerifiedAssertion { fatalError("placeholder") }
var requestID: String { fatalError("placeholder") }
var idpKey: SigningKey { fatalError("placeholder") }

/// The app's logger.
struct Log { func warning(_ message: String) {} }
let log = Log()

// The SP the "Getting Started" steps build, for the steps after the first.
var configuration: ServiceProviderConfiguration { fatalError("placeholder") }
var runtime: ServiceProviderRuntime { fatalError("placeholder") }
