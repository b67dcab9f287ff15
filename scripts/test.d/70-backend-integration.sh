#!/usr/bin/env bash
# Stage 70: environments-backend against REAL parts: two local clusters (real kube-apiserver, etcd,
# controllers; kwok nodes), a real Helm release of charts/express-service in dev and staging (cluster
# "envportal") and prod (cluster "envportal-prod"), a real Prometheus scraping the real reference
# service, and the portal's least-privilege ServiceAccount from scripts/portal-k8s-config.
# The Jest suite (plugins/environments-backend/src/integration) stops and starts the prod cluster and
# this stage's Prometheus itself. Clusters this stage started are stopped at its end.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm

RELEASE=it-express-service
SECOND="${ENVPORTAL_IT_SECOND_CLUSTER:-envportal-prod}"
WORK="$(mktemp -d)"
PIDS=()
started_clusters=()

cleanup() {
  local rc=$?
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${ENVPORTAL_KUBECONFIG_ENVPORTAL:-}" ]; then
    for ns in dev staging; do
      KUBECONFIG="$ENVPORTAL_KUBECONFIG_ENVPORTAL" helm uninstall "$RELEASE" -n "$ns" >/dev/null 2>&1 || true
    done
    KUBECONFIG="$SECOND_KUBECONFIG" helm uninstall "$RELEASE" -n prod >/dev/null 2>&1 || true
  fi
  for name in "${started_clusters[@]}"; do "$REPO_ROOT/scripts/local-cluster" down --cluster "$name" >&2 || true; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

for name in envportal "$SECOND"; do
  scripts/local-cluster env --cluster "$name" >/dev/null 2>&1 || started_clusters+=("$name")
done
scripts/local-cluster up --cluster envportal --cluster "$SECOND" >&2
eval "$(scripts/local-cluster env)"
second_var="ENVPORTAL_KUBECONFIG_$(echo "$SECOND" | tr 'a-z-' 'A-Z_')"
SECOND_KUBECONFIG="${!second_var:?cluster $SECOND is not running}"

# 1. The chart, released for real: dev and staging in the main cluster, prod in the second one.
deploy() { # deploy KUBECONFIG NAMESPACE TAG
  KUBECONFIG="$1" helm upgrade --install "$RELEASE" charts/express-service --namespace "$2" \
    --values "charts/express-service/values-$2.yaml" --set-string image.tag="$3" \
    --wait --timeout 180s >"$WORK/helm-$2.log" 2>&1 || { cat "$WORK/helm-$2.log" >&2; die "helm install into $2 failed"; }
}
log "installing $RELEASE into dev, staging (envportal) and prod ($SECOND)"
deploy "$ENVPORTAL_KUBECONFIG_ENVPORTAL" dev 1.2.0
deploy "$ENVPORTAL_KUBECONFIG_ENVPORTAL" staging 1.1.0
deploy "$SECOND_KUBECONFIG" prod 1.0.0

# 2. The real reference service on loopback for dev (kwok pods serve nothing): health and metrics.
if [ ! -f service/dist/index.js ]; then
  (cd service && npm ci --no-audit --no-fund --loglevel=error >&2 && npm run build >&2)
fi
SERVICE_PORT="$(free_port)"
# Loopback only here; in a pod it listens on every interface. Its output is what the dev pods' logs
# show (kwok serves them from $ENVPORTAL_POD_LOGS_DIR).
: "${ENVPORTAL_POD_LOGS_DIR:?scripts/local-cluster env set no ENVPORTAL_POD_LOGS_DIR}"
(cd service && APP_HOST=127.0.0.1 APP_PORT="$SERVICE_PORT" APP_VERSION=1.2.0 LOG_LEVEL=info API_BASE_URL= \
  exec node dist/index.js </dev/null > >(pod_log_sink "$WORK/service.log" "$ENVPORTAL_POD_LOGS_DIR/dev.log" >/dev/null 2>&1) 2>&1) &
PIDS+=($!)
# Staging runs no process here: its pods' logs are two lines, the second at level error, as a service
# that failed a request writes them; prod's are empty.
printf '%s\n' '{"level":"info","msg":"listening"}' \
  '{"level":"error","time":1796014862000,"msg":"request failed","status":500,"req":{"headers":{"authorization":"hunter2"}}}' |
  pod_log_sink "$WORK/staging.log" "$ENVPORTAL_POD_LOGS_DIR/staging.log"
: >"$ENVPORTAL_POD_LOGS_DIR/prod.log"

# 3. This stage's own Prometheus (the suite stops it to test "Prometheus down"): the local cluster's
#    configuration, a target with the labels a ServiceMonitor scrape gives, and the chart's alert rules.
PROM_PORT="$(free_port)"
mkdir -p "$WORK/prometheus/targets" "$WORK/prometheus/rules"
sed "s/PROMETHEUS_LISTEN_ADDRESS/127.0.0.1:$PROM_PORT/" scripts/cluster/prometheus.yml >"$WORK/prometheus/prometheus.yml"
cat >"$WORK/prometheus/targets/$RELEASE-dev.json" <<JSON
[{"targets": ["127.0.0.1:$SERVICE_PORT"], "labels": {"job": "$RELEASE", "namespace": "dev", "service": "$RELEASE"}}]
JSON
scripts/chart/render-alert-rules "$RELEASE" dev >"$WORK/prometheus/rules/$RELEASE-dev.yaml"
(cd "$WORK/prometheus" && exec prometheus --config.file=prometheus.yml --storage.tsdb.path=data \
  --web.listen-address="127.0.0.1:$PROM_PORT" </dev/null >prometheus.log 2>&1) &
PIDS+=($!)
PROM_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$SERVICE_PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null || { tail "$WORK/prometheus/prometheus.log" >&2; die "Prometheus did not start"; }
curl -fsS "http://127.0.0.1:$SERVICE_PORT/health/ready" >/dev/null || { tail "$WORK/service.log" >&2; die "the service did not start"; }

# 4. The portal's identity and config, as the demo gets them.
PORTAL_CONFIG="$(PORTAL_CONFIG_OUT="$WORK/portal.yaml" PORTAL_PROD_CLUSTER="$SECOND" scripts/portal-k8s-config)"

# 5. The suite. Under CI=true a missing variable is a failure, never a silent skip.
cd plugins/environments-backend
ENVPORTAL_IT_CONFIG="$PORTAL_CONFIG" \
  ENVPORTAL_IT_KUBECONFIG="$ENVPORTAL_KUBECONFIG_ENVPORTAL" \
  ENVPORTAL_IT_KUBECONFIG_PROD="$SECOND_KUBECONFIG" \
  ENVPORTAL_IT_SECOND_CLUSTER="$SECOND" \
  ENVPORTAL_IT_RELEASE="$RELEASE" \
  ENVPORTAL_IT_SERVICE_URL="http://127.0.0.1:$SERVICE_PORT" \
  ENVPORTAL_IT_PROMETHEUS_URL="http://127.0.0.1:$PROM_PORT" \
  ENVPORTAL_IT_PROMETHEUS_PID="$PROM_PID" \
  ENVPORTAL_IT_TARGETS_DIR="$WORK/prometheus/targets" \
  KWOK_WORKDIR="${ENVPORTAL_CLUSTER_STATE:-$ENVPORTAL_CACHE/cluster}/kwok" \
  CI=true yarn backstage-cli package test --runInBand src/integration
