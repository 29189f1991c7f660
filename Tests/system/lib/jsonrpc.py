"""Sends one JSON-RPC 2.0 request line and prints the one-line answer.

usage: jsonrpc.py ADDRESS METHOD [PARAMS_JSON]
ADDRESS is HOST:PORT (TCP, e.g. a sync port) or unix:PATH (a control socket).
Exits 1 when nothing answers within 10 s.
"""
import json
import socket
import sys


def main() -> int:
    address, method = sys.argv[1], sys.argv[2]
    request = {"jsonrpc": "2.0", "id": 1, "method": method}
    if len(sys.argv) > 3:
        request["params"] = json.loads(sys.argv[3])
    if address.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = address[len("unix:"):]
    else:
        host, _, port = address.rpartition(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    sock.settimeout(10)
    try:
        sock.connect(target)
        sock.sendall((json.dumps(request) + "\n").encode())
        answer = b""
        while b"\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError as error:
        print(f"jsonrpc: {address}: {error}", file=sys.stderr)
        return 1
    finally:
        sock.close()
    line = answer.split(b"\n", 1)[0]
    if not line:
        print(f"jsonrpc: {address} closed the connection without an answer", file=sys.stderr)
        return 1
    print(line.decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
