#!/bin/sh
# Builds Kamailio's http_async_client module from Debian's own kamailio source package,
# because Debian 12 ships every other module we need but not this one. Only that module is
# compiled, against the same source version as the installed kamailio, so the core accepts it.
#
# Usage (as root on Debian 12):  scripts/build_http_async_client.sh [DEST_DIR]
# DEST_DIR defaults to /usr/local/lib/kamailio/modules, which the rendered kamailio.cfg lists in
# its mpath after Debian's module directory.
set -eu

DEST=${1:-/usr/local/lib/kamailio/modules}
WORK=${BUILD_DIR:-/var/tmp/kamailio-src}
MODULE=http_async_client

if [ -f "$DEST/$MODULE.so" ]; then
	echo "$DEST/$MODULE.so already present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# apt-get source needs a deb-src entry; Debian 12 images ship deb lines only.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	$SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	$SUDO apt-get update -q
fi
$SUDO apt-get install -y -q --no-install-recommends \
	build-essential dpkg-dev bison flex libevent-dev libcurl4-openssl-dev kamailio

VERSION=$(dpkg-query -W -f='${Version}' kamailio)
mkdir -p "$WORK"
cd "$WORK"
if [ ! -d "kamailio-${VERSION%%-*}" ]; then
	# --download-only then dpkg-source: no need to run as the _apt user or to unpack twice.
	apt-get source -q --download-only "kamailio=$VERSION"
	dpkg-source -x --no-check kamailio_"${VERSION#*:}".dsc "kamailio-${VERSION%%-*}"
fi
cd "kamailio-${VERSION%%-*}/src"
# The module Makefile reads the core's compile flags, so the module matches the Debian build.
make -s -C "modules/$MODULE" -j"$(nproc)"
$SUDO install -d "$DEST"
$SUDO install -m 0644 "modules/$MODULE/$MODULE.so" "$DEST/$MODULE.so"
echo "installed $DEST/$MODULE.so"
