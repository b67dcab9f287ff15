#!/usr/bin/env bash
# "Create service": the scaffolder actions (helm:upgrade, kubernetes:rollout-status, terraform:plan/apply,
# environments:promote, environments:record-deploy, fetch:reference, publish:local,
# catalog:wait-for-entity) and the express-service template, against the local cluster with real Helm, Terraform/OpenTofu and npm:
#   - each action's own tests (install, upgrade, rollback of a never-ready release, dry runs change nothing);
#   - the template as a dry run through POST /api/scaffolder/v2/dry-run (produced files, the produced
#     service's npm ci && npm test, its chart's helm lint/template, rejected parameters);
#   - the template run for real through POST /api/scaffolder/v2/tasks with the real catalog and
#     environments backends (its deploy recorded as dev's drift baseline), which prints
#     "MEASURE create-to-dev-running <ms>".
# Cluster tests fail instead of skipping here (CI=true: see packages/test-utils). scripts/test-all stops the cluster.
source "$(dirname "$0")/../lib/common.sh"
source "$REPO_ROOT/scripts/chart/tools.sh"
cd "$REPO_ROOT"
ensure_node22
ensure_chart_tools helm
command -v git >/dev/null || die "git is needed by publish:local"
if ! command -v terraform >/dev/null && [ ! -x "$ENVPORTAL_BIN/tofu" ]; then
  die "neither terraform nor OpenTofu found (scripts/test.d/50-iac.sh builds tofu into \$ENVPORTAL_BIN)"
fi
scripts/local-cluster up >&2

mkdir -p "$ENVPORTAL_CACHE/run"
log_file="$ENVPORTAL_CACHE/run/78-scaffolder.log"
cd plugins/scaffolder-backend-module-environments
# One worker: the suites share the cluster's dev namespace and the machine has two cores.
# Bounded: the committed yarn release run directly (the yarn function cannot run under timeout).
status=0
CI=true timeout 1500 \
  node "$REPO_ROOT/$(sed -n 's/^yarnPath: *//p' "$REPO_ROOT/.yarnrc.yml")" \
  backstage-cli package test --runInBand 2>&1 | tee "$log_file" || status=$?
grep -ho 'MEASURE create-to-dev-running [0-9]* ms' "$log_file" || true
exit "$status"
