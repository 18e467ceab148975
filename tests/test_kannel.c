/*
 * Unit tests for kannel.c's pure parsers and kannel_send.c's answer
 * classifier: percent-decoding, smsbox query strings, text charsets,
 * citizen texts and delivery reports, sendsms answers; each with
 * malformed, truncated, oversized and hostile input.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../src/inbound.h"
#include "../src/kannel.h"
#include "../src/store.h"

static struct kannel_fields	f;
static struct inbound_msg	m;
static char			why[160];
static char			out[KANNEL_TEXT_MAX * 3 + 1];
static char			q[4 * KANNEL_TEXT_MAX];

static int
parse(const char *query)
{
	why[0] = '\0';
	return kannel_query_parse(query, &f, why, sizeof(why));
}

/* Decode f's text after a successful parse of query. */
static int
utf8_of(const char *query)
{
	assert_int_equal(parse(query), 0);
	why[0] = '\0';
	return kannel_text_utf8(&f, out, sizeof(out), why, sizeof(why));
}

/* Set f to raw bytes in charset/coding, bypassing the query parser. */
static int
utf8_raw(const char *charset, int coding, const void *raw, size_t len)
{
	memset(&f, 0, sizeof(f));
	f.coding = coding;
	f.dlr_type = f.dlr_id = -1;
	snprintf(f.charset, sizeof(f.charset), "%s", charset);
	memcpy(f.text, raw, len);
	f.textlen = len;
	f.has_text = 1;
	why[0] = '\0';
	return kannel_text_utf8(&f, out, sizeof(out), why, sizeof(why));
}

/* Parse then read a citizen's text. */
static int
mo_of(const char *query)
{
	int	n;

	assert_int_equal(parse(query), 0);
	n = kannel_text_utf8(&f, out, sizeof(out), why, sizeof(why));
	assert_true(n >= 0);
	why[0] = '\0';
	return kannel_mo_read(&f, out, (size_t)n, &m, why, sizeof(why));
}

/* 1 when s[0..len) is well-formed UTF-8 without NUL, surrogates or
 * overlong forms. */
static int
utf8_valid(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i = 0, n, k;
	uint32_t	 c;

	while (i < len) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			c = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			c = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			c = p[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* --- kannel_urldecode ----------------------------------------------------- */

static void
test_urldecode_plain(void **state)
{
	uint8_t	b[32];
	size_t	n = 99;

	assert_int_equal(kannel_urldecode("abc", 3, b, sizeof(b), &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal((char *)b, "abc");
	/* only len bytes are read */
	assert_int_equal(kannel_urldecode("abcdef", 2, b, sizeof(b), &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal((char *)b, "ab");
	assert_int_equal(kannel_urldecode("", 0, b, sizeof(b), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(b[0], '\0');
	assert_int_equal(kannel_urldecode("a+b++", 5, b, sizeof(b), &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal((char *)b, "a b  ");
	/* outlen may be NULL */
	assert_int_equal(kannel_urldecode("x", 1, b, sizeof(b), NULL), 0);
	assert_string_equal((char *)b, "x");
}

static void
test_urldecode_escapes(void **state)
{
	uint8_t	b[32];
	size_t	n;

	assert_int_equal(kannel_urldecode("%4e%4E%2b%2B", 12, b, sizeof(b),
	    &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal((char *)b, "NN++");
	assert_int_equal(kannel_urldecode("%E4%B8%AD", 9, b, sizeof(b), &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(b, "\xe4\xb8\xad", 3);
	/* %00 is kept and counted; the NUL terminator follows it */
	assert_int_equal(kannel_urldecode("a%00b", 5, b, sizeof(b), &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(b[0], 'a');
	assert_int_equal(b[1], 0);
	assert_int_equal(b[2], 'b');
	assert_int_equal(b[3], 0);
	/* %25 is a literal '%', not the start of another escape */
	assert_int_equal(kannel_urldecode("%2541", 5, b, sizeof(b), &n), 0);
	assert_string_equal((char *)b, "%41");
	assert_int_equal(kannel_urldecode("%ff", 3, b, sizeof(b), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(b[0], 0xff);
}

static void
test_urldecode_malformed(void **state)
{
	static const char *const bad[] = { "%", "%4", "ab%4", "%zz", "%4g",
	    "%g4", "%%41", "% 41", "%-1", "%+1", "x%" };
	uint8_t	b[32];
	size_t	i, n;

	for (i = 0; i < nitems(bad); i++)
		assert_int_equal(kannel_urldecode(bad[i], strlen(bad[i]), b,
		    sizeof(b), &n), -1);
	/* a complete escape cut by len is truncated, not read past */
	assert_int_equal(kannel_urldecode("%41", 2, b, sizeof(b), &n), -1);
}

static void
test_urldecode_bounds(void **state)
{
	uint8_t	b[8];
	size_t	n;

	memset(b, 0xaa, sizeof(b));
	/* exactly full: 4 bytes and the NUL in 5 */
	assert_int_equal(kannel_urldecode("abcd", 4, b, 5, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal((char *)b, "abcd");
	assert_int_equal(b[5], 0xaa);
	/* one byte short */
	memset(b, 0xaa, sizeof(b));
	assert_int_equal(kannel_urldecode("abcd", 4, b, 4, &n), -1);
	assert_int_equal(b[4], 0xaa);
	/* escapes count as the byte they decode to */
	assert_int_equal(kannel_urldecode("%41%42%43", 9, b, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal((char *)b, "ABC");
	assert_int_equal(kannel_urldecode("%41%42%43", 9, b, 3, &n), -1);
	assert_int_equal(kannel_urldecode("", 0, b, 1, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kannel_urldecode("", 0, b, 0, &n), -1);
	assert_int_equal(kannel_urldecode("a", 1, b, 0, &n), -1);
}

/* --- kannel_query_parse --------------------------------------------------- */

static void
test_query_known_keys(void **state)
{
	assert_int_equal(parse("from=%2B8613800138001&to=12345&text=hi+there"
	    "&coding=2&charset=UTF-16BE&id=k-42&smsc=cmcc&meta=%3Fsmpp%3Fx%3D1"
	    "&udh=%05%00%03%2A%02%01&secret=s3cr3t&dlr=77&type=8"
	    "&reply=ACK%2F&time=1795738235"), 0);
	assert_int_equal(f.time, 1795738235);
	assert_string_equal(f.from, "+8613800138001");
	assert_string_equal(f.to, "12345");
	assert_int_equal(f.has_text, 1);
	assert_int_equal(f.textlen, 8);
	assert_memory_equal(f.text, "hi there", 8);
	assert_int_equal(f.coding, 2);
	assert_string_equal(f.charset, "UTF-16BE");
	assert_string_equal(f.id, "k-42");
	assert_string_equal(f.smsc, "cmcc");
	assert_string_equal(f.meta, "?smpp?x=1");
	assert_int_equal(f.udhlen, 6);
	assert_memory_equal(f.udh, "\x05\x00\x03\x2a\x02\x01", 6);
	assert_string_equal(f.secret, "s3cr3t");
	assert_int_equal(f.dlr_id, 77);
	assert_int_equal(f.dlr_type, 8);
	assert_string_equal(f.reply, "ACK/");
}

static void
test_query_empty_and_unknown(void **state)
{
	static const char *const empty[] = { "", "&", "&&&", "foo=bar",
	    "foo", "=", "=x&=y", "Text=x&FROM=y", "te%78t=x" };
	size_t	i;

	assert_int_equal(kannel_query_parse(NULL, &f, why, sizeof(why)), 0);
	assert_int_equal(f.has_text, 0);
	for (i = 0; i < nitems(empty); i++) {
		memset(&f, 0x55, sizeof(f));	/* parse zeroes it first */
		assert_int_equal(parse(empty[i]), 0);
		assert_int_equal(f.has_text, 0);
		assert_int_equal(f.textlen, 0);
		assert_int_equal(f.coding, -1);
		assert_int_equal(f.dlr_id, -1);
		assert_int_equal(f.dlr_type, -1);
		assert_int_equal(f.udhlen, 0);
		assert_string_equal(f.from, "");
		assert_string_equal(f.to, "");
		assert_string_equal(f.charset, "");
		assert_string_equal(f.secret, "");
	}
	/* the operator's own fields, repeated or malformed, are ignored */
	assert_int_equal(parse("x=1&text=ok&x=2&y=%zz&&z"), 0);
	assert_int_equal(f.textlen, 2);
	assert_memory_equal(f.text, "ok", 2);
}

static void
test_query_repeated(void **state)
{
	static const char *const twice[] = { "text=a&text=b", "from=1&from=1",
	    "to=1&x=2&to=1", "dlr=1&dlr=2", "type=1&type=1", "coding=&coding=",
	    "secret=a&secret=b", "udh=&udh=", "reply&reply" };
	size_t	i;

	for (i = 0; i < nitems(twice); i++) {
		assert_int_equal(parse(twice[i]), -1);
		assert_non_null(strstr(why, "given twice"));
	}
	assert_int_equal(parse("text=a&text=b"), -1);
	assert_string_equal(why, "'text' given twice");
}

static void
test_query_no_equals(void **state)
{
	/* a key alone is the key with an empty value */
	assert_int_equal(parse("text"), 0);
	assert_int_equal(f.has_text, 1);
	assert_int_equal(f.textlen, 0);
	assert_int_equal(parse("from&to&text=x"), 0);
	assert_string_equal(f.from, "");
	assert_string_equal(f.to, "");
	assert_int_equal(parse("coding"), 0);
	assert_int_equal(f.coding, -1);
	/* a number that is empty is no number */
	assert_int_equal(parse("dlr"), -1);
	assert_non_null(strstr(why, "'dlr'"));
	assert_int_equal(parse("type="), -1);
	assert_non_null(strstr(why, "'type'"));
	/* '=' inside the value belongs to the value */
	assert_int_equal(parse("text=a=b"), 0);
	assert_int_equal(f.textlen, 3);
	assert_memory_equal(f.text, "a=b", 3);
}

static void
test_query_coding(void **state)
{
	static const char *const bad[] = { "coding=x", "coding=1x",
	    "coding=2.0", "coding=99999999999999999999", "coding=0x1" };
	static const char *const unset[] = { "coding=-1", "coding=3",
	    "coding=8", "coding=-100" };
	size_t	i;

	/* Kannel's DC_UNDEF is -1; a number out of range reads as unset */
	for (i = 0; i < nitems(unset); i++) {
		assert_int_equal(parse(unset[i]), 0);
		assert_int_equal(f.coding, -1);
	}

	assert_int_equal(parse("coding=0"), 0);
	assert_int_equal(f.coding, 0);
	assert_int_equal(parse("coding=1"), 0);
	assert_int_equal(f.coding, 1);
	assert_int_equal(parse("coding=2"), 0);
	assert_int_equal(f.coding, 2);
	assert_int_equal(parse("coding="), 0);	/* %c of a report */
	assert_int_equal(f.coding, -1);
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(parse(bad[i]), -1);
		assert_string_equal(why, "'coding' is not a number in range");
	}
}

static void
test_query_dlr(void **state)
{
	static const char *const bad[] = { "dlr=0", "dlr=-1", "dlr=-9",
	    "dlr=9223372036854775808", "dlr=99999999999999999999999",
	    "dlr=abc", "dlr=12abc", "dlr=1%2E5", "dlr=%00", "type=256",
	    "type=-1", "type=x", "type=1%00" };
	size_t	i;

	assert_int_equal(parse("dlr=1&type=1"), 0);
	assert_int_equal(f.dlr_id, 1);
	assert_int_equal(f.dlr_type, 1);
	assert_int_equal(parse("dlr=9223372036854775807&type=255"), 0);
	assert_int_equal(f.dlr_id, INT64_MAX);
	assert_int_equal(f.dlr_type, 255);
	assert_int_equal(parse("type=0"), 0);
	assert_int_equal(f.dlr_type, 0);
	for (i = 0; i < nitems(bad); i++) {
		f.dlr_id = 5;
		assert_int_equal(parse(bad[i]), -1);
		assert_true(strstr(why, "'dlr'") != NULL ||
		    strstr(why, "'type'") != NULL);
	}
	/* our try number in the dlr-url: 1 and up */
	assert_int_equal(parse("dlr=5&try=3&type=1"), 0);
	assert_int_equal(f.dlr_try, 3);
	assert_int_equal(parse("dlr=5&type=1"), 0);
	assert_int_equal(f.dlr_try, 0);
	assert_int_equal(parse("dlr=5&try=0"), -1);
	assert_int_equal(parse("dlr=5&try=2147483648"), -1);
	assert_int_equal(parse("try=1&try=1"), -1);
	/* %T: unix seconds, empty when Kannel has none */
	assert_int_equal(parse("time="), 0);
	assert_int_equal(f.time, 0);
	assert_int_equal(parse("time=0"), 0);
	assert_int_equal(f.time, 0);
	assert_int_equal(parse("time=-5"), -1);
	assert_non_null(strstr(why, "'time'"));
	assert_int_equal(parse("time=12x"), -1);
	assert_int_equal(parse("time=1&time=2"), -1);
	/* longer than any number: refused, not cut to a valid one */
	memset(q, 0, sizeof(q));
	strlcpy(q, "dlr=", sizeof(q));
	memset(q + 4, '1', 40);
	assert_int_equal(parse(q), -1);
	memset(q + 4, '0', 38);		/* "000...011": 40 chars, value 11 */
	assert_int_equal(parse(q), -1);
}

static void
test_query_field_too_long(void **state)
{
	static const char *const keys[] = { "from", "to", "id", "smsc",
	    "charset", "meta", "secret", "udh" };
	size_t	i, k, n;

	for (k = 0; k < nitems(keys); k++) {
		/* KANNEL_FIELD_MAX - 1 bytes fit, one more does not */
		n = (size_t)snprintf(q, sizeof(q), "%s=", keys[k]);
		memset(q + n, 'a', KANNEL_FIELD_MAX - 1);
		q[n + KANNEL_FIELD_MAX - 1] = '\0';
		assert_int_equal(parse(q), 0);
		q[n + KANNEL_FIELD_MAX - 1] = 'a';
		q[n + KANNEL_FIELD_MAX] = '\0';
		assert_int_equal(parse(q), -1);
		assert_non_null(strstr(why, keys[k]));
		assert_non_null(strstr(why, "too long"));
	}
	/* the limit is on decoded bytes: 255 escapes fit */
	n = (size_t)snprintf(q, sizeof(q), "from=");
	for (i = 0; i < KANNEL_FIELD_MAX - 1; i++, n += 3)
		memcpy(q + n, "%41", 3);
	q[n] = '\0';
	assert_int_equal(parse(q), 0);
	assert_int_equal(strlen(f.from), KANNEL_FIELD_MAX - 1);
	memcpy(q + n, "%41", 4);
	assert_int_equal(parse(q), -1);
	/* a NUL inside a text field is refused, in the text it is kept */
	assert_int_equal(parse("from=138%00"), -1);
	assert_non_null(strstr(why, "'from'"));
	assert_int_equal(parse("id=a%00b"), -1);
	assert_int_equal(parse("text=a%00b"), 0);
	assert_int_equal(f.textlen, 3);
	assert_int_equal(parse("text=%4"), -1);
	assert_non_null(strstr(why, "'text'"));
	assert_int_equal(parse("to=%zz"), -1);
	assert_non_null(strstr(why, "'to'"));
	/*
	 * %A (reply) is the SMSC's report text: raw UCS-2 with NULs, a long
	 * message_payload, a bad escape never refuse the report; its start
	 * is kept printable for stat: and err:
	 */
	n = (size_t)snprintf(q, sizeof(q), "dlr=1&type=1&reply=");
	for (i = 0; i < 600; i++)
		q[n++] = 'x';
	q[n] = '\0';
	assert_int_equal(parse(q), 0);
	assert_int_equal(strlen(f.reply), KANNEL_FIELD_MAX - 1);
	assert_int_equal(parse("dlr=1&type=1&reply=id%3A7+stat%3ADELIVRD+err"
	    "%3A000+text%3A%4E%00%2D"), 0);
	assert_non_null(strstr(f.reply, "stat:DELIVRD err:000 text:N"));
	assert_int_equal(parse("dlr=1&type=2&reply=stat%3AUNDELIV%zz"), 0);
	assert_string_equal(f.reply, "");
	assert_int_equal(f.dlr_type, 2);
}

static void
test_query_text_max(void **state)
{
	size_t	n;

	n = (size_t)snprintf(q, sizeof(q), "text=");
	memset(q + n, 'x', KANNEL_TEXT_MAX - 1);
	q[n + KANNEL_TEXT_MAX - 1] = '\0';
	assert_int_equal(parse(q), 0);
	assert_int_equal(f.textlen, KANNEL_TEXT_MAX - 1);
	q[n + KANNEL_TEXT_MAX - 1] = 'x';
	q[n + KANNEL_TEXT_MAX] = '\0';
	assert_int_equal(parse(q), -1);
	assert_string_equal(why, "'text' is malformed or too long");
	/* and far beyond it */
	memset(q + n, 'y', sizeof(q) - n - 1);
	q[sizeof(q) - 1] = '\0';
	assert_int_equal(parse(q), -1);
}

static void
test_query_why_bounded(void **state)
{
	char	small[8];

	memset(small, 'Z', sizeof(small));
	assert_int_equal(kannel_query_parse("coding=9x", &f, small,
	    sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "'coding", 7);
}

/* --- kannel_text_utf8 ----------------------------------------------------- */

static void
test_utf8_passthrough(void **state)
{
	assert_int_equal(utf8_of("text=%E6%88%91%E8%A6%81%E6%8A%95%E8%AF%89"
	    "+ok"), 15);
	assert_string_equal(out, "我要投诉 ok");
	assert_int_equal(utf8_of("text=abc&charset=UTF-8"), 3);
	assert_string_equal(out, "abc");
	/* "8-BIT" is Kannel's word for "see coding" */
	assert_int_equal(utf8_of("text=%E4%B8%AD&charset=8-BIT&coding=0"), 3);
	assert_string_equal(out, "中");
	assert_int_equal(utf8_of("text=&coding=0"), 0);
	assert_string_equal(out, "");
	/* a 4-byte character goes through */
	assert_int_equal(utf8_of("text=%F0%9F%98%80"), 4);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
}

static void
test_utf8_utf16(void **state)
{
	/* "中文" as UCS-2 (coding=2, no charset) and as charset=UTF-16BE */
	assert_int_equal(utf8_of("text=%4E%2D%65%87&coding=2"), 6);
	assert_string_equal(out, "中文");
	assert_int_equal(utf8_of("text=%4E%2D%65%87&charset=UTF-16BE"), 6);
	assert_string_equal(out, "中文");
	assert_int_equal(utf8_of("text=%4E%2D%65%87&charset=utf-16be"
	    "&coding=2"), 6);
	assert_string_equal(out, "中文");
	/* a surrogate pair */
	assert_int_equal(utf8_of("text=%D8%3D%DE%00&coding=2"), 4);
	assert_string_equal(out, "\xf0\x9f\x98\x80");
	/* a lone surrogate becomes U+FFFD, the rest survives */
	assert_int_equal(utf8_of("text=%D8%3D%00A&coding=2"), 4);
	assert_string_equal(out, "\xef\xbf\xbd" "A");
}

static void
test_utf8_utf16_odd(void **state)
{
	/* odd length: the lone last byte is U+FFFD, never a crash */
	assert_int_equal(utf8_of("text=%4E%2D%65&coding=2"), 6);
	assert_string_equal(out, "中\xef\xbf\xbd");
	assert_int_equal(utf8_of("text=%4E&coding=2"), 3);
	assert_string_equal(out, "\xef\xbf\xbd");
	assert_int_equal(utf8_of("text=%4E%2D%65&charset=UTF-16BE"), 6);
	assert_string_equal(out, "中\xef\xbf\xbd");
	/* a high surrogate cut at the end */
	assert_int_equal(utf8_of("text=%00A%D8%3D&coding=2"), 4);
	assert_string_equal(out, "A\xef\xbf\xbd");
}

static void
test_utf8_invalid(void **state)
{
	int	n;

	assert_int_equal(utf8_of("text=a%FFb"), 5);
	assert_string_equal(out, "a\xef\xbf\xbd" "b");
	/* a truncated sequence at the end */
	n = utf8_of("text=ok%E4%B8");
	assert_true(n >= 5);
	assert_memory_equal(out, "ok\xef\xbf\xbd", 5);
	assert_true(utf8_valid(out, (size_t)n));
	/* overlong '/', a UTF-8 surrogate, past U+10FFFF: nothing of it kept */
	n = utf8_of("text=%C0%AF%ED%A0%80%F4%90%80%80x");
	assert_true(n > 0);
	assert_true(utf8_valid(out, (size_t)n));
	assert_int_equal(out[n - 1], 'x');
	assert_null(strchr(out, '/'));
	/* glibc passes code points past U+10FFFF through: each one is U+FFFD */
	assert_int_equal(utf8_of("text=a%F4%90%80%80b"), 5);
	assert_string_equal(out, "a\xef\xbf\xbd" "b");
	assert_int_equal(utf8_of("text=%F7%BF%BF%BF%F8%88%80%80%80"
	    "%FC%84%80%80%80%80"), 9);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(utf8_of("text=%00%11%00%00%00%00%00A&charset=UCS-4"),
	    4);
	assert_string_equal(out, "\xef\xbf\xbd" "A");
	/* the last valid code points stay */
	assert_int_equal(utf8_of("text=%F4%8F%BF%BF%EF%BF%BF%ED%9F%BF"), 10);
	assert_memory_equal(out, "\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf",
	    10);
	/* only continuation bytes */
	n = utf8_of("text=%80%80%80");
	assert_int_equal(n, 9);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_utf8_latin1(void **state)
{
	assert_int_equal(utf8_of("text=caf%E9&coding=1"), 5);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_int_equal(utf8_of("text=%FF%80&coding=1&charset=8-BIT"), 4);
	assert_string_equal(out, "\xc3\xbf\xc2\x80");
	assert_int_equal(utf8_of("text=%E9&charset=ISO-8859-1"), 2);
	assert_string_equal(out, "\xc3\xa9");
}

static void
test_utf8_charsets(void **state)
{
	/* "中文" in GB18030, decoded by iconv */
	assert_int_equal(utf8_of("text=%D6%D0%CE%C4&charset=GB18030"), 6);
	assert_string_equal(out, "中文");
	assert_int_equal(utf8_of("text=%D6%D0%CE%C4&charset=gbk"), 6);
	assert_string_equal(out, "中文");
	assert_int_equal(utf8_of("text=x&charset=X-NO-SUCH-CHARSET"), -1);
	assert_string_equal(why, "unknown charset 'X-NO-SUCH-CHARSET'");
	assert_int_equal(utf8_of("text=x&charset=UTF-8,ASCII"), -1);
	assert_non_null(strstr(why, "unknown charset"));
	/* iconv reads a blank name as the locale's, "//" as options: refused */
	assert_int_equal(utf8_of("text=x&charset=%20"), -1);
	assert_non_null(strstr(why, "unknown charset"));
	assert_int_equal(utf8_of("text=x&charset=UTF-8//IGNORE"), -1);
	assert_int_equal(utf8_of("text=x&charset=UTF-8//TRANSLIT"), -1);
	assert_int_equal(utf8_of("text=x&charset=UTF 8"), -1);
	/* a hostile name is refused, quoted short in the reason */
	memset(q, 0, sizeof(q));
	strlcpy(q, "text=x&charset=", sizeof(q));
	memset(q + strlen(q), 'A', 200);
	assert_int_equal(utf8_of(q), -1);
	assert_true(strlen(why) < 64);
}

static void
test_utf8_small_output(void **state)
{
	char	 small[7];
	int	 n;

	assert_int_equal(parse("text=%E4%B8%AD%E6%96%87"), 0);
	/* exactly full: 6 bytes and the NUL */
	assert_int_equal(kannel_text_utf8(&f, small, 7, why, sizeof(why)), 6);
	assert_string_equal(small, "中文");
	why[0] = '\0';
	assert_int_equal(kannel_text_utf8(&f, small, 6, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "longer than"));
	assert_int_equal(kannel_text_utf8(&f, small, 1, why, sizeof(why)), -1);
	assert_int_equal(kannel_text_utf8(&f, small, 0, why, sizeof(why)), -1);
	/* no room for a replacement character either */
	assert_int_equal(parse("text=a%FF"), 0);
	assert_int_equal(kannel_text_utf8(&f, small, 4, why, sizeof(why)), -1);
	assert_int_equal(kannel_text_utf8(&f, small, 5, why, sizeof(why)), 4);
	/* the largest text, every byte invalid, fits the listener's buffer */
	memset(&f, 0, sizeof(f));
	memset(f.text, 0xff, KANNEL_TEXT_MAX - 1);
	f.textlen = KANNEL_TEXT_MAX - 1;
	f.coding = -1;
	n = kannel_text_utf8(&f, out, sizeof(out), why, sizeof(why));
	assert_int_equal(n, 3 * (KANNEL_TEXT_MAX - 1));
	assert_true(utf8_valid(out, (size_t)n));
}

static void
test_utf8_nul(void **state)
{
	assert_int_equal(utf8_of("text=a%00b"), 3);
	assert_memory_equal(out, "a b", 4);
	assert_int_equal(utf8_of("text=%00%00%4E%2D&coding=2"), 4);
	assert_memory_equal(out, " 中", 5);
	assert_int_equal(utf8_of("text=%00&coding=1"), 1);
	assert_memory_equal(out, " ", 2);
}

static void
test_utf8_hostile(void **state)
{
	static const char *const cs[] = { "", "UTF-16BE", "UTF-16LE",
	    "UTF-16", "UCS-2", "UTF-32", "GB18030", "BIG5", "SHIFT_JIS",
	    "ISO-2022-JP", "UTF-7", "ISO-8859-1" };
	uint8_t		 raw[512];
	unsigned	 seed = 12345;
	size_t		 i, j, len;
	int		 n;

	for (i = 0; i < nitems(cs); i++) {
		for (j = 0; j < 200; j++) {
			seed = seed * 1103515245u + 12345u;
			len = seed % sizeof(raw);
			for (n = 0; (size_t)n < len; n++) {
				seed = seed * 1103515245u + 12345u;
				raw[n] = (uint8_t)(seed >> 16);
			}
			n = utf8_raw(cs[i], (int)(j % 4) - 1, raw, len);
			if (n == -1) {
				/* only a text too long for 3x may fail */
				assert_non_null(strstr(why, "longer than"));
				continue;
			}
			assert_true((size_t)n < sizeof(out));
			assert_int_equal(out[n], '\0');
			assert_true(utf8_valid(out, (size_t)n));
		}
	}
}

/* --- kannel_mo_read ------------------------------------------------------- */

static void
test_mo_ok(void **state)
{
	assert_int_equal(mo_of("from=%2B8613800138002&to=12345&text=%E6%8A%95"
	    "%E8%AF%89&id=abc&smsc=cmcc"), 0);
	assert_string_equal(m.bearer, KANNEL_BEARER);
	assert_string_equal(m.source, "+8613800138002");	/* kept */
	assert_string_equal(m.dest, "12345");
	assert_string_equal(m.msgid, "abc");
	assert_string_equal(m.text, "投诉");
	assert_ptr_equal(m.raw, f.text);
	assert_int_equal(m.rawlen, 6);
	assert_int_equal(m.data_coding, 0);
	assert_int_equal(m.esm_class, 0);
	assert_int_equal(m.concat_total, 1);
	assert_int_equal(m.concat_seq, 1);
	assert_int_equal(m.ussd, 0);
	assert_int_equal(mo_of("from=13800138003&to=1234501&text="), 0);
	assert_null(m.msgid);
	assert_string_equal(m.dest, "1234501");
	assert_string_equal(m.text, "");
	assert_int_equal(mo_of("from=13800138003&to=12345&text=%4E%2D"
	    "&coding=2"), 0);
	assert_int_equal(m.data_coding, 8);
	assert_int_equal(mo_of("from=13800138003&to=12345&text=x&coding=1"), 0);
	assert_int_equal(m.data_coding, 4);
}

static void
test_mo_missing(void **state)
{
	assert_int_equal(mo_of("to=12345&text=hi"), -1);
	assert_non_null(strstr(why, "'from'"));
	assert_int_equal(mo_of("from=&to=12345&text=hi"), -1);
	assert_non_null(strstr(why, "'from'"));
	assert_int_equal(mo_of("from=13800138004&text=hi"), -1);
	assert_non_null(strstr(why, "'to'"));
	assert_int_equal(mo_of("from=13800138004&to=12345"), -1);
	assert_non_null(strstr(why, "'text'"));
	assert_int_equal(mo_of(""), -1);
	assert_true(why[0] != '\0');
}

static void
test_mo_addresses(void **state)
{
	/*
	 * Odd but printable: taken (smsbox would retry a refusal for a day
	 * and then drop the text); mo.c answers no sender that is not digits
	 */
	static const char *const odd[] = {
	    "from=138+00138005",		/* '+' is a space */
	    "from=%2213800138005%22",
	    "from=13800138005%27",
	    "from=%2B%2B8613800138005",
	    "from=86%2B13800138005",
	    "from=138-0013-8005",
	    "from=China+Mobile",
	    "from=a;b",
	    "from=13800138005&to=12345%3Bx",
	};
	static const char *const bad[] = {
	    "from=1380013800512345678901",	/* 22 > 20 */
	    "from=%2B",				/* a '+' alone is no number */
	    "from=%20138",			/* leading space */
	    "from=138%0A00138005",
	    "from=138%0900138005",
	    "from=%E4%B8%AD",
	    "from=%FF13800138005",
	    "from=13800138005&to=12345%7F",
	};
	size_t	i;

	for (i = 0; i < nitems(odd); i++) {
		assert_int_equal(parse(odd[i]), 0);
		f.has_text = 1;
		if (f.to[0] == '\0')
			strlcpy(f.to, "12345", sizeof(f.to));
		assert_int_equal(kannel_mo_read(&f, "x", 1, &m, why,
		    sizeof(why)), 0);
		assert_string_equal(m.source, f.from);
	}

	/* alphanumeric senders, and exactly 20 characters */
	assert_int_equal(mo_of("from=CMCC10086&to=12345&text=x"), 0);
	assert_string_equal(m.source, "CMCC10086");
	assert_int_equal(mo_of("from=12345678901234567890&to=12345&text=x"), 0);
	assert_int_equal(mo_of("from=%2B1234567890123456789&to=12345&text=x"), 0);
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(parse(bad[i]), 0);
		f.has_text = 1;
		if (f.to[0] == '\0')
			strlcpy(f.to, "12345", sizeof(f.to));
		why[0] = '\0';
		assert_int_equal(kannel_mo_read(&f, "x", 1, &m, why,
		    sizeof(why)), -1);
		assert_true(strstr(why, "'from'") != NULL ||
		    strstr(why, "'to'") != NULL);
	}
}

static void
test_mo_udh(void **state)
{
	static const char *const single[] = {
	    "",					/* none */
	    "&udh=%05%00%03%2A%03",		/* UDHL past the end */
	    "&udh=%05%00%03%2A%02%03",		/* seq > total */
	    "&udh=%05%00%03%2A%03%00",		/* seq 0 */
	    "&udh=%05%00%03%2A%00%00",		/* total 0 */
	    "&udh=%05%00%03%2A%01%01",		/* total 1: a single SMS */
	    "&udh=%04%00%02%2A%03",		/* IE of the wrong length */
	    "&udh=%05%00%04%2A%03%01",		/* IE past the header */
	    "&udh=%00",				/* UDHL 0 */
	    "&udh=%06%05%04%0B%84%23%F0",	/* ports only */
	    "&udh=%FF",
	};
	char	qq[256];
	size_t	i;

	assert_int_equal(mo_of("from=13800138006&to=12345&text=a"
	    "&udh=%05%00%03%2A%03%02"), 0);
	assert_int_equal(m.esm_class, 0x40);
	assert_int_equal(m.concat_ref, 0x2a);
	assert_int_equal(m.concat_total, 3);
	assert_int_equal(m.concat_seq, 2);
	assert_int_equal(mo_of("from=13800138006&to=12345&text=a"
	    "&udh=%06%08%04%12%34%05%05"), 0);
	assert_int_equal(m.esm_class, 0x40);
	assert_int_equal(m.concat_ref, 0x1234);
	assert_int_equal(m.concat_total, 5);
	assert_int_equal(m.concat_seq, 5);
	/* concat after a port IE */
	assert_int_equal(mo_of("from=13800138006&to=12345&text=a"
	    "&udh=%0B%05%04%0B%84%23%F0%00%03%FF%02%01"), 0);
	assert_int_equal(m.concat_ref, 0xff);
	assert_int_equal(m.concat_total, 2);
	assert_int_equal(m.concat_seq, 1);
	for (i = 0; i < nitems(single); i++) {
		snprintf(qq, sizeof(qq), "from=13800138006&to=12345&text=a%s",
		    single[i]);
		assert_int_equal(mo_of(qq), 0);
		assert_int_equal(m.esm_class, 0);
		assert_int_equal(m.concat_total, 1);
		assert_int_equal(m.concat_seq, 1);
	}
}

static void
test_mo_ussd(void **state)
{
	assert_int_equal(mo_of("from=13800138007&to=12345&text=1"
	    "&meta=%3Fsmpp%3Fussd_service_op%3D01%26"), 0);
	assert_int_equal(m.ussd, 1);
	assert_int_equal(mo_of("from=13800138007&to=12345&text=1"
	    "&meta=%3Fsmpp%3Fitem%3D1"), 0);
	assert_int_equal(m.ussd, 0);
	assert_int_equal(mo_of("from=13800138007&to=12345&text=1"), 0);
	assert_int_equal(m.ussd, 0);
}

/* USSD TLVs in meta-data: decimal (smpp-tlv type integer) or raw octets. */
static void
test_ussd_meta(void **state)
{
	static const char *const bad[] = {
		"?smpp?ussd_service_op=256",		/* over one octet */
		"?smpp?ussd_service_op=%01%02",		/* two octets */
		"?smpp?ussd_service_op=",		/* empty */
		"?smpp?its_session_info=65536",
		"?smpp?its_session_info=%01",		/* one octet of two */
		"?smpp?its_session_info=%01%02%03",
		"?smpp?user_message_reference=-12",	/* not a number, 3 octets */
		"?smpp?user_message_reference=%zz",	/* a bad escape */
		"?smpp?ussd_service_op=1x",
		"?smpp?ussd_service_op=99999999999999999999999",
	};
	struct kannel_ussd	u;
	size_t			i;

	assert_int_equal(kannel_ussd_meta("?smpp?ussd_service_op=1&"
	    "its_session_info=62&", &u), 1);
	assert_int_equal(u.op, 1);
	assert_int_equal(u.dialog, 31);
	assert_int_equal(u.end, 0);
	assert_int_equal(u.umr, -1);
	/* raw octets: 0x81 (abort), dialog 0x1234 ending */
	assert_int_equal(kannel_ussd_meta("?smpp?ussd_service_op=%81&"
	    "its_session_info=%24i&user_message_reference=%BE%EF", &u), 1);
	assert_int_equal(u.op, 0x81);
	assert_int_equal(u.dialog, 0x1234);
	assert_int_equal(u.end, 1);
	assert_int_equal(u.umr, 0xbeef);
	/* another group after ours; other keys ignored */
	assert_int_equal(kannel_ussd_meta("?smpp?foo=bar&ussd_service_op=18"
	    "?other?ussd_service_op=2", &u), 1);
	assert_int_equal(u.op, 18);
	assert_int_equal(kannel_ussd_meta("?other?ussd_service_op=2", &u), 0);
	assert_int_equal(kannel_ussd_meta("", &u), 0);
	assert_int_equal(kannel_ussd_meta("?smpp?", &u), 0);
	assert_int_equal(kannel_ussd_meta("?smpp?ussd_service_op", &u), 0);
	for (i = 0; i < nitems(bad); i++)
		if (kannel_ussd_meta(bad[i], &u) != -1)
			fail_msg("\"%s\" taken", bad[i]);
}

/* --- delivery reports ----------------------------------------------------- */

static void
test_dlr_state(void **state)
{
	int	t;

	assert_int_equal(kannel_dlr_state(1), STORE_RCPT_DELIVERED);
	assert_int_equal(kannel_dlr_state(2), STORE_RCPT_FAILED);
	assert_int_equal(kannel_dlr_state(4), STORE_RCPT_INTERIM);
	assert_int_equal(kannel_dlr_state(8), STORE_RCPT_INTERIM);
	assert_int_equal(kannel_dlr_state(16), STORE_RCPT_FAILED);
	for (t = -2; t < 300; t++)
		if (t != 1 && t != 2 && t != 4 && t != 8 && t != 16)
			assert_int_equal(kannel_dlr_state(t), -1);
	assert_int_equal(kannel_dlr_state(INT32_MIN), -1);
	assert_int_equal(kannel_dlr_state(INT32_MAX), -1);
}

static void
test_dlr_stat(void **state)
{
	static const struct { int type; const char *stat; } fb[] = {
	    { 1, "DELIVRD" }, { 2, "UNDELIV" }, { 4, "BUFFERED" },
	    { 8, "ACCEPTD" }, { 16, "REJECTD" } };
	char	stat[16], err[16], s4[4];
	size_t	i;

	assert_int_equal(parse("dlr=9&type=1&reply=id%3A1+sub%3A001+dlvrd%3A001"
	    "+submit+date%3A2611270000+done+date%3A2611270001+stat%3ADELIVRD"
	    "+err%3A000+text%3Ax"), 0);
	kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
	assert_string_equal(stat, "DELIVRD");
	assert_string_equal(err, "000");
	/* the SMSC's word wins over the type */
	assert_int_equal(parse("type=1&reply=stat%3AEXPIRED+err%3A027"), 0);
	kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
	assert_string_equal(stat, "EXPIRED");
	assert_string_equal(err, "027");
	for (i = 0; i < nitems(fb); i++) {
		snprintf(q, sizeof(q), "dlr=9&type=%d&reply=ACK%%2F", fb[i].type);
		assert_int_equal(parse(q), 0);
		memset(err, 'Z', sizeof(err));
		kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
		assert_string_equal(stat, fb[i].stat);
		assert_string_equal(err, "");
	}
	assert_int_equal(parse("dlr=9"), 0);
	kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
	assert_string_equal(stat, "ACCEPTD");
	/* hostile: a long stat word is cut to the buffer */
	memset(q, 0, sizeof(q));
	strlcpy(q, "type=1&reply=stat%3A", sizeof(q));
	memset(q + strlen(q), 'S', 200);
	strlcat(q, "+err%3A", sizeof(q));
	memset(q + strlen(q), 'E', 40);
	assert_int_equal(parse(q), 0);
	kannel_dlr_stat(&f, s4, sizeof(s4), err, sizeof(err));
	assert_string_equal(s4, "SSS");
	assert_int_equal(strlen(err), sizeof(err) - 1);
	/* "stat:" with nothing after it */
	assert_int_equal(parse("type=2&reply=stat%3A"), 0);
	kannel_dlr_stat(&f, stat, sizeof(stat), err, sizeof(err));
	assert_string_equal(stat, "");
}

/* --- kannel_sendsms_answer ------------------------------------------------ */

static enum kannel_answer
answer(int status, const char *body)
{
	return kannel_sendsms_answer(status, body, strlen(body));
}

static void
test_sendsms_answer(void **state)
{
	assert_int_equal(answer(202, "0: Accepted for delivery"),
	    KANNEL_ACCEPTED);
	assert_int_equal(answer(202, "3: Queued for later delivery"),
	    KANNEL_QUEUED);
	assert_int_equal(answer(200, "Sent."), KANNEL_ACCEPTED);
	assert_int_equal(answer(202, ""), KANNEL_ACCEPTED);
	assert_int_equal(answer(202, "3"), KANNEL_ACCEPTED);
	assert_int_equal(answer(403, "Authorization failed for sendsms"),
	    KANNEL_TEMPORARY);
	assert_int_equal(answer(401, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(403, "Not routable. Do not try again."),
	    KANNEL_PERMANENT);
	assert_int_equal(answer(403, ""), KANNEL_PERMANENT);
	assert_int_equal(answer(400, "Missing receiver number, rejected"),
	    KANNEL_PERMANENT);
	/* a sendsms-url with the wrong path: ours to fix, not the SMS's */
	assert_int_equal(answer(404, "Unknown request."), KANNEL_TEMPORARY);
	assert_int_equal(answer(405, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(410, ""), KANNEL_PERMANENT);
	assert_int_equal(answer(500, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(503, "4: Temporal failure, try again later."),
	    KANNEL_TEMPORARY);
	/* not an answer smsbox gives (a proxy, a redirect): not the SMS's fault */
	assert_int_equal(answer(302, "Found"), KANNEL_TEMPORARY);
	assert_int_equal(answer(100, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(24, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(600, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(499, ""), KANNEL_PERMANENT);
	assert_int_equal(answer(-1, ""), KANNEL_TEMPORARY);
	assert_int_equal(answer(0, ""), KANNEL_TEMPORARY);
	assert_int_equal(kannel_sendsms_answer(-1, NULL, 0), KANNEL_TEMPORARY);
	/* only len bytes of the body count */
	assert_int_equal(kannel_sendsms_answer(202, "3: Queued", 1),
	    KANNEL_ACCEPTED);
	assert_int_equal(kannel_sendsms_answer(403, "Authorization", 12),
	    KANNEL_PERMANENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urldecode_plain),
		cmocka_unit_test(test_urldecode_escapes),
		cmocka_unit_test(test_urldecode_malformed),
		cmocka_unit_test(test_urldecode_bounds),
		cmocka_unit_test(test_query_known_keys),
		cmocka_unit_test(test_query_empty_and_unknown),
		cmocka_unit_test(test_query_repeated),
		cmocka_unit_test(test_query_no_equals),
		cmocka_unit_test(test_query_coding),
		cmocka_unit_test(test_query_dlr),
		cmocka_unit_test(test_query_field_too_long),
		cmocka_unit_test(test_query_text_max),
		cmocka_unit_test(test_query_why_bounded),
		cmocka_unit_test(test_utf8_passthrough),
		cmocka_unit_test(test_utf8_utf16),
		cmocka_unit_test(test_utf8_utf16_odd),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_latin1),
		cmocka_unit_test(test_utf8_charsets),
		cmocka_unit_test(test_utf8_small_output),
		cmocka_unit_test(test_utf8_nul),
		cmocka_unit_test(test_utf8_hostile),
		cmocka_unit_test(test_mo_ok),
		cmocka_unit_test(test_mo_missing),
		cmocka_unit_test(test_mo_addresses),
		cmocka_unit_test(test_mo_udh),
		cmocka_unit_test(test_mo_ussd),
		cmocka_unit_test(test_ussd_meta),
		cmocka_unit_test(test_dlr_state),
		cmocka_unit_test(test_dlr_stat),
		cmocka_unit_test(test_sendsms_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
