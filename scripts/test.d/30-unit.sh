#!/usr/bin/env bash
# Unit tests of every workspace package (Jest through the Backstage CLI).
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"
ensure_node22
CI=true yarn backstage-cli repo test --maxWorkers=2
