// tests/peers/ussd.js: the npm `smpp` package (0.5.1) in server mode as a
// USSD gateway in front of hotlined for run-ussd-npm.sh.  Usage:
//   node ussd.js PORT
// On a bind_transceiver (system_id hotline, password secret) it reads
// stdin, one JSON object a line, and sends each as a deliver_sm:
//   {"from": "13800130021", "text": "1", "op": 18, "umr": 501,
//    "its": [hi, lo], "st": "USSD"}
// (op, umr, its and st optional; text in GSM 7-bit, data_coding 0 set
// explicitly).  Every submit_sm is answered and printed as one line
//   screen {"to": "138****0021", "op": 2, "umr": 501, "its": "",
//           "st": "USSD", "dc": 8, "text": "..."}
// with the text decoded here from the raw bytes.  Numbers are masked; the
// peer exits after 60 s.
'use strict';
const readline = require('readline');
const smpp = require('smpp');
const defs = require('smpp/lib/defs');

defs.filters.message.decode = (v) => v;	// keep the raw bytes

const port = Number(process.argv[2]);
const say = (s) => process.stdout.write(s + '\n');
const mask = (n) => (n.length >= 8 ? n.slice(0, 3) + '****' + n.slice(-4) : n);
setTimeout(() => process.exit(0), 60000).unref();

function unucs2(b) {
	const le = Buffer.alloc(b.length);
	for (let i = 0; i + 1 < b.length; i += 2) {
		le[i] = b[i + 1];
		le[i + 1] = b[i];
	}
	return le.toString('utf16le');
}

let bound = null;
let nextId = 0xD00D0000;
const pending = [];

function send(line) {
	let m;
	try {
		m = JSON.parse(line);
	} catch (e) {
		say('bad input line');
		return;
	}
	const p = {
		service_type: m.st === undefined ? 'USSD' : m.st,
		source_addr: m.from,
		destination_addr: '*12345#',
		data_coding: 0,
		short_message: Buffer.from(m.text || '', 'ascii'),
	};
	if (m.op !== undefined)
		p.ussd_service_op = m.op;
	if (m.umr !== undefined)
		p.user_message_reference = m.umr;
	if (m.its !== undefined)
		p.its_session_info = Buffer.from(m.its);
	bound.send(new smpp.PDU('deliver_sm', p), (r) =>
	    say(`resp ${mask(m.from)} status=${r.command_status}`));
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
	if (bound === null)
		pending.push(line);
	else
		send(line);
});

smpp.createServer((session) => {
	session.on('error', (e) => say('error ' + (e.code || e.message)));
	session.on('bind_transceiver', (pdu) => {
		const ok = pdu.system_id === 'hotline' && pdu.password === 'secret';
		say('bind ' + (ok ? 'accepted' : 'refused'));
		session.send(pdu.response({ command_status: ok ? 0 : 0x0E }));
		if (!ok)
			return;
		bound = session;
		while (pending.length > 0)
			send(pending.shift());
	});
	session.on('enquire_link', (pdu) => session.send(pdu.response()));
	session.on('unbind', (pdu) => session.send(pdu.response()));
	session.on('submit_sm', (pdu) => {
		const id = (nextId++).toString(16).toUpperCase();
		const sm = pdu.short_message || Buffer.alloc(0);
		session.send(pdu.response({ message_id: id }));
		say('screen ' + JSON.stringify({
			to: mask(pdu.destination_addr),
			from: pdu.source_addr,
			op: pdu.ussd_service_op === undefined ? null :
			    pdu.ussd_service_op,
			umr: pdu.user_message_reference === undefined ? null :
			    pdu.user_message_reference,
			its: pdu.its_session_info === undefined ? null :
			    Buffer.from(pdu.its_session_info).toString('hex'),
			st: pdu.service_type,
			dc: pdu.data_coding,
			rd: pdu.registered_delivery,
			text: pdu.data_coding === 8 ? unucs2(sm) :
			    sm.toString('latin1'),
		}));
	});
}).listen(port, '127.0.0.1', () => say('listening'));
