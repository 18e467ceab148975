#!/usr/bin/env python3
# One raw POST /v1/cases for run-import.sh (stdlib only).
# usage: post.py PORT TOKEN FILE   the body is FILE's bytes, as they are
# Prints the status, then the body; "ERR reason" when no HTTP answer came.
import http.client
import sys


def main():
    port, token, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(path, "rb") as f:
        body = f.read()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/v1/cases", body=body, headers={
            "Authorization": "Bearer " + token,
            "Content-Type": "application/json"})
        r = c.getresponse()
        print(r.status)
        sys.stdout.write(r.read().decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException) as e:
        print("ERR", e)


main()
