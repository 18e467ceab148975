/*
 * Unit tests for dlr.c: receipt text variants (case, spaces, missing
 * fields, 12-digit dates, garbage), TLVs over text, one state per stat
 * word, and message ids matched by value (FIELD-NOTES items 2 and 9).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "dlr.h"

static const struct dlr_tlv	notlv = { NULL, -1, -1, -1 };

static int
parse(const char *s, struct dlr *d)
{
	return dlr_parse(s, strlen(s), &notlv, d);
}

static void
test_standard(void **state)
{
	struct dlr	d;

	assert_int_equal(parse("id:0123456789 sub:001 dlvrd:001 submit "
	    "date:2611261922 done date:2611261923 stat:DELIVRD err:000 "
	    "text:Hello world", &d), 0);
	assert_string_equal(d.id, "0123456789");
	assert_string_equal(d.text_id, "0123456789");
	assert_int_equal(d.sub, 1);
	assert_int_equal(d.dlvrd, 1);
	assert_int_equal(d.submit_date.year, 2026);
	assert_int_equal(d.submit_date.mon, 11);
	assert_int_equal(d.submit_date.day, 26);
	assert_int_equal(d.submit_date.hour, 19);
	assert_int_equal(d.submit_date.min, 22);
	assert_int_equal(d.done_date.min, 23);
	assert_int_equal(d.state, DLR_DELIVERED);
	assert_true(d.has_state);
	assert_true(d.final);
	assert_int_equal(d.err, 0);
	assert_string_equal(d.stat, "DELIVRD");
	assert_string_equal(d.text, "Hello world");
	assert_true(d.is_text);
}

/* Case, extra spaces, 12-digit dates, fields out of order. */
static void
test_tolerant(void **state)
{
	struct dlr	d;

	assert_int_equal(parse("  ID:abc123   Sub:1  DLVRD:1  Submit   "
	    "Date:261126192205 DONE DATE : 261126192359  Stat: undeliv "
	    "Err:5\r\n", &d), 0);
	assert_string_equal(d.id, "abc123");
	assert_int_equal(d.submit_date.sec, 5);
	assert_int_equal(d.done_date.sec, 59);
	assert_int_equal(d.state, DLR_UNDELIVERABLE);
	assert_int_equal(d.err, 5);
	assert_int_equal(d.sub, 1);
	assert_string_equal(d.text, "");
	assert_int_equal(parse("stat:EXPIRED id:77", &d), 0);
	assert_string_equal(d.id, "77");
	assert_int_equal(d.state, DLR_EXPIRED);
}

/* No stat: parsed, but no state and not final. */
static void
test_missing_fields(void **state)
{
	struct dlr	d;

	assert_int_equal(parse("id:42 sub:001 text:x", &d), 0);
	assert_false(d.has_state);
	assert_false(d.final);
	assert_int_equal(d.state, DLR_UNKNOWN);
	assert_int_equal(d.err, -1);
	assert_int_equal(d.dlvrd, -1);
	assert_int_equal(d.submit_date.year, 0);
	/* empty values before the next key */
	assert_int_equal(parse("id:42 stat: err:3 submit date: done date:x",
	    &d), 0);
	assert_false(d.has_state);
	assert_int_equal(d.err, 3);
	assert_int_equal(d.done_date.year, 0);
	/* bad dates are dropped, not guessed */
	assert_int_equal(parse("id:1 submit date:2613321999 done date:26112",
	    &d), 0);
	assert_int_equal(d.submit_date.year, 0);
	assert_int_equal(d.done_date.year, 0);
	/* no id anywhere: not usable */
	assert_int_equal(parse("stat:DELIVRD err:000", &d), -1);
	assert_int_equal(d.state, DLR_DELIVERED);
}

static void
test_garbage(void **state)
{
	const char	bin[] = { 'i', 'd', ':', '1', 0, 's', 't', 'a', 't',
	    ':', 'X' };
	struct dlr	d;
	char		longid[200];

	assert_int_equal(parse("", &d), -1);
	assert_int_equal(parse("hello, this is not a receipt", &d), -1);
	assert_false(d.is_text);
	assert_int_equal(parse("::: : id stat id", &d), -1);
	assert_int_equal(dlr_parse(NULL, 0, NULL, &d), -1);
	/* a NUL ends the text */
	assert_int_equal(dlr_parse(bin, sizeof(bin), &notlv, &d), 0);
	assert_string_equal(d.id, "1");
	assert_false(d.has_state);
	/* an id longer than 65 is no id */
	memset(longid, '7', sizeof(longid));
	memcpy(longid, "id:", 3);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(parse(longid, &d), -1);
	assert_int_equal(parse("id:9 stat:BOGUS err:abc", &d), 0);
	assert_false(d.has_state);
	assert_int_equal(d.err, -1);
	assert_string_equal(d.stat, "BOGUS");
	assert_int_equal(parse("id:9 stat:\x01\xff", &d), 0);
	assert_string_equal(d.stat, "??");
}

/* Words in text: are the sender's, never fields. */
static void
test_text_not_parsed(void **state)
{
	struct dlr	d;

	assert_int_equal(parse("id:5 stat:DELIVRD text:stat:UNDELIV id:6",
	    &d), 0);
	assert_string_equal(d.id, "5");
	assert_int_equal(d.state, DLR_DELIVERED);
	assert_string_equal(d.text, "stat:UNDELIV id:6");
	assert_int_equal(parse("id:5 text:\x80\x81 stat:x", &d), 0);
	assert_string_equal(d.text, "?? stat:x");
}

/* FIELD-NOTES 9: every stat word has one state; err never changes it. */
static void
test_stat_words(void **state)
{
	static const struct {
		const char	*w;
		enum dlr_state	 st;
		int		 final;
	} t[] = {
		{ "DELIVRD", DLR_DELIVERED, 1 },
		{ "delivered", DLR_DELIVERED, 1 },
		{ "ACCEPTD", DLR_ACCEPTED, 0 }, { "ENROUTE", DLR_ENROUTE, 0 },
		{ "EXPIRED", DLR_EXPIRED, 1 }, { "DELETED", DLR_DELETED, 1 },
		{ "UNDELIV", DLR_UNDELIVERABLE, 1 },
		{ "UNKNOWN", DLR_UNKNOWN, 1 }, { "REJECTD", DLR_REJECTED, 1 },
		{ "Rejected", DLR_REJECTED, 1 }, { "2", DLR_DELIVERED, 1 },
		{ "5", DLR_UNDELIVERABLE, 1 },
		{ "FAILED", DLR_UNDELIVERABLE, 1 }
	};
	struct dlr	d;
	char		buf[64];
	size_t		i;
	enum dlr_state	st;

	for (i = 0; i < nitems(t); i++) {
		snprintf(buf, sizeof(buf), "id:1 stat:%s err:002", t[i].w);
		assert_int_equal(parse(buf, &d), 0);
		assert_int_equal(d.state, t[i].st);
		assert_int_equal(d.final, t[i].final);
		assert_int_equal(d.err, 2);
	}
	assert_int_equal(dlr_stat_state("DELIVRDX", 8, &st), -1);
	assert_int_equal(dlr_stat_state("9", 1, &st), -1);
	assert_int_equal(dlr_stat_state("", 0, &st), -1);
	assert_string_equal(dlr_strstate(DLR_UNDELIVERABLE), "UNDELIVERABLE");
}

/* The TLVs win over the text; network_error_code fills a missing err. */
static void
test_tlvs(void **state)
{
	struct dlr_tlv	t = { "0A1B2C", 5, 3, 1234 };
	struct dlr	d;

	assert_int_equal(dlr_parse("id:662316 stat:DELIVRD", 22, &t, &d), 0);
	assert_string_equal(d.id, "0A1B2C");
	assert_string_equal(d.text_id, "662316");
	assert_int_equal(d.state, DLR_UNDELIVERABLE);
	assert_true(d.final);
	assert_int_equal(d.err, 1234);
	assert_int_equal(d.network_type, 3);
	/* TLVs alone (a data_sm or a receipt without text) */
	t.message_state = 1;
	assert_int_equal(dlr_parse(NULL, 0, &t, &d), 0);
	assert_int_equal(d.state, DLR_ENROUTE);
	assert_false(d.final);
	assert_false(d.is_text);
	/* out-of-range state and empty id are ignored */
	t.receipted_message_id = "";
	t.message_state = 42;
	assert_int_equal(dlr_parse("id:7 stat:ACCEPTD err:9", 23, &t, &d), 0);
	assert_string_equal(d.id, "7");
	assert_int_equal(d.state, DLR_ACCEPTED);
	assert_int_equal(d.err, 9);
}

/* FIELD-NOTES 2: hex in submit_sm_resp, decimal in the receipt (Vonage). */
static void
test_id_hex_dec(void **state)
{
	assert_true(dlr_id_match("1A2B3C4D5E6F7081", "1885667171979194497",
	    DLR_ID_HEX_DEC));
	assert_true(dlr_id_match("0B0000001B2A3C4D", "792633534872960077",
	    DLR_ID_HEX_DEC));
	assert_true(dlr_id_match("0b0000001b2a3c4d", "0792633534872960077",
	    DLR_ID_AUTO));
	assert_false(dlr_id_match("0B0000001B2A3C4D", "792633534872960078",
	    DLR_ID_HEX_DEC));
	assert_true(dlr_id_match("12345", "3039", DLR_ID_DEC_HEX));
	assert_false(dlr_id_match("1A2B3C4D5E6F7081", "1885667171979194497",
	    DLR_ID_STRING));
	/* not a number in the declared base: no match, no crash */
	assert_false(dlr_id_match("xyz", "123", DLR_ID_HEX_DEC));
	assert_false(dlr_id_match("1F", "12a", DLR_ID_HEX_DEC));
}

static void
test_id_zeros_case(void **state)
{
	assert_true(dlr_id_match("000123", "123", DLR_ID_DEC));
	assert_true(dlr_id_match("000123", "123", DLR_ID_AUTO));
	assert_true(dlr_id_match("0x00ABCDEF", "abcdef", DLR_ID_HEX));
	assert_true(dlr_id_match("abcdef", "ABCDEF", DLR_ID_STRING));
	assert_true(dlr_id_match("abcdef", "00ABCDEF", DLR_ID_AUTO));
	assert_true(dlr_id_match(" 42 ", "42", DLR_ID_STRING));
	assert_true(dlr_id_match("0", "000", DLR_ID_DEC));
	/* as strings, leading zeros are significant (Kannel's default) */
	assert_false(dlr_id_match("000123", "123", DLR_ID_STRING));
	assert_false(dlr_id_match("", "", DLR_ID_STRING));
	assert_false(dlr_id_match(NULL, "1", DLR_ID_AUTO));
}

/* 64-bit values and beyond, and UUIDs compared after case folding. */
static void
test_id_big_and_uuid(void **state)
{
	char	k[2][DLR_KEY_MAX];

	assert_true(dlr_id_match("FFFFFFFFFFFFFFFF", "18446744073709551615",
	    DLR_ID_HEX_DEC));
	assert_true(dlr_id_match("100000000000000000",
	    "0000295147905179352825856", DLR_ID_HEX_DEC));
	assert_true(dlr_id_match("ffffffffffffffffffffffffffffffff",
	    "340282366920938463463374607431768211455", DLR_ID_AUTO));
	assert_true(dlr_id_match("550e8400-e29b-41d4-a716-446655440000",
	    "550E8400-E29B-41D4-A716-446655440000", DLR_ID_STRING));
	assert_true(dlr_id_match("550e8400-e29b-41d4-a716-446655440000",
	    "550E8400-E29B-41D4-A716-446655440000", DLR_ID_AUTO));
	assert_false(dlr_id_match("550e8400-e29b-41d4-a716-446655440000",
	    "550E8400-E29B-41D4-A716-446655440001", DLR_ID_AUTO));
	assert_false(dlr_id_match("550e8400-e29b-41d4-a716-446655440000",
	    "550e8400-e29b-41d4-a716-446655440000", DLR_ID_HEX));
	/* keys for the store: one per submit id, one or two per receipt */
	assert_int_equal(dlr_key_submit("00FF", DLR_ID_HEX_DEC, k[0],
	    sizeof(k[0])), 0);
	assert_string_equal(k[0], "ff");
	assert_int_equal(dlr_key_receipt("255", DLR_ID_AUTO, k), 2);
	assert_string_equal(k[0], "255");
	assert_string_equal(k[1], "ff");
	assert_int_equal(dlr_key_receipt("0a", DLR_ID_AUTO, k), 1);
	assert_int_equal(dlr_key_receipt("", DLR_ID_DEC, k), -1);
	assert_int_equal(dlr_id_key("12", 7, k[0], sizeof(k[0])), -1);
	assert_int_equal(dlr_id_key("123456", 16, k[0], 4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_text_not_parsed),
		cmocka_unit_test(test_stat_words),
		cmocka_unit_test(test_tlvs),
		cmocka_unit_test(test_id_hex_dec),
		cmocka_unit_test(test_id_zeros_case),
		cmocka_unit_test(test_id_big_and_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
