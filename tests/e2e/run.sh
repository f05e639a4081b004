#!/bin/sh
# Builds the web UI if needed and runs the browser tests against a fresh ovcpd.
#   tests/e2e/run.sh [name-filter]
# Needs: node + npm, Debian's chromium, a built ovcpd (meson compile -C build).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/web"
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -f dist/index.html ] || npm run build
cd "$root"
exec node tests/e2e/run.mjs "$@"
