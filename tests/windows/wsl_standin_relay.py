#!/usr/bin/env python3
"""The Linux side of the wsl.exe test stand-in (tests/windows/standin/wsl_standin.cpp).

Wine cannot run Linux programs, so the stand-in sends what `wsl.exe --exec` would run inside the
distro to this relay over loopback TCP. One connection per command: a header line
`exec|shell US distro US user US arg0 US arg1 ... LF` (US = 0x1F), then one reply line:

  ok               the command is `.../nixtray-agent bridge`: the real agent's bridge runs with the
                   connection as its stdin and stdout (like socat's TCP-LISTEN,fork + EXEC)
  exit 0           the command is `true` or `/bin/sh -c true` (how the WSL distro control boots it)
  exit 127 TEXT    anything else: refused, so a test never runs a distro's command on this host

  wsl_standin_relay.py --agent BIN --socket AGENT_SOCKET --port-file FILE

Listens on 127.0.0.1 on a free port, written to FILE once listening. Stops on SIGTERM, ending the
bridges it started. Each request is logged on stderr.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading

US = "\x1f"
children = []
children_lock = threading.Lock()


def log(text):
    print(f"relay: {text}", file=sys.stderr, flush=True)


def read_header(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    return data[:-1].decode("utf-8", "replace").split(US)


def is_boot_probe(argv):
    return [os.path.basename(argv[0])] + argv[1:] in (["true"], ["sh", "-c", "true"])


def serve(conn, args):
    child = None
    with conn:
        header = read_header(conn)
        if not header or len(header) < 3:
            log("a connection without a header")
            return
        mode, distro, user, argv = header[0], header[1], header[2], header[3:]
        log(f"{mode} in {distro} as {user or 'the default user'}: {argv}")
        if argv and os.path.basename(argv[0]) == "nixtray-agent" and argv[1:] == ["bridge"]:
            conn.sendall(b"ok\n")
            child = subprocess.Popen([args.agent, "bridge", "--socket", args.socket],
                                     stdin=conn.fileno(), stdout=conn.fileno())
            with children_lock:
                children.append(child)
            # Our copy of the connection closes here; the bridge keeps its own until it exits.
        elif argv and is_boot_probe(argv):
            conn.sendall(b"exit 0\n")
        else:
            conn.sendall(f"exit 127 the test relay runs only nixtray-agent bridge and true, not: {' '.join(argv)}\n"
                         .encode())
    if child:
        log(f"bridge ended with {child.wait()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", required=True)
    parser.add_argument("--socket", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(f"{listener.getsockname()[1]}\n")
    os.rename(temporary, args.port_file)

    def stop(*_):
        with children_lock:
            for child in children:
                if child.poll() is None:
                    child.terminate()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, args), daemon=True).start()


main()
