#!/usr/bin/env bash
# Static tests of charts/express-service: schema freshness, helm lint per environment, render
# assertions, schema rejections of bad values, and checkov on the rendered manifests.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
CHART=charts/express-service
ensure_chart_tools helm checkov
PY="$CHECKOV_HOME/bin/python" # has PyYAML (a checkov dependency)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# 1. The committed schema is what scripts/chart/gen-schema.py writes.
if python3 scripts/chart/gen-schema.py --check; then ok "values.schema.json is up to date"; else bad "values.schema.json is stale: run scripts/chart/gen-schema.py"; fi

# 2. helm lint --strict with each environment's values (and its CI overlay).
for env in dev staging prod; do
  if helm lint "$CHART" --strict --kube-version 1.33.0 -f "$CHART/values-$env.yaml" -f "$CHART/ci/$env-values.yaml" >"$work/lint-$env.txt" 2>&1; then
    ok "helm lint --strict ($env)"
  else
    bad "helm lint --strict ($env)"; cat "$work/lint-$env.txt"
  fi
done

# 3. Render assertions.
if "$PY" scripts/chart/test_render.py "$CHART" >"$work/render.txt" 2>&1; then
  ok "render assertions ($(tail -n 1 "$work/render.txt"))"
else
  bad "render assertions"; cat "$work/render.txt"
fi

# 4. The alert rules are valid PromQL and fire (or stay quiet) on the seed's thresholds.
command -v promtool >/dev/null 2>&1 || ensure_apt prometheus
mkdir -p "$work/alerts"
cp scripts/chart/alerts-test.yaml "$work/alerts/"
helm template express-service "$CHART" --namespace dev --kube-version 1.33.0 --set metrics.prometheusRule.create=always \
  --show-only templates/prometheusrule.yaml |
  "$PY" -c 'import sys, yaml; yaml.safe_dump(yaml.safe_load(sys.stdin)["spec"], sys.stdout)' >"$work/alerts/rules.yaml"
if promtool check rules "$work/alerts/rules.yaml" >"$work/promtool.txt" 2>&1 &&
  promtool test rules "$work/alerts/alerts-test.yaml" >>"$work/promtool.txt" 2>&1; then
  ok "promtool check + test rules (6 alerts, 4 scenarios)"
else
  bad "promtool rules"; cat "$work/promtool.txt"
fi

# 5. Wrong values fail at install time with a message naming the value.
reject() {
  local expect="$1"
  shift
  if helm template x "$CHART" --kube-version 1.33.0 "$@" >/dev/null 2>"$work/err.txt"; then
    bad "accepted bad values: $*"
  elif grep -qF -- "$expect" "$work/err.txt"; then
    ok "rejects $* ($expect)"
  else
    bad "rejects $* but without '$expect':"; cat "$work/err.txt"
  fi
}
reject "replicaCount" --set replicaCount=0
reject "replicaCount" --set-string replicaCount=two
reject "/image/digest'" --set image.digest=latest
reject "/image/tag'" --set "image.tag=bad tag"
reject "/config/logLevel'" --set config.logLevel=verbose
reject "/config/appPort'" --set config.appPort=80
reject "/config/apiBaseUrl'" --set config.apiBaseUrl=ftp://x
reject "additional properties" --set config.password=hunter2
reject "invalid propertyName 'DB_PASSWORD'" --set config.extraEnv.DB_PASSWORD=hunter2
reject "invalid propertyName 'API_SECRET'" --set config.extraEnv.API_SECRET=hunter2
reject "additional properties" --set-string secrets.token=abc
reject "/securityContext/readOnlyRootFilesystem'" --set securityContext.readOnlyRootFilesystem=false
reject "/securityContext/allowPrivilegeEscalation'" --set securityContext.allowPrivilegeEscalation=true
reject "/podSecurityContext/runAsNonRoot'" --set podSecurityContext.runAsNonRoot=false
reject "missing property 'limits'" --set resources.limits=null
reject "/resources/requests/cpu'" --set resources.requests.cpu=lots
reject "/serviceAccount/awsRoleArn'" --set serviceAccount.awsRoleArn=my-role
reject "/autoscaling/targetCPUUtilizationPercentage'" --set autoscaling.targetCPUUtilizationPercentage=170
reject "/metrics/serviceMonitor/create'" --set metrics.serviceMonitor.create=yes
reject "additional properties" --set unknownKey=1
reject "must be greater than shutdown.drainDelaySeconds" --set shutdown.timeoutSeconds=5
reject "shorter than preStopSleepSeconds + timeoutSeconds" --set shutdown.terminationGracePeriodSeconds=10
reject "is greater than autoscaling.maxReplicas" --set autoscaling.minReplicas=5 --set autoscaling.maxReplicas=3
reject "must be below the replica floor" --set podDisruptionBudget.minAvailable=2
reject "secretStoreRef.name is required" --set secrets.externalSecret.enabled=true

# 6. checkov on what each environment would apply (monitoring objects included).
mkdir -p "$work/rendered"
for env in dev staging prod; do
  helm template express-service "$CHART" --namespace "$env" --kube-version 1.33.0 \
    --api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule \
    -f "$CHART/values-$env.yaml" -f "$CHART/ci/$env-values.yaml" >"$work/rendered/$env.yaml"
done
# --skip-download: no calls home (this machine has no such network); skips are inline annotations.
"$CHECKOV_HOME/bin/checkov" -d "$work/rendered" --framework kubernetes --skip-download --compact \
  --output json --output-file-path "$work/checkov" >"$work/checkov.txt" 2>&1 || true
if summary="$("$PY" scripts/chart/checkov_summary.py "$work/checkov/results_json.json")"; then
  ok "checkov on dev/staging/prod renders: $summary"
else
  bad "checkov: $summary"
fi

echo "chart: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
