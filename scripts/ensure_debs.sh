#!/usr/bin/env bash
# Install the Debian packages the tests drive as real processes, when missing. Quick when all are
# present (dpkg -s only); installs as root, or through sudo when it can run without a password.
set -euo pipefail

# kamailio-utils-modules holds http_client, the synchronous fallback when http_async_client is absent.
# kamailio-sqlite-modules holds db_sqlite: the switch's CDR spool is a SQLite file.
PACKAGES=(chromium kamailio kamailio-extra-modules kamailio-utils-modules kamailio-sqlite-modules sip-tester caddy
  dnsmasq-base cloud-init)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
build_async_client() {
  # Debian does not package http_async_client; build it from Debian's own source package when we can.
  # If the build fails (no deb-src mirror, no compiler) the switch tests use http_client instead.
  [ "$(id -u)" -eq 0 ] || return 0
  "$(dirname "$0")/build_http_async_client.sh" >/dev/null 2>&1 \
    || echo "http_async_client could not be built; the switch tests will use http_client" >&2
}

if [ ${#missing[@]} -eq 0 ]; then
  build_async_client
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
build_async_client
