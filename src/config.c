/*
 * hotlined.conf(5): "key value" lines, "#" comments and named blocks
 * ("smsc main { ... }").  One table per block {name, type, min, max,
 * default, offset} (Redis standardConfig) drives defaults, parsing, range
 * checks and the man page; every error is collected as "file:line: msg".
 */
#include "compat.h"

#include <sys/stat.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "util.h"

enum conf_type {
	CT_STRING,		/* any text; min/max bound its length */
	CT_PATH,		/* relative paths resolve against the file's dir */
	CT_INT,
	CT_BOOL,		/* yes | no */
	CT_DURATION,		/* int64_t ms; min/max in ms */
	CT_SIZE,		/* size_t bytes */
	CT_ENUM,		/* one of names[] */
	CT_TIME,		/* HH:MM, int minutes */
	CT_ADDR,		/* numeric IPv4 or IPv6 address */
	CT_CODES		/* struct conf_codes: SMPP statuses */
};

#define CF_DIGITS	0x01	/* string: 0-9 only */
#define CF_UPPER	0x02	/* string: A-Z 0-9 only */
#define CF_NONE		0x10	/* path: "none" sets NULL */
#define CF_SECRET	0x04	/* never echo the value */
#define CF_URL		0x08	/* string: http:// or https:// */

struct conf_option {
	const char		*name;
	enum conf_type		 type;
	long long		 min, max;
	const char		*def;	/* in file syntax; NULL: unset */
	size_t			 off;
	const char *const	*names;	/* CT_ENUM */
	int			 flags;
};

struct conf_block {
	const char		*name;
	const struct conf_option *opts;
	size_t			 nopts;
	int			 named;	/* "smsc NAME {": takes a name, repeats */
};

#define CONF_OPTS_MAX	48		/* options of the largest block */
#define CONF_NAME_MAX	32
#define CONF_TOKENS_MAX	8
#define CONF_CHECKS_MAX	16

struct conf_parser {
	struct hotlined_conf	*conf;
	struct conf_errors	*errs;
	const char		*file;		/* for messages */
	char			*dir;		/* for relative paths; NULL: cwd */
	int			 line;

	const struct conf_block	*blk;		/* open block; NULL: top level */
	void			*base;		/* its struct */
	int			 blk_line;
	char			 blk_name[CONF_NAME_MAX + 1];
	int			 skip;		/* depth inside a rejected block */
	int			 skip_line;
	int			 seen[CONF_OPTS_MAX];	/* line each option was set */
	int			*top_seen;	/* conf->lines */
	int			 nerrs0;	/* errs->n when we started */
	int			 once_line[4];	/* admin, survey, kannel */

	char			*tok[CONF_TOKENS_MAX];
	int			 ntok;
	int			 overflow;	/* more tokens than tok[] holds */
};

static void	 conf_apply_defaults(const struct conf_option *, size_t, void *);
static int	 conf_set(struct conf_parser *, const struct conf_option *,
		    void *, const char *, char *, size_t);
static int	 conf_parse(struct conf_parser *, const char *, size_t);
static int	 conf_line_check(struct conf_parser *, const unsigned char *,
		    size_t);
static void	 conf_line_tokens(struct conf_parser *, const char *, size_t);
static void	 conf_statement(struct conf_parser *);
static void	 conf_open_block(struct conf_parser *);
static void	 conf_close_block(struct conf_parser *);
static void	 conf_token_reset(struct conf_parser *);
static void	 conf_validate(struct conf_parser *);
static const struct conf_option *conf_find(const struct conf_option *, size_t,
		    const char *);
static char	*conf_absolute(const char *);
static int	 conf_zone_check(const char *, char *, size_t);
static char	*conf_dirname(const char *);
static void	 conf_smsc_free(struct conf_smsc *);
static void	 conf_opts_free(const struct conf_option *, size_t, void *);

static const char *const log_level_names[] =
    { "warn", "info", "debug", "trace", NULL };
static const char *const profile_names[] =
    { "heyuan", "guangdong-2022", NULL };
static const char *const bind_mode_names[] =
    { "transceiver", "transmitter-receiver", NULL };
static const char *const msgid_names[] =
    { "auto", "string", "dec-dec", "hex-dec", "dec-hex", "hex-hex", NULL };
static const char *const concat_names[] =
    { "udh8", "udh16", "sar", "payload", NULL };
static const char *const ussd_session_names[] =
    { "its-session-info", "user-message-reference", "number", NULL };
static const char *const checkpoint_names[] =
    { "thread", "inline", NULL };
static const char *const wal_sync_names[] =
    { "thread", "inline", NULL };
static const char *const metrics_auth_names[] =
    { "token", "none", NULL };

#define MS_S	1000LL
#define MS_M	(60 * MS_S)
#define MS_H	(60 * MS_M)
#define MS_D	(24 * MS_H)

#define O(n, t, lo, hi, d, s, f)	\
	{ n, t, lo, hi, d, offsetof(struct hotlined_conf, f), s, 0 }
static const struct conf_option top_opts[] = {
	/*
	 * configure's directories (the package: /var/lib/hotlined, ...):
	 * "make install" creates them, so "hotlined -t" passes on a fresh
	 * install; each daemon's own directory, writable by its user alone.
	 */
	O("database", CT_PATH, 1, PATH_MAX, HOTLINED_STATEDIR "/hotlined.db",
	    NULL, database),
	O("key-file", CT_PATH, 1, PATH_MAX, HOTLINED_STATEDIR "/hotlined.key",
	    NULL, key_file),
	O("pid-file", CT_PATH, 1, PATH_MAX, HOTLINED_RUNDIR "/hotlined.pid",
	    NULL, pid_file),
	O("log-file", CT_PATH, 1, PATH_MAX, HOTLINED_LOGDIR "/hotlined.log",
	    NULL, log_file),
	O("log-level", CT_ENUM, 0, 0, "info", log_level_names, log_level),
	O("log-syslog", CT_BOOL, 0, 1, "no", NULL, log_syslog),
	O("templates", CT_PATH, 1, PATH_MAX, PKGDATADIR "/templates", NULL,
	    templates),
	O("rules", CT_PATH, 1, PATH_MAX, SYSCONFDIR "/hotlined.rules", NULL,
	    rules),
	{ "model", CT_PATH, 1, PATH_MAX, SYSCONFDIR "/hotlined.model",
	    offsetof(struct hotlined_conf, model), NULL, CF_NONE },
	O("classify-min-score", CT_INT, -1, 100, "-1", NULL,
	    classify_min_score),
	O("classify-min-margin", CT_INT, -1, 100, "-1", NULL,
	    classify_min_margin),
	O("calendar", CT_PATH, 1, PATH_MAX, SYSCONFDIR "/hotlined.calendar",
	    NULL, calendar),
	O("screen", CT_PATH, 1, PATH_MAX, SYSCONFDIR "/hotlined.screen", NULL,
	    screen),
	O("alert-repeat", CT_DURATION, MS_M, MS_D, "10m", NULL, alert_repeat),
	O("deadline-profile", CT_ENUM, 0, 0, "heyuan", profile_names,
	    deadline_profile),
	O("efficiency-days", CT_INT, 1, 60, "10", NULL, efficiency_days),
	O("classify-days", CT_INT, 0, 10, "1", NULL, classify_days),
	{ "case-prefix", CT_STRING, 1, 8, "HY",
	    offsetof(struct hotlined_conf, case_prefix), NULL, CF_UPPER },
	{ "service-number", CT_STRING, 3, 20, "12345",
	    offsetof(struct hotlined_conf, service_number), NULL, CF_DIGITS },
	O("extension-digits", CT_INT, 0, 6, "4", NULL, extension_digits),
	O("group-commit-delay", CT_DURATION, 0, MS_S, "2ms", NULL,
	    group_commit_delay),
	O("wal-write-gather", CT_BOOL, 0, 1, "yes", NULL, wal_write_gather),
	O("wal-sync", CT_ENUM, 0, 0, "thread", wal_sync_names, wal_sync),
	O("checkpoint", CT_ENUM, 0, 0, "thread", checkpoint_names,
	    checkpoint),
	O("checkpoint-pages", CT_INT, 100, 1000000, "10000", NULL,
	    checkpoint_pages),
	O("concat-timeout", CT_DURATION, MS_S, MS_D, "30m", NULL,
	    concat_timeout),
	O("retransmit-window", CT_DURATION, MS_S, MS_H, "2m", NULL,
	    retransmit_window),
	O("max-new-cases-per-hour", CT_INT, 0, 10000, "5", NULL,
	    max_new_cases_per_hour),
	O("max-replies-per-hour", CT_INT, 0, 10000, "20", NULL,
	    max_replies_per_hour),
	O("max-result-parts", CT_INT, 1, 16, "6", NULL, max_result_parts),
	O("shutdown-timeout", CT_DURATION, MS_S, 5 * MS_M, "10s", NULL,
	    shutdown_timeout),
	/* Vumi's default; networks drop an idle dialogue in 1-3 minutes */
	O("ussd-timeout", CT_DURATION, MS_S, MS_H, "180s", NULL, ussd_timeout),
	O("timezone", CT_STRING, 1, 64, "Asia/Shanghai", NULL, timezone),
	O("retention-days", CT_INT, 0, 36500, "0", NULL, retention_days),
	/* notice.h: supervised automatically this late (0: at once) */
	O("escalate-after", CT_INT, 0, 60, "0", NULL, escalate_after),
};
#undef O
/* conf->lines[] has one slot per top-level option */
_Static_assert(nitems(top_opts) <= CONF_TOP_MAX, "raise CONF_TOP_MAX");

#define O(n, t, lo, hi, d, s, f)	\
	{ n, t, lo, hi, d, offsetof(struct conf_smsc, f), s, 0 }
static const struct conf_option smsc_opts[] = {
	O("host", CT_STRING, 1, 253, "127.0.0.1", NULL, host),
	O("port", CT_INT, 1, 65535, "2775", NULL, port),
	O("tls", CT_BOOL, 0, 1, "no", NULL, tls),
	O("tls-ca", CT_PATH, 1, PATH_MAX, NULL, NULL, tls_ca),
	O("tls-cert", CT_PATH, 1, PATH_MAX, NULL, NULL, tls_cert),
	O("tls-key", CT_PATH, 1, PATH_MAX, NULL, NULL, tls_key),
	O("tls-verify-name", CT_STRING, 1, 253, NULL, NULL, tls_verify_name),
	O("system-id", CT_STRING, 1, 15, "hotlined", NULL, system_id),
	{ "password", CT_STRING, 0, 8, NULL,
	    offsetof(struct conf_smsc, password), NULL, CF_SECRET },
	O("password-file", CT_PATH, 1, PATH_MAX, NULL, NULL, password_file),
	O("system-type", CT_STRING, 0, 12, "", NULL, system_type),
	O("bind-mode", CT_ENUM, 0, 0, "transceiver", bind_mode_names,
	    bind_mode),
	O("addr-ton", CT_INT, 0, 6, "0", NULL, addr_ton),
	O("addr-npi", CT_INT, 0, 18, "0", NULL, addr_npi),
	O("address-range", CT_STRING, 0, 40, "", NULL, address_range),
	O("window", CT_INT, 1, 1000, "10", NULL, window),
	O("throughput", CT_INT, 1, 100000, "20", NULL, throughput),
	O("enquire-interval", CT_DURATION, MS_S, MS_H, "30s", NULL,
	    enquire_interval),
	O("response-timeout", CT_DURATION, 100, 5 * MS_M, "10s", NULL,
	    response_timeout),
	O("bind-timeout", CT_DURATION, 100, 5 * MS_M, "10s", NULL,
	    bind_timeout),
	O("reconnect-min", CT_DURATION, 100, MS_H, "1s", NULL, reconnect_min),
	O("reconnect-max", CT_DURATION, MS_S, MS_D, "60s", NULL,
	    reconnect_max),
	O("msg-id-type", CT_ENUM, 0, 0, "auto", msgid_names, msg_id_type),
	O("concat-mode", CT_ENUM, 0, 0, "udh8", concat_names, concat_mode),
	O("max-pdu-size", CT_SIZE, 1024, 1024 * 1024, "64k", NULL,
	    max_pdu_size),
	/*
	 * SYSERR, MSGQFUL, SUBMITFAIL, THROTTLED, X_T_APPN: several SMSCs
	 * answer 0x45 for trouble of their own that passes (issue 12).
	 */
	O("temporary-errors", CT_CODES, 0, 0, "0x08,0x14,0x45,0x58,0x64",
	    NULL, temporary_errors),
	/*
	 * USSD dialect: SMPP 3.4's values (PSSR indication in, USSR request
	 * out, USSR confirm in, PSSR response out for the last screen) and
	 * 0x81, the user abort of the gateways Vumi serves.
	 */
	O("ussd-session", CT_ENUM, 0, 0, "its-session-info",
	    ussd_session_names, ussd_session),
	O("ussd-in-begin", CT_INT, 0, 255, "1", NULL, ussd_in_begin),
	O("ussd-in-continue", CT_INT, 0, 255, "18", NULL, ussd_in_continue),
	O("ussd-in-abort", CT_CODES, 0, 0, "0x81", NULL, ussd_in_abort),
	O("ussd-out-continue", CT_INT, 0, 255, "2", NULL, ussd_out_continue),
	O("ussd-out-end", CT_INT, 0, 255, "17", NULL, ussd_out_end),
	O("ussd-out-abort", CT_INT, -1, 255, "-1", NULL, ussd_out_abort),
	O("ussd-service-type", CT_BOOL, 0, 1, "yes", NULL, ussd_service_type),
};
#undef O

#define O(n, t, lo, hi, d, s, f)	\
	{ n, t, lo, hi, d, offsetof(struct conf_admin, f), s, 0 }
static const struct conf_option admin_opts[] = {
	O("listen", CT_ADDR, 1, 64, "127.0.0.1", NULL, listen),
	O("port", CT_INT, 1, 65535, "8345", NULL, port),
	O("tokens-file", CT_PATH, 1, PATH_MAX, SYSCONFDIR "/hotlined.tokens",
	    NULL, tokens_file),
	O("tls", CT_BOOL, 0, 1, "no", NULL, tls),
	O("tls-cert", CT_PATH, 1, PATH_MAX, NULL, NULL, tls_cert),
	O("tls-key", CT_PATH, 1, PATH_MAX, NULL, NULL, tls_key),
	O("max-body", CT_SIZE, 1024, 16 * 1024 * 1024, "64k", NULL, max_body),
	O("max-connections", CT_INT, 1, 100000, "64", NULL, max_conns),
	O("request-timeout", CT_DURATION, 100, 5 * MS_M, "10s", NULL,
	    request_timeout),
	/* issue 15: what /v1/health and /metrics say (hotlinectl(8)) */
	O("health-outbox-age", CT_DURATION, MS_S, MS_D, "10m", NULL,
	    health_outbox_age),
	O("health-disk-min", CT_SIZE, 0, 1LL << 50, "512m", NULL,
	    health_disk_min),
	O("metrics-auth", CT_ENUM, 0, 0, "token", metrics_auth_names,
	    metrics_auth),
};
#undef O

#define O(n, t, lo, hi, d, s, f)	\
	{ n, t, lo, hi, d, offsetof(struct conf_survey, f), s, 0 }
static const struct conf_option survey_opts[] = {
	O("enabled", CT_BOOL, 0, 1, "yes", NULL, enabled),
	O("delay", CT_DURATION, 0, 7 * MS_D, "10m", NULL, delay),
	O("quiet-start", CT_TIME, 0, 0, "21:00", NULL, quiet_start),
	O("quiet-end", CT_TIME, 0, 0, "08:30", NULL, quiet_end),
	O("remind-after", CT_DURATION, 0, 30 * MS_D, "24h", NULL,
	    remind_after),
	O("expire-after", CT_DURATION, MS_H, 90 * MS_D, "72h", NULL,
	    expire_after),
};
#undef O

#define O(n, t, lo, hi, d, s, f, fl)	\
	{ n, t, lo, hi, d, offsetof(struct conf_kannel, f), s, fl }
static const struct conf_option kannel_opts[] = {
	O("enabled", CT_BOOL, 0, 1, "no", NULL, enabled, 0),
	O("listen", CT_ADDR, 1, 64, "127.0.0.1", NULL, listen, 0),
	O("port", CT_INT, 1, 65535, "8346", NULL, port, 0),
	O("secret-file", CT_PATH, 1, PATH_MAX, NULL, NULL, secret_file, 0),
	O("sendsms-url", CT_STRING, 8, 1024,
	    "http://127.0.0.1:13013/cgi-bin/sendsms", NULL, sendsms_url,
	    CF_URL),
	O("sendsms-user", CT_STRING, 1, 64, NULL, NULL, sendsms_user, 0),
	O("sendsms-password-file", CT_PATH, 1, PATH_MAX, NULL, NULL,
	    sendsms_password_file, 0),
	O("dlr-url", CT_STRING, 8, 1024, NULL, NULL, dlr_url, CF_URL),
	O("allow-from", CT_STRING, 2, 64, "127.0.0.1", NULL, allow_from, 0),
	O("window", CT_INT, 1, 256, "10", NULL, window, 0),
	O("sendsms-smsc", CT_STRING, 1, 64, NULL, NULL, sendsms_smsc, 0),
	/* smsbox opens one per request in flight: max-pending-requests
	 * (512 in etc/kannel/kannel.conf) plus delivery reports */
	O("max-connections", CT_INT, 1, 100000, "1024", NULL, max_conns, 0),
	O("request-timeout", CT_DURATION, 100, 5 * MS_M, "10s", NULL,
	    request_timeout, 0),
};
#undef O

_Static_assert(nitems(smsc_opts) <= CONF_OPTS_MAX &&
    nitems(kannel_opts) <= CONF_OPTS_MAX, "raise CONF_OPTS_MAX");

enum { BLK_SMSC, BLK_ADMIN, BLK_SURVEY, BLK_KANNEL };
static const struct conf_block blocks[] = {
	[BLK_SMSC] = { "smsc", smsc_opts, nitems(smsc_opts), 1 },
	[BLK_ADMIN] = { "admin", admin_opts, nitems(admin_opts), 0 },
	[BLK_SURVEY] = { "survey", survey_opts, nitems(survey_opts), 0 },
	[BLK_KANNEL] = { "kannel", kannel_opts, nitems(kannel_opts), 0 },
};

struct conf_check {
	const char	*name;
	conf_check_fn	 fn;
	void		*arg;
};
static struct conf_check conf_checks[CONF_CHECKS_MAX];
static size_t		 conf_nchecks;

void
conf_error(struct conf_errors *errs, const char *file, int line,
    const char *fmt, ...)
{
	char	 msg[1024], head[PATH_MAX + 32];
	va_list	 ap;
	size_t	 need;
	int	 n;

	if (errs == NULL)
		return;
	if (errs->n >= CONF_ERRORS_MAX) {
		if (errs->n++ == CONF_ERRORS_MAX)
			snprintf(msg, sizeof(msg), "too many errors, giving up");
		else
			return;
	} else {
		errs->n++;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (line > 0)
		snprintf(head, sizeof(head), "%s:%d: ", file, line);
	else
		snprintf(head, sizeof(head), "%s: ", file);
	need = strlen(head) + strlen(msg) + 2;
	if (errs->len + need > errs->cap) {
		errs->cap = (errs->len + need) * 2;
		errs->buf = xreallocarray(errs->buf, errs->cap, 1);
	}
	n = snprintf(errs->buf + errs->len, errs->cap - errs->len, "%s%s\n",
	    head, msg);
	if (n > 0)
		errs->len += (size_t)n;
}

void
conf_errors_free(struct conf_errors *errs)
{
	if (errs == NULL)
		return;
	free(errs->buf);
	memset(errs, 0, sizeof(*errs));
}

/* Set every option of a table to its default. */
static void
conf_apply_defaults(const struct conf_option *opts, size_t n, void *base)
{
	char	err[256];
	size_t	i;

	for (i = 0; i < n; i++) {
		if (opts[i].def == NULL)
			continue;
		if (conf_set(NULL, &opts[i], base, opts[i].def, err,
		    sizeof(err)) == -1)
			fatalx("config default of %s is invalid: %s",
			    opts[i].name, err);
	}
}

void
conf_defaults(struct hotlined_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf_apply_defaults(top_opts, nitems(top_opts), conf);
	conf_apply_defaults(admin_opts, nitems(admin_opts), &conf->admin);
	conf_apply_defaults(survey_opts, nitems(survey_opts), &conf->survey);
	conf_apply_defaults(kannel_opts, nitems(kannel_opts), &conf->kannel);
}

static void
conf_opts_free(const struct conf_option *opts, size_t n, void *base)
{
	size_t	i;
	char	**sp;

	for (i = 0; i < n; i++) {
		if (opts[i].type != CT_STRING && opts[i].type != CT_PATH &&
		    opts[i].type != CT_ADDR)
			continue;
		sp = (char **)((char *)base + opts[i].off);
		if (*sp != NULL && (opts[i].flags & CF_SECRET))
			explicit_bzero(*sp, strlen(*sp));
		free(*sp);
		*sp = NULL;
	}
}

static void
conf_smsc_free(struct conf_smsc *s)
{
	conf_opts_free(smsc_opts, nitems(smsc_opts), s);
	free(s->name);
	s->name = NULL;
}

void
conf_free(struct hotlined_conf *conf)
{
	size_t	i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nsmsc; i++)
		conf_smsc_free(&conf->smsc[i]);
	free(conf->smsc);
	conf_opts_free(top_opts, nitems(top_opts), conf);
	conf_opts_free(admin_opts, nitems(admin_opts), &conf->admin);
	conf_opts_free(survey_opts, nitems(survey_opts), &conf->survey);
	conf_opts_free(kannel_opts, nitems(kannel_opts), &conf->kannel);
	free(conf->path);
	memset(conf, 0, sizeof(*conf));
}

const struct conf_smsc *
conf_smsc_find(const struct hotlined_conf *conf, const char *name)
{
	size_t	i;

	for (i = 0; i < conf->nsmsc; i++)
		if (strcmp(conf->smsc[i].name, name) == 0)
			return &conf->smsc[i];
	return NULL;
}

/* Leading decimal digits (at least one, at most 10) into *v; the rest. */
static const char *
conf_parse_digits(const char *s, int64_t *v)
{
	const char	*start = s;

	*v = 0;
	for (; isdigit((unsigned char)*s); s++) {
		if (s - start >= 10)
			return NULL;
		*v = *v * 10 + (*s - '0');
	}
	return s == start ? NULL : s;
}

int
conf_parse_duration(const char *s, int64_t *ms)
{
	static const struct { const char *u; int64_t mul; } units[] = {
		{ "", MS_S }, { "ms", 1 }, { "s", MS_S }, { "m", MS_M },
		{ "h", MS_H }, { "d", MS_D },
	};
	int64_t	 v;
	size_t	 i;

	if ((s = conf_parse_digits(s, &v)) == NULL)
		return -1;
	for (i = 0; i < nitems(units); i++)
		if (strcmp(s, units[i].u) == 0) {
			*ms = v * units[i].mul;
			return 0;
		}
	return -1;
}

int
conf_parse_size(const char *s, uint64_t *bytes)
{
	uint64_t	 mul;
	int64_t		 v;

	if ((s = conf_parse_digits(s, &v)) == NULL)
		return -1;
	switch (*s) {
	case '\0':
		mul = 1;
		break;
	case 'k':
	case 'K':
		mul = 1024;
		break;
	case 'm':
	case 'M':
		mul = 1024 * 1024;
		break;
	case 'g':
	case 'G':
		mul = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && s[1] != '\0')
		return -1;
	*bytes = (uint64_t)v * mul;
	return 0;
}

/* One status: 0x45 or 69, at most 0xffffffff; the rest, or NULL. */
static const char *
conf_parse_code(const char *s, uint32_t *v)
{
	unsigned long long	n = 0;
	const char		*start;
	int			 base = 10, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s; ; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			break;
		n = n * (unsigned)base + (unsigned)d;
		if (n > 0xffffffffULL)
			return NULL;
	}
	if (s == start)
		return NULL;
	*v = (uint32_t)n;
	return s;
}

int
conf_parse_codes(const char *s, struct conf_codes *c)
{
	struct conf_codes	out;

	memset(&out, 0, sizeof(out));
	if (strcmp(s, "none") == 0) {
		*c = out;
		return 0;
	}
	for (;;) {
		if (out.n == CONF_CODES_MAX ||
		    (s = conf_parse_code(s, &out.r[out.n].lo)) == NULL)
			return -1;
		out.r[out.n].hi = out.r[out.n].lo;
		if (*s == '-' && ((s = conf_parse_code(s + 1,
		    &out.r[out.n].hi)) == NULL ||
		    out.r[out.n].hi < out.r[out.n].lo))
			return -1;
		out.n++;
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	*c = out;
	return 0;
}

int
conf_codes_has(const struct conf_codes *c, uint32_t code)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (code >= c->r[i].lo && code <= c->r[i].hi)
			return 1;
	return 0;
}

int
conf_parse_time(const char *s, int *minutes)
{
	int	h, m;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	h = s[0] - '0';
	s++;
	if (isdigit((unsigned char)*s))
		h = h * 10 + (*s++ - '0');
	if (*s++ != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != '\0')
		return -1;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

const char *
conf_fmt_duration(int64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "0s");
	else if (ms % MS_D == 0)
		snprintf(buf, len, "%lldd", (long long)(ms / MS_D));
	else if (ms % MS_H == 0)
		snprintf(buf, len, "%lldh", (long long)(ms / MS_H));
	else if (ms % MS_M == 0)
		snprintf(buf, len, "%lldm", (long long)(ms / MS_M));
	else if (ms % MS_S == 0)
		snprintf(buf, len, "%llds", (long long)(ms / MS_S));
	else
		snprintf(buf, len, "%lldms", (long long)ms);
	return buf;
}

static const char *
conf_fmt_size(long long n, char *buf, size_t len)
{
	if (n != 0 && n % (1024 * 1024) == 0)
		snprintf(buf, len, "%lldM", n / (1024 * 1024));
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, len, "%lldk", n / 1024);
	else
		snprintf(buf, len, "%lld", n);
	return buf;
}

const char *
conf_strenum(const char *key, int value)
{
	const struct conf_option *o = NULL;
	size_t	 i, b, n;

	o = conf_find(top_opts, nitems(top_opts), key);
	for (b = 0; o == NULL && b < nitems(blocks); b++)
		o = conf_find(blocks[b].opts, blocks[b].nopts, key);
	if (o == NULL || o->type != CT_ENUM || value < 0)
		return "?";
	for (n = 0; o->names[n] != NULL; n++)
		;
	i = (size_t)value;
	return i < n ? o->names[i] : "?";
}

static const struct conf_option *
conf_find(const struct conf_option *opts, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/*
 * Parse val for option o into base.  On error, err says why without naming
 * the option (the caller does).  p is NULL for defaults.
 */
static int
conf_set(struct conf_parser *p, const struct conf_option *o, void *base,
    const char *val, char *err, size_t errlen)
{
	void		*field = (char *)base + o->off;
	const char	*errstr, *shown;
	char		 a[32], b[32], *s;
	long long	 n;
	int64_t		 ms;
	uint64_t	 sz;
	int		 i, minutes;
	unsigned char	 addr[16];
	size_t		 len;

	shown = (o->flags & CF_SECRET) ? "(secret)" : val;
	switch (o->type) {
	case CT_INT:
		n = strtonum(val, o->min, o->max, &errstr);
		if (errstr != NULL) {
			if (strcmp(errstr, "invalid") == 0)
				snprintf(err, errlen, "'%s' is not a number",
				    shown);
			else
				snprintf(err, errlen, "%s is %s (range %lld-%lld)",
				    shown, errstr, o->min, o->max);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case CT_BOOL:
		if (strcmp(val, "yes") == 0)
			*(int *)field = 1;
		else if (strcmp(val, "no") == 0)
			*(int *)field = 0;
		else {
			snprintf(err, errlen, "'%s' is not yes or no", shown);
			return -1;
		}
		return 0;
	case CT_DURATION:
		if (conf_parse_duration(val, &ms) == -1) {
			snprintf(err, errlen, "'%s' is not a duration "
			    "(e.g. 250ms, 30s, 10m, 2h, 1d)", shown);
			return -1;
		}
		if (ms < o->min || ms > o->max) {
			snprintf(err, errlen, "%s is out of range (%s-%s)",
			    shown, conf_fmt_duration(o->min, a, sizeof(a)),
			    conf_fmt_duration(o->max, b, sizeof(b)));
			return -1;
		}
		*(int64_t *)field = ms;
		return 0;
	case CT_SIZE:
		if (conf_parse_size(val, &sz) == -1) {
			snprintf(err, errlen, "'%s' is not a size "
			    "(e.g. 512, 64k, 1M)", shown);
			return -1;
		}
		if (sz < (uint64_t)o->min || sz > (uint64_t)o->max) {
			snprintf(err, errlen, "%s is out of range (%s-%s)",
			    shown, conf_fmt_size(o->min, a, sizeof(a)),
			    conf_fmt_size(o->max, b, sizeof(b)));
			return -1;
		}
		*(size_t *)field = (size_t)sz;
		return 0;
	case CT_ENUM:
		for (i = 0; o->names[i] != NULL; i++)
			if (strcmp(val, o->names[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		len = (size_t)snprintf(err, errlen, "'%s' is not one of", shown);
		for (i = 0; o->names[i] != NULL && len < errlen; i++)
			len += (size_t)snprintf(err + len, errlen - len, "%s %s",
			    i ? "," : "", o->names[i]);
		return -1;
	case CT_CODES:
		if (conf_parse_codes(val, (struct conf_codes *)field) == -1) {
			snprintf(err, errlen, "'%s' is not a list of SMPP "
			    "statuses (e.g. 0x08,0x45,0x400-0x4ff, at most %d, "
			    "or none)", shown, CONF_CODES_MAX);
			return -1;
		}
		return 0;
	case CT_TIME:
		if (conf_parse_time(val, &minutes) == -1) {
			snprintf(err, errlen, "'%s' is not a time of day "
			    "(HH:MM, 00:00-23:59)", shown);
			return -1;
		}
		*(int *)field = minutes;
		return 0;
	case CT_ADDR:
		if (inet_pton(AF_INET, val, addr) != 1 &&
		    inet_pton(AF_INET6, val, addr) != 1) {
			snprintf(err, errlen, "'%s' is not a numeric IPv4 or "
			    "IPv6 address", shown);
			return -1;
		}
		break;
	case CT_STRING:
	case CT_PATH:
		break;
	}

	/* the string types */
	len = strlen(val);
	if ((long long)len < o->min || (long long)len > o->max) {
		if (len == 0)
			snprintf(err, errlen, "empty value");
		else
			snprintf(err, errlen, "'%s' is %zu bytes long "
			    "(allowed %lld-%lld)", shown, len, o->min, o->max);
		return -1;
	}
	for (i = 0; val[i] != '\0'; i++) {
		unsigned char c = (unsigned char)val[i];

		if (c < 0x20 || c == 0x7f ||
		    ((o->flags & CF_DIGITS) && !isdigit(c)) ||
		    ((o->flags & CF_UPPER) && !isupper(c) && !isdigit(c))) {
			snprintf(err, errlen, "'%s' has a character not "
			    "allowed here%s", shown,
			    (o->flags & CF_DIGITS) ? " (digits only)" :
			    (o->flags & CF_UPPER) ? " (A-Z and 0-9 only)" : "");
			return -1;
		}
	}
	if ((o->flags & CF_URL) && strncmp(val, "http://", 7) != 0 &&
	    strncmp(val, "https://", 8) != 0) {
		snprintf(err, errlen, "'%s' is not an http:// or https:// URL",
		    shown);
		return -1;
	}
	if ((o->flags & CF_NONE) && strcmp(val, "none") == 0) {
		free(*(char **)field);
		*(char **)field = NULL;
		return 0;
	}
	if (o->type == CT_PATH && val[0] != '/' && p != NULL && p->dir != NULL)
		xasprintf(&s, "%s/%s", p->dir, val);
	else
		s = xstrdup(val);
	free(*(char **)field);
	*(char **)field = s;
	return 0;
}

static void
conf_token_reset(struct conf_parser *p)
{
	int	i;

	for (i = 0; i < p->ntok; i++)
		free(p->tok[i]);
	p->ntok = 0;
	p->overflow = 0;
}

/* Handle "key value" in the current scope. */
static void
conf_statement(struct conf_parser *p)
{
	const struct conf_option *opts, *o;
	size_t		 nopts, b;
	int		*seen, idx;
	char		 err[512];
	const char	*key = p->tok[0], *where;

	if (p->skip)
		goto done;
	if (p->blk == NULL) {
		opts = top_opts;
		nopts = nitems(top_opts);
		seen = p->top_seen;
		where = "";
	} else {
		opts = p->blk->opts;
		nopts = p->blk->nopts;
		seen = p->seen;
		where = p->blk->name;
	}
	if ((o = conf_find(opts, nopts, key)) == NULL) {
		for (b = 0; b < nitems(blocks); b++)
			if (strcmp(key, blocks[b].name) == 0)
				break;
		if (b < nitems(blocks))
			conf_error(p->errs, p->file, p->line, "%s: a block "
			    "needs '{' (%s%s { ... })", key, key,
			    blocks[b].named ? " NAME" : "");
		else if (p->blk == NULL) {
			for (b = 0; b < nitems(blocks); b++)
				if (conf_find(blocks[b].opts, blocks[b].nopts,
				    key) != NULL)
					break;
			if (b < nitems(blocks))
				conf_error(p->errs, p->file, p->line, "unknown "
				    "option '%s' (it goes in a %s block)", key,
				    blocks[b].name);
			else
				conf_error(p->errs, p->file, p->line,
				    "unknown option '%s'", key);
		}
		else
			conf_error(p->errs, p->file, p->line,
			    "unknown option '%s' in %s block", key, where);
		goto done;
	}
	if (p->ntok == 1) {
		conf_error(p->errs, p->file, p->line, "%s: missing value", key);
		goto done;
	}
	if (p->ntok > 2 || p->overflow) {
		conf_error(p->errs, p->file, p->line, "%s: takes one value "
		    "(quote a value that has spaces)", key);
		goto done;
	}
	idx = (int)(o - opts);
	if (seen[idx]) {
		conf_error(p->errs, p->file, p->line,
		    "%s: set twice (first at line %d)", key, seen[idx]);
		goto done;
	}
	seen[idx] = p->line;
	if (conf_set(p, o, p->blk == NULL ? (void *)p->conf : p->base,
	    p->tok[1], err, sizeof(err)) == -1)
		conf_error(p->errs, p->file, p->line, "%s: %s", key, err);
done:
	conf_token_reset(p);
}

/* The tokens before '{' name a block: "smsc NAME" or "admin". */
static void
conf_open_block(struct conf_parser *p)
{
	const struct conf_block	*blk = NULL;
	struct hotlined_conf	*conf = p->conf;
	struct conf_smsc	*s;
	size_t			 b, i;
	const char		*name, *c;

	if (p->skip || p->blk != NULL) {
		if (!p->skip)
			conf_error(p->errs, p->file, p->line, "blocks do not "
			    "nest (%s block opened at line %d is not closed)",
			    p->blk->name, p->blk_line);
		if (p->skip++ == 0)
			p->skip_line = p->line;
		goto done;
	}
	if (p->ntok == 0) {
		conf_error(p->errs, p->file, p->line, "'{' without a block name");
		goto reject;
	}
	for (b = 0; b < nitems(blocks); b++)
		if (strcmp(p->tok[0], blocks[b].name) == 0)
			blk = &blocks[b];
	if (blk == NULL) {
		conf_error(p->errs, p->file, p->line,
		    "unknown block '%s' (smsc, admin, survey, kannel)",
		    p->tok[0]);
		goto reject;
	}
	if (blk->named && p->ntok != 2) {
		conf_error(p->errs, p->file, p->line, "%s block needs one "
		    "name: %s NAME { ... }", blk->name, blk->name);
		goto reject;
	}
	if (!blk->named && p->ntok != 1) {
		conf_error(p->errs, p->file, p->line, "%s block takes no "
		    "name: %s { ... }", blk->name, blk->name);
		goto reject;
	}
	if (blk->named) {
		name = p->tok[1];
		for (c = name; *c != '\0'; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' &&
			    *c != '_' && *c != '.')
				break;
		if (*c != '\0' || c == name || c - name > CONF_NAME_MAX) {
			conf_error(p->errs, p->file, p->line, "%s: bad block "
			    "name (1-%d of A-Z a-z 0-9 . - _)", blk->name,
			    CONF_NAME_MAX);
			goto reject;
		}
		for (i = 0; i < conf->nsmsc; i++)
			if (strcmp(conf->smsc[i].name, name) == 0) {
				conf_error(p->errs, p->file, p->line, "%s %s: "
				    "defined twice (first at line %d)",
				    blk->name, name, conf->smsc[i].line);
				goto reject;
			}
		conf->smsc = xreallocarray(conf->smsc, conf->nsmsc + 1,
		    sizeof(*conf->smsc));
		s = &conf->smsc[conf->nsmsc++];
		memset(s, 0, sizeof(*s));
		conf_apply_defaults(smsc_opts, nitems(smsc_opts), s);
		s->name = xstrdup(name);
		s->line = p->line;
		p->base = s;
		strlcpy(p->blk_name, name, sizeof(p->blk_name));
	} else {
		b = (size_t)(blk - blocks);
		if (p->once_line[b - 1]) {
			conf_error(p->errs, p->file, p->line, "%s block defined "
			    "twice (first at line %d)", blk->name,
			    p->once_line[b - 1]);
			goto reject;
		}
		p->once_line[b - 1] = p->line;
		p->base = b == BLK_ADMIN ? (void *)&conf->admin :
		    b == BLK_SURVEY ? (void *)&conf->survey :
		    (void *)&conf->kannel;
		p->blk_name[0] = '\0';
	}
	p->blk = blk;
	p->blk_line = p->line;
	memset(p->seen, 0, sizeof(p->seen));
	goto done;
reject:
	p->skip = 1;			/* ignore the contents, find its '}' */
	p->skip_line = p->line;
done:
	conf_token_reset(p);
}

static void
conf_close_block(struct conf_parser *p)
{
	if (p->skip) {
		p->skip--;
		return;
	}
	if (p->blk == NULL) {
		conf_error(p->errs, p->file, p->line, "'}' without a block");
		return;
	}
	p->blk = NULL;
	p->base = NULL;
}

/* Reject a line with NUL, control characters or invalid UTF-8. */
static int
conf_line_check(struct conf_parser *p, const unsigned char *s, size_t len)
{
	size_t	i, k, seq;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			conf_error(p->errs, p->file, p->line, "NUL byte");
			return -1;
		}
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r') ||
		    s[i] == 0x7f) {
			conf_error(p->errs, p->file, p->line,
			    "control character 0x%02x", s[i]);
			return -1;
		}
		if (s[i] < 0x80)
			continue;
		seq = (s[i] & 0xe0) == 0xc0 && s[i] >= 0xc2 ? 2 :
		    (s[i] & 0xf0) == 0xe0 ? 3 :
		    (s[i] & 0xf8) == 0xf0 && s[i] <= 0xf4 ? 4 : 0;
		for (k = 1; seq && k < seq; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				seq = 0;
		if (seq == 0) {
			conf_error(p->errs, p->file, p->line,
			    "invalid UTF-8 (byte 0x%02x)", s[i]);
			return -1;
		}
		i += seq - 1;
	}
	return 0;
}

/* Split one line into words, quoted strings, '{' and '}'. */
static void
conf_line_tokens(struct conf_parser *p, const char *s, size_t len)
{
	char	 word[CONF_LINE_MAX + 1];
	size_t	 i = 0, w;
	int	 quoted;

	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (s[i] == '{' || s[i] == '}') {
			if (s[i] == '{')
				conf_open_block(p);
			else {
				if (p->ntok > 0)
					conf_statement(p);
				conf_close_block(p);
			}
			i++;
			continue;
		}
		w = 0;
		quoted = s[i] == '"';
		if (quoted) {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len) {
					switch (s[++i]) {
					case '\\':
					case '"':
						word[w++] = s[i];
						break;
					case 'n':
						word[w++] = '\n';
						break;
					case 't':
						word[w++] = '\t';
						break;
					default:
						conf_error(p->errs, p->file,
						    p->line, "unknown escape "
						    "'\\%c' in quoted string",
						    s[i]);
						goto bad;
					}
				} else
					word[w++] = s[i];
			}
			if (i >= len) {
				conf_error(p->errs, p->file, p->line,
				    "unterminated quoted string");
				goto bad;
			}
			i++;		/* closing quote */
			if (i < len && s[i] != ' ' && s[i] != '\t' &&
			    s[i] != '\r' && s[i] != '{' && s[i] != '}' &&
			    s[i] != '#') {
				conf_error(p->errs, p->file, p->line,
				    "text after a closing quote");
				goto bad;
			}
		} else {
			while (i < len && s[i] != ' ' && s[i] != '\t' &&
			    s[i] != '\r' && s[i] != '{' && s[i] != '}' &&
			    s[i] != '"')
				word[w++] = s[i++];
		}
		word[w] = '\0';
		if (p->ntok < CONF_TOKENS_MAX)
			p->tok[p->ntok++] = xstrdup(word);
		else
			p->overflow = 1;
	}
	if (p->ntok > 0)
		conf_statement(p);
	return;
bad:
	conf_token_reset(p);
}

/* Parse the whole text; every error goes to p->errs. */
static int
conf_parse(struct conf_parser *p, const char *data, size_t len)
{
	const char	*s = data, *end = data + len, *nl;
	size_t		 n;

	p->line = 0;
	while (s < end) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > CONF_LINE_MAX)
			conf_error(p->errs, p->file, p->line,
			    "line too long (%zu bytes, at most %d)", n,
			    CONF_LINE_MAX);
		else if (conf_line_check(p, (const unsigned char *)s, n) == 0)
			conf_line_tokens(p, s, n);
		s += n + (nl ? 1 : 0);
	}
	conf_token_reset(p);
	if (p->skip)
		conf_error(p->errs, p->file, p->skip_line,
		    "block is not closed (missing '}')");
	else if (p->blk != NULL)
		conf_error(p->errs, p->file, p->blk_line,
		    "%s%s%s block is not closed (missing '}')", p->blk->name,
		    p->blk_name[0] ? " " : "", p->blk_name);
	return p->errs->n == p->nerrs0 ? 0 : -1;
}

/* Checks that span options, after the whole file is read. */
/* 1 when s is a numeric IPv4 or IPv6 address. */
static int
conf_is_addr(const char *s)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

static void
conf_validate(struct conf_parser *p)
{
	struct hotlined_conf	*c = p->conf;
	struct conf_smsc	*s;
	const char		*f = p->file;
	char			 zerr[PATH_MAX + 64];
	size_t			 i;
	int			 line;

	if (c->nsmsc == 0 && !c->kannel.enabled)
		conf_error(p->errs, f, 0, "no smsc block and kannel is not "
		    "enabled: nothing to send or receive through");
	for (i = 0; i < c->nsmsc; i++) {
		s = &c->smsc[i];
		if (s->password != NULL && s->password_file != NULL)
			conf_error(p->errs, f, s->line, "smsc %s: password "
			    "and password-file exclude each other", s->name);
		if ((s->tls_cert == NULL) != (s->tls_key == NULL))
			conf_error(p->errs, f, s->line, "smsc %s: tls-cert "
			    "and tls-key go together", s->name);
		if (s->reconnect_min > s->reconnect_max)
			conf_error(p->errs, f, s->line, "smsc %s: "
			    "reconnect-min is above reconnect-max", s->name);
	}
	line = p->once_line[BLK_ADMIN - 1];
	if (c->admin.tls && (c->admin.tls_cert == NULL ||
	    c->admin.tls_key == NULL))
		conf_error(p->errs, f, line, "admin: tls needs tls-cert and "
		    "tls-key");
	if ((c->admin.tls_cert == NULL) != (c->admin.tls_key == NULL))
		conf_error(p->errs, f, line, "admin: tls-cert and tls-key go "
		    "together");
	line = p->once_line[BLK_KANNEL - 1];
	if (c->kannel.enabled && c->kannel.sendsms_user == NULL)
		conf_error(p->errs, f, line, "kannel: sendsms-user is needed "
		    "(the sendsms-user group of kannel.conf)");
	if (c->kannel.enabled && strcmp(c->kannel.allow_from, "any") == 0 &&
	    c->kannel.secret_file == NULL)
		conf_error(p->errs, f, line, "kannel: allow-from any needs a "
		    "secret-file");
	if (strcmp(c->kannel.allow_from, "any") != 0 &&
	    !conf_is_addr(c->kannel.allow_from))
		conf_error(p->errs, f, line, "kannel: allow-from must be a "
		    "numeric address or 'any'");
	if (strncasecmp(c->kannel.sendsms_url, "http://", 7) != 0)
		conf_error(p->errs, f, line, "kannel: sendsms-url must be "
		    "http:// (keep smsbox's sendsms port on loopback)");
	if (c->kannel.enabled && c->kannel.port == c->admin.port &&
	    strcmp(c->kannel.listen, c->admin.listen) == 0)
		conf_error(p->errs, f, p->once_line[BLK_KANNEL - 1],
		    "kannel: port %d is the admin port", c->kannel.port);
	if (c->survey.remind_after != 0 &&
	    c->survey.remind_after >= c->survey.expire_after)
		conf_error(p->errs, f, p->once_line[BLK_SURVEY - 1],
		    "survey: remind-after must come before expire-after");
	if (conf_zone_check(c->timezone, zerr, sizeof(zerr)) == -1) {
		line = p->top_seen[conf_find(top_opts, nitems(top_opts),
		    "timezone") - top_opts];
		conf_error(p->errs, f, line, "timezone %s", zerr);
	}
	if (c->retention_days != 0 && c->retention_days < 30) {
		line = p->top_seen[conf_find(top_opts, nitems(top_opts),
		    "retention-days") - top_opts];
		conf_error(p->errs, f, line, "retention-days %d is under 30 "
		    "(0 keeps everything)", c->retention_days);
	}
	if (strlen(c->service_number) + (size_t)c->extension_digits > 20) {
		line = p->top_seen[conf_find(top_opts, nitems(top_opts),
		    "extension-digits") - top_opts];
		conf_error(p->errs, f, line, "service-number plus "
		    "extension-digits is longer than 20 digits");
	}
}

/*
 * timezone: an IANA name ("Asia/Shanghai") whose file exists under
 * $TZDIR or /usr/share/zoneinfo (Debian's tzdata).  glibc quietly takes
 * UTC for a zone it cannot find, which would move every deadline and
 * quiet hour by the offset: a name that does not resolve is an error.
 * 0, or -1 with why in err.
 */
static int
conf_zone_check(const char *zone, char *err, size_t errlen)
{
	const char	*dir, *q;
	char		 path[PATH_MAX];
	struct stat	 sb;
	int		 n;

	for (q = zone; *q != '\0'; q++)
		if (!isalnum((unsigned char)*q) && strchr("/_+-", *q) == NULL)
			break;
	if (*q != '\0' || zone[0] == '/' || zone[0] == '-' ||
	    strstr(zone, "..") != NULL || strstr(zone, "//") != NULL) {
		snprintf(err, errlen, "'%s' is not a zone name (like "
		    "Asia/Shanghai)", zone);
		return -1;
	}
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	n = snprintf(path, sizeof(path), "%s/%s", dir, zone);
	if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &sb) == -1 ||
	    !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: no such zone (%s/%s missing; is "
		    "the tzdata package installed?)", zone, dir, zone);
		return -1;
	}
	return 0;
}

/* Make a path absolute against the current directory. */
static char *
conf_absolute(const char *path)
{
	char	cwd[PATH_MAX], *s;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	xasprintf(&s, "%s/%s", cwd, path);
	return s;
}

static char *
conf_dirname(const char *abspath)
{
	const char	*slash = strrchr(abspath, '/');

	if (slash == NULL)
		return NULL;
	if (slash == abspath)
		return xstrdup("/");
	return xstrndup(abspath, (size_t)(slash - abspath));
}

int
conf_load_buf(const char *name, const char *data, size_t len,
    struct hotlined_conf *conf, struct conf_errors *errs)
{
	struct conf_parser	p;
	int			rv;

	memset(&p, 0, sizeof(p));
	conf_defaults(conf);
	conf->path = conf_absolute(name);
	p.conf = conf;
	p.errs = errs;
	p.file = name;
	p.dir = conf_dirname(conf->path);
	p.top_seen = conf->lines;
	p.nerrs0 = errs->n;
	if (len > CONF_FILE_MAX)
		conf_error(errs, name, 0, "file too large (%zu bytes, at "
		    "most %d)", len, CONF_FILE_MAX);
	else if (conf_parse(&p, data, len) == 0)
		conf_validate(&p);
	free(p.dir);
	rv = errs->n == p.nerrs0 ? 0 : -1;
	if (rv == -1)
		conf_free(conf);
	return rv;
}

int
conf_load(const char *path, struct hotlined_conf *conf,
    struct conf_errors *errs)
{
	char		*buf = NULL;
	size_t		 len = 0;
	int		 rv;

	memset(conf, 0, sizeof(*conf));
	if ((buf = conf_read_file(path, CONF_FILE_MAX, &len, errs)) == NULL)
		return -1;
	if (len > CONF_FILE_MAX) {
		conf_error(errs, path, 0, "file too large (more than %d bytes)",
		    CONF_FILE_MAX);
		free(buf);
		return -1;
	}
	rv = conf_load_buf(path, buf, len, conf, errs);
	free(buf);
	return rv;
}

char *
conf_read_file(const char *path, size_t max, size_t *lenp,
    struct conf_errors *errs)
{
	char	*buf, why[256];

	if ((buf = read_file_bounded(path, max, 0, lenp, why,
	    sizeof(why))) == NULL)
		conf_error(errs, path, 0, "%s", why);
	return buf;
}

void *
conf_reload(const char *module, const char *what, const char *path,
    void *(*load)(const char *, struct conf_errors *))
{
	struct conf_errors	 errs;
	void			*fresh;

	memset(&errs, 0, sizeof(errs));
	if ((fresh = load(path, &errs)) == NULL) {
		conf_errors_log(&errs, module);
		log_warnx("%s reload failed: keeping the old %s", module, what);
	}
	conf_errors_free(&errs);
	return fresh;
}

void
conf_errors_log(const struct conf_errors *errs, const char *module)
{
	const char	*line, *nl;

	for (line = errs->buf; line != NULL &&
	    (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		log_warnx("%s %.*s", module, (int)(nl - line), line);
}

void
conf_add_check(const char *name, conf_check_fn fn, void *arg)
{
	if (conf_nchecks >= nitems(conf_checks))
		fatalx("config too many checks registered (%s)", name);
	conf_checks[conf_nchecks].name = name;
	conf_checks[conf_nchecks].fn = fn;
	conf_checks[conf_nchecks].arg = arg;
	conf_nchecks++;
}

int
conf_line(const struct hotlined_conf *conf, const char *key)
{
	const struct conf_option *o;

	if ((o = conf_find(top_opts, nitems(top_opts), key)) == NULL)
		return 0;
	return conf->lines[o - top_opts];
}

/* Error unless path is a readable file (or a directory, when dir). */
static int
conf_check_readable(const struct hotlined_conf *conf, struct conf_errors *errs,
    const char *key, const char *path, int dir)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		conf_error(errs, conf->path, conf_line(conf, key), "%s %s: %s",
		    key, path, strerror(errno));
		return -1;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		conf_error(errs, conf->path, conf_line(conf, key), "%s %s: "
		    "not a %s", key, path, dir ? "directory" : "regular file");
		return -1;
	}
	if (access(path, dir ? R_OK | X_OK : R_OK) == -1) {
		conf_error(errs, conf->path, conf_line(conf, key), "%s %s: %s",
		    key, path, strerror(errno));
		return -1;
	}
	return 0;
}

int
conf_check_files(const struct hotlined_conf *conf, struct conf_errors *errs)
{
	size_t	i;
	int	rv = 0;

	/*
	 * Built-in: the files exist and are readable.  The rooms that own
	 * them register deeper checks with conf_add_check():
	 * TODO(template.c) "templates": every template parses, every
	 *   placeholder is known;
	 * TODO(intake.c) "rules": the classification rules compile;
	 * TODO(calendar.c) "calendar": it parses and covers this year.
	 */
	if (conf_check_readable(conf, errs, "templates", conf->templates, 1))
		rv = -1;
	if (conf_check_readable(conf, errs, "rules", conf->rules, 0))
		rv = -1;
	if (conf_check_readable(conf, errs, "calendar", conf->calendar, 0))
		rv = -1;
	if (conf_check_readable(conf, errs, "screen", conf->screen, 0))
		rv = -1;
	for (i = 0; i < conf_nchecks; i++)
		if (conf_checks[i].fn(conf, errs, conf_checks[i].arg) == -1)
			rv = -1;
	return rv;
}
