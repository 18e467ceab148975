/*
 * Unit tests for smpp_pdu.c: byte-exact vectors written by hand from SMPP
 * 3.4 section 4 for every PDU, round trips, a corpus of malformed PDUs with
 * the status each must earn, the TLV helpers and the status tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "smpp_pdu.h"

#define BUFSZ	4096

/* A PDU built field by field and the octets the spec says it is. */
struct vector {
	const char	*name;
	void		(*build)(struct smpp_pdu *);
	const char	*hex;
};

/* A defective PDU and what decoding it must say. */
struct bad {
	const char	*name;
	const char	*hex;
	int		 fixlen;	/* command_length := octet count */
	size_t		 max;		/* 0: SMPP_PDU_MAX_DEFAULT */
	uint32_t	 status;
	uint32_t	 reply;		/* smpp_pdu_reply_id() */
};

static const uint8_t ucs2_nihao[] = { 0x4f, 0x60, 0x59, 0x7d };	/* 你好 */

/* Hex digits (spaces ignored) to octets; the count. */
static size_t
unhex(const char *s, uint8_t *out, size_t outsz)
{
	size_t	n = 0;
	int	hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '|')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else {
			fail_msg("bad hex digit '%c'", *s);
			v = 0;
		}
		if (hi < 0)
			hi = v;
		else {
			assert_true(n < outsz);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	assert_int_equal(hi, -1);
	return n;
}

static void
setlen(uint8_t *buf, size_t len)
{
	buf[0] = (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
}

#define SET(dst, s)	\
	assert_true(strlcpy((dst), (s), sizeof(dst)) < sizeof(dst))

/* The three binds have the same fields. */
#define BIND_COMMON(b, systype, range) do {				\
	SET((b)->system_id, "hotline");					\
	SET((b)->password, "secret");					\
	SET((b)->system_type, (systype));				\
	(b)->interface_version = 0x34;					\
	SET((b)->address_range, (range));				\
} while (0)

static void
build_bind_transmitter(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_transmitter, 1);
	BIND_COMMON(&p->u.bind_transmitter, "", "");
}

static void
build_bind_transmitter_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_transmitter_resp, 1);
	SET(p->u.bind_transmitter_resp.system_id, "SMSC");
	assert_int_equal(smpp_tlv_add_int(p, SMPP_TLV_sc_interface_version,
	    0x34), 0);
}

static void
build_bind_receiver(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_receiver, 2);
	BIND_COMMON(&p->u.bind_receiver, "VMA", "12345");
	p->u.bind_receiver.addr_ton = 1;
	p->u.bind_receiver.addr_npi = 1;
}

static void
build_bind_receiver_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_receiver_resp, 2);
}

static void
build_bind_transceiver(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_transceiver, 3);
	BIND_COMMON(&p->u.bind_transceiver, "", "");
}

static void
build_bind_transceiver_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_bind_transceiver_resp, 3);
	p->command_status = ESME_RINVPASWD;	/* no body (4.1.2) */
}

static void
build_outbind(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_outbind, 9);
	SET(p->u.outbind.system_id, "SMSC");
	SET(p->u.outbind.password, "pw");
}

static void
build_unbind(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_unbind, 4);
}

static void
build_unbind_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_unbind_resp, 4);
}

static void
build_generic_nack(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_generic_nack, 7);
	p->command_status = ESME_RINVCMDID;
}

static void
build_submit_sm(struct smpp_pdu *p)
{
	struct smpp_submit_sm	*b = &p->u.submit_sm;

	smpp_pdu_init(p, SMPP_submit_sm, 5);
	b->source_addr_ton = 5;
	SET(b->source_addr, "12345");
	b->dest_addr_ton = 1;
	b->dest_addr_npi = 1;
	SET(b->destination_addr, "8613800138000");
	b->registered_delivery = 1;
	b->data_coding = 8;
	b->sm_length = sizeof(ucs2_nihao);
	b->short_message = ucs2_nihao;
	assert_int_equal(smpp_tlv_add_int(p, SMPP_TLV_user_message_reference,
	    0x0102), 0);
}

static void
build_submit_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_submit_sm_resp, 5);
	SET(p->u.submit_sm_resp.message_id, "0a1b2c");
}

static void
build_deliver_sm(struct smpp_pdu *p)
{
	static const uint8_t	 nec[] = { 3, 0, 0 };
	struct smpp_deliver_sm	*b = &p->u.deliver_sm;

	smpp_pdu_init(p, SMPP_deliver_sm, 6);
	b->source_addr_ton = 1;
	b->source_addr_npi = 1;
	SET(b->source_addr, "8613800138000");
	b->dest_addr_npi = 1;
	SET(b->destination_addr, "12345");
	b->esm_class = 0x04;		/* SMSC delivery receipt */
	assert_int_equal(smpp_tlv_add_cstr(p, SMPP_TLV_receipted_message_id,
	    "0a1b2c"), 0);
	assert_int_equal(smpp_tlv_add_int(p, SMPP_TLV_message_state, 2), 0);
	assert_int_equal(smpp_tlv_add(p, SMPP_TLV_network_error_code, nec,
	    sizeof(nec)), 0);
}

static void
build_deliver_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_deliver_sm_resp, 6);
}

static void
build_data_sm(struct smpp_pdu *p)
{
	static const uint8_t	 its[] = { 1, 0 };
	struct smpp_data_sm	*b = &p->u.data_sm;

	smpp_pdu_init(p, SMPP_data_sm, 8);
	b->source_addr_ton = 1;
	b->source_addr_npi = 1;
	SET(b->source_addr, "8613800138000");
	b->dest_addr_npi = 1;
	SET(b->destination_addr, "12345");
	b->data_coding = 8;
	assert_int_equal(smpp_tlv_add(p, SMPP_TLV_message_payload, ucs2_nihao,
	    sizeof(ucs2_nihao)), 0);
	assert_int_equal(smpp_tlv_add(p, SMPP_TLV_its_session_info, its,
	    sizeof(its)), 0);
}

static void
build_data_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_data_sm_resp, 8);
	SET(p->u.data_sm_resp.message_id, "abc");
}

static void
build_query_sm(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_query_sm, 10);
	SET(p->u.query_sm.message_id, "abc");
	p->u.query_sm.source_addr_ton = 1;
	p->u.query_sm.source_addr_npi = 1;
	SET(p->u.query_sm.source_addr, "12345");
}

static void
build_query_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_query_sm_resp, 10);
	SET(p->u.query_sm_resp.message_id, "abc");
	SET(p->u.query_sm_resp.final_date, "260101120000000+");
	p->u.query_sm_resp.message_state = 2;
}

static void
build_cancel_sm(struct smpp_pdu *p)
{
	struct smpp_cancel_sm	*b = &p->u.cancel_sm;

	smpp_pdu_init(p, SMPP_cancel_sm, 11);
	SET(b->message_id, "abc");
	b->source_addr_ton = b->source_addr_npi = 1;
	SET(b->source_addr, "12345");
	b->dest_addr_ton = b->dest_addr_npi = 1;
	SET(b->destination_addr, "8613800138000");
}

static void
build_cancel_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_cancel_sm_resp, 11);
}

static void
build_replace_sm(struct smpp_pdu *p)
{
	struct smpp_replace_sm	*b = &p->u.replace_sm;

	smpp_pdu_init(p, SMPP_replace_sm, 12);
	SET(b->message_id, "abc");
	SET(b->validity_period, "000001000000000R");
	b->sm_length = 2;
	b->short_message = (const uint8_t *)"hi";
}

static void
build_replace_sm_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_replace_sm_resp, 12);
}

static void
build_enquire_link(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_enquire_link, 13);
}

static void
build_enquire_link_resp(struct smpp_pdu *p)
{
	smpp_pdu_init(p, SMPP_enquire_link_resp, 13);
}

static void
build_alert_notification(struct smpp_pdu *p)
{
	struct smpp_alert_notification *b = &p->u.alert_notification;

	smpp_pdu_init(p, SMPP_alert_notification, 14);
	b->source_addr_ton = b->source_addr_npi = 1;
	SET(b->source_addr, "8613800138000");
	b->esme_addr_npi = 1;
	SET(b->esme_addr, "12345");
	assert_int_equal(smpp_tlv_add_int(p, SMPP_TLV_ms_availability_status,
	    0), 0);
}

/*
 * Header: command_length | command_id | command_status | sequence_number.
 * Strings: "hotline" 686f746c696e65, "secret" 736563726574, "SMSC" 534d5343,
 * "12345" 3132333435, "8613800138000" 38363133383030313338303030.
 */
static const struct vector vectors[] = {
	{ "bind_transmitter", build_bind_transmitter,
	    "00000024 00000002 00000000 00000001"
	    "686f746c696e6500 73656372657400 00 34 00 00 00" },
	{ "bind_transmitter_resp", build_bind_transmitter_resp,
	    "0000001a 80000002 00000000 00000001"
	    "534d534300 0210 0001 34" },
	{ "bind_receiver", build_bind_receiver,
	    "0000002c 00000001 00000000 00000002"
	    "686f746c696e6500 73656372657400 564d4100 34 01 01 313233343500" },
	{ "bind_receiver_resp", build_bind_receiver_resp,
	    "00000011 80000001 00000000 00000002 00" },
	{ "bind_transceiver", build_bind_transceiver,
	    "00000024 00000009 00000000 00000003"
	    "686f746c696e6500 73656372657400 00 34 00 00 00" },
	{ "bind_transceiver_resp (error, no body)", build_bind_transceiver_resp,
	    "00000010 80000009 0000000e 00000003" },
	{ "outbind", build_outbind,
	    "00000018 0000000b 00000000 00000009 534d534300 707700" },
	{ "unbind", build_unbind,
	    "00000010 00000006 00000000 00000004" },
	{ "unbind_resp", build_unbind_resp,
	    "00000010 80000006 00000000 00000004" },
	{ "generic_nack", build_generic_nack,
	    "00000010 80000000 00000003 00000007" },
	{ "submit_sm", build_submit_sm,
	    "0000003d 00000004 00000000 00000005"
	    "00 | 05 00 313233343500 | 01 01 3836313338303031333830303000"
	    "| 00 00 00 | 00 | 00 | 01 00 08 00 | 04 4f60597d"
	    "| 0204 0002 0102" },
	{ "submit_sm_resp", build_submit_sm_resp,
	    "00000017 80000004 00000000 00000005 30613162326300" },
	{ "deliver_sm (receipt)", build_deliver_sm,
	    "0000004a 00000005 00000000 00000006"
	    "00 | 01 01 3836313338303031333830303000 | 00 01 313233343500"
	    "| 04 00 00 | 00 | 00 | 00 00 00 00 | 00"
	    "| 001e 0007 30613162326300 | 0427 0001 02 | 0423 0003 030000" },
	{ "deliver_sm_resp", build_deliver_sm_resp,
	    "00000011 80000005 00000000 00000006 00" },
	{ "data_sm", build_data_sm,
	    "0000003a 00000103 00000000 00000008"
	    "00 | 01 01 3836313338303031333830303000 | 00 01 313233343500"
	    "| 00 00 08 | 0424 0004 4f60597d | 1383 0002 0100" },
	{ "data_sm_resp", build_data_sm_resp,
	    "00000014 80000103 00000000 00000008 61626300" },
	{ "query_sm", build_query_sm,
	    "0000001c 00000003 00000000 0000000a 61626300 01 01 313233343500" },
	{ "query_sm_resp", build_query_sm_resp,
	    "00000027 80000003 00000000 0000000a 61626300"
	    "3236303130313132303030303030302b00 02 00" },
	{ "cancel_sm", build_cancel_sm,
	    "0000002d 00000008 00000000 0000000b 00 61626300"
	    "01 01 313233343500 01 01 3836313338303031333830303000" },
	{ "cancel_sm_resp", build_cancel_sm_resp,
	    "00000010 80000008 00000000 0000000b" },
	{ "replace_sm", build_replace_sm,
	    "0000002e 00000007 00000000 0000000c 61626300 00 00 00 | 00"
	    "| 30303030303130303030303030303052 00 | 00 00 | 02 6869" },
	{ "replace_sm_resp", build_replace_sm_resp,
	    "00000010 80000007 00000000 0000000c" },
	{ "enquire_link", build_enquire_link,
	    "00000010 00000015 00000000 0000000d" },
	{ "enquire_link_resp", build_enquire_link_resp,
	    "00000010 80000015 00000000 0000000d" },
	{ "alert_notification", build_alert_notification,
	    "0000002d 00000102 00000000 0000000e"
	    "01 01 3836313338303031333830303000 00 01 313233343500"
	    "0422 0001 00" },
};
#define NVECTORS	(sizeof(vectors) / sizeof(vectors[0]))

/* Encode the built PDU byte-exactly, decode the spec's octets, round-trip. */
static void
test_vector(void **state)
{
	const struct vector	*v = *state;
	struct smpp_pdu		 built, dec, dec2;
	uint8_t			 want[BUFSZ], got[BUFSZ];
	size_t			 wantlen, gotlen, i;

	v->build(&built);
	wantlen = unhex(v->hex, want, sizeof(want));
	assert_int_equal(smpp_pdu_encode(&built, got, sizeof(got), &gotlen), 0);
	if (gotlen != wantlen || memcmp(got, want, wantlen) != 0) {
		for (i = 0; i < gotlen; i++)
			fprintf(stderr, "%02x%s", got[i],
			    i % 16 == 15 ? "\n" : " ");
		fprintf(stderr, "\n");
	}
	assert_int_equal(gotlen, wantlen);
	assert_memory_equal(got, want, wantlen);

	assert_int_equal(smpp_pdu_decode(&dec, want, wantlen,
	    SMPP_PDU_MAX_DEFAULT), ESME_ROK);
	assert_int_equal(dec.command_length, wantlen);
	assert_true(smpp_pdu_equal(&dec, &built));
	assert_int_equal(smpp_pdu_reply_id(&dec, ESME_ROK),
	    smpp_cmd_resp(dec.command_id));

	/* decode(encode(decode(x))) == decode(x), encode(decode(x)) == x */
	assert_int_equal(smpp_pdu_encode(&dec, got, sizeof(got), &gotlen), 0);
	assert_int_equal(gotlen, wantlen);
	assert_memory_equal(got, want, wantlen);
	assert_int_equal(smpp_pdu_decode(&dec2, got, gotlen, gotlen), ESME_ROK);
	assert_true(smpp_pdu_equal(&dec, &dec2));

	/* every shorter buffer fails without writing past its end */
	for (i = 0; i < wantlen; i++) {
		memset(got, 0xa5, sizeof(got));
		assert_int_equal(smpp_pdu_encode(&built, got, i, &gotlen), -1);
		assert_int_equal(got[i], 0xa5);
	}
	/* a max below command_length is a header defect */
	assert_int_equal(smpp_pdu_decode(&dec, want, wantlen, wantlen - 1),
	    ESME_RINVCMDLEN);
	assert_int_equal(smpp_pdu_reply_id(&dec, ESME_RINVCMDLEN),
	    SMPP_generic_nack);
}

/* Every prefix of every vector: no crash, a status the table names. */
static void
test_vector_prefixes(void **state)
{
	struct smpp_pdu	pdu;
	uint8_t		buf[BUFSZ];
	size_t		i, n, len;
	uint32_t	st;

	for (i = 0; i < NVECTORS; i++) {
		len = unhex(vectors[i].hex, buf, sizeof(buf));
		for (n = 0; n < len; n++) {
			if (n >= 4)
				setlen(buf, n);
			st = smpp_pdu_decode(&pdu, buf, n, BUFSZ);
			assert_string_not_equal(smpp_strstatus(st), "unknown");
			if (n < SMPP_HDR_LEN)
				assert_int_equal(st, ESME_RINVCMDLEN);
		}
	}
}

#define SUBMIT_HEAD	"00000000 00000004 00000000 00000021"
#define SUBMIT_ADDRS	"00 00 00 313233343500"				\
			"01 01 3836313338303031333830303000"
#define SUBMIT_TAIL	"00 00 00 00 00 01 00 08 00"
#define DELIVER_HEAD	"00000000 00000005 00000000 00000022"
#define TWENTY_ONE	"313233343536373839303132333435363738393031"

static const struct bad bads[] = {
	{ "truncated header", "00000010 00000015 0000", 0, 0,
	    ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "empty buffer", "", 0, 0, ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "command_length < 16", "0000000c 00000015 00000000 00000001", 0, 0,
	    ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "command_length 0", "00000000 00000015 00000000 00000001", 0, 0,
	    ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "command_length > max", "00000018 00000015 00000000 00000001"
	    "0000 0000 0000 0000", 0, 20,
	    ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "command_length beyond the octets", "00000020 00000015 00000000"
	    "00000001", 0, 0, ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "command_length 0xffffffff", "ffffffff 00000015 00000000 00000001",
	    0, 0, ESME_RINVCMDLEN, SMPP_generic_nack },
	{ "unknown command_id", "00000010 00000099 00000000 00000001", 0, 0,
	    ESME_RINVCMDID, SMPP_generic_nack },
	{ "unknown response command_id", "00000010 80000099 00000000 00000001",
	    0, 0, ESME_RINVCMDID, SMPP_generic_nack },
	{ "submit_multi is not ours", "00000010 00000021 00000000 00000001",
	    0, 0, ESME_RINVCMDID, SMPP_generic_nack },
	{ "zero-length submit_sm body", SUBMIT_HEAD, 1, 0,
	    ESME_RINVCMDLEN, SMPP_submit_sm_resp },
	{ "zero-length bind_transceiver body",
	    "00000010 00000009 00000000 00000001", 0, 0,
	    ESME_RINVCMDLEN, SMPP_bind_transceiver_resp },
	{ "submit_sm cut after the addresses", SUBMIT_HEAD SUBMIT_ADDRS, 1, 0,
	    ESME_RINVCMDLEN, SMPP_submit_sm_resp },
	{ "unterminated source_addr", SUBMIT_HEAD "00 00 00 3132333435", 1, 0,
	    ESME_RINVSRCADR, SMPP_submit_sm_resp },
	{ "source_addr over 21", SUBMIT_HEAD "00 00 00" TWENTY_ONE "00"
	    "01 01 00" SUBMIT_TAIL, 1, 0,
	    ESME_RINVSRCADR, SMPP_submit_sm_resp },
	{ "destination_addr over 21", SUBMIT_HEAD "00 00 00 00 01 01"
	    TWENTY_ONE "00" SUBMIT_TAIL, 1, 0,
	    ESME_RINVDSTADR, SMPP_submit_sm_resp },
	{ "service_type over 6", SUBMIT_HEAD "31323334353600", 1, 0,
	    ESME_RINVSERTYP, SMPP_submit_sm_resp },
	{ "system_id over 16", "00000000 00000009 00000000 00000001"
	    "3132333435363738393031323334353600 00 00 34 00 00 00", 1, 0,
	    ESME_RINVSYSID, SMPP_bind_transceiver_resp },
	{ "password over 9", "00000000 00000009 00000000 00000001"
	    "00 31323334353637383900 00 34 00 00 00", 1, 0,
	    ESME_RINVPASWD, SMPP_bind_transceiver_resp },
	{ "system_type over 13", "00000000 00000002 00000000 00000001"
	    "00 00 3132333435363738393031323300 34 00 00 00", 1, 0,
	    ESME_RINVSYSTYP, SMPP_bind_transmitter_resp },
	{ "message_id over 65", "00000000 00000003 00000000 00000001"
	    TWENTY_ONE TWENTY_ONE TWENTY_ONE "3132333400 00 00 00", 1, 0,
	    ESME_RINVMSGID, SMPP_query_sm_resp },
	{ "schedule_delivery_time too short", SUBMIT_HEAD SUBMIT_ADDRS
	    "00 00 00 3236303100 00 01 00 08 00 00", 1, 0,
	    ESME_RINVSCHED, SMPP_submit_sm_resp },
	{ "validity_period with a bad last char", SUBMIT_HEAD SUBMIT_ADDRS
	    "00 00 00 00 30303030303130303030303030303058 00 01 00 08 00 00",
	    1, 0, ESME_RINVEXPIRY, SMPP_submit_sm_resp },
	{ "sm_length beyond body", SUBMIT_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "05 4f60597d", 1, 0, ESME_RINVMSGLEN, SMPP_submit_sm_resp },
	{ "sm_length 255, body 1", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "ff 41", 1, 0, ESME_RINVMSGLEN, SMPP_deliver_sm_resp },
	{ "TLV length beyond PDU", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "00 0424 0010 4f60597d", 1, 0,
	    ESME_RINVOPTPARSTREAM, SMPP_deliver_sm_resp },
	{ "TLV header cut", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL "00 0424 00",
	    1, 0, ESME_RINVOPTPARSTREAM, SMPP_deliver_sm_resp },
	{ "trailing garbage", "00000012 00000015 00000000 00000001 ffff", 0,
	    0, ESME_RINVOPTPARSTREAM, SMPP_enquire_link_resp },
	{ "message_state of 2 octets", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "00 0427 0002 0002", 1, 0, ESME_RINVPARLEN, SMPP_deliver_sm_resp },
	{ "sar_msg_ref_num of 1 octet", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "00 020c 0001 01", 1, 0, ESME_RINVPARLEN, SMPP_deliver_sm_resp },
	{ "network_error_code of 2 octets", DELIVER_HEAD SUBMIT_ADDRS
	    SUBMIT_TAIL "00 0423 0002 0300", 1, 0,
	    ESME_RINVPARLEN, SMPP_deliver_sm_resp },
	{ "receipted_message_id over 65", DELIVER_HEAD SUBMIT_ADDRS
	    SUBMIT_TAIL "00 001e 0042" TWENTY_ONE TWENTY_ONE TWENTY_ONE
	    "3132" "00", 1, 0, ESME_RINVPARLEN, SMPP_deliver_sm_resp },
	{ "receipted_message_id without NUL", DELIVER_HEAD SUBMIT_ADDRS
	    SUBMIT_TAIL "00 001e 0003 616263", 1, 0,
	    ESME_RINVOPTPARAMVAL, SMPP_deliver_sm_resp },
	{ "receipted_message_id with inner NUL", DELIVER_HEAD SUBMIT_ADDRS
	    SUBMIT_TAIL "00 001e 0004 61006300", 1, 0,
	    ESME_RINVOPTPARAMVAL, SMPP_deliver_sm_resp },
	{ "sar TLVs incomplete", DELIVER_HEAD SUBMIT_ADDRS SUBMIT_TAIL
	    "00 020c 0002 0001 020e 0001 02", 1, 0,
	    ESME_RMISSINGOPTPARAM, SMPP_deliver_sm_resp },
	{ "submit_sm esm_class 0x04", SUBMIT_HEAD SUBMIT_ADDRS
	    "04 00 00 00 00 01 00 08 00 00", 1, 0,
	    ESME_RINVESMCLASS, SMPP_submit_sm_resp },
	{ "deliver_sm esm_class 0x3c", DELIVER_HEAD SUBMIT_ADDRS
	    "3c 00 00 00 00 01 00 08 00 00", 1, 0,
	    ESME_RINVESMCLASS, SMPP_deliver_sm_resp },
	{ "submit_sm_resp OK without body",
	    "00000010 80000004 00000000 00000001", 0, 0, ESME_RINVCMDLEN, 0 },
	{ "outbind with an unterminated system_id",
	    "00000000 0000000b 00000000 00000001 4142", 1, 0,
	    ESME_RINVSYSID, SMPP_generic_nack },
	{ "alert_notification cut short", "00000000 00000102 00000000"
	    "00000001 01", 1, 0, ESME_RINVCMDLEN, SMPP_generic_nack },
};
#define NBADS	(sizeof(bads) / sizeof(bads[0]))

/* Decode a defective PDU: the status and the answer it earns. */
static void
test_bad(void **state)
{
	const struct bad	*b = *state;
	struct smpp_pdu		 pdu;
	uint8_t			 buf[BUFSZ];
	size_t			 len;
	uint32_t		 st;

	len = unhex(b->hex, buf, sizeof(buf));
	if (b->fixlen)
		setlen(buf, len);
	st = smpp_pdu_decode(&pdu, buf, len, b->max ? b->max :
	    SMPP_PDU_MAX_DEFAULT);
	if (st != b->status)
		fail_msg("status %s, want %s", smpp_strstatus(st),
		    smpp_strstatus(b->status));
	assert_int_equal(smpp_pdu_reply_id(&pdu, st), b->reply);
	if (len >= SMPP_HDR_LEN)	/* the answer echoes the sequence */
		assert_int_equal(pdu.sequence_number,
		    (uint32_t)buf[12] << 24 | buf[13] << 16 | buf[14] << 8 |
		    buf[15]);
}

/* Unknown TLVs are kept, raw, in order, and go out again unchanged. */
static void
test_unknown_tlv_kept(void **state)
{
	struct smpp_pdu		 pdu;
	const struct smpp_tlv	*t;
	uint8_t			 in[BUFSZ], out[BUFSZ];
	size_t			 len, outlen;

	len = unhex("00000000 00000005 00000000 00000001" SUBMIT_ADDRS
	    SUBMIT_TAIL "00 1400 0003 616263 0427 0001 02 fffe 0000", in,
	    sizeof(in));
	setlen(in, len);
	assert_int_equal(smpp_pdu_decode(&pdu, in, len, len), ESME_ROK);
	assert_int_equal(pdu.ntlv, 3);
	assert_non_null(t = smpp_tlv_find(&pdu, 0x1400));
	assert_int_equal(t->len, 3);
	assert_memory_equal(t->val, "abc", 3);
	assert_string_equal(smpp_strtlv(0x1400), "unknown");
	assert_int_equal(pdu.tlv[2].tag, 0xfffe);
	assert_int_equal(pdu.tlv[2].len, 0);
	assert_int_equal(smpp_pdu_encode(&pdu, out, sizeof(out), &outlen), 0);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, in, len);
}

/* A 40-character UCS-2 deliver_sm: short_message points into the input. */
static void
test_deliver_ucs2_40(void **state)
{
	struct smpp_pdu	pdu, back;
	uint8_t		text[80], buf[BUFSZ];
	size_t		len, i;
	uint32_t	v;

	for (i = 0; i < 40; i++) {
		text[2 * i] = 0x4e;
		text[2 * i + 1] = (uint8_t)i;
	}
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 0x7fffffff);
	SET(pdu.u.deliver_sm.source_addr, "13800138000");
	SET(pdu.u.deliver_sm.destination_addr, "123450417");
	pdu.u.deliver_sm.data_coding = 8;
	pdu.u.deliver_sm.sm_length = sizeof(text);
	pdu.u.deliver_sm.short_message = text;
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_sar_msg_ref_num,
	    0xbeef), 0);
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_sar_total_segments,
	    2), 0);
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_sar_segment_seqnum,
	    1), 0);
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	assert_int_equal(smpp_pdu_decode(&back, buf, len, len), ESME_ROK);
	assert_true(smpp_pdu_equal(&pdu, &back));
	assert_ptr_equal(back.u.deliver_sm.short_message, buf + len - 80 - 16);
	assert_int_equal(smpp_tlv_get_int(&back, SMPP_TLV_sar_msg_ref_num, &v),
	    0);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(back.sequence_number, 0x7fffffff);
}

/* Longest legal strings pass; the encoder refuses what decode would. */
static void
test_bounds(void **state)
{
	struct smpp_pdu	pdu, back;
	uint8_t		buf[BUFSZ];
	size_t		len;

	/* FIELD-NOTES: message_id is at most 65 octets with its NUL */
	smpp_pdu_init(&pdu, SMPP_submit_sm_resp, 1);
	memset(pdu.u.submit_sm_resp.message_id, '7', 64);
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 16 + 65);
	assert_int_equal(smpp_pdu_decode(&back, buf, len, len), ESME_ROK);
	assert_int_equal(strlen(back.u.submit_sm_resp.message_id), 64);
	memset(pdu.u.submit_sm_resp.message_id, '7', 65);	/* no NUL */
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), -1);

	/* Kannel's esm_class 0x43 (store and forward, UDH) is fine */
	smpp_pdu_init(&pdu, SMPP_submit_sm, 1);
	pdu.u.submit_sm.esm_class = 0x43;
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	assert_int_equal(smpp_pdu_decode(&back, buf, len, len), ESME_ROK);
	assert_int_equal(back.u.submit_sm.esm_class, 0x43);

	/* bad time, short_message without octets, bad TLV length */
	SET(pdu.u.submit_sm.validity_period, "1");
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), -1);
	pdu.u.submit_sm.validity_period[0] = '\0';
	pdu.u.submit_sm.sm_length = 3;
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), -1);
	pdu.u.submit_sm.sm_length = 0;
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_message_state,
	    "\1\2", 2), 0);
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), -1);
	smpp_tlv_del(&pdu, SMPP_TLV_message_state);
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);

	/* an unknown command_id cannot be encoded */
	smpp_pdu_init(&pdu, 0x99, 1);
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), -1);
}

/* An error response keeps a body the sender chose to send. */
static void
test_error_resp_with_body(void **state)
{
	struct smpp_pdu	pdu, back;
	uint8_t		buf[BUFSZ];
	size_t		len;

	smpp_pdu_init(&pdu, SMPP_submit_sm_resp, 9);
	pdu.command_status = ESME_RTHROTTLED;
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, SMPP_HDR_LEN);
	assert_int_equal(smpp_pdu_decode(&back, buf, len, len), ESME_ROK);
	assert_true(smpp_pdu_equal(&pdu, &back));
	assert_int_equal(smpp_pdu_reply_id(&back, ESME_ROK), 0);

	SET(pdu.u.submit_sm_resp.message_id, "x1");
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, SMPP_HDR_LEN + 3);
	assert_int_equal(smpp_pdu_decode(&back, buf, len, len), ESME_ROK);
	assert_string_equal(back.u.submit_sm_resp.message_id, "x1");
}

static void
test_tlv_helpers(void **state)
{
	struct smpp_pdu			 pdu;
	const struct smpp_tlv_info	*ti;
	uint32_t			 v;
	int				 i;

	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_null(smpp_tlv_find(&pdu, SMPP_TLV_message_state));
	assert_int_equal(smpp_tlv_get_int(&pdu, SMPP_TLV_message_state, &v),
	    -1);
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_message_state, 256),
	    -1);
	assert_int_equal(smpp_tlv_add_int(&pdu, 0x7777, 1), -1);
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_message_payload, 1),
	    -1);
	assert_int_equal(smpp_tlv_add_int(&pdu, SMPP_TLV_qos_time_to_live,
	    0xdeadbeef), 0);
	assert_int_equal(smpp_tlv_get_int(&pdu, SMPP_TLV_qos_time_to_live,
	    &v), 0);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_its_session_info,
	    "\x05\x01", 2), 0);
	assert_int_equal(smpp_tlv_get_int(&pdu, SMPP_TLV_its_session_info, &v),
	    0);
	assert_int_equal(v, 0x0501);
	for (i = 2; i < SMPP_TLV_MAX; i++)
		assert_int_equal(smpp_tlv_add(&pdu, 0x1400, NULL, 0), 0);
	assert_int_equal(smpp_tlv_add(&pdu, 0x1400, NULL, 0), -1);
	assert_int_equal(smpp_tlv_add_cstr(&pdu, SMPP_TLV_receipted_message_id,
	    "1"), -1);
	assert_int_equal(smpp_tlv_del(&pdu, 0x1400), SMPP_TLV_MAX - 2);
	assert_int_equal(pdu.ntlv, 2);
	assert_int_equal(pdu.tlv[1].tag, SMPP_TLV_its_session_info);

	assert_non_null(ti = smpp_tlv_info(SMPP_TLV_message_payload));
	assert_string_equal(ti->name, "message_payload");
	assert_int_equal(ti->type, SMPP_TLV_OCT);
	assert_non_null(ti = smpp_tlv_info(SMPP_TLV_receipted_message_id));
	assert_int_equal(ti->type, SMPP_TLV_CSTR);
	assert_int_equal(ti->max, 65);
	assert_int_equal(SMPP_TLV_sar_msg_ref_num, 0x020c);
	assert_int_equal(SMPP_TLV_its_session_info, 0x1383);
	assert_int_equal(SMPP_TLV_ussd_service_op, 0x0501);
	assert_int_equal(SMPP_TLV_sc_interface_version, 0x0210);
	assert_string_equal(smpp_strtlv(0x0423), "network_error_code");
}

/* More TLVs than SMPP_TLV_MAX: an error, never an overflow. */
static void
test_too_many_tlvs(void **state)
{
	struct smpp_pdu	pdu;
	uint8_t		buf[BUFSZ];
	size_t		len, i;

	len = unhex("00000000 00000015 00000000 00000001", buf, sizeof(buf));
	for (i = 0; i <= SMPP_TLV_MAX; i++) {
		buf[len++] = 0x14;
		buf[len++] = 0x00;
		buf[len++] = 0x00;
		buf[len++] = 0x00;
	}
	setlen(buf, len);
	assert_int_equal(smpp_pdu_decode(&pdu, buf, len, len),
	    ESME_RINVOPTPARSTREAM);
	assert_int_equal(pdu.ntlv, SMPP_TLV_MAX);
	setlen(buf, len - 4);
	assert_int_equal(smpp_pdu_decode(&pdu, buf, len - 4, len), ESME_ROK);
}

static void
test_names(void **state)
{
	assert_string_equal(smpp_strcmd(SMPP_submit_sm), "submit_sm");
	assert_string_equal(smpp_strcmd(0x80000005), "deliver_sm_resp");
	assert_string_equal(smpp_strcmd(0x80000000), "generic_nack");
	assert_string_equal(smpp_strcmd(0x1234), "unknown");
	assert_string_equal(smpp_strstatus(0x58), "ESME_RTHROTTLED");
	assert_string_equal(smpp_strstatus(ESME_RINVOPTPARAMVAL),
	    "ESME_RINVOPTPARAMVAL");
	assert_string_equal(smpp_strstatus(0x401), "vendor");
	assert_string_equal(smpp_strstatus(0x09), "unknown");
	assert_string_equal(smpp_status_text(0x0e), "Invalid Password");
	assert_int_equal(ESME_RX_T_APPN, 0x64);
	assert_int_equal(ESME_RMSGQFUL, 0x14);
	assert_int_equal(ESME_RINVESMCLASS, 0x43);
	assert_int_equal(SMPP_data_sm, 0x103);
	assert_int_equal(SMPP_generic_nack, 0x80000000U);
}

static void
test_temporary(void **state)
{
	assert_true(smpp_status_is_temporary(ESME_RTHROTTLED));
	assert_true(smpp_status_is_temporary(ESME_RMSGQFUL));
	assert_true(smpp_status_is_temporary(ESME_RX_T_APPN));
	assert_true(smpp_status_is_temporary(ESME_RSYSERR));
	assert_false(smpp_status_is_temporary(ESME_ROK));
	assert_false(smpp_status_is_temporary(ESME_RINVDSTADR));
	assert_false(smpp_status_is_temporary(ESME_RX_P_APPN));
	assert_false(smpp_status_is_temporary(ESME_RX_R_APPN));
}

static void
test_cmd_resp(void **state)
{
	assert_int_equal(smpp_cmd_resp(SMPP_submit_sm), SMPP_submit_sm_resp);
	assert_int_equal(smpp_cmd_resp(SMPP_enquire_link),
	    SMPP_enquire_link_resp);
	assert_int_equal(smpp_cmd_resp(SMPP_outbind), 0);
	assert_int_equal(smpp_cmd_resp(SMPP_alert_notification), 0);
	assert_int_equal(smpp_cmd_resp(SMPP_submit_sm_resp), 0);
	assert_int_equal(smpp_cmd_resp(0x99), 0);
	assert_true(smpp_cmd_is_resp(SMPP_generic_nack));
	assert_false(smpp_cmd_is_resp(SMPP_unbind));
	assert_true(smpp_cmd_known(SMPP_alert_notification));
	assert_false(smpp_cmd_known(0x80000102));
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_vector_prefixes),
		cmocka_unit_test(test_unknown_tlv_kept),
		cmocka_unit_test(test_deliver_ucs2_40),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_error_resp_with_body),
		cmocka_unit_test(test_tlv_helpers),
		cmocka_unit_test(test_too_many_tlvs),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_temporary),
		cmocka_unit_test(test_cmd_resp),
	};
	static struct CMUnitTest tests[NVECTORS + NBADS +
	    sizeof(fixed) / sizeof(fixed[0])];
	static char	 names[NVECTORS + NBADS][96];
	size_t		 i, n = 0;

	/* one named case per PDU vector and per defect */
	for (i = 0; i < NVECTORS; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "vector %s",
		    vectors[i].name);
		tests[n].name = names[n];
		tests[n].test_func = test_vector;
		tests[n].initial_state = (void *)&vectors[i];
	}
	for (i = 0; i < NBADS; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "malformed %s",
		    bads[i].name);
		tests[n].name = names[n];
		tests[n].test_func = test_bad;
		tests[n].initial_state = (void *)&bads[i];
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("test_pdu", tests, n, NULL, NULL);
}
