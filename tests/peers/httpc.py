#!/usr/bin/env python3
# tests/peers/httpc.py: hostile HTTP clients for run-http-guard.sh and
# run-faults.sh (stdlib only; 127.0.0.1 only; every loop bounded).
#   slow PORT INTERVAL MAXBYTES   one request byte every INTERVAL seconds;
#                                 prints "closed after N bytes" or "open"
#   hold PORT N STOPFILE MAXSEC   open up to N connections (stop at the first
#                                 that does not connect within 2 s), print
#                                 "held N", keep them until STOPFILE exists
#                                 or MAXSEC, then close them all
#   get PORT PATHFILE             GET the path in PATHFILE; prints the status
import os
import socket
import sys
import time


def slow(port, interval, maxbytes):
    req = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + \
        b"a" * maxbytes
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    n = 0
    try:
        for i in range(maxbytes):
            s.sendall(req[i:i + 1])
            n += 1
            time.sleep(interval)
            s.settimeout(0.0)
            try:
                if s.recv(1) == b"":
                    break
            except BlockingIOError:
                pass
            s.settimeout(5)
    except OSError:
        pass
    else:
        if n == maxbytes:
            print("open")
            return
    print("closed after %d bytes" % n)


def hold(port, n, stopfile, maxsec):
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port),
                                                  timeout=2))
        except OSError:
            break
    print("held %d" % len(socks), flush=True)
    end = time.time() + maxsec
    while time.time() < end and not os.path.exists(stopfile):
        time.sleep(0.05)
    for s in socks:
        s.close()


def get(port, pathfile):
    path = open(pathfile).read().strip()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
               "\r\n\r\n" % path).encode())
    data = b""
    while not data.endswith(b"\n") and len(data) < 64:
        c = s.recv(1)
        if not c:
            break
        data += c
    parts = data.split()
    print(parts[1].decode() if len(parts) > 1 else "ERR no answer")


cmd = sys.argv[1]
if cmd == "slow":
    slow(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
elif cmd == "hold":
    hold(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
elif cmd == "get":
    get(int(sys.argv[2]), sys.argv[3])
else:
    sys.exit("unknown command " + cmd)
