import SAML
import X509
// Certificate-chain policy (issue: attribute mapping and certificate policy) lands here.
