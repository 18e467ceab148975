#!/usr/bin/env python3
# A minimal SMPP 3.4 ESME (stdlib only) that pokes smscsim for
# tests/run-smscsim.sh: smscsim-peer.py CASE PORT [ARGS...].  Each case
# exits 0 when smscsim behaved, else prints why on stderr and exits 1.
import json
import socket
import struct
import sys
import time

BIND_RX, BIND_TX, BIND_TRX = 0x01, 0x02, 0x09
SUBMIT, DELIVER_RESP, UNBIND, ENQUIRE = 0x04, 0x80000005, 0x06, 0x15
GENERIC_NACK = 0x80000000


class Fail(Exception):
    pass


def cstr(s):
    return s.encode() + b"\0"


class Esme:
    def __init__(self, port, timeout=5.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout)
        self.s.settimeout(timeout)
        self.seq = 0
        self.buf = b""

    def send(self, cmd, body=b"", status=0, seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        self.s.sendall(struct.pack(">IIII", 16 + len(body), cmd, status, seq)
                       + body)
        return seq

    def recv(self):
        """Next PDU as (cmd, status, seq, body); None on EOF."""
        while True:
            if len(self.buf) >= 16:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= n:
                    pdu, self.buf = self.buf[:n], self.buf[n:]
                    cmd, st, seq = struct.unpack(">III", pdu[4:16])
                    return cmd, st, seq, pdu[16:]
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d

    def expect(self, cmd):
        """Skip enquire_link (answering it) until cmd arrives."""
        while True:
            p = self.recv()
            if p is None:
                raise Fail("EOF waiting for 0x%08x" % cmd)
            if p[0] == ENQUIRE:
                self.send(0x80000015, seq=p[2])
                continue
            if p[0] != cmd:
                raise Fail("got 0x%08x, wanted 0x%08x" % (p[0], cmd))
            return p

    def bind(self, kind=BIND_TRX, sysid="hotline", pw="secret"):
        self.send(kind, cstr(sysid) + cstr(pw) + cstr("") +
                  bytes([0x34, 0, 0]) + cstr(""))
        return self.expect(kind | 0x80000000)

    def submit(self, dst, payload, dc=8, esm=0, rd=0, tlv=b"", src="12345"):
        body = (cstr("") + bytes([0, 0]) + cstr(src) + bytes([1, 1]) +
                cstr(dst) + bytes([esm, 0, 0]) + cstr("") + cstr("") +
                bytes([rd, 0, dc, 0, len(payload)]) + payload + tlv)
        return self.send(SUBMIT, body)


def cstrings(body, off, n):
    out = []
    for _ in range(n):
        e = body.index(b"\0", off)
        out.append(body[off:e].decode("latin-1"))
        off = e + 1
    return out, off


def parse_deliver(body):
    """deliver_sm body -> dict with service_type, addrs, esm, dc, sm, tlvs."""
    (st,), o = cstrings(body, 0, 1)
    o += 2
    (src,), o = cstrings(body, o, 1)
    o += 2
    (dst,), o = cstrings(body, o, 1)
    esm, pid, prio = body[o], body[o + 1], body[o + 2]
    o += 3
    _, o = cstrings(body, o, 2)
    rd, rep, dc, defid, sml = body[o:o + 5]
    o += 5
    sm = body[o:o + sml]
    o += sml
    tlvs = {}
    while o + 4 <= len(body):
        tag, ln = struct.unpack(">HH", body[o:o + 4])
        tlvs[tag] = body[o + 4:o + 4 + ln]
        o += 4 + ln
    return dict(service_type=st, src=src, dst=dst, esm=esm, dc=dc, sm=sm,
                tlvs=tlvs)


GSM = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
       "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
           0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}


def gsm_decode(b):
    out, esc = [], False
    for c in b:
        if esc:
            out.append(GSM_EXT.get(c, "?"))
            esc = False
        elif c == 0x1B:
            esc = True
        else:
            out.append(GSM[c])
    return "".join(out)


def text_of(d):
    """Text of a deliver_sm without its UDH, and the concat info if any."""
    sm, info = d["sm"], None
    if d["esm"] & 0x40:
        udhl = sm[0]
        udh, sm = sm[1:1 + udhl], sm[1 + udhl:]
        if udh[0] == 0x00:
            info = (udh[2], udh[3], udh[4], 8)
        elif udh[0] == 0x08:
            info = ((udh[2] << 8) | udh[3], udh[4], udh[5], 16)
    elif 0x020C in d["tlvs"]:
        t = d["tlvs"]
        info = (struct.unpack(">H", t[0x020C])[0], t[0x020E][0],
                t[0x020F][0], "sar")
    if not sm and 0x0424 in d["tlvs"]:
        sm = d["tlvs"][0x0424]
    if d["dc"] == 8:
        if len(sm) % 2:
            raise Fail("odd UCS-2 length %d" % len(sm))
        return sm.decode("utf-16-be"), info
    return gsm_decode(sm), info


def collect(e, nmsgs, ack=True):
    """Receive deliver_sm until nmsgs whole messages; join parts by ref."""
    parts, done = {}, []
    while len(done) < nmsgs:
        p = e.expect(0x00000005)
        d = parse_deliver(p[3])
        if ack:
            e.send(DELIVER_RESP, b"\0", seq=p[2])
        t, info = text_of(d)
        if info is None:
            done.append((d, t, None))
            continue
        ref, tot, n, kind = info
        m = parts.setdefault((d["src"], ref), {})
        m[n] = (d, t, info)
        if len(m) == tot:
            if sorted(m) != list(range(1, tot + 1)):
                raise Fail("bad part numbers %s" % sorted(m))
            done.append((m[1][0], "".join(m[i][1] for i in sorted(m)),
                         [m[i][2] for i in sorted(m)]))
            del parts[(d["src"], ref)]
    return done


def wait_json(path, pred, secs=5):
    end = time.time() + secs
    while time.time() < end:
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    if pred(r):
                        return r
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    raise Fail("no matching JSON record in %s" % path)


def case_bind(port):
    e = Esme(port)
    cmd, st, seq, body = e.bind()
    if st != 0 or body[:7] != b"smscsim":
        raise Fail("bind status 0x%x body %r" % (st, body))
    e.send(UNBIND)
    e.expect(0x80000006)


def case_badpass(port):
    st = Esme(port).bind(pw="wrong")[1]
    if st != 0x0E:
        raise Fail("status 0x%x, wanted 0x0E (ESME_RINVPASWD)" % st)
    st = Esme(port).bind(sysid="nobody")[1]
    if st != 0x0F:
        raise Fail("status 0x%x, wanted 0x0F (ESME_RINVSYSID)" % st)


def case_enquire(port):
    e = Esme(port)
    e.bind(BIND_TX)
    seq = e.send(ENQUIRE)
    p = e.recv()
    if p[0] != 0x80000015 or p[2] != seq:
        raise Fail("enquire_link_resp %r" % (p,))


def case_submit(port, out, idstyle="dec"):
    e = Esme(port)
    e.bind()
    text = "您的诉求已受理，编号HY2611260001"
    e.submit("13800138000", text.encode("utf-16-be"), dc=8, rd=1)
    cmd, st, seq, body = e.expect(0x80000004)
    mid = body.rstrip(b"\0").decode()
    if st != 0 or not mid:
        raise Fail("submit_sm_resp status 0x%x id %r" % (st, mid))
    r = wait_json(out, lambda r: r["message_id"] == mid)
    if r["text"] != text or r["dest_addr"] != "138****8000" or \
            r["dest_last4"] != "8000" or r["data_coding"] != 8:
        raise Fail("record %r" % r)
    # The receipt, after the delay, with both TLVs.
    t0 = time.time()
    p = e.expect(0x00000005)
    d = parse_deliver(p[3])
    e.send(DELIVER_RESP, b"\0", seq=p[2])
    rtext = d["sm"].decode()
    rid = d["tlvs"].get(0x001E, b"").rstrip(b"\0").decode()
    want = mid if idstyle == "dec" else str(int(mid, 16))
    if not (d["esm"] & 0x04) or "stat:DELIVRD" not in rtext or \
            ("id:%s " % want) not in rtext or rid != want or \
            d["tlvs"].get(0x0427) != b"\x02" or d["src"] != "13800138000":
        raise Fail("receipt %r %r" % (rtext, d))
    if not rtext.startswith("id:") or " sub:001 dlvrd:001 submit date:" \
            not in rtext or " err:000 text:" not in rtext:
        raise Fail("receipt text %r" % rtext)
    if time.time() - t0 < 0.15:
        raise Fail("receipt came before the delay")


def case_multi_submit(port, out):
    """A two-part UCS-2 submit is recorded once, joined."""
    e = Esme(port)
    e.bind(BIND_TX)
    a, b = "第一部分：请于本周内", "办理完毕。"
    for n, t in ((1, a), (2, b)):
        udh = bytes([5, 0, 3, 0x42, 2, n])
        e.submit("13800138001", udh + t.encode("utf-16-be"), esm=0x40)
        if e.expect(0x80000004)[1] != 0:
            raise Fail("part %d refused" % n)
    r = wait_json(out, lambda r: r["dest_last4"] == "8001")
    if r["text"] != a + b or r["parts"] != 2 or r["ref"] != 0x42 or \
            len(r["message_ids"]) != 2:
        raise Fail("record %r" % r)


def case_mo_long(port, want, nparts):
    e = Esme(port)
    e.bind(BIND_RX)
    d, t, infos = collect(e, 1)[0]
    if t != want:
        raise Fail("text %r" % t)
    if d["dc"] != 8 or infos is None or len(infos) != int(nparts):
        raise Fail("dc %d parts %r" % (d["dc"], infos))
    if len({(i[0], i[1], i[3]) for i in infos}) != 1:
        raise Fail("inconsistent UDH %r" % infos)


def case_mo_text(port, want, dc):
    e = Esme(port)
    e.bind(BIND_TRX)
    d, t, infos = collect(e, 1)[0]
    if t != want or d["dc"] != int(dc):
        raise Fail("dc %d text %r, wanted %r" % (d["dc"], t, want))


def case_throttle(port):
    e = Esme(port)
    e.bind(BIND_TX)
    got = []
    for i in range(4):
        e.submit("13800138002", "ok".encode("utf-16-be"))
        got.append(e.expect(0x80000004)[1])
    if got != [0, 0x58, 0, 0x58]:
        raise Fail("statuses %r" % got)


def case_close(port):
    e = Esme(port)
    e.bind(BIND_TX)
    e.send(ENQUIRE)
    e.expect(0x80000015)
    e.send(ENQUIRE)       # the third PDU: smscsim drops the link
    if e.recv() is not None:
        raise Fail("connection still open")


def case_resend(port):
    e = Esme(port)
    e.bind(BIND_RX)
    first = collect(e, 1, ack=False)[0]
    e.s.close()           # unacknowledged: smscsim must resend
    e = Esme(port)
    e.bind(BIND_RX)
    again = collect(e, 1)[0]
    if again[1] != first[1] or again[2] != first[2]:
        raise Fail("resent %r, first %r" % (again[1:], first[1:]))


def case_malformed(port):
    e = Esme(port)
    e.bind(BIND_TRX)
    p = e.recv()
    if p[0] != 0xAA:
        raise Fail("wanted unknown command_id 0xAA, got 0x%x" % p[0])
    e.send(GENERIC_NACK, status=0x03, seq=p[2])
    p = e.expect(0x00000005)
    n = struct.unpack(">I", p[3][-3:-1] + b"\0\0")[0] >> 16
    if n <= len(p[3]):
        raise Fail("TLV length %d fits the PDU" % n)
    e.send(DELIVER_RESP, b"\0", status=0xC2, seq=p[2])
    # and then a good MO still comes through
    d, t, _ = collect(e, 1)[0]
    if t != "after the bad ones":
        raise Fail("text %r" % t)


def case_unbind(port):
    e = Esme(port)
    e.bind()
    seq = e.send(UNBIND)
    p = e.expect(0x80000006)
    if p[2] != seq or p[1] != 0:
        raise Fail("unbind_resp %r" % (p,))
    if e.recv() is not None:
        raise Fail("connection still open after unbind")


def case_ussd(port):
    e = Esme(port)
    e.bind(BIND_TRX)
    d, t, _ = collect(e, 1)[0]
    if d["service_type"] != "USSD" or d["tlvs"].get(0x0501) != b"\x01" or \
            d["tlvs"].get(0x1383) != b"\x07\x00" or t != "*12345*1#":
        raise Fail("ussd %r %r" % (d, t))


def case_delay(port):
    e = Esme(port)
    e.bind(BIND_TX)
    t0 = time.time()
    e.submit("13800138003", b"hi", dc=0)
    e.expect(0x80000004)
    if time.time() - t0 < 0.25:
        raise Fail("answered after %.3f s" % (time.time() - t0))


def case_timeout(port, ms):
    """An unanswered deliver_sm comes again after -T ms, on this session."""
    ms = int(ms)
    e = Esme(port)
    e.bind(BIND_RX)
    first = e.expect(0x00000005)
    t0 = time.time()
    again = e.expect(0x00000005)  # not answered: sent again
    dt = time.time() - t0
    if again[3] != first[3] or again[2] == first[2]:
        raise Fail("resent %r, first %r" % (again, first))
    if dt < ms / 1000.0 * 0.9 or dt > ms / 1000.0 * 1.2 + 0.5:
        raise Fail("resent after %.3f s, timeout %d ms" % (dt, ms))
    e.send(DELIVER_RESP, b"\0", seq=first[2])   # too late: ignored
    # a deliver_sm_resp without its message_id is malformed (the codec
    # says ESME_RINVCMDLEN) but still ends its deliver_sm
    e.send(DELIVER_RESP, seq=again[2])
    e.s.settimeout(ms / 1000.0 * 1.2 + 0.3)
    try:
        p = e.recv()
        raise Fail("after the answer: %r" % (p,))
    except socket.timeout:
        pass
    e.s.settimeout(5)
    seq = e.send(ENQUIRE)
    p = e.expect(0x80000015)
    if p[2] != seq:
        raise Fail("enquire_link_resp %r" % (p,))


def sm_body(dst="13800138000", esm=0, sm=b"hi", sml=None, tlv=b""):
    """A submit_sm body; sml overrides sm_length."""
    return (cstr("") + bytes([0, 0]) + cstr("12345") + bytes([1, 1]) +
            dst.encode() + b"\0" + bytes([esm, 0, 0]) + cstr("") +
            cstr("") + bytes([0, 0, 0, 0,
                              len(sm) if sml is None else sml]) + sm + tlv)


def case_bad_esme(port):
    """Malformed PDUs get the status smpp_pdu_decode() gives them."""
    want = [
        # (what, cmd, body, answer cmd, answer status)
        ("destination_addr without NUL in 21", SUBMIT,
         sm_body(dst="1" * 25), 0x80000004, 0x0B),
        ("esm_class type 0x04 in a submit_sm", SUBMIT, sm_body(esm=0x04),
         0x80000004, 0x43),
        ("sm_length past the end", SUBMIT, sm_body(sml=40), 0x80000004,
         0x01),
        ("TLV running past the end", SUBMIT,
         sm_body(tlv=struct.pack(">HH", 0x0424, 200) + b"x"), 0x80000004,
         0xC0),
        ("sar_msg_ref_num alone", SUBMIT,
         sm_body(tlv=struct.pack(">HHH", 0x020C, 2, 7)), 0x80000004, 0xC3),
        ("sar_total_segments of 2 octets", SUBMIT,
         sm_body(tlv=struct.pack(">HHH", 0x020E, 2, 2)), 0x80000004, 0xC2),
        ("enquire_link with 2 stray octets", ENQUIRE, b"\0\0", 0x80000015,
         0xC0),
        ("unknown command_id 0x99", 0x99, b"", GENERIC_NACK, 0x03),
        ("query_sm message_id without NUL in 65", 0x03, b"7" * 70,
         0x80000003, 0x0C),
        ("query_sm, good but not served", 0x03,
         cstr("1000000") + bytes([1, 1]) + cstr("12345"), GENERIC_NACK,
         0x03),
    ]
    e = Esme(port)
    e.bind()
    for what, cmd, body, rcmd, rst in want:
        seq = e.send(cmd, body)
        p = e.expect(rcmd)
        if p[1] != rst or p[2] != seq or p[3] != b"":
            raise Fail("%s: got status 0x%x seq %d body %r, wanted 0x%x"
                       % (what, p[1], p[2], p[3], rst))
    e.submit("13800138010", b"ok", dc=0)    # and the session still works
    p = e.expect(0x80000004)
    if p[1] != 0:
        raise Fail("good submit_sm after the bad ones: 0x%x" % p[1])
    e = Esme(port)
    e.send(BIND_TRX, b"s" * 20 + cstr("secret") + cstr("") +
           bytes([0x34, 0, 0]) + cstr(""))
    p = e.expect(0x80000009)
    if p[1] != 0x0F or p[3] != b"":
        raise Fail("bind with a 20-octet system_id: 0x%x %r" % (p[1], p[3]))
    e = Esme(port)
    e.send(BIND_TRX, cstr("hotline") + cstr("secret") + cstr("") +
           bytes([0x34, 0, 0]))            # no address_range
    p = e.expect(0x80000009)
    if p[1] != 0x02:
        raise Fail("bind without address_range: 0x%x" % p[1])


def case_server_enquire(port):
    e = Esme(port)
    e.bind(BIND_TRX)
    p = e.recv()
    if p is None or p[0] != ENQUIRE:
        raise Fail("no enquire_link from smscsim")
    e.send(0x80000015, seq=p[2])


def main():
    case, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    try:
        globals()["case_" + case.replace("-", "_")](port, *args)
    except (Fail, OSError, ValueError, IndexError, KeyError) as x:
        print("%s: %s: %s" % (case, type(x).__name__, x), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
