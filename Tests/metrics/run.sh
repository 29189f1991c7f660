#!/usr/bin/env bash
# Metrics tests: real daemons' /metrics parsed by the Prometheus Python client's own
# text parser (PyPI prometheus-client), with the MCP tests' daemon fixtures.
# Makes Tests/metrics/.venv on first use. Extra arguments go to pytest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export THRUM_BIN=${THRUM_BIN:-$here/../../.build/debug/thrum}
[ -x "$THRUM_BIN" ] || { echo "no thrum binary at $THRUM_BIN: run 'swift build' first, or set THRUM_BIN" >&2; exit 1; }
venv=$here/.venv
if ! "$venv/bin/python" -c 'import prometheus_client.parser, pytest' 2>/dev/null; then
  echo "setting up $venv (python3 -m venv; pip install prometheus-client pytest)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "prometheus-client>=0.20,<1" "pytest>=8"
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
