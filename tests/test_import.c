/*
 * Unit tests for cases from the other channels: the CSV reader (csv.c)
 * on what Excel and WPS write and on malformed, quoted and oversized
 * records, and the import request's validation (import.c), one refusal
 * per field, each naming it, and hostile values.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "category.h"
#include "crypto.h"
#include "csv.h"
#include "import.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

#define NF	8

/* Read every record of s into out as "a|b|c" lines, errors as "!LINE". */
static void
csv_all(const char *s, size_t len, size_t scratchlen, char *out,
    size_t outlen)
{
	struct csv_reader	 r;
	char			 scratch[256], err[128], *f[NF], tmp[32];
	size_t			 nf, line, i;
	int			 rv;

	assert_true(scratchlen <= sizeof(scratch));
	out[0] = '\0';
	csv_init(&r, s, len);
	while ((rv = csv_next(&r, scratch, scratchlen, f, NF, &nf, &line, err,
	    sizeof(err))) != 0) {
		if (rv == -1) {
			assert_true(err[0] != '\0');
			snprintf(tmp, sizeof(tmp), "!%zu\n", line);
			strlcat(out, tmp, outlen);
			continue;
		}
		snprintf(tmp, sizeof(tmp), "%zu:", line);
		strlcat(out, tmp, outlen);
		for (i = 0; i < nf; i++) {
			strlcat(out, f[i], outlen);
			strlcat(out, i + 1 < nf ? "|" : "\n", outlen);
		}
	}
}

static void
test_csv_excel(void **state)
{
	static const char s[] = "\xef\xbb\xbf" "channel,text\r\n"
	    "phone,\"路灯坏了, 请修\"\r\n"
	    "web,\"他说\"\"马上\"\"\"\r\n"
	    "letter,\"两行\r\n第二行\"\r\n"
	    "wechat,\r\n"
	    ",\r\n";
	char	out[512];

	(void)state;
	csv_all(s, sizeof(s) - 1, 256, out, sizeof(out));
	assert_string_equal(out, "1:channel|text\n"
	    "2:phone|路灯坏了, 请修\n"
	    "3:web|他说\"马上\"\n"
	    "4:letter|两行\r\n第二行\n"
	    "6:wechat|\n"
	    "7:|\n");
}

static void
test_csv_lf_no_end(void **state)
{
	static const char s[] = "a,b\nc,d";
	char	out[128];

	(void)state;
	csv_all(s, sizeof(s) - 1, 256, out, sizeof(out));
	assert_string_equal(out, "1:a|b\n2:c|d\n");
	csv_all("", 0, 256, out, sizeof(out));
	assert_string_equal(out, "");
	csv_all("\xef\xbb\xbf", 3, 256, out, sizeof(out));
	assert_string_equal(out, "");
}

static void
test_csv_malformed(void **state)
{
	char	out[256];
	/* a quote inside a bare field, text after a closing quote, a NUL */
	static const char s1[] = "ok,1\nbad\"x,2\nok,3\n\"q\"x,4\nok,5\n";
	static const char s2[] = "a,b\nn\0ul,1\nok,2\n";
	static const char s3[] = "a,b\n\"never closed,1\nok,2\n";

	(void)state;
	csv_all(s1, sizeof(s1) - 1, 256, out, sizeof(out));
	assert_string_equal(out, "1:ok|1\n!2\n3:ok|3\n!4\n5:ok|5\n");
	csv_all(s2, sizeof(s2) - 1, 256, out, sizeof(out));
	assert_string_equal(out, "1:a|b\n!2\n3:ok|2\n");
	/* an unclosed quote takes the rest of the file: one bad record */
	csv_all(s3, sizeof(s3) - 1, 256, out, sizeof(out));
	assert_string_equal(out, "1:a|b\n!2\n");
}

static void
test_csv_oversized(void **state)
{
	char	in[1024], out[256];
	size_t	n;

	(void)state;
	/* a record longer than the scratch buffer, quoted over lines */
	n = (size_t)snprintf(in, sizeof(in), "a,b\n\"");
	memset(in + n, 'x', 100);
	n += 100;
	n += (size_t)snprintf(in + n, sizeof(in) - n, "\ny, z\",1\nok,2\n");
	csv_all(in, n, 32, out, sizeof(out));
	assert_string_equal(out, "1:a|b\n!2\n4:ok|2\n");
	/* exactly fitting: 31 bytes and the NUL */
	memset(in, 'y', 31);
	n = 31;
	in[n++] = '\n';
	csv_all(in, n, 32, out, sizeof(out));
	assert_int_equal(strlen(out), 2 + 31 + 1);
	/* too many fields */
	csv_all("1,2,3,4,5,6,7,8,9\nok\n", 20, 256, out, sizeof(out));
	assert_string_equal(out, "!1\n2:ok\n");
}

static void
test_csv_cuts(void **state)
{
	static const char s[] = "\xef\xbb\xbf" "a,\"b\"\"c\"\r\n\"d\ne\",f\r\n";
	char	out[512], *cut;
	size_t	i;

	(void)state;
	/* every prefix reads without a crash, from its own copy */
	for (i = 0; i <= sizeof(s) - 1; i++) {
		cut = xmalloc(i + 1);
		memcpy(cut, s, i);
		csv_all(cut, i, 256, out, sizeof(out));
		free(cut);
	}
}

/* --- import.c ----------------------------------------------------------- */

static int64_t
now_ms(void)
{
	return (int64_t)time(NULL) * 1000;
}

/* The base request with key set to the JSON value v (NULL: removed). */
static json_t *
req_with(const char *key, const char *v)
{
	json_t		*o;
	json_error_t	 e;

	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "channel", "phone",
	    "external_id", "T-1", "category", "complaint", "text",
	    "小区门口路灯坏了一周", "msisdn", "+86 138-0013-8001");
	assert_non_null(o);
	if (key != NULL && v == NULL)
		json_object_del(o, key);
	else if (key != NULL) {
		json_t *x = json_loads(v, JSON_DECODE_ANY | JSON_ALLOW_NUL,
		    &e);

		assert_non_null(x);
		json_object_set_new(o, key, x);
	}
	return o;
}

/* The request refused, naming field. */
static void
refused(const char *key, const char *v, const char *field)
{
	struct import_case	 c;
	const char		*f;
	char			 err[256];
	json_t			*o = req_with(key, v);

	err[0] = '\0';
	if (import_parse(o, now_ms(), &c, &f, err, sizeof(err)) != -1)
		fail_msg("%s=%.40s accepted", key, v ? v : "(none)");
	assert_non_null(f);
	assert_string_equal(f, field);
	assert_true(err[0] != '\0');
	/* never the number in the error */
	assert_null(strstr(err, "138"));
	json_decref(o);
}

static void
test_import_ok(void **state)
{
	struct import_case	 c;
	const char		*f;
	char			 err[256];
	json_t			*o = req_with(NULL, NULL);

	(void)state;
	assert_int_equal(import_parse(o, now_ms(), &c, &f, err, sizeof(err)),
	    0);
	assert_null(f);
	assert_string_equal(c.channel, "phone");
	assert_string_equal(c.external_id, "T-1");
	assert_int_equal(c.category, CAT_COMPLAINT);
	assert_string_equal(c.msisdn, "13800138001");
	assert_int_equal(c.confidential, 0);
	assert_int_equal(c.ack, 0);
	json_decref(o);
	/* Chinese labels, booleans, a past time with a zone */
	o = req_with("channel", "\"微信\"");
	json_object_set_new(o, "category", json_string("咨询"));
	json_object_set_new(o, "ack", json_true());
	json_object_set_new(o, "confidential", json_true());
	json_object_set_new(o, "received_at",
	    json_string("2026-12-04T09:30:00+08:00"));
	assert_int_equal(import_parse(o, INT64_C(1765000000000) +
	    INT64_C(86400000) * 365, &c, &f, err, sizeof(err)), 0);
	assert_string_equal(c.channel, "wechat");
	assert_int_equal(c.category, CAT_CONSULTATION);
	assert_int_equal(c.ack, 1);
	assert_int_equal(c.confidential, 1);
	assert_int_equal(c.received_at, INT64_C(1796347800000));
	json_decref(o);
}

static void
test_import_fields(void **state)
{
	char	big[IMPORT_TEXT_MAX * 3 + 8], *p;
	size_t	i;

	(void)state;
	/* missing */
	refused("channel", NULL, "channel");
	refused("external_id", NULL, "external_id");
	refused("category", NULL, "category");
	refused("text", NULL, "text");
	refused("msisdn", NULL, "msisdn");
	/* bad values */
	refused("channel", "\"sms\"", "channel");
	refused("channel", "\"fax\"", "channel");
	refused("category", "\"unclassified\"", "category");
	refused("msisdn", "\"12345\"", "msisdn");
	refused("msisdn", "\"0762-3331234\"", "msisdn");
	refused("msisdn", "\"1380013800a\"", "msisdn");
	refused("msisdn", "\"12800138000\"", "msisdn");
	refused("text", "\"   \"", "text");
	refused("text", "\"\"", "text");
	refused("external_id", "\"\"", "external_id");
	refused("received_at", "\"yesterday\"", "received_at");
	refused("received_at", "\"2026-02-30 10:00\"", "received_at");
	refused("received_at", "\"2026-12-01 25:00\"", "received_at");
	refused("received_at", "\"2099-01-01 10:00\"", "received_at");
	refused("received_at", "\"2020-01-01 10:00\"", "received_at");
	/* wrong types */
	refused("channel", "1", "channel");
	refused("text", "[\"a\"]", "text");
	refused("msisdn", "13800138001", "msisdn");
	refused("confidential", "\"yes\"", "confidential");
	refused("ack", "1", "ack");
	refused("received_at", "1765000000", "received_at");
	/* control characters, NUL, unknown fields */
	refused("text", "\"a\\u0000b\"", "text");
	refused("text", "\"a\\u001bb\"", "text");
	refused("external_id", "\"a\\nb\"", "external_id");
	refused("colour", "\"red\"", "-");
	/* too long: characters, and an id in bytes */
	p = big;
	*p++ = '"';
	for (i = 0; i < IMPORT_TEXT_MAX + 1; i++) {
		memcpy(p, "字", 3);
		p += 3;
	}
	*p++ = '"';
	*p = '\0';
	refused("text", big, "text");
	memset(big, 'x', IMPORT_ID_MAX + 3);
	big[0] = big[IMPORT_ID_MAX + 2] = '"';
	big[IMPORT_ID_MAX + 3] = '\0';
	refused("external_id", big, "external_id");
}

static void
test_import_text_lines(void **state)
{
	struct import_case	 c;
	const char		*f;
	char			 err[256];
	json_t			*o;

	(void)state;
	o = req_with("text", "\"第一行\\r\\n第二行\\t完\"");
	assert_int_equal(import_parse(o, now_ms(), &c, &f, err, sizeof(err)),
	    0);
	assert_string_equal(c.text, "第一行\r\n第二行\t完");
	json_decref(o);
	/* not an object at all */
	o = json_array();
	assert_int_equal(import_parse(o, now_ms(), &c, &f, err, sizeof(err)),
	    -1);
	json_decref(o);
}

static void
test_import_time(void **state)
{
	int64_t	ms;

	(void)state;
	assert_int_equal(import_time("2026-12-04T01:30:00Z", &ms), 0);
	assert_int_equal(ms, INT64_C(1796347800000));
	assert_int_equal(import_time("2026-12-04T09:30+08:00", &ms), 0);
	assert_int_equal(ms, INT64_C(1796347800000));
	assert_int_equal(import_time("2026-12-04 09:30:00", &ms), 0);
	assert_int_equal(import_time("2026-12-04", &ms), -1);
	assert_int_equal(import_time("2026-12-04T09:30:00+0800", &ms), -1);
	assert_int_equal(import_time("2026-12-04T09:30:00Zjunk", &ms), -1);
	assert_int_equal(import_time("2026-13-04T09:30:00Z", &ms), -1);
	assert_int_equal(import_time("", &ms), -1);
	assert_int_equal(import_time("2026-12-0", &ms), -1);
}

/* --- store_import.c: v20 on an existing database ------------------------ */

static struct store *
upgrade_open(const char *path, struct crypto *cr, int max)
{
	struct store_opts	 o = { .max_version = max };
	struct store		*st;
	char			 err[256];

	if ((st = store_open(path, cr, &o, err, sizeof(err))) == NULL)
		fprintf(stderr, "# store_open: %s\n", err);
	return st;
}

/*
 * A v16 database (the release before) with an SMS case: upgraded in
 * place, the old case keeps channel sms, an import is found again by
 * (channel, external id) and only by both, the same pair twice fails,
 * and the audit chain still verifies.
 */
static void
test_upgrade_v20(void **state)
{
	struct store_case_new	 c;
	struct store		*st;
	struct crypto		*cr;
	uint8_t			 key[CRYPTO_KEYFILE_LEN];
	char			 dir[128], path[160], buf[32];
	char			 number[STORE_CASE_NUMBER_MAX];
	int64_t			 id, old, found, bad = 0;

	(void)state;
	assert_int_equal(testdb_make("test_import", dir, sizeof(dir), path,
	    sizeof(path)), 0);
	memset(key, 0x5a, sizeof(key));
	cr = crypto_new(key);
	assert_non_null(st = upgrade_open(path, cr, 16));
	memset(&c, 0, sizeof(c));
	c.msisdn = "13800138001";
	c.category = "complaint";
	c.text = "楼下烧烤店噪音扰民";
	c.received_at = INT64_C(1796347800000);
	c.due = "2026-12-18";
	assert_int_equal(store_case_add(st, &c, &old, number), 0);
	assert_int_equal(store_import_find(st, "phone", "T-1", &found), -1);
	store_close(st);

	assert_non_null(st = upgrade_open(path, cr, 0));
	assert_int_equal(testdb_peek(path, "PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(store_import_find(st, "phone", "T-1", &found), 0);
	c.msisdn = "13800138002";
	c.text = "电话反映：路灯坏了";
	assert_int_equal(store_import_add(st, &c, "phone", "T-1",
	    c.received_at, &id, number), 0);
	assert_true(id > old);
	assert_int_equal(store_import_find(st, "phone", "T-1", &found), 1);
	assert_int_equal(found, id);
	assert_int_equal(store_import_find(st, "web", "T-1", &found), 0);
	assert_int_equal(store_import_find(st, "phone", "T-2", &found), 0);
	assert_int_equal(testdb_text(path, "SELECT group_concat(channel, ',') "
	    "FROM (SELECT channel FROM cases ORDER BY id)", buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "sms,phone");
	/* the same pair again: refused by the key (the unit undoes it all) */
	assert_int_equal(store_import_add(st, &c, "phone", "T-1",
	    c.received_at, &id, number), -1);
	assert_int_equal(store_audit_verify(st, &bad), 0);
	store_close(st);
	crypto_free(cr);
	testdb_remove(dir, path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_excel),
		cmocka_unit_test(test_csv_lf_no_end),
		cmocka_unit_test(test_csv_malformed),
		cmocka_unit_test(test_csv_oversized),
		cmocka_unit_test(test_csv_cuts),
		cmocka_unit_test(test_import_ok),
		cmocka_unit_test(test_import_fields),
		cmocka_unit_test(test_import_text_lines),
		cmocka_unit_test(test_import_time),
		cmocka_unit_test(test_upgrade_v20),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
