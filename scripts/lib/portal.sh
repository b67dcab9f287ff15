#!/usr/bin/env bash
# Starting and stopping the portal and what it shows: shared by scripts/start-demo and the browser tests.
# Source after common.sh.

ENVPORTAL_RUN="$ENVPORTAL_CACHE/run"
mkdir -p "$ENVPORTAL_RUN"

# portal_cluster_config: brings up the local cluster (or uses $KUBECONFIG when ENVPORTAL_USE_KUBECONFIG=1),
# deploys the demo, and prints the path of the generated app-config that points the portal at them.
# Prints nothing when no cluster can be had; the portal then runs without live data.
portal_cluster_config() {
  [ "${ENVPORTAL_NO_CLUSTER:-0}" = 1 ] && return 0
  if [ "${ENVPORTAL_USE_KUBECONFIG:-0}" != 1 ]; then
    if [ ! -x "$REPO_ROOT/scripts/local-cluster" ]; then
      log "no local cluster script; starting without a cluster" && return 0
    fi
    "$REPO_ROOT/scripts/local-cluster" up >&2
  fi
  if [ "${ENVPORTAL_USE_KUBECONFIG:-0}" = 1 ]; then
    # Your own cluster: the portal gets its own ServiceAccount there; nothing is deployed for you.
    PORTAL_KUBECONFIG="$KUBECONFIG" "$REPO_ROOT/scripts/portal-k8s-config" | tail -n 1
    return 0
  fi
  if [ -x "$REPO_ROOT/scripts/demo-deploy" ] && [ "${ENVPORTAL_SKIP_DEMO_DEPLOY:-0}" != 1 ]; then
    "$REPO_ROOT/scripts/demo-deploy" up >&2
  fi
  if [ -x "$REPO_ROOT/scripts/portal-k8s-config" ]; then
    "$REPO_ROOT/scripts/portal-k8s-config" | tail -n 1
  fi
}

# portal_demo_config: prints the path of a generated app-config with the demo's local settings: where
# "Create Express service" publishes offline (a fresh directory outside the repo each run).
portal_demo_config() {
  local publish="$ENVPORTAL_RUN/published"
  rm -rf "$publish" && mkdir -p "$publish"
  cat >"$ENVPORTAL_RUN/app-config.demo.yaml" <<YAML
environments:
  templates:
    localPublishDir: $publish
YAML
  echo "$ENVPORTAL_RUN/app-config.demo.yaml"
}

# Which backend the functions below act on: PORTAL_BACKEND_NAME (default "backend") names its pid and
# log files in $ENVPORTAL_RUN, PORTAL_BACKEND_PORT (default 7007) is where it listens; set both to run
# several replicas side by side (each with a config that sets backend.listen.port and backend.baseUrl).
# PORTAL_BACKEND_DIR (default this repository's packages/backend) runs another app's backend;
# PORTAL_BACKEND_LOG_APPEND=1 keeps the log of earlier starts (a replica restarted mid-test).
portal_backend_port() { echo "${PORTAL_BACKEND_PORT:-7007}"; }
portal_backend_files() { echo "$ENVPORTAL_RUN/${PORTAL_BACKEND_NAME:-backend}"; }

# portal_backend_start [--config FILE...]: starts the backend (which also serves the built app) in its own
# process group, waits for it, and records the group id for portal_backend_stop.
portal_backend_start() {
  local files port
  files="$(portal_backend_files)" port="$(portal_backend_port)"
  local log_file="$files.log" pid_file="$files.pid" transform
  transform="$(cd "${PORTAL_BACKEND_DIR:-$REPO_ROOT/packages/backend}" && node -p 'require.resolve("@backstage/cli-node/config/nodeTransform.cjs")')"
  rm -f "$pid_file"
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/api/environments/health" 2>/dev/null; then
    die "something already listens on 127.0.0.1:$port; stop it first"
  fi
  # The backend runs from source through the Backstage CLI's transform, without its file watcher, so
  # edits elsewhere in the tree never restart it mid-test. It leads its own process group (setsid), and
  # writes that group's id itself, so portal_backend_stop can end it and all its children.
  (
    cd "${PORTAL_BACKEND_DIR:-$REPO_ROOT/packages/backend}"
    [ "${PORTAL_BACKEND_LOG_APPEND:-0}" = 1 ] || : >"$log_file"
    NODE_ENV="${NODE_ENV:-development}" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
      node --enable-source-maps --require "$transform" src/index.ts --config ../../app-config.yaml "$@" \
      >>"$log_file" 2>&1 </dev/null &
  )
  log "backend ${PORTAL_BACKEND_NAME:-backend} starting on :$port (log: $log_file)"
  local deadline=$((SECONDS + 240))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/environments/health" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ] || { [ -s "$pid_file" ] && ! kill -0 "$(cat "$pid_file")" 2>/dev/null; }; then
      tail -n 40 "$log_file" >&2
      die "backend did not become healthy (log: $log_file)"
    fi
    sleep 1
  done
  # The catalog reads its file locations shortly after start; wait until the reference service is in.
  [ "${ENVPORTAL_WAIT_CATALOG:-1}" = 1 ] || return 0
  deadline=$((SECONDS + 120))
  until curl -fsS "http://127.0.0.1:$port/api/catalog/entities/by-name/component/default/express-service" \
    -H "Authorization: Bearer $(portal_guest_token)" -o /dev/null 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "catalog did not load the example entities in 120 s"
    sleep 2
  done
  log "backend ready on http://127.0.0.1:$port"
}

# A guest user token, as the browser gets it, for scripted calls.
portal_guest_token() {
  curl -fsS "http://127.0.0.1:$(portal_backend_port)/api/auth/guest/refresh" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).backstageIdentity.token))'
}

# portal_backend_stop [SIGNAL]: TERM (default) lets the backend shut down cleanly; KILL is a crash.
portal_backend_stop() {
  local pid pid_file
  pid_file="$(portal_backend_files).pid"
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill "-${1:-TERM}" -- "-$pid" 2>/dev/null || kill "-${1:-TERM}" "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 -- "-$pid" 2>/dev/null || true
  rm -f "$pid_file"
}
