/*
 * Unit tests for config.c: every value type and unit, the defaults, the
 * sample etc/hotlined.conf, and each malformed form, whose errors must carry
 * "file:line:" and never crash.
 */
#include "../src/config.h"	/* not the autoconf config.h; brings compat.h */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

#define SMSC	"smsc main {\n\thost 127.0.0.1\n}\n"

static struct hotlined_conf	conf;
static struct conf_errors	errs;

/* Load text; return the error text ("" when it loaded). */
static const char *
load(const char *text, size_t len)
{
	conf_free(&conf);
	conf_errors_free(&errs);
	if (conf_load_buf("t.conf", text, len, &conf, &errs) == 0) {
		assert_int_equal(errs.n, 0);
		return "";
	}
	assert_true(errs.n > 0);
	assert_non_null(errs.buf);
	return errs.buf;
}

#define LOAD(s)		load((s), strlen(s))
#define assert_ok(s)	assert_string_equal(LOAD(s), "")
#define assert_err(s, want)	do {					\
	const char *got_ = LOAD(s);					\
	if (strstr(got_, (want)) == NULL)				\
		fail_msg("want \"%s\" in:\n%s", (want), got_);		\
} while (0)

static int
teardown(void **state)
{
	conf_free(&conf);
	conf_errors_free(&errs);
	return 0;
}

static void
test_defaults(void **state)
{
	struct hotlined_conf	c;

	conf_defaults(&c);
	/* configure's directories: /var/lib/hotlined/... in the package */
	assert_string_equal(c.database, LOCALSTATEDIR
	    "/lib/hotlined/hotlined.db");
	assert_string_equal(c.key_file, LOCALSTATEDIR
	    "/lib/hotlined/hotlined.key");
	assert_string_equal(c.pid_file, RUNSTATEDIR "/hotlined/hotlined.pid");
	assert_string_equal(c.log_file, LOCALSTATEDIR
	    "/log/hotlined/hotlined.log");
	assert_int_equal(c.log_level, LOG_L_INFO);
	assert_int_equal(c.log_syslog, 0);
	assert_int_equal(c.wal_sync, CONF_WAL_SYNC_THREAD);
	assert_string_equal(c.templates, PKGDATADIR "/templates");
	assert_string_equal(c.rules, SYSCONFDIR "/hotlined.rules");
	assert_string_equal(c.calendar, SYSCONFDIR "/hotlined.calendar");
	assert_string_equal(c.screen, SYSCONFDIR "/hotlined.screen");
	assert_int_equal(c.alert_repeat, 10 * 60 * 1000);
	assert_int_equal(c.deadline_profile, CONF_PROFILE_HEYUAN);
	assert_int_equal(c.efficiency_days, 10);
	assert_int_equal(c.classify_days, 1);
	assert_string_equal(c.case_prefix, "HY");
	assert_string_equal(c.service_number, "12345");
	assert_int_equal(c.extension_digits, 4);
	assert_int_equal(c.group_commit_delay, 2);
	assert_int_equal(c.concat_timeout, 30 * 60 * 1000);
	assert_int_equal(c.max_new_cases_per_hour, 5);
	assert_int_equal(c.max_replies_per_hour, 20);
	assert_int_equal(c.max_result_parts, 6);
	assert_int_equal(c.shutdown_timeout, 10000);
	assert_string_equal(c.timezone, "Asia/Shanghai");
	assert_int_equal(c.retention_days, 0);
	assert_string_equal(c.admin.listen, "127.0.0.1");
	assert_int_equal(c.admin.port, 8345);
	assert_int_equal(c.admin.max_body, 65536);
	assert_int_equal(c.survey.enabled, 1);
	assert_int_equal(c.survey.delay, 600000);
	assert_int_equal(c.survey.quiet_start, 21 * 60);
	assert_int_equal(c.survey.quiet_end, 8 * 60 + 30);
	assert_int_equal(c.survey.remind_after, 24 * 3600000LL);
	assert_int_equal(c.survey.expire_after, 72 * 3600000LL);
	assert_int_equal(c.kannel.enabled, 0);
	assert_int_equal(c.kannel.port, 8346);
	assert_null(c.kannel.secret_file);
	assert_int_equal(c.nsmsc, 0);
	conf_free(&c);
	conf_free(NULL);
}

/* timezone: a zone that resolves; hostile names and missing zones refused */
static void
test_timezone(void **state)
{
	assert_ok(SMSC "timezone America/New_York\n");
	assert_string_equal(conf.timezone, "America/New_York");
	assert_ok(SMSC "timezone UTC\n");
	assert_err(SMSC "timezone Asia/Nowhere\n", "t.conf:4: timezone "
	    "Asia/Nowhere: no such zone (/usr/share/zoneinfo/Asia/Nowhere "
	    "missing; is the tzdata package installed?)");
	assert_err(SMSC "timezone ../../etc/passwd\n",
	    "'../../etc/passwd' is not a zone name");
	assert_err(SMSC "timezone /etc/localtime\n", "is not a zone name");
	assert_err(SMSC "timezone Asia/Shanghai;rm\n", "is not a zone name");
	assert_err(SMSC "timezone Asia\n", "no such zone");	/* a dir */
	assert_err(SMSC "timezone \"\"\n", "empty value");
	/* retention-days: 0 or 30 and more */
	assert_ok(SMSC "retention-days 1095\n");
	assert_int_equal(conf.retention_days, 1095);
	assert_err(SMSC "retention-days 7\n", "retention-days 7 is under 30");
	assert_err(SMSC "retention-days -1\n", "retention-days");
	assert_err(SMSC "retention-days 3y\n", "retention-days");
}

static void
test_smsc_defaults(void **state)
{
	const struct conf_smsc	*s;

	assert_ok("smsc main {\n}\n");
	assert_int_equal(conf.nsmsc, 1);
	s = conf_smsc_find(&conf, "main");
	assert_non_null(s);
	assert_null(conf_smsc_find(&conf, "other"));
	assert_int_equal(s->line, 1);
	assert_string_equal(s->host, "127.0.0.1");
	assert_int_equal(s->port, 2775);
	assert_int_equal(s->tls, 0);
	assert_null(s->tls_ca);
	assert_null(s->password);
	assert_string_equal(s->system_type, "");
	assert_int_equal(s->bind_mode, CONF_BIND_TRX);
	assert_int_equal(s->window, 10);
	assert_int_equal(s->throughput, 20);
	assert_int_equal(s->enquire_interval, 30000);
	assert_int_equal(s->response_timeout, 10000);
	assert_int_equal(s->bind_timeout, 10000);
	assert_int_equal(s->reconnect_min, 1000);
	assert_int_equal(s->reconnect_max, 60000);
	assert_int_equal(s->msg_id_type, CONF_MSGID_AUTO);
	assert_int_equal(s->concat_mode, CONF_CONCAT_UDH8);
	assert_int_equal(s->max_pdu_size, 65536);
	/* 0x45 (ESME_RSUBMITFAIL) is temporary by default; 0x0b is not */
	assert_int_equal(s->temporary_errors.n, 5);
	assert_true(conf_codes_has(&s->temporary_errors, 0x45));
	assert_true(conf_codes_has(&s->temporary_errors, 0x58));
	assert_true(conf_codes_has(&s->temporary_errors, 0x08));
	assert_false(conf_codes_has(&s->temporary_errors, 0x0b));
	assert_false(conf_codes_has(&s->temporary_errors, 0));
}

/* The USSD dialect: SMPP 3.4's values by default; each can be changed. */
static void
test_ussd_dialect(void **state)
{
	const struct conf_smsc	*s;

	assert_ok("smsc main {\n}\n");
	s = conf_smsc_find(&conf, "main");
	assert_int_equal(conf.ussd_timeout, 180000);
	assert_int_equal(s->ussd_session, CONF_USSD_ITS_SESSION);
	assert_int_equal(s->ussd_in_begin, 1);
	assert_int_equal(s->ussd_in_continue, 18);
	assert_true(conf_codes_has(&s->ussd_in_abort, 0x81));
	assert_false(conf_codes_has(&s->ussd_in_abort, 18));
	assert_int_equal(s->ussd_out_continue, 2);
	assert_int_equal(s->ussd_out_end, 17);
	assert_int_equal(s->ussd_out_abort, -1);
	assert_int_equal(s->ussd_service_type, 1);
	conf_free(&conf);
	assert_ok("ussd-timeout 30s\nsmsc main {\n ussd-session "
	    "user-message-reference\n ussd-in-begin 0\n ussd-in-continue 2\n"
	    " ussd-in-abort 0x20-0x7f,0x81\n ussd-out-continue 3\n"
	    " ussd-out-end 16\n ussd-out-abort 255\n ussd-service-type no\n"
	    "}\n");
	s = conf_smsc_find(&conf, "main");
	assert_int_equal(conf.ussd_timeout, 30000);
	assert_int_equal(s->ussd_session, CONF_USSD_UMR);
	assert_int_equal(s->ussd_in_begin, 0);
	assert_int_equal(s->ussd_in_continue, 2);
	assert_true(conf_codes_has(&s->ussd_in_abort, 0x40));
	assert_int_equal(s->ussd_out_continue, 3);
	assert_int_equal(s->ussd_out_end, 16);
	assert_int_equal(s->ussd_out_abort, 255);
	assert_int_equal(s->ussd_service_type, 0);
	conf_free(&conf);
	assert_err("smsc a {\n ussd-session dialog\n}\n",
	    "t.conf:2: ussd-session: 'dialog' is not one of its-session-info, "
	    "user-message-reference, number");
	conf_free(&conf);
	assert_err("smsc a {\n ussd-in-begin 256\n}\n",
	    "t.conf:2: ussd-in-begin: 256 is too large (range 0-255)");
	conf_free(&conf);
	assert_err("ussd-timeout 0\n",
	    "t.conf:1: ussd-timeout: 0 is out of range (1s-1h)");
	conf_free(&conf);
	assert_err("wal-sync later\n",
	    "t.conf:1: wal-sync: 'later' is not one of thread, inline");
	conf_free(&conf);
	assert_err("wal-sync\n", "t.conf:1: wal-sync: missing value");
}

/* temporary-errors: hex, decimal, ranges, none; every malformed form. */
static void
test_codes(void **state)
{
	const struct conf_smsc	*s;
	struct conf_codes	 c;
	static const char *const bad[] = {
		"", ",", "0x", "0x45,", ",0x45", "0x45,,0x58", "0xg1", "45x",
		"0x4ff-0x400", "1-", "-1", "0x100000000", "99999999999",
		"0x45 0x58", "none,0x45", "0x45;0x58", "+1", "0x-1",
	};
	char		 big[512];
	size_t		 i;

	assert_ok("smsc a {\n temporary-errors 0x45,88,0x400-0x4FF\n}\n");
	s = conf_smsc_find(&conf, "a");
	assert_int_equal(s->temporary_errors.n, 3);
	assert_true(conf_codes_has(&s->temporary_errors, 0x45));
	assert_true(conf_codes_has(&s->temporary_errors, 0x58));
	assert_true(conf_codes_has(&s->temporary_errors, 0x400));
	assert_true(conf_codes_has(&s->temporary_errors, 0x47f));
	assert_true(conf_codes_has(&s->temporary_errors, 0x4ff));
	assert_false(conf_codes_has(&s->temporary_errors, 0x500));
	assert_false(conf_codes_has(&s->temporary_errors, 0x08));
	assert_ok("smsc a {\n temporary-errors none\n}\n");
	assert_int_equal(conf_smsc_find(&conf, "a")->temporary_errors.n, 0);
	assert_ok("smsc a {\n temporary-errors 0xffffffff\n}\n");
	assert_true(conf_codes_has(&conf_smsc_find(&conf,
	    "a")->temporary_errors, 0xffffffffU));
	assert_err("smsc a {\n temporary-errors 0x45;0x58\n}\n",
	    "t.conf:2: temporary-errors: '0x45;0x58' is not a list of SMPP "
	    "statuses");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		if (conf_parse_codes(bad[i], &c) != -1)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(c.n, 0);	/* untouched on error */
	}
	/* at most CONF_CODES_MAX items */
	big[0] = '\0';
	for (i = 0; i < CONF_CODES_MAX; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s%zu",
		    i ? "," : "", i + 1);
	assert_int_equal(conf_parse_codes(big, &c), 0);
	assert_int_equal(c.n, CONF_CODES_MAX);
	strlcat(big, ",99", sizeof(big));
	assert_int_equal(conf_parse_codes(big, &c), -1);
}

/* A file that sets every option once. */
static void
test_full_file(void **state)
{
	char		 path[4096];
	const char	*top = getenv("top_srcdir");
	const struct conf_smsc *s;

	snprintf(path, sizeof(path), "%s/tests/data/conf/full.conf",
	    top ? top : "..");
	conf_free(&conf);
	conf_errors_free(&errs);
	if (conf_load(path, &conf, &errs) != 0)
		fail_msg("%s", errs.buf);
	assert_string_equal(conf.database, "/tmp/hl/hotlined.db");
	assert_int_equal(conf.log_level, LOG_L_DEBUG);
	assert_int_equal(conf.log_syslog, 1);
	assert_int_equal(conf.deadline_profile, CONF_PROFILE_GUANGDONG_2022);
	assert_string_equal(conf.case_prefix, "GZ");
	assert_string_equal(conf.screen, "/tmp/hl/hotlined.screen");
	assert_int_equal(conf.alert_repeat, 30 * 60 * 1000);
	assert_string_equal(conf.service_number, "12345");
	assert_int_equal(conf.group_commit_delay, 5);
	assert_int_equal(conf.checkpoint, CONF_CHECKPOINT_INLINE);
	assert_int_equal(conf.wal_sync, CONF_WAL_SYNC_INLINE);
	assert_int_equal(conf.checkpoint_pages, 20000);
	assert_int_equal(conf.concat_timeout, 1800000);
	assert_int_equal(conf.shutdown_timeout, 3000);
	assert_string_equal(conf.timezone, "America/New_York");
	assert_int_equal(conf.retention_days, 1095);
	assert_int_equal(conf.nsmsc, 2);
	s = conf_smsc_find(&conf, "backup");
	assert_non_null(s);
	assert_int_equal(s->tls, 1);
	assert_string_equal(s->tls_verify_name, "smsc.example.net");
	assert_string_equal(s->password, "s3cret");
	assert_string_equal(s->system_type, "hotline");
	assert_int_equal(s->bind_mode, CONF_BIND_TX_RX);
	assert_int_equal(s->addr_ton, 1);
	assert_int_equal(s->addr_npi, 1);
	assert_int_equal(s->msg_id_type, CONF_MSGID_HEX_DEC);
	assert_int_equal(s->concat_mode, CONF_CONCAT_SAR);
	assert_int_equal(s->max_pdu_size, 128 * 1024);
	assert_int_equal(s->temporary_errors.n, 3);
	assert_true(conf_codes_has(&s->temporary_errors, 0x4a0));
	assert_false(conf_codes_has(&s->temporary_errors, 0x08));
	assert_int_equal(s->enquire_interval, 15000);
	assert_int_equal(s->reconnect_max, 2 * 60000);
	assert_string_equal(conf.smsc[0].name, "main");
	assert_int_equal(conf.admin.tls, 1);
	assert_string_equal(conf.admin.listen, "::1");
	assert_int_equal(conf.admin.max_body, 1024 * 1024);
	assert_int_equal(conf.survey.quiet_start, 22 * 60);
	assert_int_equal(conf.survey.quiet_end, 7 * 60 + 5);
	assert_int_equal(conf.survey.expire_after, 3 * 86400000LL);
	assert_int_equal(conf.kannel.enabled, 1);
	assert_string_equal(conf.kannel.sendsms_user, "hotline");
	/* a relative path resolves against the file's directory */
	assert_non_null(strstr(conf.templates, "/tests/data/conf/templates"));
	assert_true(conf.templates[0] == '/');
	assert_int_equal(conf_line(&conf, "database"), 4);
	assert_int_equal(conf_line(&conf, "no-such-key"), 0);
	assert_string_equal(conf_strenum("bind-mode", s->bind_mode),
	    "transmitter-receiver");
	assert_string_equal(conf_strenum("log-level", 9), "?");
}

/* The sample configuration parses. */
static void
test_sample_file(void **state)
{
	char		 path[4096];
	const char	*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/etc/hotlined.conf", top ? top : "..");
	conf_free(&conf);
	conf_errors_free(&errs);
	if (conf_load(path, &conf, &errs) != 0)
		fail_msg("%s", errs.buf);
	assert_true(conf.nsmsc >= 1);
}

/* Each parser against a table; want -1: the text is refused. */
static void
test_units(void **state)
{
	static const struct { const char *s; long long want; } dur[] = {
		{ "30s", 30000 }, { "10m", 600000 }, { "2h", 7200000 },
		{ "1d", 86400000 }, { "250ms", 250 }, { "7", 7000 },
		{ "", -1 }, { "s", -1 }, { "-1s", -1 }, { "1.5h", -1 },
		{ "10 s", -1 }, { "1y", -1 }, { "99999999999999999999d", -1 },
	}, size[] = {
		{ "512", 512 }, { "64k", 65536 }, { "1M", 1048576 },
		{ "2G", 2147483648LL }, { "1T", -1 }, { "1kk", -1 },
		{ "k", -1 }, { "99999999999999999999", -1 },
	}, tod[] = {
		{ "08:30", 510 }, { "0:00", 0 }, { "23:59", 1439 },
		{ "24:00", -1 }, { "12:60", -1 }, { "12:5", -1 },
		{ "1230", -1 }, { "12:30x", -1 },
	}, fmt[] = {
		{ "10m", 600000 }, { "1500ms", 1500 }, { "0s", 0 },
		{ "1d", 86400000 },
	};
	int64_t		ms;
	uint64_t	sz;
	int		m;
	size_t		i;
	char		buf[32];

	for (i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
		ms = -1;
		if (conf_parse_duration(dur[i].s, &ms) == -1)
			ms = -1;
		if (ms != dur[i].want)
			fail_msg("duration \"%s\": %lld", dur[i].s, (long long)ms);
	}
	for (i = 0; i < sizeof(size) / sizeof(size[0]); i++) {
		if (conf_parse_size(size[i].s, &sz) == -1)
			sz = (uint64_t)-1;
		if ((long long)sz != size[i].want)
			fail_msg("size \"%s\": %lld", size[i].s, (long long)sz);
	}
	for (i = 0; i < sizeof(tod) / sizeof(tod[0]); i++) {
		if (conf_parse_time(tod[i].s, &m) == -1)
			m = -1;
		if (m != tod[i].want)
			fail_msg("time \"%s\": %d", tod[i].s, m);
	}
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++)
		assert_string_equal(conf_fmt_duration(fmt[i].want, buf,
		    sizeof(buf)), fmt[i].s);
}

static void
test_value_types(void **state)
{
	assert_ok(SMSC "log-level trace\nlog-syslog yes\n"
	    "group-commit-delay 0ms\nconcat-timeout 1d\n"
	    "case-prefix \"AB12\"\nservice-number 12345678\n"
	    "survey {\n enabled no\n quiet-start 9:05\n}\n"
	    "admin { listen ::1\n max-body 1M }\n");
	assert_int_equal(conf.log_level, LOG_L_TRACE);
	assert_int_equal(conf.log_syslog, 1);
	assert_int_equal(conf.group_commit_delay, 0);
	assert_int_equal(conf.concat_timeout, 86400000);
	assert_string_equal(conf.case_prefix, "AB12");
	assert_int_equal(conf.survey.enabled, 0);
	assert_int_equal(conf.survey.quiet_start, 545);
	assert_string_equal(conf.admin.listen, "::1");
	assert_int_equal(conf.admin.max_body, 1048576);
}

static void
test_quoting_and_comments(void **state)
{
	assert_ok("# a comment\n\n   \t# indented comment\n"
	    "smsc a { # trailing comment\n"
	    "\tsystem-type \"a \\\"b\\\" #c\"   # comment\n"
	    "\tpassword \"\"\n"
	    "\taddress-range ^1380013\r\n"
	    "}\n");
	assert_string_equal(conf.smsc[0].system_type, "a \"b\" #c");
	assert_string_equal(conf.smsc[0].password, "");
	assert_string_equal(conf.smsc[0].address_range, "^1380013");
	/* one-line blocks and a file without a final newline */
	assert_ok("smsc a { }\nsmsc b {\nport 1 }\nsurvey { }");
	assert_int_equal(conf.nsmsc, 2);
	assert_int_equal(conf.smsc[1].port, 1);
	/* a bare word may contain '#' after its start */
	assert_ok(SMSC "database /tmp/a#b/x.db\n");
	assert_string_equal(conf.database, "/tmp/a#b/x.db");
}

static void
test_kannel_instead_of_smsc(void **state)
{
#define KN "kannel {\n enabled yes\n sendsms-user hotlined\n"
	assert_ok(KN "}\n");
	assert_int_equal(conf.nsmsc, 0);
	assert_int_equal(conf.kannel.window, 10);
	assert_string_equal(conf.kannel.allow_from, "127.0.0.1");
	assert_ok(KN " allow-from ::1\n window 256\n sendsms-smsc carrier\n}\n");
	assert_string_equal(conf.kannel.sendsms_smsc, "carrier");
	assert_err("kannel {\n enabled no\n}\n",
	    "t.conf: no smsc block and kannel is not enabled");
	assert_err("kannel {\n enabled yes\n}\n",
	    "t.conf:1: kannel: sendsms-user is needed");
	assert_err(KN " sendsms-url ftp://x/\n}\n",
	    "t.conf:4: sendsms-url: 'ftp://x/' is not an http:// or https://");
	assert_err(KN " sendsms-url https://x/cgi-bin/sendsms\n}\n",
	    "t.conf:1: kannel: sendsms-url must be http://");
	assert_err(KN " port 8345\n}\n",
	    "t.conf:1: kannel: port 8345 is the admin port");
	assert_err(KN " allow-from any\n}\n",
	    "t.conf:1: kannel: allow-from any needs a secret-file");
	assert_err(KN " allow-from smsbox.local\n}\n",
	    "t.conf:1: kannel: allow-from must be a numeric address");
	assert_err(KN " window 0\n}\n", "t.conf:4: window:");
	assert_err(KN " window 257\n}\n", "t.conf:4: window:");
#undef KN
}

static void
test_missing_value(void **state)
{
	assert_err(SMSC "database\n", "t.conf:4: database: missing value");
	assert_err("smsc a {\n port\n}\n", "t.conf:2: port: missing value");
	assert_err(SMSC "database a b\n", "t.conf:4: database: takes one value");
}

static void
test_bad_unit(void **state)
{
	assert_err(SMSC "concat-timeout 10x\n",
	    "t.conf:4: concat-timeout: '10x' is not a duration");
	assert_err(SMSC "concat-timeout 10 m\n",
	    "t.conf:4: concat-timeout: takes one value");
	assert_err("smsc a {\n max-pdu-size 64q\n}\n",
	    "t.conf:2: max-pdu-size: '64q' is not a size");
	assert_err(SMSC "log-syslog true\n",
	    "t.conf:4: log-syslog: 'true' is not yes or no");
	assert_err(SMSC "log-level loud\n", "t.conf:4: log-level: 'loud' is "
	    "not one of warn, info, debug, trace");
	assert_err("survey {\n quiet-end 8.30\n}\n" SMSC,
	    "t.conf:2: quiet-end: '8.30' is not a time of day");
	assert_err("admin {\n listen localhost\n}\n" SMSC,
	    "t.conf:2: listen: 'localhost' is not a numeric");
	assert_err(SMSC "efficiency-days ten\n",
	    "t.conf:4: efficiency-days: 'ten' is not a number");
	assert_err(SMSC "classify-days 11\n",
	    "t.conf:4: classify-days: 11 is too large (range 0-10)");
	assert_err(SMSC "classify-days -1\n",
	    "t.conf:4: classify-days: -1 is too small (range 0-10)");
	assert_ok(SMSC "classify-days 0\n");
}

static void
test_out_of_range(void **state)
{
	assert_err("smsc a {\n port 0\n}\n",
	    "t.conf:2: port: 0 is too small (range 1-65535)");
	assert_err("smsc a {\n port 65536\n}\n",
	    "t.conf:2: port: 65536 is too large (range 1-65535)");
	assert_err(SMSC "group-commit-delay 2\n",
	    "t.conf:4: group-commit-delay: 2 is out of range (0s-1s)");
	assert_err(SMSC "shutdown-timeout 500ms\n",
	    "t.conf:4: shutdown-timeout: 500ms is out of range (1s-5m)");
	assert_err("smsc a {\n max-pdu-size 2M\n}\n",
	    "t.conf:2: max-pdu-size: 2M is out of range (1k-1M)");
	assert_err(SMSC "case-prefix hy\n",
	    "t.conf:4: case-prefix: 'hy' has a character not allowed here");
	assert_err(SMSC "case-prefix ABCDEFGHI\n",
	    "t.conf:4: case-prefix: 'ABCDEFGHI' is 9 bytes long");
	assert_err(SMSC "service-number 12a45\n",
	    "(digits only)");
	assert_err(SMSC "service-number 1234567890123456\nextension-digits 6\n",
	    "t.conf:5: service-number plus extension-digits is longer");
	assert_err("smsc a {\n password 123456789\n}\n",
	    "t.conf:2: password: '(secret)' is 9 bytes long");
	assert_err("smsc a {\n reconnect-min 10s\n reconnect-max 5s\n}\n",
	    "t.conf:1: smsc a: reconnect-min is above reconnect-max");
	assert_err("survey {\n remind-after 3d\n}\n" SMSC,
	    "t.conf:1: survey: remind-after must come before expire-after");
	assert_err("smsc a {\n password x\n password-file /x\n}\n",
	    "t.conf:1: smsc a: password and password-file exclude");
	assert_err("smsc a {\n tls-cert /c\n}\n",
	    "t.conf:1: smsc a: tls-cert and tls-key go together");
	assert_err("admin {\n tls yes\n}\n" SMSC,
	    "t.conf:1: admin: tls needs tls-cert and tls-key");
}

static void
test_unknown_key_and_block(void **state)
{
	assert_err(SMSC "colour blue\n", "t.conf:4: unknown option 'colour'");
	assert_err(SMSC "port 2775\n",
	    "t.conf:4: unknown option 'port' (it goes in a smsc block)");
	assert_err("smsc a {\n colour blue\n}\n",
	    "t.conf:2: unknown option 'colour' in smsc block");
	assert_err(SMSC "frob {\n colour blue\n}\n",
	    "t.conf:4: unknown block 'frob'");
	/* the rejected block's contents add no errors of their own */
	assert_int_equal(errs.n, 1);
	assert_err(SMSC "smsc\n", "t.conf:4: smsc: a block needs '{'");
	assert_err("smsc {\n}\n", "t.conf:1: smsc block needs one name");
	assert_err(SMSC "admin x {\n}\n", "t.conf:4: admin block takes no name");
	assert_err("smsc a/b {\n}\n", "t.conf:1: smsc: bad block name");
	assert_err(SMSC "{\n}\n", "t.conf:4: '{' without a block name");
	assert_err(SMSC "}\n", "t.conf:4: '}' without a block");
}

static void
test_unclosed_and_nested(void **state)
{
	assert_err("database /x\nsmsc a {\n port 1\n",
	    "t.conf:2: smsc a block is not closed");
	assert_err("smsc a {\n admin {\n }\n}\n",
	    "t.conf:2: blocks do not nest");
	assert_err("frob {\n", "t.conf:1: block is not closed");
}

static void
test_duplicates(void **state)
{
	assert_err("smsc a {\n}\nsmsc a {\n port 1\n}\n",
	    "t.conf:3: smsc a: defined twice (first at line 1)");
	assert_err(SMSC "admin {\n}\nadmin {\n}\n",
	    "t.conf:6: admin block defined twice (first at line 4)");
	assert_err(SMSC "log-level info\nlog-level debug\n",
	    "t.conf:5: log-level: set twice (first at line 4)");
	assert_err("smsc a {\n port 1\n port 2\n}\n",
	    "t.conf:3: port: set twice (first at line 2)");
	/* the same key in two smsc blocks is no duplicate */
	assert_ok("smsc a {\n port 1\n}\nsmsc b {\n port 2\n}\n");
}

static void
test_long_line(void **state)
{
	char	*buf;
	size_t	 n = 5000;

	buf = malloc(n + 64);
	assert_non_null(buf);
	strcpy(buf, SMSC "database /");
	memset(buf + strlen(buf), 'a', n);
	strcpy(buf + strlen(SMSC) + 10 + n, "\nlog-level x\n");
	assert_err(buf, "t.conf:4: line too long (5010 bytes, at most 4096)");
	/* parsing goes on after it */
	assert_err(buf, "t.conf:5: log-level:");
	/* a line of exactly 4096 bytes is fine */
	strcpy(buf, "#");
	memset(buf + 1, 'x', 4095);
	strcpy(buf + 4096, "\n" SMSC);
	assert_ok(buf);
	free(buf);
}

static void
test_binary_garbage(void **state)
{
	unsigned char	 buf[4096];
	size_t		 i;
	uint32_t	 x = 12345;
	int		 round;

	assert_err(SMSC "database /a\x01\n", "t.conf:4: control character 0x01");
	assert_err(SMSC "database /\xff\xfe\n", "t.conf:4: invalid UTF-8");
	assert_err(SMSC "database /\xc3\n", "t.conf:4: invalid UTF-8");
	/* UTF-8 text is fine in a value */
	assert_ok(SMSC "case-prefix HY\nsurvey {\n}\nkannel {\n sendsms-user "
	    "\"热线\"\n}\n");
	/* random bytes: errors, never a crash */
	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (unsigned char)(x >> 16);
		}
		conf_free(&conf);
		conf_errors_free(&errs);
		assert_int_equal(conf_load_buf("t.conf", (char *)buf,
		    round + 1 + round * 17 % sizeof(buf), &conf, &errs), -1);
		assert_non_null(strstr(errs.buf, "t.conf:"));
	}
}

static void
test_nul_byte(void **state)
{
	const char	text[] = "smsc a {\n}\ndatabase /x\0y\n";

	assert_string_not_equal(load(text, sizeof(text) - 1), "");
	assert_non_null(strstr(errs.buf, "t.conf:3: NUL byte"));
}

static void
test_empty_file(void **state)
{
	assert_err("", "t.conf: no smsc block");
	assert_err("\n\n# only comments\n", "t.conf: no smsc block");
}

static void
test_file_too_big(void **state)
{
	char	 path[] = "/tmp/test_config.XXXXXX";
	char	*buf;
	size_t	 n = CONF_FILE_MAX + 1;
	FILE	*f;
	int	 fd;

	buf = malloc(n);
	assert_non_null(buf);
	memset(buf, '\n', n);
	assert_int_equal(conf_load_buf("t.conf", buf, n, &conf, &errs), -1);
	assert_non_null(strstr(errs.buf, "t.conf: file too large"));
	fd = mkstemp(path);
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
	conf_errors_free(&errs);
	assert_int_equal(conf_load(path, &conf, &errs), -1);
	assert_non_null(strstr(errs.buf, "file too large"));
	unlink(path);
	free(buf);

	/* a missing file, a directory */
	conf_errors_free(&errs);
	assert_int_equal(conf_load("/nonexistent/h.conf", &conf, &errs), -1);
	assert_non_null(strstr(errs.buf, "/nonexistent/h.conf: No such file"));
	conf_errors_free(&errs);
	assert_int_equal(conf_load("/", &conf, &errs), -1);
	assert_non_null(strstr(errs.buf, "/: not a regular file"));
}

static void
test_all_errors_collected(void **state)
{
	int	i;
	char	buf[8192];
	size_t	len = 0;

	LOAD("database\nlog-level x\nsmsc a {\n port 0\n window -1\n}\n"
	    "colour red\n");
	assert_int_equal(errs.n, 5);
	assert_non_null(strstr(errs.buf, "t.conf:1:"));
	assert_non_null(strstr(errs.buf, "t.conf:2:"));
	assert_non_null(strstr(errs.buf, "t.conf:4:"));
	assert_non_null(strstr(errs.buf, "t.conf:5:"));
	assert_non_null(strstr(errs.buf, "t.conf:7:"));
	/* a flood of errors is capped */
	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "x%d 1\n",
		    i);
	LOAD(buf);
	assert_non_null(strstr(errs.buf, "too many errors"));
	assert_true(errs.n > CONF_ERRORS_MAX);
}

static int
check_fails(const struct hotlined_conf *c, struct conf_errors *e, void *arg)
{
	(*(int *)arg)++;
	conf_error(e, c->path, 0, "registered check ran");
	return -1;
}

static void
test_check_files(void **state)
{
	char	 dir[] = "/tmp/test_config.XXXXXX", text[1024];
	int	 ran = 0;
	FILE	*f;

	assert_non_null(mkdtemp(dir));
	snprintf(text, sizeof(text), "templates %s\nrules %s/rules\n"
	    "calendar %s/cal\nscreen %s/screen\n" SMSC, dir, dir, dir, dir);
	assert_ok(text);
	conf_errors_free(&errs);
	assert_int_equal(conf_check_files(&conf, &errs), -1);
	assert_non_null(strstr(errs.buf, "t.conf:2: rules"));
	assert_non_null(strstr(errs.buf, "t.conf:3: calendar"));
	assert_non_null(strstr(errs.buf, "t.conf:4: screen"));
	assert_null(strstr(errs.buf, "templates"));
	snprintf(text, sizeof(text), "%s/rules", dir);
	f = fopen(text, "w");
	fclose(f);
	snprintf(text, sizeof(text), "%s/screen", dir);
	f = fopen(text, "w");
	fclose(f);
	snprintf(text, sizeof(text), "%s/cal", dir);
	f = fopen(text, "w");
	fclose(f);
	conf_errors_free(&errs);
	assert_int_equal(conf_check_files(&conf, &errs), 0);
	conf_add_check("test", check_fails, &ran);
	assert_int_equal(conf_check_files(&conf, &errs), -1);
	assert_int_equal(ran, 1);
	assert_non_null(strstr(errs.buf, "registered check ran"));
	unlink(text);
	snprintf(text, sizeof(text), "%s/rules", dir);
	unlink(text);
	snprintf(text, sizeof(text), "%s/screen", dir);
	unlink(text);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_smsc_defaults, teardown),
		cmocka_unit_test_teardown(test_codes, teardown),
		cmocka_unit_test_teardown(test_ussd_dialect, teardown),
		cmocka_unit_test_teardown(test_full_file, teardown),
		cmocka_unit_test_teardown(test_sample_file, teardown),
		cmocka_unit_test_teardown(test_units, teardown),
		cmocka_unit_test_teardown(test_value_types, teardown),
		cmocka_unit_test_teardown(test_quoting_and_comments, teardown),
		cmocka_unit_test_teardown(test_kannel_instead_of_smsc, teardown),
		cmocka_unit_test_teardown(test_missing_value, teardown),
		cmocka_unit_test_teardown(test_bad_unit, teardown),
		cmocka_unit_test_teardown(test_out_of_range, teardown),
		cmocka_unit_test_teardown(test_unknown_key_and_block, teardown),
		cmocka_unit_test_teardown(test_unclosed_and_nested, teardown),
		cmocka_unit_test_teardown(test_duplicates, teardown),
		cmocka_unit_test_teardown(test_long_line, teardown),
		cmocka_unit_test_teardown(test_binary_garbage, teardown),
		cmocka_unit_test_teardown(test_nul_byte, teardown),
		cmocka_unit_test_teardown(test_empty_file, teardown),
		cmocka_unit_test_teardown(test_file_too_big, teardown),
		cmocka_unit_test_teardown(test_all_errors_collected, teardown),
		cmocka_unit_test_teardown(test_check_files, teardown),
		cmocka_unit_test_teardown(test_timezone, teardown),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_config");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
