#!/usr/bin/env bash
# An adopter's install, proven end to end, once per frontend system: a new app from @backstage/create-app
# (pinned below; its default template uses the new frontend system, `--legacy` the legacy one), brought
# onto the release line our plugins are built on, with our packages installed from their packed tarballs
# (not workspace links) and wired exactly as the plugin READMEs' "Install" sections say; then tsc, the
# production build of the app, the app's backend started against the local cluster and Prometheus, and
# Chromium signs in as guest and sees the Environments tab with the three stages' versions for the entity
# the app registers, and the prod promotion refused by the README's permission policy.
# Everything lives in $ENVPORTAL_CACHE/fresh-app (outside the clone), recreated each run; packages come
# from Yarn's global cache when present.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/lib/portal.sh"
cd "$REPO_ROOT"
ensure_apt chromium
ensure_node22

CREATE_APP_VERSION=0.9.2
work="$ENVPORTAL_CACHE/fresh-app"
packs="$work/packs"
rm -rf "$work"
mkdir -p "$work/bin"
export PORTAL_BACKEND_NAME=fresh-app

cleanup() {
  portal_backend_stop
  [ -x "$REPO_ROOT/scripts/demo-deploy" ] && "$REPO_ROOT/scripts/demo-deploy" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

# create-app wants a `yarn` command: the Yarn release committed here (the apps pin the same one).
cat >"$work/bin/yarn" <<SH
#!/bin/sh
exec node "$REPO_ROOT/$(sed -n 's/^yarnPath: *//p' "$REPO_ROOT/.yarnrc.yml")" "\$@"
SH
chmod +x "$work/bin/yarn"
export PATH="$work/bin:$PATH"

# step NAME COMMAND...: runs one step with its output in $work/NAME.log, prints its time, and on failure
# the log's tail.
step() {
  local name="$1" start=$SECONDS
  shift
  if ! "$@" >"$work/$name.log" 2>&1; then
    tail -n 40 "$work/$name.log" >&2
    die "$name failed (log: $work/$name.log)"
  fi
  log "$name: $((SECONDS - start)) s"
}

# install_app FLAVOR [CREATE-APP-FLAG]: creates the app in $work/FLAVOR and installs and wires our
# plugins the README's way; leaves the working directory in the app.
install_app() {
  local flavor="$1" app="$work/$1"
  shift
  cd "$work"
  step "$flavor-create-app" env BACKSTAGE_APP_NAME="adopter-$flavor" \
    npx -y "@backstage/create-app@$CREATE_APP_VERSION" --path "$app" --skip-install "$@"
  cd "$app"

  # README step 1: the app on our release line. versions:bump reads the release manifest from a file
  # here (no access to the release service): this repository's versions, the registry's latest for the
  # packages it does not use.
  node "$REPO_ROOT/scripts/fresh-app/release-manifest.mjs" "$REPO_ROOT" "$app" >"$work/$flavor-manifest.json"
  step "$flavor-versions-bump" env BACKSTAGE_MANIFEST_FILE="$work/$flavor-manifest.json" \
    node "$REPO_ROOT/node_modules/@backstage/cli/bin/backstage-cli" versions:bump --skip-install

  # Not an adopter step: our packages resolve to the tarballs instead of a registry, and install scripts
  # of native addons stay off (no internet for their prebuilt binaries; SQLite's addon comes from our
  # cache below).
  node "$REPO_ROOT/scripts/fresh-app/use-local-packages.mjs" "$app" "$packs" "$REPO_ROOT/package.json"

  # README steps 2 and 3: the packages (the first `yarn add` installs the whole app) and their wiring.
  # A range, as a registry install writes it; the root resolutions map it to the tarball.
  step "$flavor-yarn-add-app" yarn --cwd packages/app add '@envportal/plugin-environments@^0.1.0'
  step "$flavor-yarn-add-backend" yarn --cwd packages/backend add \
    '@envportal/plugin-environments-backend@^0.1.0' \
    '@envportal/plugin-scaffolder-backend-module-environments@^0.1.0' \
    '@envportal/plugin-environments-node@^0.1.0' '@envportal/plugin-environments-common@^0.1.0' \
    @backstage/backend-plugin-api
  local sqlite_addon
  sqlite_addon="$(ls "$ENVPORTAL_CACHE"/native/better-sqlite3-"$(node -p "require('./node_modules/better-sqlite3/package.json').version")"-abi"$(node -p process.versions.modules)"-*.node 2>/dev/null | head -n 1)"
  [ -n "$sqlite_addon" ] || die "no cached better-sqlite3 addon for this version (10-install builds it)"
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$sqlite_addon" node_modules/better-sqlite3/build/Release/better_sqlite3.node

  if [ "$flavor" = legacy ]; then
    node "$REPO_ROOT/scripts/fresh-app/wire-legacy-entity-page.mjs" packages/app/src/components/catalog/EntityPage.tsx
  fi
  # README step 7's policy module, which the backend README shows verbatim.
  cp "$REPO_ROOT/scripts/fresh-app/environmentsPolicy.ts" packages/backend/src/environmentsPolicy.ts
  node "$REPO_ROOT/scripts/fresh-app/wire-backend.mjs" packages/backend/src/index.ts

  # README steps 4 and 5: configuration (the accounts' part comes from the cluster config below), and an
  # annotated component in the catalog.
  cp "$REPO_ROOT/service/catalog-info.yaml" examples/express-service.yaml
  cat >app-config.environments.yaml <<'YAML'
app:
  baseUrl: http://localhost:7007
catalog:
  locations:
    - type: file
      target: ../../examples/express-service.yaml
environments:
  stages:
    - name: dev
      cluster: local
      namespace: dev
    - name: staging
      cluster: local
      namespace: staging
    - name: prod
      cluster: local
      namespace: prod
      requiresApproval: true
YAML

  step "$flavor-tsc" yarn tsc
  step "$flavor-app-build" yarn workspace app build
}

# prove_app FLAVOR: starts the app's backend (run from source like `yarn start`, without its file
# watcher; it serves the built app) and runs the browser check against it.
prove_app() {
  local flavor="$1"
  PORTAL_BACKEND_DIR="$work/$flavor/packages/backend" \
    portal_backend_start --config ../../app-config.environments.yaml --config "$cluster_config"
  (cd "$REPO_ROOT" && FRESH_APP_FLAVOR="$flavor" CI=true yarn playwright test --config scripts/fresh-app/playwright.config.ts)
  portal_backend_stop
}

# The policy module is the backend README's example, verbatim, so the two cannot drift.
node -e 'const fs=require("fs"); const [readme, file]=process.argv.slice(1);
  if (!fs.readFileSync(readme,"utf8").includes(fs.readFileSync(file,"utf8").trim())) {
    console.error(`${readme} does not show ${file} verbatim`); process.exit(1); }' \
  "$REPO_ROOT/plugins/environments-backend/README.md" "$REPO_ROOT/scripts/fresh-app/environmentsPolicy.ts"

log "packing our plugins"
scripts/pack-plugins "$packs"

install_app new
install_app legacy --legacy

# The local cluster with the demo deployed, and the accounts' config with their tokens (README step 6).
cluster_config="$(cd "$REPO_ROOT" && portal_cluster_config)"
[ -n "$cluster_config" ] || die "no local cluster: the fresh apps cannot show live data"
mkdir -p "$REPO_ROOT/.artifacts/screenshots"

prove_app new
prove_app legacy
