/*
 * Unit tests for errfmt.c (issue 16): the conversions both sides read, the
 * daemon's arguments as strings, and hotlinectl's substitution of them in
 * a translation, on good and hostile input: missing and extra arguments,
 * %n, %%, huge widths, positions out of range, non-string arguments,
 * broken UTF-8, control characters, a reordered translation, a reply that
 * does not say what its message says; a lower module's noted error.
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

#include <jansson.h>

#include "errfmt.h"

static const char *const	*tr_table;	/* msgid, msgstr, ..., NULL */

/* A catalogue: the table's translation of s, else s itself. */
static const char *
tr(const char *s)
{
	size_t	i;

	for (i = 0; tr_table != NULL && tr_table[i] != NULL; i += 2)
		if (strcmp(tr_table[i], s) == 0)
			return tr_table[i + 1];
	return s;
}

/* errfmt_args() of fmt and the arguments, as compact JSON (or "NULL"). */
static void
args_of(char *out, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	json_t	*a;
	char	*s;

	va_start(ap, fmt);
	a = errfmt_args(fmt, ap);
	va_end(ap);
	if (a == NULL) {
		snprintf(out, len, "NULL");
		return;
	}
	s = json_dumps(a, JSON_COMPACT);
	snprintf(out, len, "%s", s != NULL ? s : "?");
	free(s);
	json_decref(a);
}

/* The text errfmt_text() gives for the error object in json. */
static const char *
text_of(const char *json, char *buf, size_t len)
{
	static char	 out[1024];
	json_t		*e;
	const char	*t;

	e = json_loads(json, 0, NULL);
	assert_non_null(e);
	t = errfmt_text(e, tr, buf, len);
	snprintf(out, sizeof(out), "%s", t != NULL ? t : "NULL");
	json_decref(e);
	return out;
}

static void
test_next(void **state)
{
	static const char *const good[] = { "%s", "%d", "%lld", "%zu", "%u",
	    "%.32s", "%-5d", "%05d", "%1$s", "%16$lld", "%hhd", "%jd", "%x",
	    "%%", "%c", "%999d", "%.200s", NULL };
	static const char *const bad[] = { "%", "%n", "%p", "%*d", "%.*s",
	    "%1000d", "%.1000s", "%ls", "%17$s", "%0$s", "%lf", "%q",
	    "%lc", "%Lf", "%hn", "%12345$s", "%---------d", NULL };
	struct errfmt_conv	 c;
	const char		*p;
	size_t			 i;

	(void)state;
	for (i = 0; good[i] != NULL; i++) {
		p = good[i];
		assert_int_equal(errfmt_next(&p, &c), 1);
		assert_int_equal(*p, '\0');
		assert_int_equal(c.len, strlen(good[i]));
	}
	for (i = 0; bad[i] != NULL; i++) {
		p = bad[i];
		if (errfmt_next(&p, &c) != -1)
			fail_msg("%s accepted", bad[i]);
	}
	p = "no case %s, %2$d%%";
	assert_int_equal(errfmt_next(&p, &c), 1);
	assert_int_equal(c.conv, 's');
	assert_int_equal(c.pos, 0);
	assert_int_equal(errfmt_next(&p, &c), 1);
	assert_int_equal(c.pos, 2);
	assert_int_equal(c.conv, 'd');
	assert_int_equal(errfmt_next(&p, &c), 1);
	assert_int_equal(c.conv, '%');
	assert_int_equal(errfmt_next(&p, &c), 0);
	assert_int_equal(errfmt_next(&p, &c), 0);	/* stays at the end */
}

static void
test_args(void **state)
{
	char	out[512];

	(void)state;
	args_of(out, sizeof(out), "no case %s", "HY2612070001");
	assert_string_equal(out, "[\"HY2612070001\"]");
	args_of(out, sizeof(out), "%d %lld %zu %u %x %c %%", -3, -9000000000LL,
	    (size_t)42, 7u, 255u, 'Z');
	assert_string_equal(out,
	    "[\"-3\",\"-9000000000\",\"42\",\"7\",\"ff\",\"Z\"]");
	/* each as the format prints it: precision and width kept */
	args_of(out, sizeof(out), "unknown field \"%.3s\" %5d", "abcdef", 12);
	assert_string_equal(out, "[\"abc\",\"   12\"]");
	args_of(out, sizeof(out), "no arguments");
	assert_string_equal(out, "[]");
	args_of(out, sizeof(out), "a %s\"quoted\" \\ %s", "x\ty", "中文");
	assert_string_equal(out, "[\"x\\ty\",\"中文\"]");
	/* what errfmt_next() refuses, a position, broken UTF-8: none */
	args_of(out, sizeof(out), "%p", (void *)out);
	assert_string_equal(out, "NULL");
	args_of(out, sizeof(out), "%1$s", "x");
	assert_string_equal(out, "NULL");
	args_of(out, sizeof(out), "%s", "\xff\xfe");
	assert_string_equal(out, "NULL");
	args_of(out, sizeof(out), "cut %.4s", "\xe4\xb8\xad\xe6\x96\x87");
	assert_string_equal(out, "NULL");
}

/* errfmt_note() as lifecycle.c's lc_fail() calls it. */
static void
note(char *err, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errfmt_note(err, len, fmt, ap);
	va_end(ap);
}

static void
test_note(void **state)
{
	char		 err[64], other[64], small[8];
	const char	*fmt = NULL;
	json_t		*a;
	char		*s;

	(void)state;
	note(err, sizeof(err), "cannot %s case %s: it is %s", "dispatch",
	    "HY1", "closed");
	assert_string_equal(err, "cannot dispatch case HY1: it is closed");
	a = errfmt_noted(err, &fmt);
	assert_non_null(a);
	assert_string_equal(fmt, "cannot %s case %s: it is %s");
	s = json_dumps(a, JSON_COMPACT);
	assert_string_equal(s, "[\"dispatch\",\"HY1\",\"closed\"]");
	free(s);
	json_decref(a);
	/* another buffer with the same text, the buffer changed since */
	memcpy(other, err, sizeof(err));
	assert_null(errfmt_noted(other, &fmt));
	assert_null(errfmt_noted(NULL, &fmt));
	err[0] = 'C';
	assert_null(errfmt_noted(err, &fmt));
	/* cut by its buffer: noted, the client finds it does not fit */
	note(small, sizeof(small), "no case %lld", 123456789LL);
	assert_string_equal(small, "no case");
	assert_non_null(a = errfmt_noted(small, &fmt));
	json_decref(a);
	/* a format errfmt_next() refuses: the text, no args */
	note(err, sizeof(err), "%p", (void *)err);
	assert_null(errfmt_noted(err, &fmt));
	/* a text: its own format, no args; with a '%', none */
	errfmt_note_text(err, sizeof(err), "no such case");
	assert_non_null(a = errfmt_noted(err, &fmt));
	assert_string_equal(fmt, "no such case");
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	errfmt_note_text(err, sizeof(err), "100% sure");
	assert_null(errfmt_noted(err, &fmt));
}

static void
test_local(void **state)
{
	static const char *const zh[] = {
		"the period is longer than %d days", "时段超过 %d 天",
		"no such case", "工单不存在",
		NULL };
	char	err[64], buf[64];

	(void)state;
	tr_table = zh;
	errfmt_notef(err, sizeof(err), "the period is longer than %d days",
	    92);
	assert_string_equal(errfmt_local(err, tr, buf, sizeof(buf)),
	    "时段超过 92 天");
	errfmt_note_text(err, sizeof(err), "no such case");
	assert_string_equal(errfmt_local(err, tr, buf, sizeof(buf)),
	    "工单不存在");
	/* not noted, or not in the catalogue: err itself */
	snprintf(err, sizeof(err), "the period is longer than 5 days");
	assert_ptr_equal(errfmt_local(err, tr, buf, sizeof(buf)), err);
	errfmt_notef(err, sizeof(err), "a date out of range");
	assert_ptr_equal(errfmt_local(err, tr, buf, sizeof(buf)), err);
	/* too long for buf: err */
	errfmt_notef(err, sizeof(err), "the period is longer than %d days",
	    92);
	assert_ptr_equal(errfmt_local(err, tr, buf, 8), err);
	tr_table = NULL;
}

static void
test_subst(void **state)
{
	const char	*a2[] = { "HY1", "HB-ROAD" }, *a3[] = { "5", "held",
			    "retry" }, *bad[] = { "\xc3\x28" }, *ctl[] = {
			    "a\nb" }, *nul[] = { NULL };
	char		 out[256], small[8];

	(void)state;
	assert_int_equal(errfmt_subst("case %s unit %s", "工单 %s 单位 %s",
	    a2, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "工单 HY1 单位 HB-ROAD");
	/* the translation reorders them */
	assert_int_equal(errfmt_subst("row %lld is %s: %s takes a queued row",
	    "%3$s 只适用于待发送的行，第 %1$lld 行的状态为 %2$s", a3, 3, out,
	    sizeof(out)), 0);
	assert_string_equal(out,
	    "retry 只适用于待发送的行，第 5 行的状态为 held");
	/* %% is a '%'; widths and flags in the translation are ignored */
	assert_int_equal(errfmt_subst("%s %d%%", "%-999s|%0999d%%|", a2, 2,
	    out, sizeof(out)), 0);
	assert_string_equal(out, "HY1|HB-ROAD%|");
	/* a position used twice, another not at all: fine */
	assert_int_equal(errfmt_subst("%s %s", "%2$s/%2$s", a2, 2, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "HB-ROAD/HB-ROAD");
	/* missing and extra arguments, in the format or the translation */
	assert_int_equal(errfmt_subst("%s %s", "%s %s", a2, 1, out,
	    sizeof(out)), -1);
	assert_int_equal(errfmt_subst("%s", "%s", a2, 2, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%s %s", "%s", a2, 2, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%s %s", "%s %s %s", a2, 2, out,
	    sizeof(out)), -1);
	assert_int_equal(errfmt_subst("%s %s", "%3$s", a2, 2, out,
	    sizeof(out)), -1);
	/* hostile conversions, mixed styles, positions in the format */
	assert_int_equal(errfmt_subst("%s", "%n", a2, 1, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%n", "%s", a2, 1, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%s %s", "%1$s %s", a2, 2, out,
	    sizeof(out)), -1);
	assert_int_equal(errfmt_subst("%1$s", "%1$s", a2, 1, out,
	    sizeof(out)), -1);
	assert_int_equal(errfmt_subst("%s", "%99999999999999999999s", a2, 1,
	    out, sizeof(out)), -1);
	assert_int_equal(errfmt_subst("%s", "trailing %", a2, 1, out,
	    sizeof(out)), -1);
	/* arguments: broken UTF-8, control characters, none */
	assert_int_equal(errfmt_subst("%s", "%s", bad, 1, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%s", "%s", ctl, 1, out, sizeof(out)),
	    -1);
	assert_int_equal(errfmt_subst("%s", "%s", nul, 1, out, sizeof(out)),
	    -1);
	/* too long for out: refused, not cut */
	assert_int_equal(errfmt_subst("%s %s", "%s %s", a2, 2, small,
	    sizeof(small)), -1);
	assert_int_equal(errfmt_subst("abc", "abcdefgh", a2, 0, small,
	    sizeof(small)), -1);
	assert_int_equal(errfmt_subst("abc", "abcdefg", a2, 0, small,
	    sizeof(small)), 0);
	assert_string_equal(small, "abcdefg");
	assert_int_equal(errfmt_subst("", "", a2, 0, small, 0), -1);
}

static void
test_text(void **state)
{
	static const char *const zh[] = {
		"no case %s", "工单 %s 不存在",
		"row %lld is %s: %s takes a queued row",
		    "%3$s 只适用于待发送的行，第 %1$lld 行的状态为 %2$s",
		"limit: 1 to %d", "limit: 1 到 %d",
		"hostile %s", "%n%s",
		"bad %s", "%s %s",
		"%s", "%s",
		NULL };
	char	buf[256];

	(void)state;
	tr_table = zh;
	assert_string_equal(text_of("{\"message\":\"no case HY1\",\"format\":"
	    "\"no case %s\",\"args\":[\"HY1\"]}", buf, sizeof(buf)),
	    "工单 HY1 不存在");
	assert_string_equal(text_of("{\"message\":\"row 5 is held: retry "
	    "takes a queued row\",\"format\":\"row %lld is %s: %s takes a "
	    "queued row\",\"args\":[\"5\",\"held\",\"retry\"]}", buf,
	    sizeof(buf)), "retry 只适用于待发送的行，第 5 行的状态为 held");
	/* the message whenever something does not fit */
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 500\"}", buf,
	    sizeof(buf)), "limit: 1 to 500");
	assert_string_equal(text_of("{\"message\":\"m\",\"format\":"
	    "\"unknown %s\",\"args\":[\"x\"]}", buf, sizeof(buf)), "m");
	assert_string_equal(text_of("{\"message\":\"unknown x\",\"format\":"
	    "\"unknown %s\",\"args\":[\"x\"]}", buf, sizeof(buf)),
	    "unknown x");
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 500\","
	    "\"format\":\"limit: 1 to %d\",\"args\":[500]}", buf, sizeof(buf)),
	    "limit: 1 to 500");
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 500\","
	    "\"format\":\"limit: 1 to %d\",\"args\":\"500\"}", buf,
	    sizeof(buf)), "limit: 1 to 500");
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 500\","
	    "\"format\":\"limit: 1 to %d\",\"args\":[]}", buf, sizeof(buf)),
	    "limit: 1 to 500");
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 500\","
	    "\"format\":\"limit: 1 to %d\",\"args\":[\"500\",\"1\"]}", buf,
	    sizeof(buf)), "limit: 1 to 500");
	assert_string_equal(text_of("{\"message\":\"limit: 1 to 5\","
	    "\"format\":\"limit: 1 to %d\",\"args\":[\"500\"]}", buf,
	    sizeof(buf)), "limit: 1 to 5");
	assert_string_equal(text_of("{\"message\":\"no case HY1\",\"format\":"
	    "7,\"args\":[\"HY1\"]}", buf, sizeof(buf)), "no case HY1");
	assert_string_equal(text_of("{\"message\":\"no case a\\nb\","
	    "\"format\":\"no case %s\",\"args\":[\"a\\nb\"]}", buf,
	    sizeof(buf)), "no case a\nb");
	/* a broken catalogue entry or server: never printf, the message */
	assert_string_equal(text_of("{\"message\":\"hostile x\",\"format\":"
	    "\"hostile %s\",\"args\":[\"x\"]}", buf, sizeof(buf)),
	    "hostile x");
	assert_string_equal(text_of("{\"message\":\"bad x\",\"format\":"
	    "\"bad %s\",\"args\":[\"x\"]}", buf, sizeof(buf)), "bad x");
	assert_string_equal(text_of("{\"message\":\"%n%n%n\",\"format\":"
	    "\"%n%n%n\",\"args\":[]}", buf, sizeof(buf)), "%n%n%n");
	assert_string_equal(text_of("{\"message\":\"x\",\"format\":\"%s\","
	    "\"args\":[\"x\"]}", buf, sizeof(buf)), "x");
	assert_string_equal(text_of("{\"message\":\"17\",\"format\":"
	    "\"%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s\",\"args\":[\"1\",\"\","
	    "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\","
	    "\"\",\"7\"]}", buf, sizeof(buf)), "17");
	/* a text too long for buf: the message */
	assert_string_equal(text_of("{\"message\":\"no case HY1\",\"format\":"
	    "\"no case %s\",\"args\":[\"HY1\"]}", buf, 12), "no case HY1");
	assert_string_equal(text_of("{\"code\":\"internal\"}", buf,
	    sizeof(buf)), "NULL");
	tr_table = NULL;
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_subst),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
