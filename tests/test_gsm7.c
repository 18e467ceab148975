/*
 * Unit tests for gsm7.c: known vectors (packed "hello", Chinese UCS-2, an
 * emoji as a surrogate pair, the GSM extension table), round trips, and every
 * malformed, truncated and oversized input (FIELD-NOTES items 1 and 8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "gsm7.h"

/* Decode with data_coding dc into a static buffer; rc in *rcp. */
static const char *
dec(unsigned int dc, const void *in, size_t len, int flags, int *rcp)
{
	static char	buf[1024];
	size_t		n;

	*rcp = gsm7_decode(dc, in, len, buf, sizeof(buf), &n, flags);
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void
test_gsm_basic(void **state)
{
	const uint8_t	 in[] = { 0x00, 0x01, 0x02, 0x03, 0x11, 0x10, 0x24,
	    0x40, 0x5b, 0x60, 0x7f, 0x05, 0x1e, 0x0d, 0x0a };
	const char	*s;
	int		 rc;

	s = dec(0, in, sizeof(in), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "@£$¥_Δ¤¡Ä¿àéß\r\n");
	s = dec(0, "Hello", 5, 0, &rc);
	assert_string_equal(s, "Hello");
}

/* FIELD-NOTES 8: every extension character arrives intact. */
static void
test_gsm_extension(void **state)
{
	const uint8_t	 in[] = { 0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e, 0x1b,
	    0x28, 0x1b, 0x29, 0x1b, 0x14, 0x1b, 0x3d, 0x1b, 0x2f, 0x1b, 0x40,
	    0x1b, 0x0a };
	const char	*s;
	int		 rc;

	s = dec(0, in, sizeof(in), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "€[]{}^~\\|\f");
}

static void
test_gsm_escape_edge(void **state)
{
	const uint8_t	 end[] = { 'a', 0x1b };
	const uint8_t	 fallback[] = { 0x1b, 0x41 };	/* no ext: 'A' */
	const uint8_t	 dbl[] = { 0x1b, 0x1b, 'b' };
	const uint8_t	 high[] = { 'a', 0x80, 'b' };
	const uint8_t	 eschigh[] = { 0x1b, 0xe5 };
	const char	*s;
	int		 rc;

	s = dec(0, end, sizeof(end), 0, &rc);
	assert_int_equal(rc, GSM7_ETRUNC);
	assert_string_equal(s, "a");
	s = dec(0, end, sizeof(end), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "a\xef\xbf\xbd");
	s = dec(0, fallback, sizeof(fallback), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "A");
	(void)dec(0, dbl, sizeof(dbl), 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
	s = dec(0, dbl, sizeof(dbl), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "\xef\xbf\xbd" "b");
	(void)dec(0, high, sizeof(high), 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
	s = dec(0, high, sizeof(high), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "a\xef\xbf\xbd" "b");
	(void)dec(0, eschigh, sizeof(eschigh), 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
}

/* Every septet decodes and encodes back to itself. */
static void
test_gsm_roundtrip_all(void **state)
{
	uint8_t	in[256], back[256];
	char	u[1024];
	size_t	n = 0, ulen, blen;
	int	c;

	for (c = 0; c < 128; c++)
		if (c != 0x1b)
			in[n++] = (uint8_t)c;
	in[n++] = 0x1b;
	in[n++] = 0x65;
	assert_int_equal(gsm7_to_utf8(in, n, u, sizeof(u), &ulen, 0), 0);
	assert_int_equal(gsm7_from_utf8(u, ulen, back, sizeof(back), &blen),
	    0);
	assert_int_equal(blen, n);
	assert_memory_equal(back, in, n);
}

static void
test_gsm_from_utf8(void **state)
{
	uint8_t	out[32];
	size_t	n;

	assert_int_equal(gsm7_from_utf8("a€[", 5, out, sizeof(out), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "\x61\x1b\x65\x1b\x3c", 5);
	assert_int_equal(gsm7_from_utf8("Café Ñ", 8, out, sizeof(out), &n),
	    0);
	assert_memory_equal(out, "Caf\x05 \x5d", 6);
	/* not in the alphabet: backtick, cedilla small c, Chinese, ESC */
	assert_int_equal(gsm7_from_utf8("`", 1, out, sizeof(out), &n),
	    GSM7_ENOTGSM);
	assert_int_equal(gsm7_from_utf8("ç", 2, out, sizeof(out), &n),
	    GSM7_ENOTGSM);
	assert_int_equal(gsm7_from_utf8("你", 3, out, sizeof(out), &n),
	    GSM7_ENOTGSM);
	assert_int_equal(gsm7_from_utf8("\x1b", 1, out, sizeof(out), &n),
	    GSM7_ENOTGSM);
	/* an escape pair never half-written at the end of the buffer */
	assert_int_equal(gsm7_from_utf8("ab€", 5, out, 3, &n), GSM7_ENOSPC);
	assert_int_equal(n, 2);
}

/* "hello" packed is E8 32 9B FD 06 (GSM 03.38 6.1.2.1.1). */
static void
test_pack_hello(void **state)
{
	const uint8_t	want[] = { 0xe8, 0x32, 0x9b, 0xfd, 0x06 };
	uint8_t		out[16], back[16];
	size_t		n;

	assert_int_equal(gsm7_pack((const uint8_t *)"hello", 5, 0, out,
	    sizeof(out), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, want, 5);
	assert_int_equal(gsm7_unpack(want, 5, 5, 0, back, sizeof(back), &n),
	    0);
	assert_int_equal(n, 5);
	assert_memory_equal(back, "hello", 5);
	/* 5 septets need 35 bits: a 6th septet is not there */
	assert_int_equal(gsm7_unpack(want, 5, 6, 0, back, sizeof(back), &n),
	    GSM7_ETRUNC);
	assert_int_equal(gsm7_pack((const uint8_t *)"hello", 5, 0, out, 4,
	    &n), GSM7_ENOSPC);
}

/* Text after a 6-octet UDH starts after one fill bit. */
static void
test_pack_fill(void **state)
{
	const uint8_t	*t = (const uint8_t *)"Hello world, 1234567";
	uint8_t		 out[32], back[32];
	size_t		 n, m;
	unsigned int	 f;

	assert_int_equal(gsm7_fill_bits(6), 1);
	assert_int_equal(gsm7_fill_bits(7), 0);
	assert_int_equal(gsm7_fill_bits(0), 0);
	assert_int_equal(gsm7_fill_bits(12), 2);
	for (f = 0; f <= 6; f++) {
		assert_int_equal(gsm7_pack(t, 20, f, out, sizeof(out), &n), 0);
		assert_int_equal(n, (f + 140 + 7) / 8);
		assert_int_equal(gsm7_unpack(out, n, 20, f, back,
		    sizeof(back), &m), 0);
		assert_memory_equal(back, t, 20);
		assert_int_equal(out[0] & ((1u << f) - 1), 0);
	}
	assert_int_equal(gsm7_pack(t, 2, 7, out, sizeof(out), &n),
	    GSM7_EINVAL);
	assert_int_equal(gsm7_pack((const uint8_t *)"\x80", 1, 0, out,
	    sizeof(out), &n), GSM7_EINVAL);
	assert_int_equal(gsm7_unpack(out, 0, 1, 0, back, sizeof(back), &n),
	    GSM7_ETRUNC);
}

/* 7 septets leave 7 spare bits: they hold CR, not '@' (6.1.2.3.1). */
static void
test_pack_cr_padding(void **state)
{
	uint8_t	out[16], back[16];
	size_t	n;

	assert_int_equal(gsm7_pack((const uint8_t *)"1234567", 7, 0, out,
	    sizeof(out), &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(gsm7_unpack(out, 7, 8, 0, back, sizeof(back), &n),
	    0);
	assert_int_equal(back[7], '\r');
}

/* UCS-2 octets decode to utf8 and utf8 encodes back to them. */
static void
ucs2_both_ways(const uint8_t *in, size_t len, const char *utf8)
{
	uint8_t		 out[64];
	const char	*s;
	size_t		 n;
	int		 rc;

	s = dec(8, in, len, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, utf8);
	assert_int_equal(gsm7_utf8_to_ucs2(utf8, strlen(utf8), out,
	    sizeof(out), &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(out, in, len);
}

static void
test_ucs2_chinese(void **state)
{
	const uint8_t	 in[] = { 0x4f, 0x60, 0x59, 0x7d, 0x00, 0x25 };

	/* and no percent-decoding either */
	ucs2_both_ways(in, sizeof(in), "你好%");
}

static void
test_ucs2_surrogate_pair(void **state)
{
	const uint8_t	 in[] = { 0xd8, 0x3d, 0xde, 0x00, 0x00, 0x41 };
	const uint8_t	 top[] = { 0xdb, 0xff, 0xdf, 0xff };
	uint8_t		 out[16];
	size_t		 n;

	ucs2_both_ways(in, sizeof(in), "\xf0\x9f\x98\x80" "A");
	ucs2_both_ways(top, sizeof(top), "\xf4\x8f\xbf\xbf");
	/* never half a pair at the end of the buffer */
	assert_int_equal(gsm7_utf8_to_ucs2("A\xf0\x9f\x98\x80", 5, out, 4,
	    &n), GSM7_ENOSPC);
	assert_int_equal(n, 2);
}

static void
test_ucs2_malformed(void **state)
{
	const uint8_t	 odd[] = { 0x4f, 0x60, 0x59 };
	const uint8_t	 lonehi[] = { 0x00, 0x41, 0xd8, 0x3d };
	const uint8_t	 lonelo[] = { 0xde, 0x00, 0x00, 0x41 };
	const uint8_t	 hihi[] = { 0xd8, 0x3d, 0xd8, 0x3d, 0xde, 0x00 };
	const uint8_t	 hinot[] = { 0xd8, 0x3d, 0x00, 0x42 };
	const uint8_t	 nul[] = { 0x00, 0x41, 0x00, 0x00, 0x00, 0x42 };
	const char	*s;
	int		 rc;

	(void)dec(8, odd, sizeof(odd), 0, &rc);
	assert_int_equal(rc, GSM7_ETRUNC);
	s = dec(8, odd, sizeof(odd), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "你\xef\xbf\xbd");
	(void)dec(8, lonehi, sizeof(lonehi), 0, &rc);
	assert_int_equal(rc, GSM7_ESURROGATE);
	(void)dec(8, lonelo, sizeof(lonelo), 0, &rc);
	assert_int_equal(rc, GSM7_ESURROGATE);
	s = dec(8, lonelo, sizeof(lonelo), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "\xef\xbf\xbd" "A");
	s = dec(8, hihi, sizeof(hihi), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "\xef\xbf\xbd\xf0\x9f\x98\x80");
	/* the unit after a lone high surrogate is not swallowed */
	s = dec(8, hinot, sizeof(hinot), GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "\xef\xbf\xbd" "B");
	(void)dec(8, nul, sizeof(nul), 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
	s = dec(8, "", 0, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "");
}

/* FIELD-NOTES 1: a BOM is honoured, trailing NUL padding dropped. */
static void
test_ucs2_bom_padding(void **state)
{
	const uint8_t	 be[] = { 0xfe, 0xff, 0x62, 0x95, 0x8b, 0xc9 };
	const uint8_t	 le[] = { 0xff, 0xfe, 0x95, 0x62, 0xc9, 0x8b };
	const uint8_t	 pad[] = { 0x62, 0x95, 0x8b, 0xc9, 0x00, 0x00, 0, 0 };
	const char	*s;
	int		 rc;

	s = dec(8, be, sizeof(be), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "投诉");
	s = dec(8, le, sizeof(le), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "投诉");
	s = dec(8, pad, sizeof(pad), 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "投诉");
}

static void
test_latin1_ascii(void **state)
{
	uint8_t		 all[255], back[255];
	char		 u[1024];
	const char	*s;
	size_t		 n, i;
	int		 rc;

	for (i = 0; i < 255; i++)
		all[i] = (uint8_t)(i + 1);
	assert_int_equal(gsm7_latin1_to_utf8(all, 255, u, sizeof(u), &n, 0),
	    0);
	assert_int_equal(gsm7_utf8_to_latin1(u, n, back, sizeof(back), &n),
	    0);
	assert_int_equal(n, 255);
	assert_memory_equal(back, all, 255);
	s = dec(3, "Caf\xe9\0\0", 6, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "Café");
	(void)dec(3, "a\0b", 3, 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
	assert_int_equal(gsm7_utf8_to_latin1("€", 3, back, sizeof(back),
	    &n), GSM7_ENOTGSM);
	s = dec(1, "plain ascii", 11, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "plain ascii");
	(void)dec(1, "caf\xe9", 4, 0, &rc);
	assert_int_equal(rc, GSM7_EINVAL);
}

static void
test_data_coding(void **state)
{
	int	rc;

	assert_int_equal(gsm7_alphabet(0x00), GSM7_A_GSM);
	assert_int_equal(gsm7_alphabet(0x01), GSM7_A_ASCII);
	assert_int_equal(gsm7_alphabet(0x02), GSM7_A_BINARY);
	assert_int_equal(gsm7_alphabet(0x03), GSM7_A_LATIN1);
	assert_int_equal(gsm7_alphabet(0x04), GSM7_A_BINARY);
	assert_int_equal(gsm7_alphabet(0x05), GSM7_A_UNSUPP);
	assert_int_equal(gsm7_alphabet(0x08), GSM7_A_UCS2);
	assert_int_equal(gsm7_alphabet(0x0e), GSM7_A_UNSUPP);
	assert_int_equal(gsm7_alphabet(0x10), GSM7_A_GSM);	/* flash */
	assert_int_equal(gsm7_alphabet(0x18), GSM7_A_UCS2);
	assert_int_equal(gsm7_alphabet(0x14), GSM7_A_BINARY);
	assert_int_equal(gsm7_alphabet(0x38), GSM7_A_UNSUPP);	/* compressed */
	assert_int_equal(gsm7_alphabet(0x48), GSM7_A_UCS2);
	assert_int_equal(gsm7_alphabet(0x90), GSM7_A_UNSUPP);
	assert_int_equal(gsm7_alphabet(0xc8), GSM7_A_GSM);
	assert_int_equal(gsm7_alphabet(0xe8), GSM7_A_UCS2);
	assert_int_equal(gsm7_alphabet(0xf0), GSM7_A_GSM);
	assert_int_equal(gsm7_alphabet(0xf1), GSM7_A_GSM);
	assert_int_equal(gsm7_alphabet(0xf4), GSM7_A_BINARY);
	assert_int_equal(gsm7_alphabet(0xf7), GSM7_A_BINARY);
	dec(0xf1, "\x1b\x65", 2, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(dec(0xf1, "\x1b\x65", 2, 0, &rc), "€");
	dec(2, "\x01\x02", 2, 0, &rc);
	assert_int_equal(rc, GSM7_EBINARY);
	dec(0xf6, "\x01\x02", 2, 0, &rc);
	assert_int_equal(rc, GSM7_EBINARY);
	dec(6, "abc", 3, GSM7_F_LENIENT, &rc);
	assert_int_equal(rc, GSM7_EUNSUPP);
	assert_string_equal(gsm7_strerror(GSM7_ESURROGATE),
	    "unpaired UTF-16 surrogate");
}

/* Output too small: truncated on a character, always NUL-terminated. */
static void
test_decode_nospace(void **state)
{
	const uint8_t	in[] = { 0x4f, 0x60, 0x59, 0x7d };
	char		out[8];
	size_t		n;

	memset(out, 'x', sizeof(out));
	assert_int_equal(gsm7_ucs2_to_utf8(in, 4, out, 6, &n, 0),
	    GSM7_ENOSPC);
	assert_int_equal(n, 3);
	assert_string_equal(out, "你");
	assert_int_equal(gsm7_ucs2_to_utf8(in, 4, out, 7, &n, 0), 0);
	assert_string_equal(out, "你好");
	assert_int_equal(gsm7_to_utf8((const uint8_t *)"ab", 2, out, 0, &n,
	    0), GSM7_ENOSPC);
	assert_int_equal(n, 0);
	assert_int_equal(gsm7_to_utf8((const uint8_t *)"ab", 2, out, 1, &n,
	    0), GSM7_ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(gsm7_to_utf8((const uint8_t *)"\x1b\x65", 2, out,
	    3, &n, 0), GSM7_ENOSPC);
	assert_string_equal(out, "");
}

static void
test_utf8_invalid(void **state)
{
	static const char *bad[] = {
		"\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xe4\xbd", "\x80", "\xf5\x80\x80\x80", "\xff", "a\xc3",
		"\xf0\x9f\x98"
	};
	struct gsm7_count	 c;
	uint8_t			 out[16];
	unsigned int		 dc;
	size_t			 i, n;

	for (i = 0; i < nitems(bad); i++) {
		n = strlen(bad[i]);
		assert_int_equal(gsm7_utf8_to_ucs2(bad[i], n, out, sizeof(out),
		    &n), GSM7_EUTF8);
		n = strlen(bad[i]);
		assert_int_equal(gsm7_from_utf8(bad[i], n, out, sizeof(out),
		    &n), GSM7_EUTF8);
		n = strlen(bad[i]);
		assert_int_equal(gsm7_count(bad[i], n, &c), GSM7_EUTF8);
		n = strlen(bad[i]);
		assert_int_equal(gsm7_encode(bad[i], n, out, sizeof(out), &n,
		    &dc), GSM7_EUTF8);
	}
	/* an embedded NUL is not SMS text */
	assert_int_equal(gsm7_utf8_to_ucs2("a\0b", 3, out, sizeof(out), &n),
	    GSM7_EUTF8);
}

static void
test_encode_choice(void **state)
{
	struct gsm7_count	c;
	uint8_t			out[64];
	unsigned int		dc;
	size_t			n;

	assert_int_equal(gsm7_encode("Price 5€ [ok]", 15, out, sizeof(out),
	    &n, &dc), 0);
	assert_int_equal(dc, 0);
	assert_int_equal(n, 16);
	assert_int_equal(gsm7_encode("投诉 noise", 12, out, sizeof(out), &n,
	    &dc), 0);
	assert_int_equal(dc, 8);
	assert_int_equal(n, 16);
	assert_memory_equal(out, "\x62\x95\x8b\xc9\x00\x20", 6);
	assert_int_equal(gsm7_count("a€\xf0\x9f\x98\x80", 8, &c), 0);
	assert_int_equal(c.chars, 3);
	assert_int_equal(c.ucs2, 4);
	assert_int_equal(c.gsm, 0);
	assert_int_equal(gsm7_count("a€{", 5, &c), 0);
	assert_int_equal(c.septets, 5);
	assert_int_equal(c.gsm, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gsm_basic),
		cmocka_unit_test(test_gsm_extension),
		cmocka_unit_test(test_gsm_escape_edge),
		cmocka_unit_test(test_gsm_roundtrip_all),
		cmocka_unit_test(test_gsm_from_utf8),
		cmocka_unit_test(test_pack_hello),
		cmocka_unit_test(test_pack_fill),
		cmocka_unit_test(test_pack_cr_padding),
		cmocka_unit_test(test_ucs2_chinese),
		cmocka_unit_test(test_ucs2_surrogate_pair),
		cmocka_unit_test(test_ucs2_malformed),
		cmocka_unit_test(test_ucs2_bom_padding),
		cmocka_unit_test(test_latin1_ascii),
		cmocka_unit_test(test_data_coding),
		cmocka_unit_test(test_decode_nospace),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_encode_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
