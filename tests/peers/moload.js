// tests/peers/moload.js: the npm `smpp` package (0.5.1) as an SMSC that
// offers N citizens' texts to hotlined while run-kill-npm.sh kills it.
//   node moload.js PORT N
// Each MO is a UCS-2 text (data_coding 8, set explicitly) from its own
// number 1380013xxxx, one every 10 ms at most, 20 in flight at most (the
// package ignores socket back-pressure).  An MO counts as delivered only on a deliver_sm_resp
// with status 0; one unanswered when its session ends is offered again on
// the next bind, as an SMSC does.  submit_sm are accepted.  Prints "bind"
// per session and "done acked=N offers=M" once all N are acknowledged
// (then keeps answering until killed); exits after 120 s regardless.
'use strict';
const smpp = require('smpp');

const port = Number(process.argv[2]);
const n = Number(process.argv[3] || 100);
const say = (s) => process.stdout.write(s + '\n');
setTimeout(() => { say(`timeout acked=${acked.size}`); process.exit(1); },
    120000).unref();

const acked = new Set();
let offers = 0, done = false, nextId = 0xD0000000;
const ucs2 = (s) => {
	const le = Buffer.from(s, 'utf16le'), be = Buffer.alloc(le.length);
	for (let i = 0; i + 1 < le.length; i += 2) {
		be[i] = le[i + 1];
		be[i + 1] = le[i];
	}
	return be;
};

smpp.createServer((session) => {
	const inflight = new Set();
	let alive = false;		// bound
	// one new MO every 10 ms at most: the load outlasts the kills
	const pump = () => {
		for (let i = 0, sent = 0; i < n && alive && inflight.size < 20 &&
		    sent < 1; i++) {
			if (acked.has(i) || inflight.has(i))
				continue;
			sent++;
			inflight.add(i);
			offers++;
			session.send(new smpp.PDU('deliver_sm', {
				source_addr: '1380013' + String(i).padStart(4, '0'),
				destination_addr: '12345',
				data_coding: 8,
				short_message: ucs2(`投诉：幸福路${i}号门前的路灯坏了`),
			}), (r) => {
				inflight.delete(i);
				if (r.command_status === 0)
					acked.add(i);
				if (acked.size === n && !done) {
					done = true;
					say(`done acked=${acked.size} offers=${offers}`);
				}
			});
		}
	};
	const timer = setInterval(pump, 10);
	const end = () => {
		alive = false;
		inflight.clear();
		clearInterval(timer);
	};
	session.on('error', end);
	session.on('close', end);
	session.on('bind_transceiver', (pdu) => {
		const ok = pdu.system_id === 'hotline' && pdu.password === 'secret';
		session.send(pdu.response({ command_status: ok ? 0 : 0x0E }));
		if (!ok)
			return;
		say('bind');
		alive = true;
	});
	session.on('enquire_link', (pdu) => session.send(pdu.response()));
	session.on('unbind', (pdu) => session.send(pdu.response()));
	session.on('submit_sm', (pdu) => session.send(pdu.response({
		message_id: (nextId++).toString(16).toUpperCase() })));
}).listen(port, '127.0.0.1', () => say('listening'));
