#!/usr/bin/env bash
# Third-party browser assets (Bootstrap, htmx, Chart.js) from the npm registry, pinned by
# package-lock.json, copied into static/vendor/ (git-ignored). No CDN: the dashboard works offline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
vendor=static/vendor
stamp="$vendor/.lock-$(sha256sum package-lock.json | cut -c1-16)"
if [ -e "$stamp" ]; then
    return 0 2>/dev/null || exit 0
fi
if ! command -v npm >/dev/null; then
    echo "Installing Node.js and npm..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# devDependencies are the tests' tools, used from node_modules: axe-core (accessibility, in
# Chromium) and vnu-jar (the HTML checker, on Debian's Java). No install scripts: vnu-jar's
# would download a JDK.
npm ci --no-audit --no-fund --silent --ignore-scripts
rm -rf "$vendor"
mkdir -p "$vendor"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$vendor/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$vendor/"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/"
cp node_modules/chart.js/dist/chart.umd.min.js "$vendor/"
# Noto Sans (Fontsource): the public pages' font, with the Uzbek Cyrillic letters (қ ғ ҳ ў, in
# the cyrillic-ext subset) and the modifier letters ʻ ʼ of the Latin alphabet.
mkdir -p "$vendor/noto-sans/files"
for weight in 400 400-italic 700; do
    cp "node_modules/@fontsource/noto-sans/$weight.css" "$vendor/noto-sans/"
done
cp node_modules/@fontsource/noto-sans/files/noto-sans-*-{400-normal,400-italic,700-normal}.woff* \
    "$vendor/noto-sans/files/"
# The minified files point at source maps we do not ship; drop the pointers so nothing 404s.
sed -i -e '/sourceMappingURL=/d' "$vendor"/*.js "$vendor"/*.css
touch "$stamp"
