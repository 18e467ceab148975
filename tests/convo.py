#!/usr/bin/env python3
"""tests/convo.py: play conversation transcripts against hotlined.

Usage: convo.py --peer smscsim|npm [--coverage FILE] TRANSCRIPT...

Each transcript (tests/conversations/README.md describes the format) runs
against a daemon of its own, through a real SMPP bind: smscsim (our own
simulator) or tests/peers/phone.js (the npm `smpp` package).  One TAP line
a transcript; a difference prints a unified diff of the transcript against
what happened, numbers masked.  With --coverage the templates/ texts each
received SMS matched are written to FILE, one name a line.

The environment gives top_srcdir and top_builddir (as tests/lib.sh).
"""
import argparse
import difflib
import json
import os
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("top_builddir") or SRC
HOTLINED = os.path.join(BUILD, "src", "hotlined")
HOTLINECTL = os.path.join(BUILD, "src", "hotlinectl")
SMSCSIM = os.path.join(BUILD, "sim", "smscsim")
OFFICE = "office-token-0123456789abcdef"
# a unit's token, for "$ hotlinectl -t unit-HB-ENV-token-0123456789 ..."
UNIT = ("HB-ENV", "unit-HB-ENV-token-0123456789")
SERVICE = "12345"
WAIT_SMS = 15.0         # seconds an expected SMS may take
WAIT_AFTER_FAIL = 2.0   # once a transcript differs, do not wait long
QUIET = 1.5             # no more SMS at the end for this long

# {name}: the kind is the name without its trailing digits
KINDS = {
    "case": r"[A-Z]+\d{10}",
    "date": r"\d{4}-\d{2}-\d{2}",
    "due": r"\d{4}-\d{2}-\d{2}",
    "code": r"\d{1,6}",
    "n": r"\d+",
    "any": r".*?",
}
PH = re.compile(r"\{([a-z]+)(\d*)\}")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A transcript that moves the clock ("@ +61m", "@ 09:00") starts at a
# fixed instant: Tuesday 2026-03-10 10:00 in Asia/Shanghai, a working day
# of the shipped calendar, far from its holidays.  Started at the real
# time, a step over 17:30 (the end of the working day: a text after it
# counts from the next one) or over a weekend gave other deadlines than
# the transcript's, depending on the hour the tests ran.
CLOCK_START = 1773108000


def mask(s):
    return re.sub(r"\b(1\d{2})\d{4}(\d{4})\b", r"\1****\2", s)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fnv1a(s):
    h = 0x811c9dc5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return "%08x" % h


def unescape(t):
    return t.replace("\\n", "\n").replace("\\t", "\t")


def escape(t):
    return t.replace("\n", "\\n").replace("\t", "\\t")


class Transcript:
    """The lines of one file, parsed; errors name the line."""

    LINE = re.compile(r"^([<>])\s*(\d+)((?:\s+(?:from|to)\s+\S+)?)"
                      r"((?:\s+\[[^\]]*\])*)\s*:\s?(.*)$")

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.lines = open(path, encoding="utf-8").read().splitlines()
        self.conf = []
        self.steps = []
        for i, raw in enumerate(self.lines):
            line = raw.rstrip()
            if line == "" or line.startswith("#"):
                self.steps.append(("text", i, raw))
            elif line.startswith("% "):
                self.conf.append(line[2:])
                self.steps.append(("text", i, raw))
            elif line[0] in "<>":
                m = self.LINE.match(line)
                if m is None:
                    raise ValueError("%s:%d: bad line" % (path, i + 1))
                addr = m.group(3).split()
                opts = re.findall(r"\[([^\]]*)\]", m.group(4))
                self.steps.append((m.group(1), i, raw, m.group(2),
                                   addr[1] if addr else SERVICE, opts,
                                   m.group(5)))
            elif line.startswith("@ "):
                m = re.match(r"^@ \+(\d+)([smhd])$", line)
                t = re.match(r"^@ (\d\d):(\d\d)$", line)
                if m is None and t is None:
                    raise ValueError("%s:%d: want @ +N[smhd] or @ HH:MM" %
                                     (path, i + 1))
                self.steps.append(("@", i, raw,
                                   int(m.group(1)) * UNITS[m.group(2)]
                                   if m else None,
                                   (int(t.group(1)), int(t.group(2)))
                                   if t else None))
            elif line.startswith("$ hotlinectl "):
                self.steps.append(("$", i, raw, line[len("$ hotlinectl "):]))
            elif line.startswith("! "):
                self.steps.append(("!", i, raw, line[2:].split()))
            else:
                raise ValueError("%s:%d: unknown line" % (path, i + 1))


class Peer:
    """What both SMSCs share: the SMS the phones have, per number."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.inbox = []       # (last4, src, text) not yet read
        self.problems = []    # orphan parts, parts twice

    def take(self, last4, timeout):
        end = time.time() + timeout
        while True:
            self.poll()
            for k, s in enumerate(self.inbox):
                if s[0] == last4:
                    return self.inbox.pop(k)
            if time.time() >= end:
                return None
            time.sleep(0.05)


class Smscsim(Peer):
    def __init__(self, tmp, port):
        super().__init__(tmp)
        self.rec = os.path.join(tmp, "sent.jsonl")
        open(self.rec, "w").close()
        self.out = open(os.path.join(tmp, "smscsim.out"), "w")
        self.p = subprocess.Popen(
            [SMSCSIM, "-p", str(port), "-i", "-o", self.rec, "-d", "50",
             "-T", "3000"], stdin=subprocess.PIPE, stdout=self.out,
            stderr=subprocess.STDOUT, text=True)
        self.fd = open(self.rec)
        self.buf = ""

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def mo(self, frm, to, text, opts):
        if "resend" in opts:
            self.send("resend")
            return
        extra = " ".join(o for o in opts if re.match(r"^drop=\d+$", o))
        self.send("from=%s to=%s %s text=%s" % (
            frm, to, extra, text.replace("\\", "\\\\").replace(
                "\n", "\\n")))

    def fault(self, words):
        if words[0] == "throttle" and words[1].startswith("part="):
            self.send("fault throttle-part=" + words[1][5:])
        elif words[0] == "throttle" and words[1].startswith("next="):
            # the next N: as many as are sent in 0.5 s of refusals
            self.send("fault throttle-for=500ms")
        else:
            raise ValueError("unknown fault " + " ".join(words))

    def poll(self):
        self.buf += self.fd.read()
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            r = json.loads(line)
            if r.get("incomplete"):
                self.problems.append(
                    "%s got parts of a long SMS that never came whole: "
                    "%s" % (r["dest_last4"], r["text"]))
            elif r.get("status") == 0 and not r.get("withheld"):
                self.inbox.append((r["dest_last4"], r["source_addr"],
                                   r["text"]))

    def close(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
        self.poll()
        self.out.close()


class Npm(Peer):
    def __init__(self, tmp, port):
        super().__init__(tmp)
        self.out = open(os.path.join(tmp, "phone.out"), "w")
        env = dict(os.environ, NODE_PATH=os.path.join(
            SRC, "tests", "node_modules"))
        self.p = subprocess.Popen(
            ["node", os.path.join(SRC, "tests", "peers", "phone.js"),
             str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.out, text=True, env=env)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = ""
        self.last = None
        self.ids = set()
        self.listening = False
        end = time.time() + 10
        while not self.listening and time.time() < end:
            self.poll()
            time.sleep(0.05)

    def send(self, obj):
        self.p.stdin.write(json.dumps(obj) + "\n")
        self.p.stdin.flush()

    def mo(self, frm, to, text, opts):
        if "resend" in opts:
            mo = self.last
        else:
            mo = {"from": frm, "to": to, "text": text}
            for o in opts:
                if o.startswith("drop="):
                    mo["drop"] = int(o[5:])
            self.last = mo
        self.send({"mo": mo})

    def fault(self, words):
        if words[0] == "throttle" and words[1].startswith("part="):
            self.send({"throttle": int(words[1][5:])})
        elif words[0] == "throttle" and words[1].startswith("next="):
            self.send({"throttle_next": int(words[1][5:])})
        else:
            raise ValueError("unknown fault " + " ".join(words))

    def poll(self):
        try:
            chunk = self.p.stdout.read()
        except (BlockingIOError, TypeError):
            chunk = None
        if chunk:
            self.buf += chunk
            self.out.write(chunk)
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            e = json.loads(line)
            if e["ev"] == "listening":
                self.listening = True
            elif e["ev"] == "sms":
                self.inbox.append((e["to"], e["src"], e["text"]))
            elif e["ev"] == "orphan":
                self.problems.append(
                    "%s got parts of a long SMS that never came whole: "
                    "%s" % (e["to"], e["text"]))
            elif e["ev"] == "dup":
                self.problems.append("%s got part %d of ref %s again" %
                                     (e["to"], e["seq"], e["ref"]))
            elif e["ev"] == "part" and e["status"] == 0:
                self.ids.add(e["id"])

    def close(self):
        self.poll()
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
        os.set_blocking(self.p.stdout.fileno(), True)
        self.poll()
        self.out.close()


class Daemon:
    def __init__(self, tmp, smpp_port, extra):
        self.tmp = tmp
        self.aport = free_port()
        self.offset = 0
        self.runs = 0
        self.p = None
        tok = os.path.join(tmp, "tokens")
        with open(tok, "w") as f:
            f.write("ops\toffice\t%s\n" % OFFICE)
            f.write("env\tunit\t%s\t%s\n" % (UNIT[1], UNIT[0]))
        os.chmod(tok, 0o600)
        extra = [x.replace("{srcdir}", SRC) for x in extra]
        has_survey = any(x.startswith("survey") for x in extra)
        given = set(x.split()[0] for x in extra if x.strip())
        conf = [
            "database %s/hotlined.db" % tmp,
            "key-file %s/hotlined.key" % tmp,
            "pid-file %s/hotlined.pid" % tmp,
            "log-file %s/hotlined.log" % tmp,
            "templates %s/templates" % SRC,
            "rules %s/etc/hotlined.rules" % SRC,
            "screen %s/etc/hotlined.screen" % SRC,
            "model none",
            "calendar %s/etc/hotlined.calendar" % SRC,
            "group-commit-delay 2ms",
            "service-number %s" % SERVICE,
            "extension-digits 4",
            "concat-timeout 2s",
        ]
        conf = [c for c in conf if c.split()[0] not in given]
        conf.append("admin {\n\tport %d\n\ttokens-file %s\n}" %
                    (self.aport, tok))
        if not has_survey:
            conf.append("survey {\n\tdelay 0\n\tquiet-start 00:00\n"
                        "\tquiet-end 00:00\n}")
        conf += extra
        conf.append("smsc sim {\n\thost 127.0.0.1\n\tport %d\n"
                    "\tsystem-id hotline\n\tpassword secret\n"
                    "\tenquire-interval 5s\n\tresponse-timeout 3s\n"
                    "\treconnect-min 100ms\n\treconnect-max 1s\n"
                    "\twindow 10\n\tthroughput 10000\n}" % smpp_port)
        self.conf = os.path.join(tmp, "hotlined.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf) + "\n")
        os.chmod(self.conf, 0o600)

    def log(self, n=None):
        return os.path.join(self.tmp, "hl.%d.out" % (n or self.runs))

    def start(self):
        self.runs += 1
        env = dict(os.environ, HOTLINED_CLOCK_OFFSET=str(self.offset))
        self.out = open(self.log(), "w")
        self.p = subprocess.Popen([HOTLINED, "-f", "-c", self.conf],
                                  stdout=self.out, stderr=subprocess.STDOUT,
                                  env=env)
        return self.wait_log(r"smpp +bound smsc=sim", 10) and \
            self.wait_log(r"admin +listening", 5)

    def wait_log(self, rx, secs):
        end = time.time() + secs
        while time.time() < end:
            with open(self.log(), errors="replace") as f:
                if re.search(rx, f.read()):
                    return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        if self.p is None:
            return
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.out.close()
        self.p = None

    def alllogs(self):
        s = ""
        for n in range(1, self.runs + 1):
            with open(self.log(n), errors="replace") as f:
                s += f.read()
        return s

    def ctl(self, args):
        env = dict(os.environ, HOTLINED_CLOCK_OFFSET=str(self.offset))
        return subprocess.run(
            [HOTLINECTL, "-s", "127.0.0.1:%d" % self.aport, "-t", OFFICE] +
            args, capture_output=True, text=True, env=env, timeout=20)


class Player:
    def __init__(self, t, peer_kind, tmp):
        self.t = t
        self.tmp = tmp
        self.bound = {}
        self.actual = []
        self.failed = False
        self.received = []
        self.update = False
        port = free_port()
        self.peer = (Smscsim if peer_kind == "smscsim" else Npm)(tmp, port)
        self.d = Daemon(tmp, port, t.conf)
        if any(st[0] == "@" for st in t.steps):
            self.d.offset = CLOCK_START - int(time.time())

    def subst(self, s):
        def one(m):
            k = m.group(0)
            if k not in self.bound:
                raise ValueError("%s used before it was bound" % k)
            return self.bound[k]
        return PH.sub(one, s)

    def pattern(self, s):
        """A regex for an expected text, and the names it binds."""
        out, names, pos = "", {}, 0
        for m in PH.finditer(s):
            out += re.escape(s[pos:m.start()])
            pos = m.end()
            k = m.group(0)
            if k in self.bound:
                out += re.escape(self.bound[k])
            elif m.group(1) == "any":
                out += ".*?"
            elif k in names:
                out += "(?P=%s)" % names[k]
            elif m.group(1) not in KINDS:
                raise ValueError("unknown pattern " + k)
            else:
                names[k] = "g%d" % len(names)
                out += "(?P<%s>%s)" % (names[k], KINDS[m.group(1)])
        return out + re.escape(s[pos:]), names

    def match(self, want, got):
        rx, names = self.pattern(want)
        m = re.fullmatch(rx, got, re.S)
        if m is None:
            return False
        for k, g in names.items():
            self.bound[k] = m.group(g)
        return True

    def unbind(self, got):
        for k, v in sorted(self.bound.items(), key=lambda x: -len(x[1])):
            got = got.replace(v, k)
        return got

    def autobind(self, s):
        """--update: name the case numbers, dates and extension codes a
        text shows that no name holds yet."""
        for kind, rx in (("case", r"[A-Z]+\d{10}"),
                         ("date", r"\d{4}-\d{2}-\d{2}")):
            for v in re.findall(rx, s):
                if v not in self.bound.values():
                    n = 1
                    while "{%s%d}" % (kind, n) in self.bound:
                        n += 1
                    self.bound["{%s%d}" % (kind, n)] = v

    def render(self, number, src, text):
        if self.update:
            self.autobind(text)
            if src != SERVICE and src.startswith(SERVICE) and \
                    src[len(SERVICE):] not in self.bound.values():
                n = 1
                while "{code%d}" % n in self.bound:
                    n += 1
                self.bound["{code%d}" % n] = src[len(SERVICE):]
        f = "" if src == SERVICE else " from " + self.unbind(src)
        return "< %s%s: %s" % (number, f, escape(self.unbind(text)))

    def step_recv(self, st):
        _, i, raw, number, src, opts, text = st
        got = self.peer.take(number[-4:],
                             WAIT_AFTER_FAIL if self.failed else WAIT_SMS)
        if got is None:
            self.failed = True
            self.actual.append("#! (no SMS came to %s)" % number)
            return
        self.received.append(got[2])
        want_src = src
        ok = self.match(unescape(text), got[2])
        if ok and PH.search(want_src):
            ok = self.match(want_src, got[1])
        elif ok:
            ok = want_src == got[1]
        if ok:
            self.actual.append(raw)
        else:
            self.failed = True
            self.actual.append(self.render(number, got[1], got[2]))

    def step_send(self, st):
        _, i, raw, number, to, opts, text = st
        self.actual.append(raw)
        try:
            to, text = self.subst(to), self.subst(text)
        except ValueError as e:
            self.failed = True
            self.actual.append("#! not sent: %s" % e)
            return
        self.peer.mo(number, to, unescape(text), opts)

    def step_ctl(self, st):
        self.actual.append(st[2])
        try:
            args = [self.subst(a) for a in shlex.split(st[3])]
        except ValueError as e:
            self.failed = True
            self.actual.append("#! not run: %s" % e)
            return
        r = self.d.ctl(args)
        if r.returncode != 0:
            self.failed = True
            self.actual.append("#! hotlinectl exit %d: %s" % (
                r.returncode, mask((r.stderr or r.stdout).strip())))

    def settle(self, secs=5.0):
        """Until no SMS is in flight or waits for its receipt (bounded):
        a daemon stopped before then would miss receipts, as no SMSC
        here sends them again."""
        end = time.time() + secs
        db = sqlite3.connect(os.path.join(self.tmp, "hotlined.db"),
                             timeout=1)
        try:
            while time.time() < end:
                self.peer.poll()
                try:
                    n = db.execute("SELECT COUNT(*) FROM outbox WHERE "
                                   "state IN (1, 2)").fetchone()[0]
                except sqlite3.Error:
                    n = 1
                if n == 0:
                    return
                time.sleep(0.05)
        finally:
            db.close()

    def unexpected(self):
        """Whatever arrived that no line expected, as differences."""
        numbers = dict((n[-4:], n) for n in re.findall(
            r"^[<>] *(\d+)", "\n".join(self.t.lines), re.M))
        for last4, src, text in self.peer.inbox:
            self.failed = True
            self.received.append(text)
            self.actual.append("#! unexpected:")
            self.actual.append(self.render(numbers.get(last4, "…" + last4),
                                           src, text))
        self.peer.inbox = []

    def quiet(self):
        """Nothing more comes for QUIET seconds (what came is reported)."""
        end = time.time() + QUIET
        while time.time() < end:
            self.peer.poll()
            time.sleep(0.05)
        self.unexpected()

    def step_clock(self, st):
        # before the clock moves, nothing unexpected has come
        self.settle()
        self.quiet()
        self.d.stop()
        if st[3] is not None:
            self.d.offset += st[3]
        else:
            # to the next HH:MM, local time, as the daemon's clock reads
            now = time.time() + self.d.offset
            lt = time.localtime(now)
            want = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday,
                                st[4][0], st[4][1], 0, 0, 0, -1))
            if want <= now:
                want += 86400
            self.d.offset += int(want - now) + 1
        self.actual.append(st[2])
        if not self.d.start():
            self.failed = True
            self.actual.append("#! hotlined did not restart")

    def run(self):
        if not self.d.start():
            return ["#! hotlined did not start"], True
        for st in self.t.steps:
            kind = st[0]
            if kind == "text":
                self.actual.append(st[2])
            elif kind == ">":
                self.step_send(st)
            elif kind == "<":
                self.step_recv(st)
            elif kind == "$":
                self.step_ctl(st)
            elif kind == "@":
                self.step_clock(st)
            elif kind == "!":
                self.peer.fault(st[3])
                self.actual.append(st[2])
        # nothing more may come
        self.settle()
        self.quiet()
        self.d.stop()
        self.peer.close()
        self.unexpected()
        for p in self.peer.problems:
            self.failed = True
            self.actual.append("#! " + p)
        logs = self.d.alllogs()
        for n in set(re.findall(r"\b1380013\d{4}\b", "\n".join(
                self.t.lines))):
            if n in logs:
                self.failed = True
                self.actual.append("#! a full phone number in the log")
        # every SMS sent had a receipt for each of its parts, matched
        db = sqlite3.connect(os.path.join(self.tmp, "hotlined.db"))
        for row in db.execute("SELECT id, state, attempts FROM outbox "
                              "WHERE state <> 3"):
            self.failed = True
            self.actual.append("#! outbox row %d state %d after %d "
                               "attempts: not delivered" % row)
        db.close()
        for m in re.findall(r".*unknown msgid.*", logs):
            self.failed = True
            self.actual.append("#! receipt not matched: " + mask(m))
        return self.actual, self.failed


def template_res():
    d = os.path.join(SRC, "templates")
    res = {}
    for f in sorted(os.listdir(d)):
        if not f.endswith(".txt"):
            continue
        body = [l for l in open(os.path.join(d, f), encoding="utf-8")
                .read().split("\n") if not l.startswith("#")]
        text = "\n".join(body).strip("\n")
        rx = ""
        for part in re.split(r"(\{\{|\}\}|\{[a-z_]+\})", text):
            if part == "{{":
                rx += re.escape("{")
            elif part == "}}":
                rx += re.escape("}")
            elif part.startswith("{") and part.endswith("}"):
                rx += "(?:" + (re.escape(SERVICE) if part == "{service}"
                               else ".+?") + ")"
            else:
                rx += re.escape(part)
        res[f[:-4]] = rx
    return res


def covered(texts):
    """Names of templates the texts show: whole, or two run together
    (the emergency advice before an answer, result_more after a cut
    result)."""
    res = template_res()
    one = [(n, re.compile(rx, re.S)) for n, rx in res.items()]
    two = [((a, b), re.compile(ra + rb, re.S)) for a, ra in res.items()
           for b, rb in res.items()]
    seen = set()
    for t in set(texts):
        seen.update(n for n, rx in one if rx.fullmatch(t))
        for ab, rx in two:
            if rx.fullmatch(t):
                seen.update(ab)
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", choices=["smscsim", "npm"], required=True)
    ap.add_argument("--coverage")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--update", action="store_true",
                    help="write what happened over a transcript that "
                    "differs (then read the change: it is the spec)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    texts = []
    failed = 0
    clock = b" test-clock" in subprocess.run(
        [HOTLINED, "-V"], capture_output=True).stdout
    for n, path in enumerate(a.files, 1):
        name = "%s %s" % (a.peer, os.path.basename(path))
        if not clock and re.search(r"^@ ", open(path, encoding="utf-8")
                                   .read(), re.M):
            print("ok - %s # SKIP moves the clock: needs a build "
                  "configured --enable-test-clock" % name)
            continue
        try:
            t = Transcript(path)
        except ValueError as e:
            print("not ok - %s # %s" % (name, e))
            failed += 1
            continue
        tmp = tempfile.mkdtemp(prefix="convo.")
        p = Player(t, a.peer, tmp)
        p.update = a.update
        try:
            actual, bad = p.run()
        except Exception as e:  # a bug here is a failure, not a hang
            p.d.stop()
            p.peer.close()
            actual, bad = p.actual + ["#! runner: %r" % e], True
        texts += p.received
        if bad:
            failed += 1
            print("not ok - %s" % name)
            for l in difflib.unified_diff(t.lines, actual, path,
                                          "what happened", lineterm=""):
                print("# " + mask(l))
            print("# files in %s" % tmp)
            if a.update and not any(l.startswith("#! runner:")
                                    for l in actual):
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(l for l in actual
                                       if not l.startswith("#!")) + "\n")
        else:
            print("ok - %s" % name)
            if not a.keep:
                subprocess.run(["rm", "-rf", tmp])
        sys.stdout.flush()
    if a.coverage:
        with open(a.coverage, "w") as f:
            for c in sorted(covered(texts)):
                f.write(c + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
