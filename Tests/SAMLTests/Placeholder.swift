import Testing
@testable import SAML
