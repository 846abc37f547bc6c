<?php
// Users of the local test IdP (exampleauth:UserPass). Password for each: "password".
// b.simon: the demo user (LDAP-style attributes and Azure-style claim URIs). z.unal: non-ASCII names and markup
// characters that the SP must show as text.
$azure = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';
$config = [
    'admin' => ['core:AdminPassword'],
    'example-userpass' => [
        'exampleauth:UserPass',
        'b.simon:password' => [
            'uid' => ['b.simon'],
            'mail' => ['b.simon@example.test'],
            'displayName' => ['B. Simon'],
            'givenName' => ['B.'],
            'sn' => ['Simon'],
            'eduPersonPrincipalName' => ['b.simon@example.test'],
            'groups' => ['staff', 'saml-admins'],
            $azure . 'upn' => ['b.simon@example.test'],
            $azure . 'emailaddress' => ['b.simon@example.test'],
            'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups' => ['staff', 'saml-admins'],
        ],
        'z.unal:password' => [
            'uid' => ['z.unal'],
            'mail' => ['zoë.ünal@example.test'],
            'displayName' => ['Zoë Ünal <b>&amp;</b> "Ω"'],
            'givenName' => ['Zoë'],
            'sn' => ['Ünal'],
            'groups' => ['<script>document.title="pwned"</script>', 'R&D <img src=x onerror=alert(1)>', 'Ärzte'],
        ],
    ],
];
