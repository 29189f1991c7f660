#!/usr/bin/env python3
"""A stand-in for tailscaled's LocalAPI, for tests (tailscaled cannot run on the build machines).

Usage: fake-tailscaled.py --socket PATH --map MAP.json

Serves HTTP/1.1 on the unix stream socket PATH:
  GET /localapi/v0/whois?addr=IP:PORT   200 with a WhoIs body (shape of whois-tagged.json /
                                        whois-user.json), 404 "no match for IP:port" when no
                                        node owns IP, 400 when addr cannot be parsed.
                                        IPv6 as [IP]:PORT; a bare IP is accepted too.
  GET /localapi/v0/status               200 with a status body (shape of status.json): Self,
                                        Peer keyed by node key, User keyed by user ID.
  anything else                         404.
Like tailscaled, it refuses (403) a request whose Host header is not local-tailscaled.sock.

MAP.json is read again on every request, so a test can change the tailnet while it runs:
  {
    "self": "my-laptop",                  host name of this node (may also appear in nodes)
    "tailnet": "tail1234.ts.net",         MagicDNS suffix
    "nodes": [
      {"hostname": "ci-runner",           short host name
       "ips": ["100.101.102.103", "fd7a:115c:a1e0::1234:5678"],
       "tags": ["tag:thrum-daemon"],      optional; omitted from answers when empty
       "login": "tagged-devices",         a tagged node's login is "tagged-devices",
                                          a person's node has "user@domain"
       "online": true}                    optional, default true
    ]
  }
Node keys, node IDs and user IDs are derived from the host name / login with SHA-256, so the
same map always gives the same answers.

A stale socket file at PATH is removed at start. SIGTERM stops the server and removes the
socket. Nothing is printed on stdout; errors go to stderr.
"""

import argparse
import hashlib
import http.server
import ipaddress
import json
import os
import signal
import socketserver
import stat
import sys
import urllib.parse

TAGGED_LOGIN = "tagged-devices"


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).digest()


def node_key(hostname):
    return "nodekey:" + digest("node:" + hostname).hex()


def node_id(hostname):
    return int.from_bytes(digest("id:" + hostname)[:6], "big")


def stable_id(hostname):
    return "n" + digest("stable:" + hostname).hex()[:10] + "CNTRL"


def user_id(login):
    return int.from_bytes(digest("user:" + login)[:3], "big")


def display_name(login):
    return login if login == TAGGED_LOGIN else login.split("@")[0]


def prefix_length(ip):
    return 32 if ip.version == 4 else 128


def user_profile(login):
    return {"ID": user_id(login), "LoginName": login, "DisplayName": display_name(login), "ProfilePicURL": ""}


def load_map(path):
    with open(path, "r", encoding="utf-8") as handle:
        tailnet_map = json.load(handle)
    tailnet_map.setdefault("tailnet", "tail1234.ts.net")
    tailnet_map.setdefault("self", "fake-self")
    tailnet_map.setdefault("nodes", [])
    for node in tailnet_map["nodes"]:
        node.setdefault("ips", [])
        node.setdefault("tags", [])
        node.setdefault("online", True)
        node.setdefault("login", TAGGED_LOGIN if node["tags"] else "nobody@example.com")
    return tailnet_map


def self_node(tailnet_map):
    for node in tailnet_map["nodes"]:
        if node["hostname"] == tailnet_map["self"]:
            return node
    return {"hostname": tailnet_map["self"], "ips": ["100.64.0.1"], "tags": [], "online": True,
            "login": "self@example.com"}


def dns_name(tailnet_map, node):
    return node["hostname"] + "." + tailnet_map["tailnet"] + "."


def whois_body(tailnet_map, node):
    prefixes = [str(ip) + "/" + str(prefix_length(ip)) for ip in map(ipaddress.ip_address, node["ips"])]
    body_node = {
        "ID": node_id(node["hostname"]),
        "StableID": stable_id(node["hostname"]),
        "Name": dns_name(tailnet_map, node),
        "User": user_id(node["login"]),
        "Key": node_key(node["hostname"]),
        "KeyExpiry": "0001-01-01T00:00:00Z",
        "Addresses": prefixes,
        "AllowedIPs": prefixes,
        "Hostinfo": {"OS": "linux", "Hostname": node["hostname"]},
        "Created": "2026-01-01T00:00:00Z",
        "Online": node["online"],
        "MachineAuthorized": True,
        "ComputedName": node["hostname"],
        "ComputedNameWithHost": node["hostname"],
    }
    if node["tags"]:
        body_node["Tags"] = node["tags"]
    return {"Node": body_node, "UserProfile": user_profile(node["login"]), "CapMap": {}}


def peer_status(tailnet_map, node):
    status = {
        "ID": stable_id(node["hostname"]),
        "PublicKey": node_key(node["hostname"]),
        "HostName": node["hostname"],
        "DNSName": dns_name(tailnet_map, node),
        "OS": "linux",
        "UserID": user_id(node["login"]),
        "TailscaleIPs": node["ips"],
        "Online": node["online"],
        "Active": False,
    }
    if node["tags"]:
        status["Tags"] = node["tags"]
    return status


def status_body(tailnet_map):
    me = self_node(tailnet_map)
    peers = [node for node in tailnet_map["nodes"] if node["hostname"] != me["hostname"]]
    return {
        "Version": "1.88.1-fake",
        "BackendState": "Running",
        "TailscaleIPs": me["ips"],
        "Self": peer_status(tailnet_map, me),
        "MagicDNSSuffix": tailnet_map["tailnet"],
        "Peer": {node_key(node["hostname"]): peer_status(tailnet_map, node) for node in peers},
        "User": {str(user_id(node["login"])): user_profile(node["login"]) for node in peers + [me]},
    }


def parse_addr(text):
    """IP:PORT, [IPv6]:PORT or a bare IP -> ipaddress object; ValueError otherwise."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if not rest.startswith(":"):
            raise ValueError(text)
    elif text.count(":") == 1:
        host, _, _ = text.partition(":")
    else:
        host = text
    return ipaddress.ip_address(host)


def owner_of(tailnet_map, ip):
    for node in tailnet_map["nodes"]:
        if any(ipaddress.ip_address(candidate) == ip for candidate in node["ips"]):
            return node
    return None


class LocalAPIHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-tailscaled"

    def do_GET(self):
        try:
            self.route()
        except (OSError, ValueError, KeyError, TypeError) as error:
            sys.stderr.write("fake-tailscaled: %s: %r\n" % (self.path, error))
            self.reply(500, "text/plain", "fake-tailscaled: %r\n" % (error,))

    def route(self):
        if self.headers.get("Host") != "local-tailscaled.sock":
            self.reply(403, "text/plain", "invalid localapi request\n")
            return
        url = urllib.parse.urlsplit(self.path)
        tailnet_map = load_map(self.server.map_path)
        if url.path == "/localapi/v0/whois":
            addr = urllib.parse.parse_qs(url.query).get("addr", [""])[0]
            try:
                ip = parse_addr(addr)
            except ValueError:
                self.reply(400, "text/plain", "invalid 'addr' parameter\n")
                return
            node = owner_of(tailnet_map, ip)
            if node is None:
                self.reply(404, "text/plain", "no match for IP:port\n")
            else:
                self.reply(200, "application/json", json.dumps(whois_body(tailnet_map, node), indent="\t"))
        elif url.path == "/localapi/v0/status":
            self.reply(200, "application/json", json.dumps(status_body(tailnet_map), indent="\t"))
        else:
            self.reply(404, "text/plain", "404 page not found\n")

    def reply(self, code, content_type, text):
        body = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        # Requests are not worth a line; errors reach stderr through do_GET and log_error.
        pass

    def log_error(self, format, *args):
        sys.stderr.write("fake-tailscaled: " + (format % args) + "\n")


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, socket_path, map_path):
        self.map_path = map_path
        # Listen on a temporary name and rename it into place: a client that sees the socket
        # file can connect at once (a socket that is bound but not yet listening refuses).
        staging_path = socket_path + ".starting"
        remove_stale_socket(staging_path)
        super().__init__(staging_path, LocalAPIHandler)
        os.rename(staging_path, socket_path)
        self.server_address = socket_path

    def get_request(self):
        # Unix sockets have no peer address; BaseHTTPRequestHandler wants a (host, port) pair.
        request, _ = super().get_request()
        return request, ("local", 0)


def remove_stale_socket(path):
    """A socket left by a killed run would make bind fail; anything else at PATH is kept."""
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass


def stop(signum, frame):
    raise SystemExit(0)


def main():
    parser = argparse.ArgumentParser(description="stand-in tailscaled LocalAPI for tests")
    parser.add_argument("--socket", required=True, help="unix socket path to serve on")
    parser.add_argument("--map", required=True, help="JSON map of the tailnet (see the top of this file)")
    args = parser.parse_args()

    remove_stale_socket(args.socket)
    signal.signal(signal.SIGTERM, stop)
    server = Server(args.socket, args.map)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if os.path.exists(args.socket):
            os.unlink(args.socket)


if __name__ == "__main__":
    main()
