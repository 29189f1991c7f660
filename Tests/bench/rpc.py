"""A minimal JSON-RPC-over-lines client for benchmarks (stdlib only)."""
import json
import socket


class Client:
    def __init__(self, path=None, address=None):
        if path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(path)
        else:
            self.sock = socket.create_connection(address)
        self.file = self.sock.makefile("rb")
        self.next_id = 1

    def send(self, method, params=None):
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}}
        self.next_id += 1
        self.sock.sendall(json.dumps(request).encode() + b"\n")

    def receive(self):
        answer = json.loads(self.file.readline())
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        return answer["result"]

    def call(self, method, params=None):
        self.send(method, params)
        return self.receive()

    def close(self):
        self.sock.close()
