/*
 * Unit tests for udh.c: UDH parsing (8- and 16-bit references, other IEs
 * skipped, every overrun), SAR values, and outbound splitting at the 160/161
 * and 70/71 boundaries without cutting an escape or a surrogate pair
 * (FIELD-NOTES item 1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "compat.h"
#include "gsm7.h"
#include "udh.h"

static struct udh_split	sp;
static uint8_t		buf[65536 + 64];
static char		text[8192];

/* n copies of the UTF-8 character c, then tail. */
static const char *
rep(const char *c, size_t n, const char *tail)
{
	size_t	i;

	text[0] = '\0';
	for (i = 0; i < n; i++)
		strlcat(text, c, sizeof(text));
	strlcat(text, tail, sizeof(text));
	return text;
}

static int
split(const char *t, enum udh_mode mode, uint16_t ref, size_t maxp)
{
	struct udh_opts	o = { mode, ref, maxp, 0 };

	return udh_split(t, strlen(t), &o, buf, sizeof(buf), &sp);
}

/* Decode every part's text and compare the whole with want. */
static void
reassemble(const char *want, size_t hl)
{
	char	out[16384], part[1024];
	size_t	i, n;

	out[0] = '\0';
	for (i = 0; i < sp.nparts; i++) {
		assert_true(sp.part[i].len >= hl);
		assert_true(gsm7_decode(sp.data_coding,
		    buf + sp.part[i].off + hl, sp.part[i].len - hl, part,
		    sizeof(part), &n, 0) >= 0);
		strlcat(out, part, sizeof(out));
	}
	assert_string_equal(out, want);
}

static void
test_parse_concat8(void **state)
{
	const uint8_t	sm[] = { 0x05, 0x00, 0x03, 0xa7, 0x03, 0x01, 'h', 'i' };
	struct udh_info	u;

	assert_int_equal(udh_parse(sm, sizeof(sm), &u), UDH_OK);
	assert_int_equal(u.len, 6);
	assert_true(u.has_concat);
	assert_int_equal(u.concat.ref, 0xa7);
	assert_int_equal(u.concat.total, 3);
	assert_int_equal(u.concat.seq, 1);
	assert_int_equal(u.concat.ref_bits, 8);
}

static void
test_parse_concat16(void **state)
{
	const uint8_t	sm[] = { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02 };
	struct udh_info	u;

	assert_int_equal(udh_parse(sm, sizeof(sm), &u), UDH_OK);
	assert_int_equal(u.len, 7);
	assert_true(u.has_concat);
	assert_int_equal(u.concat.ref, 0x1234);
	assert_int_equal(u.concat.total, 2);
	assert_int_equal(u.concat.seq, 2);
	assert_int_equal(u.concat.ref_bits, 16);
}

/* National shift (0x24), ports (0x05) and an unknown IE are skipped. */
static void
test_parse_other_ies(void **state)
{
	const uint8_t	sm[] = { 0x10, 0x24, 0x01, 0x0d, 0x05, 0x04, 0x0b,
	    0x84, 0x23, 0xf0, 0x00, 0x03, 0x01, 0x02, 0x02, 0x70, 0x00, 'x' };
	struct udh_info	u;

	assert_int_equal(udh_parse(sm, sizeof(sm), &u), UDH_OK);
	assert_int_equal(u.len, 17);
	assert_int_equal(u.nie, 4);
	assert_true(u.has_ports);
	assert_int_equal(u.dst_port, 2948);
	assert_int_equal(u.src_port, 0x23f0);
	assert_true(u.has_concat);
	assert_int_equal(u.concat.seq, 2);
}

static void
test_parse_malformed(void **state)
{
	const uint8_t	past[] = { 0x05, 0x00, 0x03, 0x01, 0x02 };
	const uint8_t	ie[] = { 0x04, 0x00, 0x05, 0x01, 0x02, 'a', 'b' };
	const uint8_t	half[] = { 0x01, 0x00, 'a' };
	const uint8_t	empty[] = { 0x00, 'a' };
	const uint8_t	big[] = { 0xff };
	struct udh_info	u;

	assert_int_equal(udh_parse(past, sizeof(past), &u), UDH_ETRUNC);
	assert_int_equal(udh_parse(past, 0, &u), UDH_ETRUNC);
	assert_int_equal(udh_parse(big, sizeof(big), &u), UDH_ETRUNC);
	assert_int_equal(udh_parse(ie, sizeof(ie), &u), UDH_EBADIE);
	assert_int_equal(udh_parse(half, sizeof(half), &u), UDH_EBADIE);
	assert_int_equal(udh_parse(empty, sizeof(empty), &u), UDH_OK);
	assert_int_equal(u.len, 1);
	assert_false(u.has_concat);
	assert_string_equal(udh_strerror(UDH_EBADIE),
	    "UDH information element overruns the header");
}

/* GSM 03.40 9.2.3.24.1: a bad concatenation IE is ignored, not fatal. */
static void
test_parse_bad_concat_ignored(void **state)
{
	const uint8_t	seq0[] = { 0x05, 0x00, 0x03, 0x01, 0x02, 0x00 };
	const uint8_t	over[] = { 0x05, 0x00, 0x03, 0x01, 0x02, 0x03 };
	const uint8_t	tot0[] = { 0x05, 0x00, 0x03, 0x01, 0x00, 0x00 };
	const uint8_t	len4[] = { 0x06, 0x00, 0x04, 0x01, 0x02, 0x01, 0x00 };
	const uint8_t	last[] = { 0x0a, 0x00, 0x03, 0x01, 0x02, 0x01,
	    0x00, 0x03, 0x09, 0x03, 0x02 };
	struct udh_info	u;

	assert_int_equal(udh_parse(seq0, sizeof(seq0), &u), UDH_OK);
	assert_false(u.has_concat);
	assert_int_equal(udh_parse(over, sizeof(over), &u), UDH_OK);
	assert_false(u.has_concat);
	assert_int_equal(udh_parse(tot0, sizeof(tot0), &u), UDH_OK);
	assert_false(u.has_concat);
	assert_int_equal(udh_parse(len4, sizeof(len4), &u), UDH_OK);
	assert_false(u.has_concat);
	assert_int_equal(udh_parse(last, sizeof(last), &u), UDH_OK);
	assert_int_equal(u.concat.ref, 9);
	assert_int_equal(u.concat.total, 3);
}

static void
test_sar(void **state)
{
	struct udh_concat	c;

	assert_int_equal(udh_sar(0x1234, 3, 2, &c), UDH_OK);
	assert_int_equal(c.ref, 0x1234);
	assert_int_equal(c.total, 3);
	assert_int_equal(c.seq, 2);
	assert_int_equal(udh_sar(0, 1, 1, &c), UDH_OK);
	assert_int_equal(udh_sar(65535, 255, 255, &c), UDH_OK);
	assert_int_equal(udh_sar(-1, 2, 1, &c), UDH_ERANGE);
	assert_int_equal(udh_sar(65536, 2, 1, &c), UDH_ERANGE);
	assert_int_equal(udh_sar(1, 0, 0, &c), UDH_ERANGE);
	assert_int_equal(udh_sar(1, 256, 1, &c), UDH_ERANGE);
	assert_int_equal(udh_sar(1, 2, 3, &c), UDH_ERANGE);
	assert_int_equal(udh_sar(1, 2, 0, &c), UDH_ERANGE);
}

static void
test_split_gsm_160_161(void **state)
{
	assert_int_equal(split(rep("a", 160, ""), UDH_MODE_UDH8, 0x42, 0), 0);
	assert_int_equal(sp.nparts, 1);
	assert_int_equal(sp.data_coding, 0);
	assert_false(sp.udhi);
	assert_int_equal(sp.part[0].len, 160);
	assert_int_equal(split(rep("a", 161, ""), UDH_MODE_UDH8, 0x42, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_true(sp.udhi);
	assert_int_equal(sp.part[0].len, 6 + 153);
	assert_int_equal(sp.part[1].len, 6 + 8);
	assert_memory_equal(buf + sp.part[0].off, "\x05\x00\x03\x42\x02\x01",
	    6);
	assert_memory_equal(buf + sp.part[1].off, "\x05\x00\x03\x42\x02\x02",
	    6);
	reassemble(rep("a", 161, ""), 6);
	/* 306 = 2 x 153 */
	assert_int_equal(udh_count(rep("a", 306, ""), 306, UDH_MODE_UDH8, 0),
	    2);
	assert_int_equal(udh_count(rep("a", 307, ""), 307, UDH_MODE_UDH8, 0),
	    3);
	assert_int_equal(udh_count("", 0, UDH_MODE_UDH8, 0), 1);
}

static void
test_split_ucs2_70_71(void **state)
{
	const char	*t;

	t = rep("诉", 70, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 7, 0), 0);
	assert_int_equal(sp.nparts, 1);
	assert_int_equal(sp.data_coding, 8);
	assert_int_equal(sp.part[0].len, 140);
	t = rep("诉", 71, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 7, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_int_equal(sp.part[0].len, 6 + 134);
	assert_int_equal(sp.part[1].len, 6 + 8);
	reassemble(t, 6);
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 2);
	t = rep("诉", 134, "");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 2);
	t = rep("诉", 135, "");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 3);
	/* one non-GSM character makes the whole text UCS-2 */
	t = rep("a", 69, "诉");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 1);
	t = rep("a", 70, "诉");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 2);
}

/* An extension character counts 2: 159 + 1 escaped is 161 septets. */
static void
test_split_escape_boundary(void **state)
{
	const char	*t;
	const uint8_t	*p;

	t = rep("a", 158, "€");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 1);
	t = rep("a", 159, "€");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 2);
	/* 152 + escape: the escape pair moves whole to part 2 */
	t = rep("a", 152, "€bbbbbbbbbb");
	assert_int_equal(split(t, UDH_MODE_UDH8, 1, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_int_equal(sp.part[0].len, 6 + 152);
	p = buf + sp.part[0].off;
	assert_int_not_equal(p[sp.part[0].len - 1], GSM7_ESC);
	p = buf + sp.part[1].off + 6;
	assert_int_equal(p[0], GSM7_ESC);
	assert_int_equal(p[1], 0x65);
	reassemble(t, 6);
	/* 151 + escape fills 153 exactly */
	t = rep("a", 151, "€bbbbbbbbbb");
	assert_int_equal(split(t, UDH_MODE_UDH8, 1, 0), 0);
	assert_int_equal(sp.part[0].len, 6 + 153);
	reassemble(t, 6);
}

/* A surrogate pair never straddles two parts. */
static void
test_split_surrogate_boundary(void **state)
{
	const char	*t;
	const uint8_t	*p;

	t = rep("诉", 66, "\xf0\x9f\x98\x80" "诉诉诉诉诉");
	assert_int_equal(split(t, UDH_MODE_UDH8, 1, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_int_equal(sp.part[0].len, 6 + 132);
	p = buf + sp.part[1].off + 6;
	assert_int_equal(p[0], 0xd8);
	assert_int_equal(p[1], 0x3d);
	reassemble(t, 6);
	/* 69 + one emoji is 71 units: two parts */
	t = rep("诉", 69, "\xf0\x9f\x98\x80");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 2);
	t = rep("诉", 68, "\xf0\x9f\x98\x80");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH8, 0), 1);
}

static void
test_split_udh16(void **state)
{
	const char	*t;

	t = rep("a", 161, "");
	assert_int_equal(split(t, UDH_MODE_UDH16, 0xbeef, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_int_equal(sp.part[0].len, 7 + 152);
	assert_int_equal(sp.part[1].len, 7 + 9);
	assert_memory_equal(buf + sp.part[1].off,
	    "\x06\x08\x04\xbe\xef\x02\x02", 7);
	reassemble(t, 7);
	t = rep("诉", 132, "");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH16, 0), 2);
	t = rep("诉", 133, "");
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_UDH16, 0), 3);
}

static void
test_split_sar_payload(void **state)
{
	const char	*t;

	t = rep("a", 200, "");
	assert_int_equal(split(t, UDH_MODE_SAR, 0x1234, 0), 0);
	assert_int_equal(sp.nparts, 2);
	assert_false(sp.udhi);
	assert_true(sp.sar);
	assert_int_equal(sp.sar_msg_ref_num, 0x1234);
	assert_int_equal(sp.sar_total_segments, 2);
	assert_int_equal(sp.part[0].sar_segment_seqnum, 1);
	assert_int_equal(sp.part[1].sar_segment_seqnum, 2);
	assert_int_equal(sp.part[0].len, 153);
	assert_int_equal(sp.part[1].len, 47);
	reassemble(t, 0);
	t = rep("诉", 300, "");
	assert_int_equal(split(t, UDH_MODE_PAYLOAD, 0, 0), 0);
	assert_int_equal(sp.nparts, 1);
	assert_false(sp.udhi);
	assert_false(sp.sar);
	assert_int_equal(sp.part[0].len, 600);
	reassemble(t, 0);
	assert_int_equal(udh_count(t, strlen(t), UDH_MODE_PAYLOAD, 0), 1);
}

/* 300 Chinese characters: 5 parts of 67 (last 32), reference kept. */
static void
test_split_chinese_300(void **state)
{
	const char	*t;
	size_t		 i;

	t = rep("投", 300, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 0x1ab, 0), 0);
	assert_int_equal(sp.nparts, 5);
	assert_int_equal(sp.needed, 5);
	assert_int_equal(sp.cut, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(sp.part[i].len, 6 + 134);
	assert_int_equal(sp.part[4].len, 6 + 64);
	for (i = 0; i < 5; i++) {
		assert_int_equal(buf[sp.part[i].off + 3], 0xab);
		assert_int_equal(buf[sp.part[i].off + 4], 5);
		assert_int_equal(buf[sp.part[i].off + 5], i + 1);
	}
	reassemble(t, 6);
}

static void
test_split_max_parts(void **state)
{
	const char	*t;

	t = rep("a", 400, "");		/* needs 3 */
	assert_int_equal(split(t, UDH_MODE_UDH8, 3, 2), 0);
	assert_int_equal(sp.needed, 3);
	assert_int_equal(sp.nparts, 2);
	assert_int_equal(sp.cut, 400 - 306);
	assert_int_equal(sp.cut_at, 306);
	assert_int_equal(buf[sp.part[1].off + 4], 2);	/* total sent */
	reassemble(rep("a", 306, ""), 6);
	t = rep("a", 400, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 3, 1), 0);
	assert_int_equal(sp.nparts, 1);
	assert_false(sp.udhi);
	assert_int_equal(sp.part[0].len, 160);
	assert_int_equal(sp.cut, 240);
	t = rep("诉", 100, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 3, 1), 0);
	assert_int_equal(sp.part[0].len, 140);
	assert_int_equal(sp.cut, 30);
	assert_int_equal(sp.cut_at, 70 * 3);
	t = rep("a", 160, "");
	assert_int_equal(split(t, UDH_MODE_UDH8, 3, 1), 0);
	assert_int_equal(sp.cut, 0);
}

static void
test_split_errors(void **state)
{
	struct udh_opts	o = { UDH_MODE_UDH8, 1, 0, 0 };

	assert_int_equal(udh_split("a\xff", 2, &o, buf, sizeof(buf), &sp),
	    GSM7_EUTF8);
	assert_int_equal(udh_count("a\xc3", 2, UDH_MODE_UDH8, 0), GSM7_EUTF8);
	assert_int_equal(udh_split(rep("a", 200, ""), 200, &o, buf, 100, &sp),
	    GSM7_ENOSPC);
	assert_int_equal(udh_split(rep("a", 200, ""), 200, &o, buf, 3, &sp),
	    GSM7_ENOSPC);
	o.mode = UDH_MODE_PAYLOAD;
	memset(text, 'a', 7000);
	text[7000] = '\0';
	assert_int_equal(udh_split(text, 7000, &o, buf, 100, &sp),
	    GSM7_ENOSPC);
	/* forced UCS-2 */
	o.mode = UDH_MODE_UDH8;
	o.ucs2 = 1;
	assert_int_equal(udh_split("abc", 3, &o, buf, sizeof(buf), &sp), 0);
	assert_int_equal(sp.data_coding, 8);
	assert_int_equal(sp.part[0].len, 6);
	assert_int_equal(udh_count(rep("a", 71, ""), 71, UDH_MODE_UDH8, 1), 2);
}

/* FIELD-NOTES: vary the reference per recipient, never reuse one. */
static void
test_ref(void **state)
{
	uint16_t	a, b;
	uint32_t	i;
	int		seen[256] = { 0 };

	a = udh_ref("13800138000", 1, UDH_MODE_UDH8);
	b = udh_ref("13800138000", 2, UDH_MODE_UDH8);
	assert_int_not_equal(a, b);
	assert_int_equal(a, udh_ref("13800138000", 1, UDH_MODE_UDH8));
	assert_true(a < 256);
	for (i = 0; i < 256; i++)
		seen[udh_ref("13800138001", i, UDH_MODE_UDH8)]++;
	for (i = 0; i < 256; i++)
		assert_int_equal(seen[i], 1);
	assert_int_not_equal(udh_ref("13800138001", 7, UDH_MODE_UDH16),
	    udh_ref("13800138002", 7, UDH_MODE_UDH16));
	(void)udh_ref(NULL, 0, UDH_MODE_SAR);
	assert_int_equal(udh_capacity(UDH_MODE_UDH16, 8, 1), 66);
	assert_int_equal(udh_capacity(UDH_MODE_SAR, 0, 1), 153);
	assert_int_equal(udh_capacity(UDH_MODE_UDH8, 0, 0), 160);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_concat8),
		cmocka_unit_test(test_parse_concat16),
		cmocka_unit_test(test_parse_other_ies),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_bad_concat_ignored),
		cmocka_unit_test(test_sar),
		cmocka_unit_test(test_split_gsm_160_161),
		cmocka_unit_test(test_split_ucs2_70_71),
		cmocka_unit_test(test_split_escape_boundary),
		cmocka_unit_test(test_split_surrogate_boundary),
		cmocka_unit_test(test_split_udh16),
		cmocka_unit_test(test_split_sar_payload),
		cmocka_unit_test(test_split_chinese_300),
		cmocka_unit_test(test_split_max_parts),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
