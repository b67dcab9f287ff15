#!/usr/bin/env bash
# Stage 60: the local Kubernetes control plane, simulated nodes and Prometheus, end to end.
# Builds (or reuses) the tools, brings up two clusters, proves rollouts, scaling, Pod Security
# admission, simulated failures, zone spreading, cluster separation and Prometheus scraping,
# then takes everything down and checks that no process is left.
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"

LC="$REPO_ROOT/scripts/local-cluster"
MAIN=envportal
PROD=envportal-prod
PASSED=0
FAILED=0
FAILURES=()
WORK="$(mktemp -d)"
STATE="${ENVPORTAL_CLUSTER_STATE:-$ENVPORTAL_CACHE/cluster}"

finish() {
  local rc=$?
  "$LC" down >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit $rc
}
trap finish EXIT

pass() { PASSED=$((PASSED + 1)) && printf '  ok    %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)) && FAILURES+=("$1") && printf '  FAIL  %s\n' "$1"; }
# check DESCRIPTION COMMAND...: one assertion; the command's output is shown only when it fails.
check() {
  local what="$1"
  shift
  if "$@" >"$WORK/out" 2>&1; then pass "$what"; else
    fail "$what"
    sed 's/^/        /' "$WORK/out" | tail -n 15
  fi
}

k() { kubectl --kubeconfig "$KUBECONFIG_MAIN" "$@"; }
kp() { kubectl --kubeconfig "$KUBECONFIG_PROD" "$@"; }

# deployment NAME REPLICAS IMAGE [EXTRA_POD_LABEL]: a Deployment that satisfies Pod Security
# "restricted" and spreads its pods over the zones.
deployment() {
  local name="$1" replicas="$2" image="$3" extra_label="${4:-}"
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $name
spec:
  replicas: $replicas
  progressDeadlineSeconds: 600
  selector:
    matchLabels: {app: $name}
  template:
    metadata:
      labels:
        app: $name
        $extra_label
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels: {app: $name}
      containers:
        - name: app
          image: $image
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {cpu: 200m, memory: 128Mi}
EOF
}

ready_replicas() { k -n "$1" get deployment "$2" -o jsonpath='{.status.readyReplicas}'; }
equals() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }
zones_of_pods() { # distinct zones of the nodes running the pods of app=$2 in namespace $1
  local node
  for node in $(k -n "$1" get pods -l "app=$2" -o jsonpath='{.items[*].spec.nodeName}'); do
    k get node "$node" -o jsonpath='{.metadata.labels.topology\.kubernetes\.io/zone}{"\n"}'
  done | sort -u | wc -l
}
pod_count_is() { [ "$(k -n "$1" get pods -l "app=$2" --no-headers 2>/dev/null | wc -l)" -eq "$3" ]; }
wait_until() { # wait_until SECONDS COMMAND...: re-runs COMMAND each second until it succeeds
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 1
  done
}
prom_query() { # prom_query PROMQL: prints the values of the result vector
  curl -fsS --get "$ENVPORTAL_PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; print(" ".join(r["value"][1] for r in json.load(sys.stdin)["data"]["result"]))'
}
prom_returns() { [ "$(prom_query "$1")" = "$2" ]; } # prom_returns PROMQL VALUE

# no_leftover: fails, listing them, if any process still mentions the cluster state directory.
no_leftover() {
  STATE="$STATE/" python3 -c '
import os, sys
me, state, left = os.getpid(), os.environ["STATE"].encode(), []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        continue
    if int(pid) != me and state in cmd:
        left.append(pid + " " + cmd.replace(b"\0", b" ").decode(errors="replace")[:160])
print("\n".join(left))
sys.exit(1 if left else 0)'
}

log "building or reusing the tools (first build takes a while; progress below)"
"$LC" build

log "cold start of two clusters and Prometheus"
start=$SECONDS
"$LC" up --cluster "$MAIN" --cluster "$PROD"
cold_up=$((SECONDS - start))

eval "$("$LC" env --cluster "$MAIN")"
KUBECONFIG_MAIN="$KUBECONFIG"
KUBECONFIG_PROD="$ENVPORTAL_KUBECONFIG_ENVPORTAL_PROD"
KUBE_PIN="$(sed -n 's/^KUBE_VERSION=\(v[0-9.]*\).*/\1/p' scripts/tools/build)"

log "control plane"
server_version() { k version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])'; }
check "/version reports the pinned Kubernetes $KUBE_PIN" equals "$(server_version)" "$KUBE_PIN"
check "the cluster runs the binaries from the tool cache" equals \
  "$(readlink "$STATE/kwok/clusters/$MAIN/bin/kube-apiserver")" "$ENVPORTAL_BIN/kube-apiserver"
check "kwokctl downloaded nothing at cluster start" sh -c "! grep -qi download '$STATE/$MAIN.create.log'"
check "six fake nodes are Ready" equals "$(k get nodes --no-headers | grep -c ' Ready ')" 6
check "nodes carry three zone labels" equals \
  "$(k get nodes -o jsonpath='{range .items[*]}{.metadata.labels.topology\.kubernetes\.io/zone}{"\n"}{end}' | sort -u | wc -l)" 3
for ns in dev staging prod; do
  check "namespace $ns enforces Pod Security restricted" equals \
    "$(k get namespace "$ns" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}')" restricted
done
check "namespace monitoring exists" k get namespace monitoring

log "rollout, scaling and zone spreading (dev)"
deployment web 3 registry.local/envportal/web:1.0.0 | k -n dev apply -f - >/dev/null
check "3-replica Deployment rolls out (kubectl rollout status)" k -n dev rollout status deployment/web --timeout=120s
check "3 replicas are Ready" equals "$(ready_replicas dev web)" 3
check "pods spread across the three zones" equals "$(zones_of_pods dev web)" 3
k -n dev scale deployment/web --replicas=5 >/dev/null
check "scaled up to 5, rollout completes" k -n dev rollout status deployment/web --timeout=120s
check "5 replicas are Ready" equals "$(ready_replicas dev web)" 5
k -n dev scale deployment/web --replicas=2 >/dev/null
check "scaled down to 2, surplus pods are deleted" wait_until 60 pod_count_is dev web 2

log "Pod Security admission"
root_pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"as-root"},"spec":{"containers":[{"name":"c","image":"registry.local/busybox:1","securityContext":{"runAsUser":0}}]}}'
rejected() {
  local out
  if out="$(echo "$root_pod" | k -n "$1" apply -f - 2>&1)"; then
    echo "pod was admitted: $out"
    return 1
  fi
  echo "$out" | grep -q 'violates PodSecurity "restricted' || { echo "unexpected error: $out"; return 1; }
}
for ns in dev prod; do check "a pod asking for root is rejected in $ns" rejected "$ns"; done
check "no root pod exists in dev after the rejection" sh -c "! kubectl --kubeconfig '$KUBECONFIG_MAIN' -n dev get pod as-root"

log "simulated failures (kwok stage pod-unready)"
deployment broken 3 registry.local/envportal/web:1.0.1-fail | k -n staging apply -f - >/dev/null
check "a Deployment with a 'fail' image never becomes ready (rollout status times out)" \
  sh -c "! kubectl --kubeconfig '$KUBECONFIG_MAIN' -n staging rollout status deployment/broken --timeout=20s"
check "its pods run but report Ready=False" equals \
  "$(k -n staging get pods -l app=broken -o jsonpath='{range .items[*]}{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | sort -u)" \
  "Running/False"
deployment labelled 2 registry.local/envportal/web:1.0.0 "envportal.dev/simulate: unready" | k -n staging apply -f - >/dev/null
check "the envportal.dev/simulate=unready label also keeps pods un-ready" \
  sh -c "! kubectl --kubeconfig '$KUBECONFIG_MAIN' -n staging rollout status deployment/labelled --timeout=15s"
# A bad update of a healthy Deployment stalls while the old pods keep serving; undo recovers.
deployment web 2 registry.local/envportal/web:1.0.1-fail | k -n dev apply -f - >/dev/null
check "updating to a failing image stalls the rollout" \
  sh -c "! kubectl --kubeconfig '$KUBECONFIG_MAIN' -n dev rollout status deployment/web --timeout=15s"
check "the old pods stay available during the stalled rollout" test "$(ready_replicas dev web)" -ge 1
k -n dev rollout undo deployment/web >/dev/null
check "rollout undo brings the Deployment back to Ready" k -n dev rollout status deployment/web --timeout=120s

log "second cluster (prod in its own cluster)"
check "the second cluster has its own API server" test "$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}')" != \
  "$(kp config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
check "the second cluster is reachable and has its namespaces" kp get namespace prod staging dev monitoring
k -n prod create configmap only-in-main --from-literal=where=main >/dev/null
check "an object created in the first cluster is absent from the second" \
  sh -c "! kubectl --kubeconfig '$KUBECONFIG_PROD' -n prod get configmap only-in-main"
deployment web 3 registry.local/envportal/web:1.0.0 | kp -n prod apply -f - >/dev/null
check "a 3-replica Deployment rolls out in the second cluster" kp -n prod rollout status deployment/web --timeout=120s

log "Prometheus"
check "Prometheus is ready" curl -fsS "$ENVPORTAL_PROMETHEUS_URL/-/ready"
check "Prometheus scrapes itself: up{job=\"prometheus\"} == 1" \
  wait_until 30 prom_returns 'up{job="prometheus"}' 1
prom_hostport="${ENVPORTAL_PROMETHEUS_URL#http://}"
cat >"$ENVPORTAL_PROMETHEUS_TARGETS_DIR/stage60-check.json" <<EOF
[{"targets": ["$prom_hostport"], "labels": {"job": "stage60-check", "namespace": "dev", "service": "demo"}}]
EOF
check "a target dropped into the file_sd directory is scraped with its job/namespace/service labels" \
  wait_until 45 prom_returns 'up{job="stage60-check",namespace="dev",service="demo"}' 1
rm -f "$ENVPORTAL_PROMETHEUS_TARGETS_DIR/stage60-check.json"

log "idempotent up"
api_pid_before="$(pgrep -f "kube-apiserver.*$STATE/kwok/clusters/$MAIN/" | head -n1)"
start=$SECONDS
"$LC" up --cluster "$MAIN" --cluster "$PROD" >"$WORK/up2" 2>&1
warm_up=$((SECONDS - start))
check "a second 'up' reuses the running cluster" grep -q "cluster $MAIN is already running" "$WORK/up2"
check "the API server process is the same one" equals \
  "$(pgrep -f "kube-apiserver.*$STATE/kwok/clusters/$MAIN/" | head -n1)" "$api_pid_before"
"$LC" status | tee "$WORK/status" | sed 's/^/    /'

log "down"
api_port="$(k config view --minify -o jsonpath='{.clusters[0].cluster.server}' | sed 's/.*://')"
check "'down' stops everything and reports no process left" "$LC" down
check "no process of the clusters or Prometheus remains" no_leftover
check "the API server port is closed" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$api_port) 2>/dev/null"
check "'status' reports the clusters stopped" sh -c "! '$LC' status"

log "cold up (two clusters + Prometheus): ${cold_up}s; warm up: ${warm_up}s"
if [ "$FAILED" -gt 0 ]; then printf 'failed: %s\n' "${FAILURES[@]}"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
