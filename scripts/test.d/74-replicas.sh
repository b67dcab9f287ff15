#!/usr/bin/env bash
# Stage 74: the portal as several replicas. Two backend processes (:7007 and :7008) share one real
# PostgreSQL and the local cluster (with the demo deployed: real service processes and Prometheus
# behind dev and staging), and the suite (packages/backend/src/replicas.test.ts) checks that
# promotions are correct across them: 20 concurrent requests over both give one rollout (and a browser
# on each replica hears its promotion signals); a replica
# killed mid-rollout has its promotion finished by the other within the lease plus 10 s; a rolling
# restart during two running promotions leaves none stuck and runs none twice; both answer alike.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm

work="$(mktemp -d /tmp/envportal-replicas.XXXXXX)" # 0700: holds tokens and the database password
cleanup() {
  for replica in a b; do PORTAL_BACKEND_NAME="replica-$replica" portal_backend_stop KILL; done
  "$REPO_ROOT/scripts/demo-deploy" down >/dev/null 2>&1 || true
  if [ -n "${KUBECONFIG:-}" ]; then
    for ns in dev staging; do helm uninstall express-service-b -n "$ns" --wait >/dev/null 2>&1 || true; done
  fi
  rm -f "${ENVPORTAL_PROMETHEUS_TARGETS_DIR:-/nonexistent}"/replicas-*.json "${ENVPORTAL_PROMETHEUS_RULES_DIR:-/nonexistent}"/replicas-*.yaml
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

pg_start
scripts/local-cluster up >&2
eval "$(scripts/local-cluster env)"
DEMO_TRAFFIC_MINUTES=15 scripts/demo-deploy up >&2
portal_config="$(PORTAL_CONFIG_OUT="$work/portal.yaml" PORTAL_PROD_CLUSTER=none scripts/portal-k8s-config)"

# A second service in dev and staging, scraped through the demo's service processes so that its
# gates see real traffic too.
for ns in dev staging; do
  tag=1.2.0
  [ "$ns" = staging ] && tag=1.1.0
  helm upgrade --install express-service-b charts/express-service --namespace "$ns" \
    --values "charts/express-service/values-$ns.yaml" --set fullnameOverride=express-service-b \
    --set backstageId=express-service-b --set-string image.tag="$tag" --wait --timeout 120s >/dev/null
done
for pair in dev:18081 staging:18082; do
  ns="${pair%%:*}" port="${pair##*:}"
  cat >"$ENVPORTAL_PROMETHEUS_TARGETS_DIR/replicas-$ns.json" <<JSON
[{"targets": ["127.0.0.1:$port"], "labels": {"job": "express-service-b", "namespace": "$ns", "service": "express-service-b"}}]
JSON
  scripts/chart/render-alert-rules express-service-b "$ns" --set fullnameOverride=express-service-b \
    >"$ENVPORTAL_PROMETHEUS_RULES_DIR/replicas-$ns.yaml"
done
curl -fsS -X POST "$ENVPORTAL_PROMETHEUS_URL/-/reload" >/dev/null

cat >"$work/shared.yaml" <<YAML
backend:
  database:
    client: pg
    connection:
      host: $POSTGRES_HOST
      port: $POSTGRES_PORT
      user: $POSTGRES_USER
      password: \${POSTGRES_PASSWORD}
catalog:
  locations:
    - type: file
      target: ../../catalog-info.yaml
      rules:
        - allow: [Component, System, Location, Template, Group, User]
    - type: file
      target: $REPO_ROOT/packages/backend/src/__fixtures__/replicas/second-service.yaml
environments:
  promotion:
    # Short, so a crash is taken over quickly in the test; production keeps the default 30 s.
    leaseSeconds: 10
    gateWindowSeconds: 600
    minRequests: 100
    stages:
      dev: { strategy: image, soakSeconds: 10, rolloutTimeoutSeconds: 120 }
      staging: { strategy: image, soakSeconds: 25, rolloutTimeoutSeconds: 180 }
YAML
for pair in a:7007 b:7008; do
  cat >"$work/replica-${pair%%:*}.yaml" <<YAML
backend:
  baseUrl: http://localhost:${pair##*:}
  listen:
    port: ${pair##*:}
YAML
done
# The suite stops and starts replicas through this: replica-ctl start|stop NAME [SIGNAL].
cat >"$work/replica-ctl" <<CTL
#!/usr/bin/env bash
source "$REPO_ROOT/scripts/lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
set +u
export POSTGRES_PASSWORD='$POSTGRES_PASSWORD' PORTAL_BACKEND_NAME="replica-\$2" PORTAL_BACKEND_LOG_APPEND=1
# Called from the test runner, whose NODE_ENV=test would turn off Backstage's scheduler janitor: a
# restarted replica runs as the stage started it.
export NODE_ENV=development
case "\$2" in a) export PORTAL_BACKEND_PORT=7007 ;; b) export PORTAL_BACKEND_PORT=7008 ;; esac
case "\$1" in
  start) ENVPORTAL_WAIT_CATALOG=0 portal_backend_start --config "$portal_config" --config "$work/shared.yaml" --config "$work/replica-\$2.yaml" ;;
  stop) portal_backend_stop "\${3:-TERM}" ;;
esac
CTL
chmod 700 "$work/replica-ctl"
rm -f "$ENVPORTAL_RUN/replica-a.log" "$ENVPORTAL_RUN/replica-b.log"

"$work/replica-ctl" start a
"$work/replica-ctl" start b
token="$(PORTAL_BACKEND_PORT=7007 portal_guest_token)"

log "two replicas on one PostgreSQL"
cd packages/backend
ENVPORTAL_REPLICAS_A=http://127.0.0.1:7007 ENVPORTAL_REPLICAS_B=http://127.0.0.1:7008 \
  ENVPORTAL_REPLICAS_TOKEN="$token" ENVPORTAL_REPLICAS_CTL="$work/replica-ctl" \
  ENVPORTAL_REPLICAS_KUBECONFIG="$KUBECONFIG" ENVPORTAL_REPLICAS_LEASE_SECONDS=10 \
  ENVPORTAL_REPLICAS_PG="postgresql://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/backstage_plugin_environments" \
  CI=true yarn backstage-cli package test --runInBand src/replicas || {
  # What the replicas did about promotions, across their restarts, for whoever reads the failure.
  for replica in a b; do
    log "replica-$replica: promotion lines of its log"
    sed -e 's/\x1b\[[0-9;]*m//g' "$ENVPORTAL_RUN/replica-$replica.log" | grep -v incomingRequest |
      grep -E "promotion|Task timed out|shutting down|Listening on" | cut -c1-300 | tail -n 40 >&2 || true
  done
  exit 1
}
