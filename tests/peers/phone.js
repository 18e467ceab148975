// tests/peers/phone.js: the npm `smpp` package (0.5.1) in server mode as
// the SMSC and the citizens' phones for tests/convo.py (the conversation
// transcripts, run-conversations.sh).  Usage: node phone.js PORT
// It reads one JSON command a line on stdin:
//   {"mo": {"from": N, "to": N, "text": T}}   a citizen's SMS: GSM text in
//        one data_coding 0 part when it is ASCII and fits, else UCS-2 in
//        67-unit parts with an 8-bit UDH (a surrogate pair never split);
//        "drop": K never delivers part K (a network that lost it)
//   {"throttle": K}    answer the next submit_sm that is part K of a
//        multipart SMS with ESME_RTHROTTLED (0x58), once
//   {"throttle_next": N}  answer the next N submit_sm with 0x58
// and writes one JSON line an event on stdout, numbers as their last four
// digits only:
//   {"ev": "bind", "ok": bool}, {"ev": "mo", "status": S},
//   {"ev": "part", "to": L4, "src": A, "ref": R, "seq": I, "total": T,
//    "status": S, "id": ID}     every submit_sm, accepted or not
//   {"ev": "sms", "to": L4, "src": A, "text": T, "parts": T, "ref": R}
//        a whole SMS as the phone shows it (the parts an accepted set)
//   {"ev": "dup", "to": L4, "ref": R, "seq": I}  a part the phone had
//   {"ev": "orphan", "to": L4, "text": T}  at the end, parts of an SMS
//        that never came whole
//   {"ev": "receipt", "id": ID, "status": S}
// An accepted part gets a hex message id and, 50 ms later, its receipt.
'use strict';
const smpp = require('smpp');
const defs = require('smpp/lib/defs');
const readline = require('readline');

defs.filters.message.decode = (v) => v;	// keep the raw bytes

const port = Number(process.argv[2]);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const last4 = (n) => String(n).slice(-4);
setTimeout(() => process.exit(0), 600000).unref();

const { ucs2, unucs2, parts: ucs2Parts, receipt } = require('./ucs2');

let session = null;
let ref = 0x40;
let nextId = 0xC0DE0000;
let throttlePart = [];		// part numbers to refuse once each
let throttleNext = 0;
const queue = [];		// commands before the bind
const mt = new Map();		// to|src|ref -> {total, got[], ids[]}
const seen = new Set();		// to|src|ref|seq parts the phone has

function deliver(mo) {
	const ascii = /^[\x20-\x7e]*$/.test(mo.text);
	let pdus;
	if (ascii && mo.text.length <= 160) {
		pdus = [{ data_coding: 0, esm_class: 0,
		    short_message: Buffer.from(mo.text, 'latin1') }];
	} else {
		const p = ucs2Parts(mo.text);
		const r = ref++ & 0xff;
		pdus = p.map((body, i) => p.length === 1 ?
		    { data_coding: 8, esm_class: 0, short_message: body } :
		    { data_coding: 8, esm_class: 0x40, short_message:
		    Buffer.concat([Buffer.from([5, 0, 3, r, p.length, i + 1]),
		    body]) });
	}
	pdus.forEach((f, i) => {
		if (mo.drop === i + 1)
			return;
		session.send(new smpp.PDU('deliver_sm', Object.assign({
			source_addr: mo.from,
			destination_addr: mo.to,
		}, f)), (r) => emit({ ev: 'mo', status: r.command_status }));
	});
}

function command(line) {
	let c;
	try {
		c = JSON.parse(line);
	} catch (e) {
		return;
	}
	if (c.throttle !== undefined)
		throttlePart.push(c.throttle);
	else if (c.throttle_next !== undefined)
		throttleNext = c.throttle_next;
	else if (c.mo !== undefined) {
		if (session === null)
			queue.push(c.mo);
		else
			deliver(c.mo);
	}
}
readline.createInterface({ input: process.stdin }).on('line', command);
// at the end: the parts of a long SMS that never came whole (orphans)
process.stdin.on('end', () => setTimeout(() => {
	for (const [key, m] of mt)
		emit({ ev: 'orphan', to: key.split('|')[0],
		    text: m.got.map((x) => x || '…').join('') });
	process.exit(0);
}, 200));

function submit(s, pdu) {
	let sm = pdu.short_message;
	let r = null, total = 1, seq = 1;
	if (pdu.esm_class & 0x40) {
		const l = sm[0];
		if (sm[1] === 0 && sm[2] === 3) {
			r = sm[3]; total = sm[4]; seq = sm[5];
		}
		sm = sm.subarray(l + 1);
	}
	const to = last4(pdu.destination_addr), src = pdu.source_addr;
	let status = 0;
	const k = throttlePart.indexOf(seq);
	if (throttleNext > 0) {
		throttleNext--;
		status = 0x58;
	} else if (total > 1 && k !== -1) {
		throttlePart.splice(k, 1);
		status = 0x58;
	}
	const id = status === 0 ? (nextId++).toString(16).toUpperCase() : '';
	s.send(pdu.response(status === 0 ? { message_id: id } :
	    { command_status: status }));
	emit({ ev: 'part', to, src, ref: r, seq, total, status, id });
	if (status !== 0)
		return;
	const text = pdu.data_coding === 8 ? unucs2(sm) : sm.toString('latin1');
	const key = `${to}|${src}|${r}`;
	if (total > 1 && seen.has(`${key}|${seq}`))
		emit({ ev: 'dup', to, ref: r, seq });
	seen.add(`${key}|${seq}`);
	const m = mt.get(key) || { total, got: [] };
	m.got[seq - 1] = text;
	mt.set(key, m);
	if (m.got.filter((x) => x !== undefined).length === m.total) {
		emit({ ev: 'sms', to, src, text: m.got.join(''),
		    parts: m.total, ref: r });
		mt.delete(key);
	}
	setTimeout(() => s.send(new smpp.PDU('deliver_sm', receipt(pdu, id)),
	    (rr) => emit({ ev: 'receipt', id,
	    status: rr.command_status })), 50);
}

smpp.createServer((s) => {
	s.on('error', () => {});
	s.on('close', () => {
		if (session === s)
			session = null;
	});
	s.on('bind_transceiver', (pdu) => {
		const ok = pdu.system_id === 'hotline' &&
		    pdu.password === 'secret';
		emit({ ev: 'bind', ok });
		s.send(pdu.response({ command_status: ok ? 0 : 0x0E }));
		if (!ok)
			return;
		session = s;
		while (queue.length > 0)
			deliver(queue.shift());
	});
	s.on('enquire_link', (pdu) => s.send(pdu.response()));
	s.on('unbind', (pdu) => s.send(pdu.response()));
	s.on('submit_sm', (pdu) => submit(s, pdu));
}).listen(port, '127.0.0.1', () => emit({ ev: 'listening' }));
