#!/usr/bin/env python3
# One raw HTTP request to the admin API for run-admin.sh (stdlib only).
# usage: req.py PORT METHOD PATH [-t TOKEN] [-b BODY | -g KIND] [-H NAME:VALUE]
#     [-k CERT] (HTTPS, trusting only CERT)
# Prints the status, then the body; "ERR reason" when no HTTP answer came.
# KIND makes hostile bodies: big:N (N bytes), nest:N (N nested arrays in
# an object), nul, latin1, bytes (invalid UTF-8).
import http.client
import socket
import ssl
import sys


def body_of(kind):
    name, _, arg = kind.partition(":")
    if name == "big":
        n = int(arg)
        return b'{"level":"' + b"x" * max(0, n - 12) + b'"}'
    if name == "nest":
        n = int(arg)
        return b'{"level":' + b"[" * n + b"]" * n + b"}"
    if name == "nul":
        return b'{"level":"de\x00bug"}'
    if name == "latin1":
        return '{"level":"d\u00e9bug"}'.encode("latin-1")
    if name == "bytes":
        return b'{"level":"\xff\xfe\xc0\xaf"}'
    raise SystemExit("unknown kind " + kind)


def main():
    port, method, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    headers, body, cert = {}, None, None
    while args:
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "-t":
            headers["Authorization"] = "Bearer " + val
        elif opt == "-b":
            body = val.encode()
        elif opt == "-g":
            body = body_of(val)
        elif opt == "-k":
            cert = val
        elif opt == "-H":
            k, _, v = val.partition(":")
            if v.startswith("big:"):
                v = "x" * int(v[4:])
            headers[k] = v
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    try:
        if cert is not None:
            ctx = ssl.create_default_context(cafile=cert)
            ctx.check_hostname = False
            c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                            context=ctx)
        else:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        print(r.status)
        sys.stdout.write(data.decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException, socket.timeout,
            ssl.SSLError) as e:
        print("ERR", type(e).__name__)


main()
