"""The official MCP Python client (PyPI `mcp` 2.x) driving `thrum mcp serve`."""

import contextlib
import json

from mcp import Client, ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError as ProtocolError  # noqa: F401

from conftest import THRUM

# The newest handshake revision the server and the 2.x client both speak; a ClientSession
# that calls initialize() (legacy mode) offers it.
NEWEST_PROTOCOL = "2025-11-25"
# The stateless revision: server/discover, then an envelope on every request.
ENVELOPE_PROTOCOL = "2026-07-28"


@contextlib.asynccontextmanager
async def mcp_session(env: dict, *args: str, errlog=None):
    """An initialized ClientSession with `thrum mcp serve ARGS` as its server subprocess."""
    params = StdioServerParameters(command=THRUM, args=["mcp", "serve", *args], env=env)
    with open(errlog or "/dev/null", "a") as log:
        async with stdio_client(params, errlog=log) as (read, write):
            async with ClientSession(read, write) as session:
                yield session


@contextlib.asynccontextmanager
async def mcp_client(env: dict, *args: str, mode="auto"):
    """A connected high-level Client with `thrum mcp serve ARGS` as its server subprocess:
    mode "auto" probes server/discover, "legacy" sends initialize."""
    async with Client(StdioServerParameters(command=THRUM, args=["mcp", "serve", *args], env=env), mode=mode) as client:
        yield client


def text_blocks(result) -> list[str]:
    return [block.text for block in result.content if block.type == "text"]


def text_of(result) -> str:
    """The text for the model: the first block."""
    return text_blocks(result)[0]


def json_block(result):
    """The block after the model's text: structuredContent again, as JSON text."""
    blocks = text_blocks(result)
    assert len(blocks) == 2, blocks
    return json.loads(blocks[1])


def is_error(result) -> bool:
    return bool(result.is_error)


def structured(result):
    return result.structured_content


def input_schema(tool) -> dict:
    return tool.input_schema
