#!/usr/bin/env bash
# The MCP actions endpoint end to end: the backend with the demo deployed on the local cluster and a
# static service token (backend.auth.externalAccess, random per run), and the official MCP TypeScript
# SDK client in packages/backend/src/mcp.test.ts: it lists the tools, reads status, promotes dev →
# staging (runs to success) and is refused prod (environments.promotion.servicePrincipalStages: dev and
# staging), with prod unchanged.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
cd "$REPO_ROOT"
ensure_node22

work="$(mktemp -d /tmp/envportal-mcp.XXXXXX)" # 0700: holds the token's config
cleanup() {
  portal_backend_stop
  [ -x scripts/demo-deploy ] && scripts/demo-deploy down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cluster_config="$(portal_cluster_config)"
[ -n "$cluster_config" ] || die "no local cluster: the MCP suite needs one"
eval "$(scripts/local-cluster env)"

# The token reaches the backend through its environment, never a file in the repository.
ENVPORTAL_MCP_TOKEN="$(node -p 'require("crypto").randomBytes(24).toString("base64url")')"
export ENVPORTAL_MCP_TOKEN
cat >"$work/app-config.mcp.yaml" <<'YAML'
backend:
  auth:
    externalAccess:
      - type: static
        options:
          token: ${ENVPORTAL_MCP_TOKEN}
          subject: mcp-e2e-agent
YAML
portal_backend_start --config "$(portal_demo_config)" --config "$cluster_config" --config "$work/app-config.mcp.yaml"

export ENVPORTAL_PORTAL_IT_BASE_URL=http://127.0.0.1:7007 \
  ENVPORTAL_PORTAL_IT_TOKEN="$(portal_guest_token)" \
  ENVPORTAL_PORTAL_IT_KUBECONFIG="$KUBECONFIG" \
  ENVPORTAL_PORTAL_IT_SERVICE_TOKEN="$ENVPORTAL_MCP_TOKEN"
cd packages/backend
CI=true yarn backstage-cli package test --runInBand src/mcp
