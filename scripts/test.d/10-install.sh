#!/usr/bin/env bash
# Installs Node 22 (when the system one is older), the build tools for native addons, and the
# workspace's packages from the committed lockfile. Yarn's package cache lives outside the clone.
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"
ensure_apt build-essential python3 curl
ensure_node22
log "node $(node --version), yarn $(yarn --version)"
yarn install --immutable
# The native SQLite addon must load under this Node (see README, "Node 22 and native addons").
node -e 'new (require("better-sqlite3"))(":memory:").close()'
