#!/usr/bin/env bash
# What the tests that render diagrams need: Debian's chromium (and npm) when missing, then
# Mermaid at the version tests/browser/mermaid/package-lock.json pins, installed with `npm ci`
# into a cache folder outside the repository (/var/cache/stack-inspections/mermaid as root,
# else ~/.cache/stack-inspections/mermaid, or $STACK_INSPECTIONS_MERMAID_DIR).
# With STACK_INSPECTIONS_NO_BROWSER=1 nothing is installed (and those tests are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ -n "${STACK_INSPECTIONS_NO_BROWSER:-}" ]; then
  echo "STACK_INSPECTIONS_NO_BROWSER is set: no browser installed, diagrams not rendered"
  exit 0
fi
need_packages=()
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v npm >/dev/null 2>&1 || need_packages+=(npm)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "installing ${need_packages[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi
"$PYTHON" -c "from tests.browser.renderer import ensure_mermaid; print('Mermaid:', ensure_mermaid())"
