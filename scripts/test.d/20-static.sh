#!/usr/bin/env bash
# Type check, lint and formatting of every workspace package.
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"
ensure_node22
log "tsc"
yarn tsc
log "eslint"
yarn backstage-cli repo lint
log "prettier"
yarn prettier --check packages plugins app-config.yaml app-config.production.yaml catalog-info.yaml
