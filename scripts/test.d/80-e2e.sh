#!/usr/bin/env bash
# Browser tests: Playwright drives Debian's Chromium against the built portal, with the local cluster and
# the demo deployment behind it. Screenshots go to .artifacts/screenshots (git-ignored).
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
cd "$REPO_ROOT"
ensure_apt chromium
ensure_node22

cleanup() {
  portal_backend_stop
  [ -x scripts/demo-deploy ] && scripts/demo-deploy down >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "building the app bundle"
yarn workspace app build >"$ENVPORTAL_RUN/app-build.log" 2>&1 || { tail -n 40 "$ENVPORTAL_RUN/app-build.log"; exit 1; }

# The backend serves the built app itself, so the app's base URL is the backend's.
# The served app, and the test-only sign-in as a named demo user (a second person who approves).
cat >"$ENVPORTAL_RUN/app-config.served.yaml" <<'YAML'
app:
  baseUrl: http://localhost:7007
auth:
  providers:
    demo-user: {}
YAML
config_args=(--config "$ENVPORTAL_RUN/app-config.served.yaml" --config "$(portal_demo_config)")
cluster_config="$(portal_cluster_config)"
[ -n "$cluster_config" ] && config_args+=(--config "$cluster_config")
# The test-only demo-user sign-in is compiled into the backend but added only with this variable.
export ENVPORTAL_DEMO_USERS=1
portal_backend_start "${config_args[@]}"

mkdir -p .artifacts/screenshots
CI=true yarn playwright test
log "screenshots: $(ls .artifacts/screenshots | tr '\n' ' ')"
