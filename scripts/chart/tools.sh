# Sourced by the chart stages: puts pinned helm (and task, checkov when asked) on PATH.
# Usage: source scripts/chart/tools.sh; ensure_chart_tools [helm] [task] [checkov]
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
TASK_VERSION="${TASK_VERSION:-v3.54.0}"
CHECKOV_VERSION="3.3.30"
CHECKOV_HOME="$ENVPORTAL_CACHE/checkov-$CHECKOV_VERSION"

ensure_chart_tools() {
  local tool
  for tool in "$@"; do
    case "$tool" in
      helm | task)
        # The shared tool builder pins versions for the whole repo; fall back to a direct build until it exists.
        if [ -x "$REPO_ROOT/scripts/tools/build" ]; then
          "$REPO_ROOT/scripts/tools/build" "$tool" >&2
        elif [ "$tool" = helm ]; then
          go_install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" helm
        else
          go_install "github.com/go-task/task/v3/cmd/task@$TASK_VERSION" task
        fi
        ;;
      checkov)
        if ! "$CHECKOV_HOME/bin/checkov" --version >/dev/null 2>&1; then
          log "Installing checkov $CHECKOV_VERSION into $CHECKOV_HOME"
          python3 -m venv "$CHECKOV_HOME"
          "$CHECKOV_HOME/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
        fi
        ;;
      *) die "ensure_chart_tools: unknown tool $tool" ;;
    esac
  done
}
