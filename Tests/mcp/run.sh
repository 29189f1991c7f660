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
# The 2.x client offers protocol 2025-11-25 and checks each result's structuredContent
# against the tool's outputSchema; a venv left with an older client is brought up to it.
mcp_spec="mcp>=2.3,<3"
if ! "$venv/bin/python" - "$mcp_spec" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
import pytest  # noqa: F401
sys.exit(0 if Requirement(sys.argv[1]).specifier.contains(version("mcp")) else 1)
PY
then
  echo "setting up $venv (python3 -m venv; pip install $mcp_spec pytest)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade "$mcp_spec" "pytest>=8"
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
