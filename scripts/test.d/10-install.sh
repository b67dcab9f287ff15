#!/usr/bin/env bash
# Installs Node 22 (when the system one is older), the build tools for native addons, and the
# workspace's packages from the committed lockfile. Yarn's package cache lives outside the clone.
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"
ensure_apt build-essential python3 curl
ensure_node22
log "node $(node --version), yarn $(yarn --version)"
# Installs from the lockfile, then the native SQLite addon, which must load under this Node.
yarn_install
