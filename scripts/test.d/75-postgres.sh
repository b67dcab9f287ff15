#!/usr/bin/env bash
# Production database: boots the backend with app-config.production.yaml against a real PostgreSQL
# (Debian's package, on loopback) and checks that plugins created and use their databases.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"
cd "$REPO_ROOT"
ensure_node22

cleanup() { portal_backend_stop; pg_stop; }
trap cleanup EXIT
pg_start

# Loopback only for the test, and a static token so the check can read the catalog without a sign-in.
token="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
cat >"$ENVPORTAL_RUN/app-config.pg-test.yaml" <<YAML
backend:
  listen: '127.0.0.1:7007'
  auth:
    externalAccess:
      - type: static
        options:
          token: \${ENVPORTAL_TEST_TOKEN}
          subject: postgres-boot-test
YAML
export ENVPORTAL_TEST_TOKEN="$token"
NODE_ENV=production ENVPORTAL_WAIT_CATALOG=0 portal_backend_start --config ../../app-config.production.yaml \
  --config "$ENVPORTAL_RUN/app-config.pg-test.yaml"

databases="$(pg_psql "select datname from pg_database where datname like 'backstage_plugin_%' order by 1")"
echo "$databases" | sed 's/^/  database: /'
for plugin in catalog scaffolder auth; do
  grep -qx "backstage_plugin_$plugin" <<<"$databases" || die "no database for the $plugin plugin in PostgreSQL"
done
# The catalog ingested the example entities into PostgreSQL and serves them back.
deadline=$((SECONDS + 120))
until curl -fs -H "Authorization: Bearer $token" \
  http://127.0.0.1:7007/api/catalog/entities/by-name/component/default/express-service -o /dev/null; do
  [ $SECONDS -lt $deadline ] || die "catalog on PostgreSQL did not serve express-service"
  sleep 2
done
rows="$(PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U backstage -d backstage_plugin_catalog -Atc 'select count(*) from final_entities')"
log "backend on PostgreSQL: healthy, catalog holds $rows entities"
[ "$rows" -gt 0 ] || die "catalog table is empty"
# No sign-in without a configured provider: guest must be refused in production.
code="$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:7007/api/auth/guest/refresh)"
[ "$code" != 200 ] || die "guest sign-in is open in production"
echo "postgres boot test: 1 passed, 0 failed"
