"""The official MCP Python client (PyPI `mcp`) driving `thrum mcp serve`."""

import contextlib

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import THRUM

try:  # mcp 2.x
    from mcp.shared.exceptions import MCPError as ProtocolError
except ImportError:  # mcp 1.x
    from mcp.shared.exceptions import McpError as ProtocolError  # noqa: F401


@contextlib.asynccontextmanager
async def mcp_session(env: dict, *args: str, errlog=None):
    """An initialized ClientSession with `thrum mcp serve ARGS` as its server subprocess."""
    params = StdioServerParameters(command=THRUM, args=["mcp", "serve", *args], env=env)
    with open(errlog or "/dev/null", "a") as log:
        async with stdio_client(params, errlog=log) as (read, write):
            async with ClientSession(read, write) as session:
                yield session


def text_of(result) -> str:
    return "\n".join(block.text for block in result.content if block.type == "text")


# mcp 2.x names fields in snake_case, mcp 1.x in camelCase.
def is_error(result) -> bool:
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


def structured(result):
    value = getattr(result, "structured_content", None)
    return value if value is not None else getattr(result, "structuredContent", None)


def input_schema(tool) -> dict:
    value = getattr(tool, "input_schema", None)
    return value if value is not None else tool.inputSchema
