"""Lists the listening sockets a process holds, from /proc.

usage: listening_sockets.py PID
Prints one line per listening socket among PID's open files, sorted:
  unix PATH INODE        (stream unix socket in the listening state)
  tcp HOST:PORT INODE    (IPv4 TCP socket in LISTEN)
  tcp6 [HOST]:PORT INODE
Only sockets of the caller's network namespace are named; run it there.
"""
import ipaddress
import os
import sys

UNIX_ACCEPTING = 0x10000  # __SO_ACCEPTCON in /proc/net/unix "Flags"
TCP_LISTEN = "0A"


def socket_inodes(pid: str) -> set:
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def unix_listeners() -> dict:
    found = {}
    with open("/proc/net/unix", encoding="utf-8") as table:
        next(table)
        for row in table:
            fields = row.split()
            if len(fields) >= 8 and int(fields[3], 16) & UNIX_ACCEPTING:
                found[fields[6]] = f"unix {fields[7]}"
    return found


def tcp_listeners(path: str, family: str) -> dict:
    found = {}
    if not os.path.exists(path):
        return found
    with open(path, encoding="utf-8") as table:
        next(table)
        for row in table:
            fields = row.split()
            if len(fields) < 10 or fields[3] != TCP_LISTEN:
                continue
            host_hex, port_hex = fields[1].split(":")
            raw = bytes.fromhex(host_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            host = ipaddress.ip_address(raw)
            port = int(port_hex, 16)
            where = f"{host}:{port}" if family == "tcp" else f"[{host}]:{port}"
            found[fields[9]] = f"{family} {where}"
    return found


def main() -> int:
    held = socket_inodes(sys.argv[1])
    listeners = unix_listeners()
    listeners.update(tcp_listeners("/proc/net/tcp", "tcp"))
    listeners.update(tcp_listeners("/proc/net/tcp6", "tcp6"))
    lines = [f"{listeners[i]} {i}" for i in held if i in listeners]
    for line in sorted(lines):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
