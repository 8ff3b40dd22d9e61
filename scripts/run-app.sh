#!/bin/sh
# `pnpm start`, `pnpm worker`, `pnpm unwrapped`: runs an app's built JavaScript with plain node.
#   sh scripts/run-app.sh <server|worker|cli> [arguments for the app...]
# Builds the app first when its dist/ is missing or stale: turbo compares the sources' hash with its
# cache, so when nothing changed this costs about half a second and rebuilds nothing. Then `exec`
# replaces this shell with node, so Ctrl-C reaches node directly and node's exit status is the command's
# (no shell or pnpm error in between).
set -e
app=$1
shift
cd "$(dirname "$0")/.."
[ -f "apps/${app}/dist/main.js" ] || echo "Building apps/${app} (first run)..." >&2
log=$(mktemp)
if ! TURBO_TELEMETRY_DISABLED=1 node_modules/.bin/turbo run build --filter="@unwrapped/${app}" --output-logs=errors-only >"${log}" 2>&1; then
  cat "${log}" >&2
  rm -f "${log}"
  exit 1
fi
rm -f "${log}"
exec node "apps/${app}/dist/main.js" "$@"
