#!/usr/bin/env bash
# Promotion end to end on the local cluster: the promotion store on SQLite and a real PostgreSQL (Debian's
# server, started here on loopback), then the promotion suite (image and helm strategies, rollback,
# 20 concurrent requests, denial, gates, restart recovery) on each engine, then the latency figure
# (scripts/bench/promotion-latency). Stops the PostgreSQL it started; scripts/test-all stops the cluster.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm
ensure_apt postgresql
scripts/local-cluster up >&2
eval "$(scripts/local-cluster env)"
export PROMOTION_IT_ADMIN_KUBECONFIG="$KUBECONFIG" ENVPORTAL_PROMETHEUS_TARGETS_DIR

work="$(mktemp -d /tmp/envportal-promotion.XXXXXX)" # 0700: holds the portal's tokens
# PostgreSQL runs as the postgres user, so its directory is its own, outside $work.
pgdir="$(mktemp -d /tmp/envportal-promotion-pg.XXXXXX)"
chown postgres: "$pgdir"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
pg_started=""
cleanup() {
  [ -n "$pg_started" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

# PostgreSQL on loopback only, trust auth for the local test superuser, in a throwaway directory.
pg_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
runuser -u postgres -- "$pg_bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgdir" start >/dev/null
pg_started=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$pg_port"
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

# The portal's own identity (read + promote RBAC) and cluster config, written outside the repo.
export PROMOTION_IT_CONFIG
# staging takes both strategies in the suite, so its promote account gets the helm strategy's rights.
PROMOTION_IT_CONFIG="$(PORTAL_CONFIG_OUT="$work/app-config.portal.yaml" PORTAL_HELM_STAGES="staging prod" scripts/portal-k8s-config)"

failed=0
cd plugins/environments-backend
log "promotion store and promotion change bus: SQLite and PostgreSQL"
CI=true yarn backstage-cli package test src/database src/services/live/promotionChangeBus || failed=1
for engine in POSTGRES_15 SQLITE_3; do
  log "promotion on the local cluster: $engine"
  PROMOTION_IT_DB=$engine CI=true yarn backstage-cli package test src/services/promotion --runInBand || failed=1
done
cd "$REPO_ROOT"

log "latency: rollout complete in the cluster → promotion marked succeeded"
scripts/bench/promotion-latency || failed=1
exit "$failed"
