// tests/peers/smsc.js: the npm `smpp` package (0.5.1) in server mode as the
// SMSC for run-session-npm.sh.  Usage: node smsc.js PORT MODE [MO-TEXT]
//   main      bind check, enquire_link, a Chinese MO in UCS-2 parts with a
//             UDH, MT reassembled from raw short_message bytes, receipts,
//             then unbind (session 1) and a dropped socket (session 2)
//   throttle  answer every submit_sm with ESME_RTHROTTLED (0x58) for 1.5 s
//   pair      bind_transmitter + bind_receiver: the MO and the receipts go
//             on the receiver, submits come on the transmitter
//   noread    session 1 stops reading after its bind and floods
//             enquire_link (NOREAD_MB megabytes, default 32) without
//             reading a byte; session 2 behaves and sends one MO and a
//             receipt for an id nobody sent (00AbC123)
// With SMSC_TLS_KEY and SMSC_TLS_CERT (PEM files) it serves TLS instead.
// One line per event on stdout; numbers are masked.  Exits after 60 s.
'use strict';
const fs = require('fs');
const smpp = require('smpp');
const defs = require('smpp/lib/defs');

// keep short_message as the raw bytes: we decode them ourselves
defs.filters.message.decode = (v) => v;

const port = Number(process.argv[2]);
const mode = process.argv[3] || 'main';
const moText = process.argv[4] || '';
const THROTTLE_MS = 1500;

const say = (s) => process.stdout.write(s + '\n');
const mask = (n) => (n.length >= 8 ? n.slice(0, 3) + '****' + n.slice(-4) : n);
setTimeout(() => process.exit(0), 60000).unref();

// UTF-16BE parts of at most 67 units, never splitting a surrogate pair.
function ucs2Parts(text) {
	const le = Buffer.from(text, 'utf16le');
	const be = Buffer.alloc(le.length);
	for (let i = 0; i < le.length; i += 2) {
		be[i] = le[i + 1];
		be[i + 1] = le[i];
	}
	const parts = [];
	let off = 0;
	while (off < be.length) {
		let end = Math.min(off + 134, be.length);
		const hi = be[end - 2];
		if (end < be.length && hi >= 0xd8 && hi <= 0xdb)
			end -= 2;
		parts.push(be.subarray(off, end));
		off = end;
	}
	return parts;
}

function ucs2Decode(buf) {
	const le = Buffer.alloc(buf.length);
	for (let i = 0; i + 1 < buf.length; i += 2) {
		le[i] = buf[i + 1];
		le[i + 1] = buf[i];
	}
	return le.toString('utf16le');
}

let sessions = 0;
let rxReceipt = null;	// pair: the receiver's sendReceipt
let msgid = 0xA0000000;
let throttleUntil = 0;
let throttled = 0;
const mt = new Map();	// ref -> {total, parts[]}

const tlsOpts = process.env.SMSC_TLS_KEY && process.env.SMSC_TLS_CERT ? {
	key: fs.readFileSync(process.env.SMSC_TLS_KEY),
	cert: fs.readFileSync(process.env.SMSC_TLS_CERT),
} : {};
const server = smpp.createServer(tlsOpts, (session) => {
	const n = ++sessions;
	let mtDone = 0, receiptsAcked = 0, moAcked = 0, unbindSent = false;
	say(`session ${n} connected`);
	session.on('error', (e) => say(`session ${n} error ${e.code || e.message}`));
	session.on('close', () => say(`session ${n} closed`));

	function maybeUnbind() {
		if (mode !== 'main' || n !== 1 || unbindSent)
			return;
		if (moAcked < 1 || mtDone < 1 || receiptsAcked < 2)
			return;
		unbindSent = true;
		setTimeout(() => {
			say(`session ${n} sending unbind`);
			session.send(new smpp.PDU('unbind', {}), (r) => {
				say(`session ${n} unbind_resp status=${r.command_status}`);
				setTimeout(() => session.close(), 50);
			});
		}, 300);
	}

	function sendMO(kind) {
		const parts = ucs2Parts(moText);
		const ref = 0x2A;
		say(`session ${n} mo parts=${parts.length} bind=${kind}`);
		parts.forEach((p, i) => {
			const udh = Buffer.from([5, 0, 3, ref, parts.length, i + 1]);
			session.send(new smpp.PDU('deliver_sm', {
				source_addr: '13800138000',
				destination_addr: '12345',
				esm_class: 0x40,
				data_coding: 8,
				short_message: Buffer.concat([udh, p]),
			}), (r) => {
				say(`session ${n} mo part ${i + 1} resp status=${r.command_status}`);
				if (r.command_status === 0 && i === parts.length - 1)
					moAcked++;
				maybeUnbind();
			});
		});
	}

	function sendReceipt(id, to) {
		const text = `id:${id} sub:001 dlvrd:001 submit date:2611261922 ` +
		    'done date:2611261922 stat:DELIVRD err:000 text:';
		session.send(new smpp.PDU('deliver_sm', {
			source_addr: to,
			destination_addr: '12345',
			esm_class: 0x04,
			data_coding: 0,
			short_message: Buffer.from(text, 'ascii'),
			receipted_message_id: id,
			message_state: 2,
		}), (r) => {
			say(`session ${n} receipt ${id} resp status=${r.command_status} bind=${kindOf}`);
			if (r.command_status === 0)
				receiptsAcked++;
			maybeUnbind();
		});
	}

	// noread: never read again, write enquire_link as fast as possible
	function flood() {
		const mb = Number(process.env.NOREAD_MB || 32);
		const per = 65536;	// PDUs per chunk: 1 MiB
		let seq = 1, sent = 0;
		// the library reads on 'readable': without it nothing is read
		// beyond the stream's high-water mark
		session.pause();
		session.socket.removeAllListeners('readable');
		session.socket.pause();
		say(`session ${n} reading stopped, flooding ${mb} MiB`);
		for (let c = 0; c < mb; c++) {
			const b = Buffer.alloc(16 * per);
			for (let i = 0; i < per; i++) {
				b.writeUInt32BE(16, i * 16);
				b.writeUInt32BE(0x15, i * 16 + 4);
				b.writeUInt32BE(0, i * 16 + 8);
				b.writeUInt32BE(seq++, i * 16 + 12);
			}
			session.socket.write(b, () => {
				sent += b.length;
				if (sent === mb * 16 * per)
					say(`session ${n} flood written bytes=${sent}`);
			});
		}
	}
	function sendOne() {
		session.send(new smpp.PDU('deliver_sm', {
			source_addr: '13800139001',
			destination_addr: '12345',
			data_coding: 8,
			short_message: Buffer.from(ucs2Parts(moText)[0]),
		}), (r) => say(`session ${n} mo resp status=${r.command_status}`));
	}

	let kindOf = 'none';
	const onBind = (kind) => (pdu) => {
		const ok = pdu.system_id === 'hotline' && pdu.password === 'secret' &&
		    (kind === 'trx') === (mode !== 'pair');
		say(`session ${n} ${pdu.command} system_id=${pdu.system_id} ` +
		    `interface_version=0x${pdu.interface_version.toString(16)} ` +
		    (ok ? 'accepted' : 'refused'));
		if (!ok) {
			session.send(pdu.response({ command_status: 0x0E }));
			return;
		}
		kindOf = kind;
		session.send(pdu.response({ system_id: 'npmsmsc' }));
		if (mode === 'noread') {
			if (n === 1)
				setTimeout(flood, 200);
			else
				setTimeout(() => {
					sendOne();
					// a receipt for an id hotlined never sent
					sendReceipt('00AbC123', '13800139001');
				}, 100);
			return;
		}
		if (mode === 'pair' && kind === 'rx') {
			rxReceipt = sendReceipt;
			setTimeout(() => sendMO(kind), 100);
		}
		if (mode !== 'main')
			return;
		if (n === 1) {
			session.send(new smpp.PDU('enquire_link', {}), (r) =>
			    say(`session ${n} enquire_link_resp status=${r.command_status}`));
			setTimeout(() => sendMO(kind), 100);
		} else if (n === 2) {
			setTimeout(() => {
				say(`session ${n} dropping the socket`);
				session.socket.destroy();
			}, 300);
		}
	};
	session.on('bind_transceiver', onBind('trx'));
	session.on('bind_transmitter', onBind('tx'));
	session.on('bind_receiver', onBind('rx'));
	session.on('enquire_link', (pdu) => {
		say(`session ${n} enquire_link from the ESME`);
		session.send(pdu.response());
	});
	session.on('unbind', (pdu) => {
		say(`session ${n} unbind from the ESME`);
		session.send(pdu.response());
		setTimeout(() => session.close(), 50);
	});
	session.on('deliver_sm_resp', () => {});
	session.on('submit_sm', (pdu) => {
		const now = Date.now();
		if (mode === 'throttle') {
			if (throttleUntil === 0)
				throttleUntil = now + THROTTLE_MS;
			if (now < throttleUntil) {
				throttled++;
				say(`session ${n} throttled n=${throttled}`);
				session.send(pdu.response({ command_status: 0x58 }));
				return;
			}
		}
		const sm = pdu.short_message;
		const raw = Buffer.isBuffer(sm) ? sm : Buffer.from(sm.message || '');
		let ref = 0, total = 1, seq = 1, text = raw;
		if (pdu.esm_class & 0x40) {
			const udhl = raw[0];
			for (let o = 1; o < 1 + udhl;) {
				const iei = raw[o], l = raw[o + 1];
				if (iei === 0)
					[ref, total, seq] = [raw[o + 2], raw[o + 3], raw[o + 4]];
				else if (iei === 8)
					[ref, total, seq] = [raw[o + 2] << 8 | raw[o + 3], raw[o + 4], raw[o + 5]];
				o += 2 + l;
			}
			text = raw.subarray(1 + udhl);
		}
		const id = (msgid++).toString(16).toUpperCase();
		say(`session ${n} submit_sm to=${mask(pdu.destination_addr)} ` +
		    `data_coding=${pdu.data_coding} esm_class=0x${pdu.esm_class.toString(16)} ` +
		    `ref=${ref} part=${seq}/${total} octets=${text.length} id=${id} bind=${kindOf}`);
		session.send(pdu.response({ message_id: id }));
		const key = `${pdu.destination_addr}/${ref}/${total}`;
		if (!mt.has(key))
			mt.set(key, { total, parts: [] });
		const m = mt.get(key);
		if (!m.parts[seq - 1]) {
			m.parts[seq - 1] = text;
			if (m.parts.filter(Boolean).length === m.total) {
				mt.delete(key);
				const all = Buffer.concat(m.parts);
				const out = pdu.data_coding === 8 ? ucs2Decode(all) : all.toString('latin1');
				say(`session ${n} mt parts=${m.total} text=${out}`);
				mtDone++;
			}
		}
		// pair: receipts wait for the receiver's bind (the exit bounds it)
		const receipt = () => {
			const r = mode === 'pair' ? rxReceipt : sendReceipt;
			if (r)
				r(id, pdu.destination_addr);
			else
				setTimeout(receipt, 100);
		};
		if (pdu.registered_delivery & 1)
			setTimeout(receipt, 100);
	});
});
server.on('error', (e) => { say(`server error ${e.message}`); process.exit(1); });
server.listen(port, '127.0.0.1', () =>
    say(`listening port=${port} mode=${mode}${tlsOpts.key ? ' tls' : ''}`));
