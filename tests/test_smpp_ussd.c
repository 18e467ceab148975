/*
 * Unit tests for smpp_ussd.c: the USSD TLVs read from deliver_sm octets as
 * a gateway sends them, written into submit_sm and read back, and every
 * defect (wrong length, truncated, oversized, repeated, out of range)
 * refused rather than guessed.
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
#include "smpp_ussd.h"

/*
 * deliver_sm from 13800130001 to *12345#, service_type "USSD", text "*12345#"
 * (GSM 7-bit, data_coding 0), then the TLV octets tlv[0..tlvlen).
 */
static size_t
deliver(uint8_t *buf, size_t bufsz, const char *service_type,
    const uint8_t *tlv, size_t tlvlen)
{
	static const char	 text[] = "*12345#";
	size_t			 n = 16;

#define PUT(s)	do { size_t l_ = strlen(s) + 1; memcpy(buf + n, s, l_); \
		n += l_; } while (0)
	memset(buf, 0, bufsz);
	buf[7] = 0x05;				/* deliver_sm */
	buf[15] = 0x01;				/* sequence_number 1 */
	PUT(service_type);
	buf[n++] = 1; buf[n++] = 1;		/* source ton, npi */
	PUT("13800130001");
	buf[n++] = 0; buf[n++] = 0;
	PUT("*12345#");
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0;	/* esm, pid, prio */
	buf[n++] = 0; buf[n++] = 0;		/* schedule, validity */
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 0;
	buf[n++] = (uint8_t)(sizeof(text) - 1);
	memcpy(buf + n, text, sizeof(text) - 1);
	n += sizeof(text) - 1;
	if (tlvlen > 0)
		memcpy(buf + n, tlv, tlvlen);
	n += tlvlen;
#undef PUT
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	return n;
}

/* Decode a deliver_sm with these TLVs; the decoder's status. */
static uint32_t
decode(struct smpp_pdu *pdu, uint8_t *buf, const char *st,
    const uint8_t *tlv, size_t tlvlen)
{
	size_t	n;

	n = deliver(buf, 512, st, tlv, tlvlen);
	return smpp_pdu_decode(pdu, buf, n, n);
}

/* A dial: PSSR indication, dialog 0x1234 not ending, no reference. */
static void
test_get_dial(void **state)
{
	static const uint8_t	tlv[] = { 0x05, 0x01, 0x00, 0x01, 0x01,
				    0x13, 0x83, 0x00, 0x02, 0x24, 0x68 };
	struct smpp_pdu		pdu;
	struct smpp_ussd	u;
	uint8_t			buf[512];

	assert_int_equal(decode(&pdu, buf, "USSD", tlv, sizeof(tlv)),
	    ESME_ROK);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 1);
	assert_int_equal(u.op, SMPP_USSD_PSSR_IND);
	assert_int_equal(u.dialog, 0x1234);
	assert_int_equal(u.end, 0);
	assert_int_equal(u.umr, -1);
	assert_int_equal(u.service_type, 1);
}

/* The end bit, a user_message_reference, no service_type. */
static void
test_get_end_umr(void **state)
{
	static const uint8_t	tlv[] = { 0x13, 0x83, 0x00, 0x02, 0xff, 0xff,
				    0x02, 0x04, 0x00, 0x02, 0xbe, 0xef,
				    0x05, 0x01, 0x00, 0x01, 0x81 };
	struct smpp_pdu		pdu;
	struct smpp_ussd	u;
	uint8_t			buf[512];

	assert_int_equal(decode(&pdu, buf, "", tlv, sizeof(tlv)), ESME_ROK);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 1);
	assert_int_equal(u.op, 0x81);
	assert_int_equal(u.dialog, SMPP_USSD_DIALOG_MAX);
	assert_int_equal(u.end, 1);
	assert_int_equal(u.umr, 0xbeef);
	assert_int_equal(u.service_type, 0);
}

/* service_type "USSD" alone is USSD; no TLV and another type is not. */
static void
test_get_service_type(void **state)
{
	struct smpp_pdu		pdu;
	struct smpp_ussd	u;
	uint8_t			buf[512];

	assert_int_equal(decode(&pdu, buf, "USSD", NULL, 0), ESME_ROK);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 1);
	assert_int_equal(u.op, -1);
	assert_int_equal(u.dialog, -1);
	assert_int_equal(decode(&pdu, buf, "CMT", NULL, 0), ESME_ROK);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 0);
	assert_int_equal(decode(&pdu, buf, "ussd", NULL, 0), ESME_ROK);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 0);
	smpp_pdu_init(&pdu, SMPP_enquire_link, 1);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 0);
}

/* Wrong lengths, truncation and oversize: the decoder refuses the PDU. */
static void
test_decode_malformed(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 tlv[12];
		size_t		 len;
		uint32_t	 status;
	} bad[] = {
		{ "op empty", { 0x05, 0x01, 0x00, 0x00 }, 4, ESME_RINVPARLEN },
		{ "op 2 octets", { 0x05, 0x01, 0x00, 0x02, 0x01, 0x01 }, 6,
		    ESME_RINVPARLEN },
		{ "session 1 octet", { 0x13, 0x83, 0x00, 0x01, 0x07 }, 5,
		    ESME_RINVPARLEN },
		{ "session 3 octets", { 0x13, 0x83, 0x00, 0x03, 0, 7, 1 }, 7,
		    ESME_RINVPARLEN },
		{ "umr 4 octets", { 0x02, 0x04, 0x00, 0x04, 0, 0, 0, 1 }, 8,
		    ESME_RINVPARLEN },
		{ "session truncated", { 0x13, 0x83, 0x00, 0x02, 0x00 }, 5,
		    ESME_RINVOPTPARSTREAM },
		{ "op header cut", { 0x05, 0x01, 0x00 }, 3,
		    ESME_RINVOPTPARSTREAM },
		{ "oversized length", { 0x05, 0x01, 0xff, 0xff, 0x01 }, 5,
		    ESME_RINVOPTPARSTREAM },
	};
	struct smpp_pdu	pdu;
	uint8_t		buf[512];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode(&pdu, buf, "USSD", bad[i].tlv, bad[i].len) !=
		    bad[i].status)
			fail_msg("%s: status 0x%x", bad[i].name,
			    decode(&pdu, buf, "USSD", bad[i].tlv, bad[i].len));
	}
}

/* Built in memory past the decoder: wrong lengths and disagreeing repeats. */
static void
test_get_malformed_memory(void **state)
{
	static const uint8_t	one = 1, two[2] = { 0, 2 }, three[3] = { 0 };
	static const uint8_t	other[2] = { 0, 4 };
	struct smpp_pdu		pdu;
	struct smpp_ussd	u;

	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_ussd_service_op, two, 2),
	    0);
	assert_int_equal(smpp_ussd_get(&pdu, &u), -1);

	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_its_session_info, three,
	    3), 0);
	assert_int_equal(smpp_ussd_get(&pdu, &u), -1);

	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_user_message_reference,
	    &one, 1), 0);
	assert_int_equal(smpp_ussd_get(&pdu, &u), -1);

	/* the same value twice is one value; two values are a defect */
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_its_session_info, two,
	    2), 0);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_its_session_info, two,
	    2), 0);
	assert_int_equal(smpp_ussd_get(&pdu, &u), 1);
	assert_int_equal(u.dialog, 1);
	assert_int_equal(smpp_tlv_add(&pdu, SMPP_TLV_its_session_info, other,
	    2), 0);
	assert_int_equal(smpp_ussd_get(&pdu, &u), -1);
}

/* Written into a submit_sm, encoded, decoded: the same values come back. */
static void
test_set_roundtrip(void **state)
{
	static const int	cases[][4] = {
		/* op, dialog, end, umr */
		{ SMPP_USSD_USSR_REQ, 0x1234, 0, -1 },
		{ SMPP_USSD_PSSR_RESP, 0x1234, 1, -1 },
		{ SMPP_USSD_USSR_REQ, -1, 0, 0xbeef },
		{ 0x11, SMPP_USSD_DIALOG_MAX, 1, 0 },
		{ 0, 0, 0, -1 },
	};
	struct smpp_pdu		pdu, back;
	struct smpp_ussd	u, r;
	uint8_t			buf[512];
	size_t			i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		smpp_pdu_init(&pdu, SMPP_submit_sm, 7);
		strlcpy(pdu.u.submit_sm.destination_addr, "13800130001",
		    sizeof(pdu.u.submit_sm.destination_addr));
		/* a TLV already there is replaced, not doubled */
		assert_int_equal(smpp_tlv_add_int(&pdu,
		    SMPP_TLV_user_message_reference, 9), 0);
		smpp_ussd_init(&u);
		u.op = cases[i][0];
		u.dialog = cases[i][1];
		u.end = cases[i][2];
		u.umr = cases[i][3];
		assert_int_equal(smpp_ussd_set(&pdu, &u, 1), 0);
		assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len),
		    0);
		assert_int_equal(smpp_pdu_decode(&back, buf, len, len),
		    ESME_ROK);
		assert_int_equal(smpp_ussd_get(&back, &r), 1);
		assert_int_equal(r.op, u.op);
		assert_int_equal(r.dialog, u.dialog);
		assert_int_equal(r.end, u.dialog >= 0 ? u.end : 0);
		assert_int_equal(r.umr, u.umr);
		assert_int_equal(r.service_type, 1);
	}
	/* the octets of its_session_info: dialog 0x1234, end: 0x24 0x69 */
	smpp_pdu_init(&pdu, SMPP_submit_sm, 7);
	smpp_ussd_init(&u);
	u.op = SMPP_USSD_PSSR_RESP;
	u.dialog = 0x1234;
	u.end = 1;
	assert_int_equal(smpp_ussd_set(&pdu, &u, 0), 0);
	assert_string_equal(pdu.u.submit_sm.service_type, "");
	assert_int_equal(pdu.ntlv, 2);
	assert_int_equal(pdu.tlv[1].val[0], 0x24);
	assert_int_equal(pdu.tlv[1].val[1], 0x69);
	assert_int_equal(pdu.tlv[0].val[0], 0x11);
}

/* Values out of range and PDUs that are not submit_sm are refused. */
static void
test_set_bad(void **state)
{
	struct smpp_pdu		pdu;
	struct smpp_ussd	u;
	size_t			i;

	smpp_pdu_init(&pdu, SMPP_submit_sm, 1);
	smpp_ussd_init(&u);
	u.op = 256;
	assert_int_equal(smpp_ussd_set(&pdu, &u, 1), -1);
	u.op = 2;
	u.dialog = SMPP_USSD_DIALOG_MAX + 1;
	assert_int_equal(smpp_ussd_set(&pdu, &u, 1), -1);
	u.dialog = 1;
	u.umr = 0x10000;
	assert_int_equal(smpp_ussd_set(&pdu, &u, 1), -1);
	u.umr = 1;
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 1);
	assert_int_equal(smpp_ussd_set(&pdu, &u, 1), -1);
	/* a full TLV list: -1, never an overflow */
	smpp_pdu_init(&pdu, SMPP_submit_sm, 1);
	for (i = 0; i < SMPP_TLV_MAX; i++)
		assert_int_equal(smpp_tlv_add_int(&pdu,
		    SMPP_TLV_sar_msg_ref_num, 1), 0);
	assert_int_equal(smpp_ussd_set(&pdu, &u, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_dial),
		cmocka_unit_test(test_get_end_umr),
		cmocka_unit_test(test_get_service_type),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_get_malformed_memory),
		cmocka_unit_test(test_set_roundtrip),
		cmocka_unit_test(test_set_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
