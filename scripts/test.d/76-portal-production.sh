#!/usr/bin/env bash
# Stage 76: the portal as it ships.
#   1. charts/environment-portal: helm lint, schema rejections, checkov on the render, and an install
#      on the local cluster (2 replicas ready, PDB, NetworkPolicy, the read account's rights);
#   2. the production bundle, run the way packages/backend/Dockerfile's command runs it: Backstage's
#      production build, production dependencies only, on PostgreSQL, as uid 10001, with the app
#      directory read-only and only a temporary directory writable; Backstage's health endpoints, the
#      served app and the APIs answer.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
source "$REPO_ROOT/scripts/lib/production-app.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm checkov
CHART=charts/environment-portal
work="$(mktemp -d /tmp/envportal-production.XXXXXX)"
chmod 755 "$work"
bundle_pid=""
cleanup() {
  [ -n "$bundle_pid" ] && kill "$bundle_pid" 2>/dev/null
  [ -n "${KUBECONFIG:-}" ] && helm uninstall portal -n portal --wait >/dev/null 2>&1 || true
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# ---- 1. the chart ----
for values in "" "-f $CHART/ci/kwok-values.yaml"; do
  # shellcheck disable=SC2086
  if helm lint "$CHART" --strict $values >"$work/lint.txt" 2>&1; then ok "helm lint --strict ${values:-(defaults)}"; else bad "helm lint ${values}"; cat "$work/lint.txt"; fi
done
reject() {
  local expect="$1"
  shift
  if helm template p "$CHART" -n portal "$@" >/dev/null 2>"$work/err.txt"; then
    bad "accepted bad values: $*"
  elif grep -qF -- "$expect" "$work/err.txt"; then
    ok "rejects $* ($expect)"
  else
    bad "rejects $* but without '$expect':"; cat "$work/err.txt"
  fi
}
reject "/securityContext/readOnlyRootFilesystem'" --set securityContext.readOnlyRootFilesystem=false
reject "/securityContext/allowPrivilegeEscalation'" --set securityContext.allowPrivilegeEscalation=true
reject "/podSecurityContext/runAsNonRoot'" --set podSecurityContext.runAsNonRoot=false
reject "must be below replicaCount" --set replicaCount=1
reject "/image/digest'" --set image.digest=latest
reject "/readAccount/namespaces/0'" --set 'readAccount.namespaces[0]=Prod'
reject "additional properties" --set postgresql.password=hunter2
reject "missing property 'limits'" --set resources.limits=null
helm template portal "$CHART" -n portal >"$work/rendered.yaml"
"$CHECKOV_HOME/bin/checkov" -f "$work/rendered.yaml" --framework kubernetes --skip-download --compact \
  --output json --output-file-path "$work/checkov" >"$work/checkov.txt" 2>&1 || true
if summary="$("$CHECKOV_HOME/bin/python" scripts/chart/checkov_summary.py "$work/checkov/results_json.json")"; then
  ok "checkov on the render: $summary"
else
  bad "checkov: $summary"
fi

scripts/local-cluster up >&2
eval "$(scripts/local-cluster env)"
kubectl create namespace portal --dry-run=client -o yaml | kubectl label --local -f - \
  pod-security.kubernetes.io/enforce=restricted -o yaml | kubectl apply -f - >/dev/null
kubectl -n portal create secret generic environment-portal-postgresql --from-literal=host=postgres \
  --from-literal=port=5432 --from-literal=user=portal --from-literal=password="$(head -c 12 /dev/urandom | base64)" \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null
if helm upgrade --install portal "$CHART" -n portal -f "$CHART/ci/kwok-values.yaml" --wait --timeout 120s >"$work/install.txt" 2>&1; then
  ready="$(kubectl -n portal get deploy portal-environment-portal -o jsonpath='{.status.readyReplicas}')"
  [ "$ready" = 2 ] && ok "installed on the local cluster (Pod Security restricted): 2 of 2 replicas ready" || bad "installed, but $ready replicas ready"
else
  bad "helm install on the local cluster"; cat "$work/install.txt"
fi
can() { kubectl auth can-i --as=system:serviceaccount:portal:portal-environment-portal-read "$@" 2>/dev/null; }
[ "$(can list pods -n dev)" = yes ] && [ "$(can watch deployments.apps -n prod)" = yes ] &&
  ok "the read account lists the stages' objects" || bad "the read account cannot read the stages"
[ "$(can list secrets -n dev)" = no ] && [ "$(can get secrets -n prod)" = no ] && [ "$(can patch deployments.apps -n prod)" = no ] &&
  [ "$(can list pods -n kube-system)" = no ] &&
  ok "the read account reads no Secret, writes nothing, and nothing outside the stages" ||
  bad "the read account has rights it must not have"
kubectl -n portal get pdb portal-environment-portal -o jsonpath='{.spec.minAvailable}' | grep -qx 1 &&
  kubectl -n portal get networkpolicy portal-environment-portal >/dev/null &&
  ok "PodDisruptionBudget (minAvailable 1) and NetworkPolicy in place" || bad "PDB or NetworkPolicy missing"

# ---- 2. the production bundle ----
app="$work/app"
assemble_production_app "$app" "$work"
# As in the image: root owns the app, uid 10001 may read it and write nowhere in it.
chmod -R a+rX,a-w "$app"
# The Node the image has, where uid 10001 may run it (the cached one sits under root's home).
mkdir -p "$work/bin" && cp "$(command -v node)" "$work/bin/node" && chmod 755 "$work/bin/node"
runtime_tmp="$work/tmp" && mkdir -p "$runtime_tmp" && chown 10001:10001 "$runtime_tmp"

pg_start
token="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
cat >"$work/app-config.test.yaml" <<YAML
backend:
  listen: '127.0.0.1:$(free_port)'
  auth:
    externalAccess:
      - type: static
        options:
          token: \${ENVPORTAL_TEST_TOKEN}
          subject: production-bundle-test
YAML
chmod 644 "$work/app-config.test.yaml"
port="$(sed -n "s/.*'127.0.0.1:\([0-9]*\)'.*/\1/p" "$work/app-config.test.yaml")"
(cd "$app" && exec setpriv --reuid=10001 --regid=10001 --clear-groups \
  env -i PATH="$work/bin:/usr/bin:/bin" HOME=/nonexistent TMPDIR="$runtime_tmp" NODE_ENV=production \
  POSTGRES_HOST="$POSTGRES_HOST" POSTGRES_PORT="$POSTGRES_PORT" POSTGRES_USER="$POSTGRES_USER" \
  POSTGRES_PASSWORD="$POSTGRES_PASSWORD" ENVPORTAL_TEST_TOKEN="$token" \
  node packages/backend --config app-config.yaml --config app-config.production.yaml \
  --config "$work/app-config.test.yaml" >"$work/bundle.log" 2>&1) &
bundle_pid=$!
base="http://127.0.0.1:$port"
deadline=$((SECONDS + 180))
until curl -fsS -o /dev/null "$base/.backstage/health/v1/readiness" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$bundle_pid" 2>/dev/null; then
    tail -n 40 "$work/bundle.log"; die "the production bundle did not become ready"
  fi
  sleep 2
done
for path in /.backstage/health/v1/liveness /.backstage/health/v1/readiness /api/environments/health; do
  curl -fsS -o /dev/null "$base$path" && ok "production bundle answers $path" || bad "production bundle: $path"
done
curl -fsS "$base/" | grep -q '<div id="root">' && ok "production bundle serves the built app" || bad "the app is not served"
curl -fsS -H "Authorization: Bearer $token" "$base/api/catalog/entities?limit=1" | grep -q '^\[' &&
  ok "production bundle on PostgreSQL serves the catalog API" || bad "catalog API not served"
user="$(ps -o uid= -p "$(pgrep -P "$bundle_pid" -f 'node packages/backend' || echo "$bundle_pid")" | tr -d ' ')"
[ "$user" = 10001 ] && ok "runs as uid 10001" || bad "runs as uid $user"

echo "portal production: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
