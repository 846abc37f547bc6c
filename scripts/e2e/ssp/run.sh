#!/usr/bin/env bash
# Runs SimpleSAMLphp 1.19 (Debian package `simplesamlphp`, with php-xml) as a SAML 2.0 IdP on 127.0.0.1:PORT,
# in the foreground (the caller backgrounds it and stops it; php's workers share its process group).
# usage: scripts/e2e/ssp/run.sh RUN_DIR PORT
#   RUN_DIR holds the configuration, the IdP key and certificate (made once with openssl), sessions and logs.
#   Register an SP with: php scripts/e2e/ssp/register.php SP_METADATA.xml RUN_DIR [key=value ...]
# env: SSP_FAKETIME  libfaketime offset for the IdP's clock (e.g. "-1h", "+1h"); empty: the real clock.
# The IdP: metadata and entityID http://127.0.0.1:PORT/saml2/idp/metadata.php, SSO .../saml2/idp/SSOService.php,
# users b.simon and z.unal (password "password", see authsources.php).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR PORT" >&2; exit 2; }
mkdir -p "$1"/{cert,log,data,tmp,metadata,sessions}
run=$(cd "$1" && pwd)
port=$2
www=/usr/share/simplesamlphp/www
[ -d "$www" ] || { echo "SimpleSAMLphp is not installed (apt-get install simplesamlphp php-xml)" >&2; exit 1; }
php -r 'exit(class_exists("DOMDocument") ? 0 : 1);' || { echo "php-xml is missing (apt-get install php-xml)" >&2; exit 1; }
if [ ! -f "$run/cert/idp.key" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=SimpleSAMLphp example IdP" \
    -keyout "$run/cert/idp.key" -out "$run/cert/idp.crt" 2>/dev/null
fi
[ -f "$run/secret" ] || openssl rand -hex 16 > "$run/secret"
sed -e "s#@RUN@#$run#g" -e "s#@PORT@#$port#g" -e "s#@SECRET@#$(cat "$run/secret")#g" "$here/config.php.in" > "$run/config.php"
cp "$here/authsources.php" "$run/authsources.php"
cp "$here/saml20-idp-hosted.php" "$run/metadata/saml20-idp-hosted.php"
[ -f "$run/metadata/saml20-sp-remote.php" ] || echo '<?php' > "$run/metadata/saml20-sp-remote.php"
export SIMPLESAMLPHP_CONFIG_DIR=$run PHP_CLI_SERVER_WORKERS=${PHP_CLI_SERVER_WORKERS:-4}
if [ -n "${SSP_FAKETIME:-}" ]; then
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1)
  [ -n "$lib" ] || { echo "libfaketime is missing (apt-get install libfaketime)" >&2; exit 1; }
  export LD_PRELOAD=$lib FAKETIME=$SSP_FAKETIME
fi
exec php -S "127.0.0.1:$port" -t "$www"
