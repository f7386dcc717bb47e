#!/usr/bin/env bash
# Fetch the pinned front-end assets from the npm registry into static/vendor/ (committed; no CDN).
# Change a version here, run `make vendor`, and commit the result.
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
ICONS=1.13.2
CHARTJS=4.6.1

cd "$(dirname "$0")/.."
dest=static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # package version -> unpacked dir
  (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar -xzf "$1"-*.tgz -C "$1" --strip-components=1)
}
fetch bootstrap "$BOOTSTRAP"
fetch htmx.org "$HTMX"
fetch bootstrap-icons "$ICONS"
fetch chart.js "$CHARTJS"

rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/bootstrap-icons/fonts" "$dest/chartjs"
cp "$tmp/bootstrap/dist/css/bootstrap.min.css" "$tmp/bootstrap/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$tmp/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$tmp/bootstrap-icons/font/bootstrap-icons.min.css" "$dest/bootstrap-icons/"
cp "$tmp/bootstrap-icons/font/fonts/"* "$dest/bootstrap-icons/fonts/"
cp "$tmp/bootstrap/LICENSE" "$dest/bootstrap/LICENSE"
cp "$tmp/htmx.org/LICENSE" "$dest/htmx/LICENSE"
cp "$tmp/bootstrap-icons/LICENSE" "$dest/bootstrap-icons/LICENSE"
cp "$tmp/chart.js/dist/chart.umd.min.js" "$dest/chartjs/"
cp "$tmp/chart.js/LICENSE.md" "$dest/chartjs/LICENSE.md"
# Source maps are referenced by the minified files but not shipped; drop the references.
sed -i '/sourceMappingURL/d' "$dest/bootstrap/"*.min.* "$dest/htmx/htmx.min.js" "$dest/chartjs/chart.umd.min.js"
printf 'bootstrap %s\nhtmx.org %s\nbootstrap-icons %s\nchart.js %s\n' "$BOOTSTRAP" "$HTMX" "$ICONS" "$CHARTJS" > "$dest/VERSIONS"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
