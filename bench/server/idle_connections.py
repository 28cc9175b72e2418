#!/usr/bin/env python3
"""Idle keep-alive test against `moderato serve` (adapted from
bench/http_libraries/idle_connections.py).

1. Opens N connections to 127.0.0.1:PORT; on each, sends one POST /v1/scan
   (the API key from $MODERATO_BENCH_TOKEN; a comma-separated list is used in
   turn) and reads its response. The connections then stay open and idle.
2. While they are held, times K fresh requests, each on a new connection
   (connect + POST /v1/scan + full response), and reads the server's
   `moderato_http_connections` gauge from GET /metrics.
3. Checks that every idle connection is still open (the server has not closed
   it), then sends a second request (GET /healthz) on each and counts the
   answers: the connections are not only open but still served.

Every wait is bounded (setup reads 30 s in all, each fresh request 5 s), so a
stalled server cannot hang the test. Prints one line of key=value pairs and
exits 0 only if all N were opened and answered 2xx, all K fresh requests got
2xx, and all N were still open and answered afterwards.

Usage: idle_connections.py PORT [N=1000] [K=50]
"""
import json
import os
import socket
import sys
import time

HOST = "127.0.0.1"
TEXT = ("The regional train company will add evening services on two lines from next month, "
        "after a survey found that many passengers travel late from work and from the university.")


def tokens():
    t = [x for x in os.environ.get("MODERATO_BENCH_TOKEN", "").split(",") if x]
    if not t:
        sys.exit("set MODERATO_BENCH_TOKEN to an API key allowed to call /v1/scan")
    return t


def scan_request(token: str) -> bytes:
    body = json.dumps({"text": TEXT, "source": "bench-idle"}).encode()
    return (b"POST /v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


GET_HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
GET_METRICS = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_response(s, deadline):
    """Returns (status, body) of one response, or None on timeout / close."""
    data = b""
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except (socket.timeout, BlockingIOError):
            break
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(rest) >= length:
                try:
                    status = int(head.split(b" ", 2)[1])
                except (IndexError, ValueError):
                    return None
                return status, rest[:length]
    return None


def pct(sorted_ms, p):
    if not sorted_ms:
        return "-"
    return f"{sorted_ms[min(len(sorted_ms) - 1, int(p * len(sorted_ms)))]:.1f}"


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    toks = tokens()
    reqs = [scan_request(t) for t in toks]

    socks, setup_status = [], {}
    t0 = time.monotonic()
    for i in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=2)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(reqs[i % len(reqs)])
            socks.append(s)
        except OSError as e:
            print(f"connect {i} failed: {e}", file=sys.stderr)
            break
    deadline_all = time.monotonic() + 30
    for s in socks:
        r = read_response(s, min(deadline_all, time.monotonic() + 2))
        key = str(r[0]) if r else "none"
        setup_status[key] = setup_status.get(key, 0) + 1
    setup_s = time.monotonic() - t0
    setup_2xx = sum(v for kk, v in setup_status.items() if kk.startswith("2"))
    time.sleep(1.0)  # all N connections now idle with keep-alive

    # The server's own count of open connections (includes this /metrics one).
    server_conns = "-"
    try:
        m = socket.create_connection((HOST, port), timeout=5)
        m.sendall(GET_METRICS)
        r = read_response(m, time.monotonic() + 5)
        m.close()
        if r:
            for line in r[1].decode(errors="replace").splitlines():
                if line.startswith("moderato_http_connections "):
                    server_conns = str(int(float(line.split()[1])))
    except OSError:
        pass

    lat, fresh_ok, fresh_status = [], 0, {}
    for i in range(k):
        t = time.monotonic()
        r = None
        try:
            f = socket.create_connection((HOST, port), timeout=5)
            f.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            f.sendall(reqs[i % len(reqs)])
            r = read_response(f, t + 5)
            f.close()
        except OSError:
            pass
        key = str(r[0]) if r else "none"
        fresh_status[key] = fresh_status.get(key, 0) + 1
        if r and 200 <= r[0] < 300:
            fresh_ok += 1
            lat.append((time.monotonic() - t) * 1000)

    # Still open? A readable socket with b"" means the server closed it.
    still_open, open_socks = 0, []
    for s in socks:
        try:
            s.setblocking(False)
            d = s.recv(1)
            if d != b"":
                still_open += 1  # unexpected bytes, but open
                open_socks.append(s)
        except BlockingIOError:
            still_open += 1
            open_socks.append(s)
        except OSError:
            pass
    # ... and still served: one more request on each.
    reused_ok = 0
    for s in open_socks:
        try:
            s.setblocking(True)
            s.sendall(GET_HEALTHZ)
        except OSError:
            pass
    deadline_all = time.monotonic() + 30
    for s in open_socks:
        r = read_response(s, min(deadline_all, time.monotonic() + 2))
        reused_ok += bool(r and r[0] == 200)
    for s in socks:
        s.close()

    lat.sort()
    fmt = lambda d: ",".join(f"{kk}:{v}" for kk, v in sorted(d.items()))
    ok = (len(socks) == n and setup_2xx == n and fresh_ok == k and still_open == n and reused_ok == n)
    print(f"opened={len(socks)}/{n} setup_2xx={setup_2xx}/{n} setup_status={fmt(setup_status)} "
          f"setup_s={setup_s:.1f} server_connections={server_conns} "
          f"fresh_ok={fresh_ok}/{k} fresh_status={fmt(fresh_status)} fresh_p50_ms={pct(lat, 0.5)} "
          f"fresh_p99_ms={pct(lat, 0.99)} fresh_max_ms={(f'{lat[-1]:.1f}' if lat else '-')} "
          f"still_open={still_open}/{n} reused_ok={reused_ok}/{n} result={'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
