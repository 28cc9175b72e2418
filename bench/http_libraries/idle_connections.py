#!/usr/bin/env python3
"""Idle keep-alive test: open N connections to 127.0.0.1:PORT, send one POST on
each (read its response), keep them all open and idle, then time K fresh requests
on a new connection while the idle ones stay open.  Bounded; stops by itself.
Usage: idle_connections.py PORT [N=1000] [K=20]
Prints one summary line: idle_ok=<served idle conns>/N fresh_ok=<k>/K p50_ms= max_ms=
"""
import socket, sys, time

HOST = "127.0.0.1"
BODY = (b'{"id":"req-000123","user":"bench","text":"The quick brown fox jumps over the lazy dog'
        b' near the river bank today","tags":["alpha","beta","gamma"],"score":0.875,'
        b'"flags":{"a":true,"b":false},"n":42}')
REQ = (b"POST /v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
       b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


def read_response(s, deadline):
    data = b""
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            return None
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    if len(rest) >= int(line.split(b":")[1]):
                        return data
    return None


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    socks, idle_ok = [], 0
    t0 = time.monotonic()
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=2)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(REQ)
            socks.append(s)
        except OSError:
            break
    # Read responses (short per-connection budget so a stalled server can't hang us).
    deadline_all = time.monotonic() + 20
    for s in socks:
        if time.monotonic() > deadline_all:
            break
        if read_response(s, min(deadline_all, time.monotonic() + 0.2)):
            idle_ok += 1
    setup_s = time.monotonic() - t0
    time.sleep(1.0)  # all N connections now idle with keep-alive
    lat, fresh_ok = [], 0
    for _ in range(k):
        t = time.monotonic()
        try:
            f = socket.create_connection((HOST, port), timeout=5)
            f.sendall(REQ)
            ok = read_response(f, t + 5) is not None
            f.close()
        except OSError:
            ok = False
        dt = (time.monotonic() - t) * 1000
        lat.append(dt if ok else float("inf"))
        fresh_ok += ok
    # Check the idle connections are still open (server may have dropped them).
    still_open = 0
    for s in socks:
        try:
            s.setblocking(False)
            d = s.recv(1)
            still_open += (d != b"")  # b"" means peer closed
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        s.close()
    lat.sort()
    fin = [x for x in lat if x != float("inf")]
    p50 = f"{fin[len(fin)//2]:.1f}" if fin else "-"
    mx = f"{max(fin):.1f}" if fin else "-"
    print(f"opened={len(socks)}/{n} idle_served={idle_ok}/{n} still_open={still_open} "
          f"setup_s={setup_s:.1f} fresh_ok={fresh_ok}/{k} fresh_p50_ms={p50} fresh_max_ms={mx}")


if __name__ == "__main__":
    main()
