#!/usr/bin/env bash
# Unit tests of every workspace package (Jest through the Backstage CLI). Suites that need the cluster,
# Prometheus, PostgreSQL or a running portal run in the stages that start them (70 to 85); here
# ENVPORTAL_SERVICES=none lets them skip, and they say so (SKIPPED ... it needs ...).
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"
ensure_node22
CI=true ENVPORTAL_SERVICES=none yarn backstage-cli repo test --maxWorkers=2
