#!/usr/bin/env python3
"""A unit's webhook receiver for tests/run-notice.sh, on 127.0.0.1.

Usage: webhook-receiver.py PORT SECRET_FILE LOG [FAIL]

Answers 503 to the first FAIL requests (default 0), then 200.  Checks
each request's X-Hotlined-Signature (sha256=HEX, HMAC-SHA256 of the body
with the secret read from SECRET_FILE at each request) and appends one
JSON line a request to LOG: {"n", "path", "key", "attempt", "sig_ok",
"status", "body"}.  The body is the parsed JSON, or null when it is not.
"""
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT, SECRET_FILE, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
FAIL = int(sys.argv[4]) if len(sys.argv) > 4 else 0
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        count += 1
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if 0 < n < 1 << 20 else b""
        try:
            secret = open(SECRET_FILE, "rb").read().strip()
        except OSError:
            secret = b""
        want = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Hotlined-Signature") or ""
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        status = 503 if count <= FAIL else 200
        rec = {"n": count, "path": self.path,
               "key": self.headers.get("Idempotency-Key"),
               "attempt": self.headers.get("X-Hotlined-Attempt"),
               "type": self.headers.get("Content-Type"),
               "sig_ok": bool(secret) and hmac.compare_digest(want, got),
               "status": status, "body": body}
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
