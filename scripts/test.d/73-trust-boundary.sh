#!/usr/bin/env bash
# Stage 73: the trust boundary against the real backend process on the local cluster.
#   1. each of the portal's accounts (scripts/portal-k8s-config) is refused what it must not do;
#   2. the guest's doors to the cluster and the host are shut (inline dry run, untrusted templates,
#      templates smuggled into the catalog, the Kubernetes proxy) while "Create Express service" works;
#   3. a list of hostile inputs gets 4xx with a message and changes no database row or cluster object;
#   4. schemathesis fuzzes every route of the environments API from its OpenAPI spec: 0 server errors.
# The backend runs on SQLite files in a throwaway directory, so the suites can read its rows.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm
command -v git >/dev/null || die "git is needed by publish:local"

SCHEMATHESIS_VERSION=4.32.5
work="$(mktemp -d /tmp/envportal-trust.XXXXXX)" # 0700: holds the portal's tokens
cleanup() {
  portal_backend_stop
  rm -rf "$work"
}
trap cleanup EXIT

scripts/local-cluster up >&2
eval "$(scripts/local-cluster env)"
admin_kubeconfig="$KUBECONFIG"
portal_config="$(PORTAL_CONFIG_OUT="$work/portal.yaml" PORTAL_PROD_CLUSTER=none scripts/portal-k8s-config)"

failed=0
log "accounts: what each may and may not do"
(cd plugins/environments-node && ENVPORTAL_ACCOUNTS_IT_CONFIG="$portal_config" \
  CI=true yarn backstage-cli package test src/clusters/accounts) || failed=1

fixtures="$REPO_ROOT/packages/backend/src/__fixtures__/trust"
mkdir -p "$work/db" "$work/published"
# The suite serves the files a guest registers through the catalog API on this loopback port.
fixture_port="$(free_port)"
cat >"$work/app-config.trust.yaml" <<YAML
backend:
  database:
    client: better-sqlite3
    connection:
      directory: $work/db
  reading:
    allow:
      - host: 127.0.0.1:$fixture_port
catalog:
  locations:
    # The demo's operator location, plus a template that an operator registered but the policy does
    # not trust.
    - type: file
      target: ../../catalog-info.yaml
      rules:
        - allow: [Component, System, Location, Template, Group, User]
    - type: file
      target: $fixtures/foreign-template/template.yaml
      rules:
        - allow: [Template]
environments:
  templates:
    localPublishDir: $work/published
YAML
portal_backend_start --config "$portal_config" --config "$work/app-config.trust.yaml"
token="$(portal_guest_token)"
export ENVPORTAL_PORTAL_IT_BASE_URL=http://127.0.0.1:7007 ENVPORTAL_PORTAL_IT_TOKEN="$token" \
  ENVPORTAL_PORTAL_IT_KUBECONFIG="$admin_kubeconfig" ENVPORTAL_PORTAL_IT_DB_DIR="$work/db" \
  ENVPORTAL_PORTAL_IT_FIXTURE_PORT="$fixture_port"

log "trust boundary and hostile input against the running backend"
(cd packages/backend && CI=true yarn backstage-cli package test --runInBand src/trustBoundary src/hostileInput) ||
  failed=1

# schemathesis from PyPI, in a virtualenv kept in the cache.
venv="$ENVPORTAL_CACHE/venv/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$venv/bin/schemathesis" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
log "schemathesis: every route of plugins/environments-backend/src/schema/openapi.yaml, as the guest"
"$venv/bin/schemathesis" run plugins/environments-backend/src/schema/openapi.yaml \
  --url http://127.0.0.1:7007/api/environments \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error \
  --max-examples "${ENVPORTAL_FUZZ_EXAMPLES:-40}" \
  --seed 1 \
  --no-color 2>&1 | tee "$work/schemathesis.log" | tail -n 25 || failed=1
grep -E '^(Test cases|API Operations|Summary|.*passed|.*failed)' "$work/schemathesis.log" | head -n 10 || true
exit "$failed"
