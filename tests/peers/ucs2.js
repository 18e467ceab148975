// tests/peers/ucs2.js: what the npm peers share: UCS-2 (UTF-16BE) as
// phones and SMSCs put it in short_message, and a DELIVRD receipt.
'use strict';

function swap(buf) {
	const out = Buffer.alloc(buf.length);
	for (let i = 0; i + 1 < buf.length; i += 2) {
		out[i] = buf[i + 1];
		out[i + 1] = buf[i];
	}
	return out;
}
const ucs2 = (s) => swap(Buffer.from(s, 'utf16le'));
const unucs2 = (b) => swap(b).toString('utf16le');

// 67 UTF-16 units a part, never splitting a surrogate pair
function parts(s) {
	const b = ucs2(s), out = [];
	let off = 0;
	while (off < b.length) {
		let end = Math.min(off + 134, b.length);
		if (end < b.length && b[end - 2] >= 0xd8 && b[end - 2] <= 0xdb)
			end -= 2;
		out.push(b.subarray(off, end));
		off = end;
	}
	return out;
}

// The fields of a delivery receipt (deliver_sm) for submit_sm pdu, id.
function receipt(pdu, id) {
	return {
		source_addr: pdu.destination_addr,
		destination_addr: pdu.source_addr,
		esm_class: 0x04,
		data_coding: 0,
		short_message: Buffer.from(`id:${id} sub:001 dlvrd:001 ` +
		    'submit date:2611261922 done date:2611261922 ' +
		    'stat:DELIVRD err:000 text:', 'ascii'),
		receipted_message_id: id,
		message_state: 2,
	};
}

module.exports = { ucs2, unucs2, parts, receipt };
