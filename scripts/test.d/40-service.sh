#!/usr/bin/env bash
# service/: the reference Express service, a standalone npm package. Installs it from its own lockfile,
# typechecks, and runs unit tests, the real-Prometheus scrape, shutdown under load and the production
# build as uid 10001, all on Node 22. The benchmark is not run here (too noisy for CI).
source "$(dirname "$0")/../lib/common.sh"
ensure_node22
# prometheus: the integration test starts its own instance; util-linux gives setpriv for the non-root run.
ensure_apt prometheus util-linux

cd "$REPO_ROOT/service"
log "service: node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
log "service: typecheck"
npm run typecheck
log "service: build"
npm run build
# Strict: a missing prometheus or setpriv is a failure here, not a skip.
export SERVICE_TEST_STRICT=1
log "service: unit tests"
npm run test:unit
log "service: integration tests (Prometheus, shutdown under load, production build as uid 10001)"
npm run test:integration
log "service: benchmark not run in CI; run it with: (cd service && npm run bench)"
