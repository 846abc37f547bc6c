import SAML
// Declarative attribute mapping (issue: attribute mapping and certificate policy) lands here.
