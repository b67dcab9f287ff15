# The backend as packages/backend/Dockerfile ships it, assembled in a folder: Backstage's production
# build, production dependencies only, the bundle extracted over them. Used by stage 76 and by
# `BENCH_BACKEND=bundle scripts/bench/status-bench`. Needs common.sh (log, die, yarn).

# assemble_production_app APP_DIR LOG_DIR
assemble_production_app() {
  local app="$1" logs="$2"
  log "production build (yarn build:backend)"
  yarn build:backend >"$logs/build.log" 2>&1 || { tail -n 40 "$logs/build.log"; die "yarn build:backend failed"; }
  mkdir -p "$app/.yarn"
  cp -r .yarn/releases "$app/.yarn/releases"
  cp .yarnrc.yml yarn.lock package.json backstage.json app-config.yaml app-config.production.yaml "$app/"
  tar --no-overwrite-dir -xzf packages/backend/dist/skeleton.tar.gz -C "$app"
  log "production dependencies only (yarn workspaces focus --all --production)"
  (cd "$app" && yarn workspaces focus --all --production >"$logs/focus.log" 2>&1) || { tail -n 40 "$logs/focus.log"; die "focus install failed"; }
  tar --no-overwrite-dir -xzf packages/backend/dist/bundle.tar.gz -C "$app"
}
