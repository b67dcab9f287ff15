#!/usr/bin/env bash
# Shared helpers for the repo's scripts: tool cache, Node 22 bootstrap, Debian packages, Go tools, stage timing.
# Source it: `source "$(dirname "$0")/lib/common.sh"` (path relative to the caller).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT
# Everything downloaded or built lives here, outside the clone, and is reused by later runs.
export ENVPORTAL_CACHE="${ENVPORTAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/envportal}"
export ENVPORTAL_BIN="$ENVPORTAL_CACHE/bin"
mkdir -p "$ENVPORTAL_BIN"
case ":$PATH:" in *":$ENVPORTAL_BIN:"*) ;; *) export PATH="$ENVPORTAL_BIN:$PATH" ;; esac

NODE22_VERSION="22.23.3"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Puts Node >= 22 first on PATH. A system Node 22+ is used as is; an older one is left alone and a
# Node 22 binary from the npm registry package node-<platform>-<arch> is used instead.
ensure_node22() {
  local major=0
  if command -v node >/dev/null 2>&1; then major="$(node -p 'process.versions.node.split(".")[0]')"; fi
  if [ "$major" -ge 22 ] && [ -z "${ENVPORTAL_NODE_HOME:-}" ]; then return 0; fi
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) die "unsupported CPU $(uname -m)" ;; esac
  local pkg="node-linux-$arch"
  local home="$ENVPORTAL_CACHE/node-$NODE22_VERSION/node_modules/$pkg"
  if [ ! -x "$home/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed once to fetch Node $NODE22_VERSION"
    log "Installing Node $NODE22_VERSION into $ENVPORTAL_CACHE (system node is $(node --version 2>/dev/null || echo absent))"
    mkdir -p "$ENVPORTAL_CACHE/node-$NODE22_VERSION"
    npm install --prefix "$ENVPORTAL_CACHE/node-$NODE22_VERSION" --no-save --no-package-lock \
      --no-audit --no-fund "$pkg@$NODE22_VERSION" >&2
  fi
  export ENVPORTAL_NODE_HOME="$home"
  case ":$PATH:" in *":$home/bin:"*) ;; *) export PATH="$home/bin:$PATH" ;; esac
  # Native addons (better-sqlite3) must compile against this Node's headers, not the system one's.
  export npm_config_nodedir="$home"
}

# Installs Debian packages that are missing; runs `apt-get update` at most once per process tree.
ensure_apt() {
  local missing=()
  local p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${ENVPORTAL_APT_UPDATED:-}" ]; then
    log "apt-get update"
    $sudo apt-get update -qq >&2
    export ENVPORTAL_APT_UPDATED=1
  fi
  log "Installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Go module and build caches outside the clone.
export GOMODCACHE="${GOMODCACHE:-$ENVPORTAL_CACHE/go/mod}"
export GOCACHE="${GOCACHE:-$ENVPORTAL_CACHE/go/build}"
export GOFLAGS="${GOFLAGS:--mod=mod}"

# go_install MODULE/PATH@VERSION BINARY [extra go build flags...]: builds once into $ENVPORTAL_BIN.
# A stamp file records the version so a pin change rebuilds.
go_install() {
  local target="$1" bin="$2"
  shift 2
  local stamp="$ENVPORTAL_BIN/.$bin.version"
  if [ -x "$ENVPORTAL_BIN/$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$target $*" ]; then return 0; fi
  log "Building $bin from $target (cached in $ENVPORTAL_BIN)"
  GOBIN="$ENVPORTAL_BIN" go install "$@" "$target" >&2
  echo "$target $*" >"$stamp"
}

# stage NAME COMMAND...: runs a command and prints how long it took; the summary is printed by stage_summary.
ENVPORTAL_STAGES=()
stage() {
  local name="$1"
  shift
  local start=$SECONDS rc=0
  log "stage $name"
  "$@" || rc=$?
  local took=$((SECONDS - start))
  ENVPORTAL_STAGES+=("$(printf '%-28s %4ss  %s' "$name" "$took" "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
  printf '\033[1m<== stage %s: %ss (%s)\033[0m\n' "$name" "$took" "$([ $rc -eq 0 ] && echo ok || echo "exit $rc")" >&2
  return $rc
}
stage_summary() {
  printf '\nStage timings:\n' >&2
  local s
  for s in "${ENVPORTAL_STAGES[@]}"; do printf '  %s\n' "$s" >&2; done
}

# Runs the Yarn release committed in .yarn/releases (no global yarn or corepack download needed).
yarn() {
  local release
  release="$(sed -n 's/^yarnPath: *//p' "$REPO_ROOT/.yarnrc.yml")"
  node "$REPO_ROOT/$release" "$@"
}

# free_port: prints a TCP port nobody listens on, on loopback.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_http URL SECONDS: waits until URL answers 2xx.
wait_http() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 1
  done
}

# Installs the workspace's packages from the lockfile, then the native SQLite addon. Yarn is told not to
# build better-sqlite3 (see dependenciesMeta in package.json): its compiled addon is cached per version,
# Node ABI and CPU outside the clone, so only the first install on a machine spends minutes compiling it.
yarn_install() {
  yarn install --immutable "$@"
  local dir="$REPO_ROOT/node_modules/better-sqlite3"
  local version abi cached
  version="$(node -p "require('$dir/package.json').version")"
  abi="$(node -p process.versions.modules)"
  cached="$ENVPORTAL_CACHE/native/better-sqlite3-$version-abi$abi-$(uname -m).node"
  if [ ! -f "$cached" ]; then
    log "compiling better-sqlite3 $version for Node ABI $abi (once per machine)"
    (cd "$dir" && "$REPO_ROOT/node_modules/.bin/node-gyp" rebuild --release >"$ENVPORTAL_CACHE/native-build.log" 2>&1) ||
      { tail -n 30 "$ENVPORTAL_CACHE/native-build.log" >&2; die "better-sqlite3 did not compile"; }
    mkdir -p "$(dirname "$cached")"
    cp "$dir/build/Release/better_sqlite3.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
  else
    mkdir -p "$dir/build/Release"
    cp "$cached" "$dir/build/Release/better_sqlite3.node"
  fi
  (cd "$REPO_ROOT" && node -e 'new (require("better-sqlite3"))(":memory:").close()') ||
    die "better-sqlite3 does not load under $(node --version)"
}

# pod_log_sink RAW CRI: copies each line of stdin to RAW as it is and appends it to CRI as a container
# runtime writes it ("<time> stdout F <line>"), the format a kubelet -- here kwok, see
# scripts/local-cluster -- serves pod logs from. CRI is emptied first; line by line as lines arrive
# (bash reads a pipe byte by byte: fine for a demo's few lines a second). It outlives a Ctrl-C of its
# caller and ends when its writer does, so the process it serves never writes into a closed pipe.
# Start it as `> >(pod_log_sink RAW CRI >/dev/null 2>&1)`, so it holds none of the caller's output.
pod_log_sink() {
  local line now
  trap '' INT TERM HUP
  export TZ=UTC
  : >"$2"
  exec 3>"$1" 4>>"$2"
  while IFS= read -r line || [ -n "$line" ]; do
    printf -v now '%(%Y-%m-%dT%H:%M:%S)T' -1
    printf '%s\n' "$line" >&3
    printf '%sZ stdout F %s\n' "$now" "$line" >&4
  done
}
