#!/usr/bin/env bash
# journald-fields: the daemon's log records reach journald over the native
# protocol with Thrum's structured fields (DESIGN §9).
#
# Runs `thrum daemon start` with THRUM_LOG=journal inside a private mount
# namespace whose /run/systemd/journal is a tmpfs, with a small collector
# bound to /run/systemd/journal/socket standing in for journald. The host's
# journal is never touched.
#
# Needs: root, unshare(1), python3, and THRUM_BIN pointing at the thrum binary.
set -euo pipefail

name=journald-fields

if [[ ${_THRUM_JOURNALD_FIELDS_INSIDE:-} != 1 ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "$name: SKIP (needs root to make a private mount namespace)"
        exit 0
    fi
    if ! command -v unshare >/dev/null; then
        echo "$name: SKIP (unshare not found; install util-linux)"
        exit 0
    fi
    if ! command -v python3 >/dev/null; then
        echo "$name: SKIP (python3 not found)"
        exit 0
    fi
    if [[ -z ${THRUM_BIN:-} || ! -x ${THRUM_BIN} ]]; then
        echo "$name: THRUM_BIN must name the thrum binary (got '${THRUM_BIN:-}')" >&2
        exit 2
    fi
    THRUM_BIN=$(realpath "$THRUM_BIN")
    export THRUM_BIN
    # --propagation private (the default, spelled out): our mounts stay ours.
    _THRUM_JOURNALD_FIELDS_INSIDE=1 exec unshare --mount --propagation private --fork "$0" "$@"
fi

# --- Inside the mount namespace from here on. ---

tmp=$(mktemp -d /tmp/thrum-journald-fields.XXXXXX)
collector_pid=
daemon_pid=
cleanup() {
    [[ -n $daemon_pid ]] && kill -KILL "$daemon_pid" 2>/dev/null || true
    [[ -n $collector_pid ]] && kill -TERM "$collector_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# A tmpfs on /run/systemd/journal hides any real journald socket. Where the
# folder does not exist, a tmpfs on /run makes room for it without creating
# anything on the host.
if [[ ! -d /run/systemd/journal ]]; then
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -p /run/systemd/journal
fi
mount -t tmpfs -o mode=0755 tmpfs /run/systemd/journal

cat >"$tmp/journal.py" <<'PY'
"""Stand-in journald: `collect FOLDER` stores each datagram that arrives on
/run/systemd/journal/socket until `end` sends END_MARKER; `check FOLDER`
parses them (native protocol) and checks the identity record."""
import array
import os
import socket
import struct
import sys

SOCKET = "/run/systemd/journal/socket"
END_MARKER = b"THRUM_TEST_END=1\n"


def collect(folder):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(SOCKET + ".tmp")
    os.rename(SOCKET + ".tmp", SOCKET)  # appears only once bound
    count = 0
    while True:
        fds = array.array("i")
        data, ancillary, _, _ = sock.recvmsg(1 << 20, socket.CMSG_SPACE(fds.itemsize))
        for level, kind, payload in ancillary:
            # Large records come as a sealed memfd instead of inline bytes.
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        for fd in fds:
            data += os.pread(fd, 1 << 24, 0)
            os.close(fd)
        if data == END_MARKER:
            return
        count += 1
        path = os.path.join(folder, "%06d.record" % count)
        with open(path + ".tmp", "wb") as out:
            out.write(data)
        os.rename(path + ".tmp", path)


def parse(data):
    """KEY=value\\n, or KEY\\n<64-bit little-endian length><value>\\n."""
    fields = {}
    i = 0
    while i < len(data):
        end = data.find(b"\n", i)
        if end < 0:
            raise ValueError("field without newline at byte %d" % i)
        line = data[i:end]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            i = end + 1
        else:
            key = line
            (length,) = struct.unpack("<Q", data[end + 1 : end + 9])
            value = data[end + 9 : end + 9 + length]
            i = end + 9 + length + 1
        fields.setdefault(key.decode(), []).append(value.decode("utf-8", "replace"))
    return fields


def check(folder):
    records = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".record"):
            with open(os.path.join(folder, name), "rb") as f:
                records.append(parse(f.read()))
    prefix = "identity: generated new keys at"
    matching = [r for r in records if any(m.startswith(prefix) for m in r.get("MESSAGE", []))]

    passed = failed = 0

    def expect(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("  ok   " + what)
        else:
            failed += 1
            print("  FAIL " + what)

    expect(len(matching) == 1, "one record MESSAGE=%s ... (got %d of %d records)" % (prefix, len(matching), len(records)))
    record = matching[0] if matching else {}
    expect(record.get("THRUM_COMPONENT") == ["identity"], "THRUM_COMPONENT=identity (got %r)" % record.get("THRUM_COMPONENT"))
    expect(record.get("SYSLOG_IDENTIFIER") == ["thrum"], "SYSLOG_IDENTIFIER=thrum (got %r)" % record.get("SYSLOG_IDENTIFIER"))
    expect(record.get("PRIORITY") == ["6"], "PRIORITY=6 (got %r)" % record.get("PRIORITY"))
    expect(bool(record.get("CODE_FILE", [""])[0]), "CODE_FILE= is set (got %r)" % record.get("CODE_FILE"))
    expect(record.get("CODE_LINE", [""])[0].isdigit(), "CODE_LINE= is a line number (got %r)" % record.get("CODE_LINE"))
    expect(bool(record.get("CODE_FUNC", [""])[0]), "CODE_FUNC= is set (got %r)" % record.get("CODE_FUNC"))
    if failed:
        print("records received:")
        for r in records:
            print("  %r" % r)
    print("journald-fields: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def end():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.sendto(END_MARKER, SOCKET)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "collect":
        collect(sys.argv[2])
    elif mode == "end":
        end()
    else:
        sys.exit(check(sys.argv[2]))
PY

mkdir -p "$tmp/records"
python3 "$tmp/journal.py" collect "$tmp/records" &
collector_pid=$!
for _ in $(seq 100); do
    [[ -S /run/systemd/journal/socket ]] && break
    kill -0 "$collector_pid" 2>/dev/null || { echo "$name: the journal stand-in failed to start" >&2; exit 1; }
    sleep 0.05
done
[[ -S /run/systemd/journal/socket ]] || { echo "$name: the journal stand-in never bound its socket" >&2; exit 1; }

THRUM_LOG=journal THRUM_STATE_DIR="$tmp/state" THRUM_SOCKET="$tmp/s" \
    "$THRUM_BIN" daemon start >"$tmp/daemon.out" 2>&1 &
daemon_pid=$!
sleep 1
kill -TERM "$daemon_pid" 2>/dev/null || true
# Give it a few seconds to stop cleanly, then stop waiting.
for _ in $(seq 50); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
done
kill -KILL "$daemon_pid" 2>/dev/null || true
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=

# A unix datagram socket keeps order: once the collector has read the end
# marker, it has stored every record the daemon sent before it.
python3 "$tmp/journal.py" end
wait "$collector_pid" || { echo "$name: the journal stand-in failed" >&2; exit 1; }
collector_pid=

if python3 "$tmp/journal.py" check "$tmp/records"; then
    exit 0
fi
echo "daemon output (stdout and stderr):"
sed 's/^/  /' "$tmp/daemon.out"
exit 1
