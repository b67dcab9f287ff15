#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's package, on loopback, for tests. Source after common.sh.
# pg_start exports POSTGRES_HOST/PORT/USER/PASSWORD; pg_stop stops it and removes its data.

pg_start() {
  ensure_apt postgresql
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  # Both set before anything can fail, so pg_stop cleans up after a start that failed half-way.
  export PG_BIN="$bin"
  PG_DIR="$(mktemp -d /tmp/envportal-pg.XXXXXX)"
  chown postgres:postgres "$PG_DIR"
  export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$(free_port)" POSTGRES_USER=backstage
  # A fresh random password each run: nothing to leak, nothing to commit.
  POSTGRES_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  export POSTGRES_PASSWORD PG_DIR
  printf '%s\n' "$POSTGRES_PASSWORD" >"$PG_DIR/pw" && chown postgres "$PG_DIR/pw" && chmod 600 "$PG_DIR/pw"
  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U backstage --pwfile="$PG_DIR/pw" \
    --auth=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $PG_DIR" >/dev/null ||
    { cat "$PG_DIR/server.log"; return 1; }
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$POSTGRES_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
  [ ! -d "$PG_DIR/data" ] || runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

pg_psql() {
  PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -Atc "$1"
}
