<?php
// The hosted IdP. Its entityID is its metadata URL, http://127.0.0.1:<port>/saml2/idp/metadata.php.
$metadata['__DYNAMIC:1__'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'example-userpass',
    // AuthnRequests in either binding (1.19 lists only HTTP-Redirect in its metadata unless told).
    'SingleSignOnServiceBinding' => [
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
    ],
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'authproc' => [
        // NameIDs for the formats an SP may ask for (its AuthnRequest's NameIDPolicy or its metadata).
        10 => ['class' => 'saml:AttributeNameID', 'attribute' => 'mail',
               'Format' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
        11 => ['class' => 'saml:AttributeNameID', 'attribute' => 'uid',
               'Format' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
        12 => ['class' => 'saml:PersistentNameID', 'attribute' => 'uid'],
        13 => ['class' => 'saml:TransientNameID'],
    ],
];
