#!/usr/bin/env bash
# MCP tests: the official Python MCP client (PyPI `mcp`) drives `thrum mcp serve`
# against real daemons. Makes Tests/mcp/.venv on first use. Extra arguments go to pytest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export THRUM_BIN=${THRUM_BIN:-$repo/.build/debug/thrum}
if [ ! -x "$THRUM_BIN" ]; then
  echo "no thrum binary at $THRUM_BIN: run 'swift build' first, or set THRUM_BIN" >&2
  exit 1
fi
venv=$here/.venv
if ! "$venv/bin/python" -c 'import mcp, pytest' 2>/dev/null; then
  echo "setting up $venv (python3 -m venv; pip install mcp pytest)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp>=2,<3" "pytest>=8"
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
