#!/usr/bin/env bash
# Real installs of charts/express-service on the local cluster (kube-apiserver + kwok nodes): Pod
# Security "restricted" namespaces admit the pods, `task deploy ENV=dev` rolls out, an upgrade to a
# new tag rolls out, a rollout whose pods never turn Ready is rolled back by --atomic, and staging and
# prod install too. scripts/test-all stops the cluster at its end.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_chart_tools helm task
[ -x scripts/local-cluster ] || die "scripts/local-cluster is missing"
scripts/local-cluster up >&2
eval "$(scripts/local-cluster env)"
: "${KUBECONFIG:?scripts/local-cluster env set no KUBECONFIG}"
RELEASE=express-service
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
eventually() { # eventually DESCRIPTION SECONDS COMMAND...: passes once COMMAND succeeds within SECONDS
  local what="$1" limit="$2" until=$((SECONDS + $2))
  shift 2
  while ! "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || { bad "$what (not within ${limit}s)"; return 0; }
    sleep 2
  done
  ok "$what"
}
jsonpath() { kubectl -n "$1" get "$2" -o "jsonpath=$3"; }
ready_pods() { # ready_pods NS IMAGE_TAG: number of Ready server pods running that tag
  kubectl -n "$1" get pods -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=server" -o json |
    node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const pods = JSON.parse(s).items.filter((p) => !p.metadata.deletionTimestamp
          && p.spec.containers[0].image.endsWith(":" + process.argv[1])
          && (p.status.conditions || []).some((c) => c.type === "Ready" && c.status === "True"));
        console.log(pods.length);
      });' "$2"
}
export -f ready_pods
export RELEASE
cleanup() { for ns in dev staging prod; do helm uninstall "$RELEASE" -n "$ns" --wait >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
cleanup

# 1. The namespaces enforce Pod Security "restricted".
for ns in dev staging prod; do
  check "namespace $ns enforces restricted" \
    test "$(kubectl get ns "$ns" -o 'jsonpath={.metadata.labels.pod-security\.kubernetes\.io/enforce}')" = restricted
done

# 2. task deploy ENV=dev: installs, pods Ready on kwok nodes; timed.
start=$(date +%s%N)
if task deploy ENV=dev TAG=1.0.0 TIMEOUT=180s >"$ENVPORTAL_CACHE/65-deploy-dev.log" 2>&1; then
  took_ms=$((($(date +%s%N) - start) / 1000000))
  ok "task deploy ENV=dev (1.0.0) in $((took_ms / 1000)).$((took_ms % 1000 / 100))s"
else
  bad "task deploy ENV=dev"; tail -n 30 "$ENVPORTAL_CACHE/65-deploy-dev.log"
fi
# The HPA owns the replica count: it raises the new Deployment to its minimum of 2.
eventually "dev: 2 pods of 1.0.0 Ready (HPA minimum)" 60 bash -c '[ "$(ready_pods dev 1.0.0)" -ge 2 ]' 
check "dev: pods on kwok nodes in distinct zones" bash -c '
  nodes=$(kubectl -n dev get pods -l app.kubernetes.io/instance='"$RELEASE"',app.kubernetes.io/component=server -o jsonpath="{.items[*].spec.nodeName}")
  zones=$(for n in $nodes; do kubectl get node "$n" -o jsonpath="{.metadata.labels.topology\.kubernetes\.io/zone}{\"\n\"}"; done | sort -u | wc -l)
  [ -n "$nodes" ] && [ "$zones" -ge 2 ]'
check "dev: every object is labelled for Backstage" bash -c '
  kubectl -n dev get deploy,rs,pods,svc,cm,sa,role,rolebinding,hpa,pdb,networkpolicy -l backstage.io/kubernetes-id=express-service -o name | sort >/tmp/65-labelled.$$
  for kind in deployment replicaset pod service configmap serviceaccount role rolebinding horizontalpodautoscaler poddisruptionbudget networkpolicy; do
    grep -q "^$kind" /tmp/65-labelled.$$ || grep -q "/$kind" /tmp/65-labelled.$$ || { echo "no $kind labelled"; exit 1; }
  done; rm -f /tmp/65-labelled.$$'
check "dev: no Pod Security warnings for restricted" bash -c \
  '! kubectl label --dry-run=server --overwrite ns dev pod-security.kubernetes.io/enforce=restricted 2>&1 | grep -qi warning'
# The admission check is real: the same chart with privilege escalation allowed (schema bypassed)
# draws a "restricted" warning from the API server; the chart as shipped draws none.
pss_warnings() { # pss_warnings EXTRA_HELM_ARGS...: the API server's PodSecurity warnings for a dry-run apply
  helm template "$RELEASE" charts/express-service -n dev --kube-version "$(kubectl version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))')" \
    -f charts/express-service/values-dev.yaml --show-only templates/deployment.yaml "$@" |
    kubectl apply --dry-run=server -f - 2>&1 >/dev/null | grep -i 'violate PodSecurity' || true
}
check "dev: shipped pod spec passes restricted admission without warnings" test -z "$(pss_warnings)"
check "dev: a weakened pod spec is flagged by restricted admission" test -n "$(pss_warnings --skip-schema-validation \
  --set securityContext.allowPrivilegeEscalation=true --set podSecurityContext.runAsNonRoot=false)"
check "dev: HPA 2..3 targets the Deployment" \
  test "$(jsonpath dev hpa/$RELEASE '{.spec.minReplicas}/{.spec.maxReplicas}/{.spec.scaleTargetRef.name}')" = "2/3/$RELEASE"

# 3. Upgrade to a new tag rolls out.
if task deploy ENV=dev TAG=1.1.0 TIMEOUT=180s >"$ENVPORTAL_CACHE/65-deploy-dev.log" 2>&1; then ok "upgrade dev to 1.1.0"; else bad "upgrade dev to 1.1.0"; tail -n 30 "$ENVPORTAL_CACHE/65-deploy-dev.log"; fi
check "dev: 2 pods of 1.1.0 Ready, version label 1.1.0" bash -c \
  "[ \"\$(kubectl -n dev get deploy $RELEASE -o jsonpath='{.metadata.labels.app\.kubernetes\.io/version}')\" = 1.1.0 ]"
eventually "dev: 2 pods of 1.1.0 Ready" 60 bash -c '[ "$(ready_pods dev 1.1.0)" -ge 2 ]' 

# 4. A rollout whose pods never turn Ready (kwok Stage: image tag containing "fail") is rolled back.
if task deploy ENV=dev TAG=1.2.0-fail TIMEOUT=45s >"$ENVPORTAL_CACHE/65-deploy-dev.log" 2>&1; then
  bad "broken rollout 1.2.0-fail was reported as success"
else
  ok "broken rollout 1.2.0-fail fails"
fi
check "dev: release rolled back to 1.1.0 (helm history says rollback)" bash -c \
  "helm history $RELEASE -n dev -o json | node -e 'let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const h=JSON.parse(s);const last=h[h.length-1];process.exit(last.status===\"deployed\"&&/Rollback/i.test(last.description)?0:1)})'"
check "dev: Deployment back on 1.1.0 with 2 Ready pods" bash -c \
  "kubectl -n dev rollout status deploy/$RELEASE --timeout=60s >/dev/null && [ \"\$(kubectl -n dev get deploy $RELEASE -o jsonpath='{.spec.template.spec.containers[0].image}')\" = registry.example.com/platform/express-service:1.1.0 ]"
check "dev: pods of 1.1.0 still Ready" test "$(ready_pods dev 1.1.0)" -ge 2

# 5. staging and prod install into their restricted namespaces.
for env in staging prod; do
  if task deploy ENV=$env TAG=1.0.0 TIMEOUT=180s >"$ENVPORTAL_CACHE/65-deploy-$env.log" 2>&1; then ok "task deploy ENV=$env"; else bad "task deploy ENV=$env"; tail -n 30 "$ENVPORTAL_CACHE/65-deploy-$env.log"; fi
done
eventually "prod: 3 pods Ready spread over 3 zones" 90 bash -c '
  [ "$(kubectl -n prod get deploy '"$RELEASE"' -o jsonpath="{.status.readyReplicas}")" -ge 3 ] &&
  nodes=$(kubectl -n prod get pods -l app.kubernetes.io/instance='"$RELEASE"',app.kubernetes.io/component=server -o jsonpath="{.items[*].spec.nodeName}") &&
  [ "$(for n in $nodes; do kubectl get node "$n" -o jsonpath="{.metadata.labels.topology\.kubernetes\.io/zone}{\"\n\"}"; done | sort -u | wc -l)" -eq 3 ]'

# 6. Wrong input stops before touching the cluster.
check "task deploy refuses ENV=qa" bash -c '! task deploy ENV=qa >/dev/null 2>&1'

# 7. The demo: a different version per environment, the real service per environment scraped by the
# local Prometheus with in-cluster labels, the chart's alert rules loaded, traffic flowing; down stops it.
prom_query() { # prom_query PROMQL: the result vector as "labels=value" lines
  curl -fsS "$ENVPORTAL_PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const r of JSON.parse(s).data.result)console.log(JSON.stringify(r.metric)+"="+r.value[1])})'
}
export -f prom_query
export ENVPORTAL_PROMETHEUS_URL
if DEMO_TRAFFIC_MINUTES=2 scripts/demo-deploy up >"$ENVPORTAL_CACHE/65-demo.log" 2>&1; then
  ok "scripts/demo-deploy up"
else
  bad "scripts/demo-deploy up"; tail -n 30 "$ENVPORTAL_CACHE/65-demo.log"
fi
for pair in dev=1.2.0 staging=1.1.0 prod=1.0.0; do
  env="${pair%%=*}" version="${pair#*=}"
  check "demo: $env runs $version in the cluster" test "$(jsonpath "$env" deploy/$RELEASE '{.metadata.labels.app\.kubernetes\.io/version}')" = "$version"
  eventually "demo: $env scraped as job/service $RELEASE with a pod label, reporting $version" 40 bash -c \
    "prom_query 'app_info{job=\"$RELEASE\",namespace=\"$env\",service=\"$RELEASE\",pod=~\"$RELEASE-.+\",version=\"$version\"} * on(instance) group_left up' | grep -q '=1\$'"
  eventually "demo: $env has request traffic" 60 bash -c \
    "prom_query 'sum(rate(http_requests_total{namespace=\"$env\",service=\"$RELEASE\"}[30s])) > 0' | grep -q ."
done
check "demo: the chart's alert rules are loaded for every environment" bash -c \
  "curl -fsS $ENVPORTAL_PROMETHEUS_URL/api/v1/rules | grep -o '\"$RELEASE\.[a-z]*\.application\"' | sort -u | wc -l | grep -qx 3"
scripts/demo-deploy down >>"$ENVPORTAL_CACHE/65-demo.log" 2>&1 || bad "scripts/demo-deploy down"
check "demo: down stopped every process it started" bash -c \
  "! ls $ENVPORTAL_CACHE/demo-deploy/pids/*.pid >/dev/null 2>&1 && ! scripts/demo-deploy status | grep -q running"

echo "chart-deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
