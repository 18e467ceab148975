// tests/peers/citizen.js: the npm `smpp` package (0.5.1) in server mode as
// the SMSC in front of hotlined for run-intake-npm.sh.  Usage:
//   node citizen.js PORT TEXT
// On a bind_transceiver (system_id hotline, password secret) it delivers
// TEXT from 13800138000 to 12345 as a phone would: UCS-2 (data_coding 8,
// set explicitly) in concatenated parts with an 8-bit UDH.  It answers every
// submit_sm with a hex message id, decodes the raw short_message bytes
// itself, reassembles the parts and prints "mt TEXT" once whole, then sends
// a delivery receipt per part.  One line per event; numbers masked; the
// peer exits after 30 s.
'use strict';
const smpp = require('smpp');
const defs = require('smpp/lib/defs');

defs.filters.message.decode = (v) => v;	// keep the raw bytes

const port = Number(process.argv[2]);
const text = process.argv[3] || '';
const say = (s) => process.stdout.write(s + '\n');
setTimeout(() => process.exit(0), 30000).unref();

const { unucs2, parts, receipt } = require('./ucs2');

let nextId = 0xC0FFEE00;
smpp.createServer((session) => {
	const mt = new Map();
	session.on('error', (e) => say('error ' + (e.code || e.message)));
	session.on('bind_transceiver', (pdu) => {
		const ok = pdu.system_id === 'hotline' && pdu.password === 'secret';
		say('bind ' + (ok ? 'accepted' : 'refused'));
		session.send(pdu.response({ command_status: ok ? 0 : 0x0E }));
		if (!ok)
			return;
		const p = parts(text);
		p.forEach((body, i) => {
			const udh = Buffer.from([5, 0, 3, 0x33, p.length, i + 1]);
			session.send(new smpp.PDU('deliver_sm', {
				source_addr: '13800138000',
				destination_addr: '12345',
				esm_class: 0x40,
				data_coding: 8,
				short_message: Buffer.concat([udh, body]),
			}), (r) => say(`mo part ${i + 1}/${p.length} ` +
			    `status=${r.command_status}`));
		});
	});
	session.on('enquire_link', (pdu) => session.send(pdu.response()));
	session.on('unbind', (pdu) => {
		session.send(pdu.response());
		say('unbind');
	});
	session.on('submit_sm', (pdu) => {
		const id = (nextId++).toString(16).toUpperCase();
		session.send(pdu.response({ message_id: id }));
		let sm = pdu.short_message;
		let ref = 0, total = 1, seq = 1;
		if (pdu.esm_class & 0x40) {
			const l = sm[0];
			if (sm[1] === 0 && sm[2] === 3) {
				ref = sm[3]; total = sm[4]; seq = sm[5];
			}
			sm = sm.subarray(l + 1);
		}
		say(`submit part ${seq}/${total} dc=${pdu.data_coding} ` +
		    `to=${pdu.destination_addr.slice(0, 3)}****` +
		    pdu.destination_addr.slice(-4));
		const m = mt.get(ref) || { total, got: [] };
		m.got[seq - 1] = pdu.data_coding === 8 ? unucs2(sm) :
		    sm.toString('latin1');
		mt.set(ref, m);
		if (m.got.filter((x) => x !== undefined).length === m.total) {
			say('mt ' + m.got.join(''));
			mt.delete(ref);
		}
		setTimeout(() => session.send(new smpp.PDU('deliver_sm',
		    receipt(pdu, id)), (r) => say(`receipt ${id} status=${r.command_status}`)), 100);
	});
}).listen(port, '127.0.0.1', () => say('listening'));
