<?php
// Registers an SP at the local SimpleSAMLphp IdP from the SP's own metadata, read by SimpleSAMLphp's parser.
// usage: php register.php SP_METADATA.xml RUN_DIR [key=value ...]
//   key=value: SimpleSAMLphp SP-metadata options set on the SP (true/false/integers typed), e.g.
//     saml20.sign.response=false  saml20.sign.assertion=false  assertion.encryption=true
//   alias=ENTITYID: also register the same SP under this other entityID (repeatable).
// Takes effect at once: SimpleSAMLphp reads RUN_DIR/metadata/saml20-sp-remote.php on every request.
require '/usr/share/simplesamlphp/lib/_autoload.php';

if ($argc < 3) {
    fwrite(STDERR, "usage: php register.php SP_METADATA.xml RUN_DIR [key=value ...]\n");
    exit(2);
}
[, $xmlFile, $runDir] = $argv;
$options = [];
$aliases = [];
foreach (array_slice($argv, 3) as $kv) {
    [$k, $v] = explode('=', $kv, 2);
    if ($k === 'alias') {
        $aliases[] = $v;
        continue;
    }
    $options[$k] = ($v === 'true') ? true : (($v === 'false') ? false : (ctype_digit($v) ? (int)$v : $v));
}
$out = "<?php\n// Written by register.php from " . var_export($xmlFile, true) . "\n";
$count = 0;
foreach (\SimpleSAML\Metadata\SAMLParser::parseDescriptorsFile($xmlFile) as $entity) {
    $md = $entity->getMetadata20SP();
    if ($md === null) {
        continue;
    }
    $md = array_merge($md, $options);
    foreach (array_merge([$md['entityid']], $aliases) as $entityID) {
        $md['entityid'] = $entityID;
        $out .= '$metadata[' . var_export($entityID, true) . '] = ' . var_export($md, true) . ";\n";
        fwrite(STDERR, "SimpleSAMLphp: registered SP $entityID\n");
        $count++;
    }
}
if ($count === 0) {
    fwrite(STDERR, "no SPSSODescriptor in $xmlFile\n");
    exit(1);
}
$target = "$runDir/metadata/saml20-sp-remote.php";
file_put_contents("$target.tmp", $out);
rename("$target.tmp", $target);
