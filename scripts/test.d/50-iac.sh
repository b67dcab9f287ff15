#!/usr/bin/env bash
# Offline checks of the Terraform under terraform/ and the GitHub Actions workflows:
#   1. terraform fmt -check -recursive
#   2. an HCL parse of every .tf / .tftest.hcl / .hcl file (scripts/iac/hclparse, hashicorp/hcl/v2),
#      which also requires a description and a type on every variable and a description on every output
#   3. the provider-free variable-validation tests (scripts/iac/test-validations)
#   4. checkov on terraform/: zero failed checks; every skip carries a reason inline
#   5. actionlint (with shellcheck) on .github/workflows
# Not done here, because this machine reaches no Terraform registry and the Go module proxy serves no
# usable AWS provider: terraform init/validate/test of the whole modules and envs. terraform.yaml runs
# those on pull requests; set ENVPORTAL_IAC_FULL=1 to run them here where providers can be downloaded.
source "$(dirname "$0")/../lib/common.sh"
cd "$REPO_ROOT"

# ---- Pins ----
OPENTOFU_VERSION=v1.10.10   # built from the Go module proxy when no Terraform >= 1.10 is on PATH
CHECKOV_VERSION=3.3.30      # PyPI, in a venv under the cache
ACTIONLINT_FALLBACK=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
# --------------

export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# The machine's own CLI config (if any) is not ours; an empty one keeps runs reproducible.
export TF_CLI_CONFIG_FILE="$ENVPORTAL_CACHE/iac/terraformrc"
mkdir -p "$ENVPORTAL_CACHE/iac"
[ -f "$TF_CLI_CONFIG_FILE" ] || : >"$TF_CLI_CONFIG_FILE"

failures=()
fail() { failures+=("$1"); printf 'FAILED: %s\n' "$1" >&2; }

# version_ok BINARY: true when BINARY reports version 1.10 or newer (S3 native locking, mock providers).
version_ok() {
  local v
  v="$("$1" version 2>/dev/null | head -n1 | sed -n 's/.* v\([0-9]*\)\.\([0-9]*\)\..*/\1 \2/p')"
  [ -n "$v" ] || return 1
  set -- $v
  [ "$1" -gt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -ge 10 ]; }
}

# OpenTofu's go.mod has a replace directive, so `go install pkg@version` refuses it; build it in its
# module directory instead (read-only module cache: -mod=readonly, output outside).
build_opentofu() {
  local stamp="$ENVPORTAL_BIN/.tofu.version" dir
  if [ -x "$ENVPORTAL_BIN/tofu" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$OPENTOFU_VERSION" ]; then return 0; fi
  command -v go >/dev/null 2>&1 || die "Go is needed to build OpenTofu"
  log "Building OpenTofu $OPENTOFU_VERSION from the Go module proxy (once; cached in $ENVPORTAL_BIN)"
  dir="$(GOFLAGS= go mod download -json "github.com/opentofu/opentofu@$OPENTOFU_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  [ -d "$dir" ] || die "could not download github.com/opentofu/opentofu@$OPENTOFU_VERSION"
  (cd "$dir" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$ENVPORTAL_BIN/tofu.tmp" ./cmd/tofu) >&2
  mv -f "$ENVPORTAL_BIN/tofu.tmp" "$ENVPORTAL_BIN/tofu"
  echo "$OPENTOFU_VERSION" >"$stamp"
}

# A Terraform-compatible CLI: $ENVPORTAL_TF if set, else a terraform or tofu >= 1.10 on PATH,
# else OpenTofu built from source (the slow path: minutes, once per machine).
TF="${ENVPORTAL_TF:-}"
if [ -z "$TF" ]; then
  for candidate in terraform tofu; do
    if command -v "$candidate" >/dev/null 2>&1 && version_ok "$(command -v "$candidate")"; then
      TF="$(command -v "$candidate")"
      break
    fi
  done
fi
if [ -z "$TF" ]; then
  build_opentofu
  TF="$ENVPORTAL_BIN/tofu"
fi
log "Terraform CLI: $TF ($("$TF" version | head -n1))"

# ---- 1. format ----
log "terraform fmt -check -recursive terraform/"
if "$TF" fmt -check -recursive -diff terraform >&2; then
  echo "fmt: every file is formatted"
else
  fail "terraform fmt: run '$(basename "$TF") fmt -recursive terraform' to fix"
fi

# ---- 2. HCL parse ----
hclparse_stamp="$(cat scripts/iac/hclparse/go.mod scripts/iac/hclparse/go.sum scripts/iac/hclparse/*.go | sha256sum | cut -c1-16)"
if [ ! -x "$ENVPORTAL_BIN/hclparse" ] || [ "$(cat "$ENVPORTAL_BIN/.hclparse.version" 2>/dev/null)" != "$hclparse_stamp" ]; then
  log "Building scripts/iac/hclparse"
  (cd scripts/iac/hclparse && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -o "$ENVPORTAL_BIN/hclparse" .) >&2
  echo "$hclparse_stamp" >"$ENVPORTAL_BIN/.hclparse.version"
fi
mapfile -t hcl_files < <(find terraform -type d -name .terraform -prune -o -type f \
  \( -name '*.tf' -o -name '*.tftest.hcl' -o -name '*.hcl' -o -name '*.hcl.example' \) -print | sort)
"$ENVPORTAL_BIN/hclparse" "${hcl_files[@]}" || fail "HCL parse"

# ---- 3. variable validations, provider-free ----
log "Variable-validation tests (scripts/iac/test-validations)"
scripts/iac/test-validations "$TF" || fail "terraform validation tests"

# Where providers and registry modules can be downloaded, the whole configurations too.
if [ "${ENVPORTAL_IAC_FULL:-0}" = "1" ]; then
  for dir in terraform/modules/* terraform/envs/dev terraform/envs/staging terraform/envs/prod; do
    log "init/validate/test $dir"
    (cd "$dir" && "$TF" init -backend=false -input=false >/dev/null && "$TF" validate && "$TF" test) ||
      fail "full validate/test of $dir"
  done
else
  echo "skipped: init/validate/test of the whole modules and envs (no provider or registry here; ENVPORTAL_IAC_FULL=1 runs them)"
fi

# ---- 4. checkov ----
checkov_venv="$ENVPORTAL_CACHE/checkov-$CHECKOV_VERSION"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
  log "Installing checkov $CHECKOV_VERSION into $checkov_venv"
  rm -rf "$checkov_venv"
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
fi
log "checkov -d terraform"
checkov_json="$ENVPORTAL_CACHE/iac/checkov.json"
# Exit code is judged from the summary below; the registry modules are not downloaded (offline).
"$checkov_venv/bin/checkov" -d terraform --framework terraform --compact \
  --output json --output-file-path "$ENVPORTAL_CACHE/iac" >/dev/null 2>"$ENVPORTAL_CACHE/iac/checkov.log" || true
mv -f "$ENVPORTAL_CACHE/iac/results_json.json" "$checkov_json" 2>/dev/null || true
if [ -s "$checkov_json" ]; then
  python3 - "$checkov_json" <<'PY' || fail "checkov"
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
passed = failed = skipped = 0
for report in reports:
    summary = report.get("summary", {})
    passed += summary.get("passed", 0)
    failed += summary.get("failed", 0)
    skipped += summary.get("skipped", 0)
    for check in report.get("results", {}).get("failed_checks", []):
        print(f"  failed {check['check_id']} {check['check_name']}: {check['file_path']}:{check['file_line_range']} {check['resource']}")
    for check in report.get("results", {}).get("skipped_checks", []):
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        if not reason.strip() or reason.strip() == "No comment provided":
            print(f"  skip without a reason: {check['check_id']} {check['file_path']}")
            failed += 1
print(f"checkov: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
else
  tail -n 20 "$ENVPORTAL_CACHE/iac/checkov.log" >&2
  fail "checkov produced no report"
fi

# ---- 5. actionlint ----
if [ -x scripts/tools/build ] && grep -q '^build_actionlint' scripts/tools/build; then
  scripts/tools/build actionlint >&2
else
  go_install "$ACTIONLINT_FALLBACK" actionlint
fi
ensure_apt shellcheck
log "actionlint (with shellcheck) on .github/workflows"
workflows=(.github/workflows/*.yaml .github/workflows/*.yml)
existing=()
for w in "${workflows[@]}"; do [ -f "$w" ] && existing+=("$w"); done
if [ ${#existing[@]} -eq 0 ]; then
  fail "no workflow files in .github/workflows"
elif "$ENVPORTAL_BIN/actionlint" "${existing[@]}"; then
  echo "actionlint: ${#existing[@]} workflow files clean"
else
  fail "actionlint"
fi

# Every third-party action is pinned by a full commit SHA with a version comment.
unpinned="$(grep -nE '^\s*-?\s*uses:\s' "${existing[@]}" | grep -vE 'uses:\s+\./' |
  grep -vE '@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*$' || true)"
if [ -n "$unpinned" ]; then
  printf '%s\n' "$unpinned" >&2
  fail "actions not pinned by commit SHA with a '# vX.Y.Z' comment"
else
  echo "actions: every 'uses:' is pinned by commit SHA"
fi

if [ ${#failures[@]} -gt 0 ]; then
  printf 'iac: %d check(s) failed: %s\n' "${#failures[@]}" "${failures[*]}" >&2
  exit 1
fi
echo "iac: fmt, HCL parse, validation tests, checkov, actionlint all passed"
