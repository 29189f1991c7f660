"""Stand-in for the service manager's notify socket (sd_notify).

usage: notify_listener.py SOCKET_PATH LOG_PATH
Binds a unix datagram socket at SOCKET_PATH and appends each line of each
datagram (READY=1, STATUS=..., STOPPING=1) to LOG_PATH as it arrives, so a
test can see what systemd would. Runs until SIGTERM.
"""
import signal
import socket
import sys


def main() -> int:
    socket_path, log_path = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(socket_path)
    with open(log_path, "a", encoding="utf-8") as log:
        while True:
            datagram = sock.recv(65536)
            for line in datagram.decode(errors="replace").split("\n"):
                if line:
                    log.write(line + "\n")
                    log.flush()


if __name__ == "__main__":
    sys.exit(main())
