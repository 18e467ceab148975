/*
 * Cases from the other channels (Art. 5(1), 15): what an import request
 * must hold, field by field, each refusal naming its field.  Strict on
 * purpose: an unknown field is an error (a typo must not drop a value),
 * and nothing is guessed.  The JSON comes through jansson, which refuses
 * invalid UTF-8; NUL and control characters are refused here.
 */
#include "compat.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "category.h"
#include "crypto.h"
#include "errfmt.h"
#include "import.h"
#include "util.h"

static void	 import_fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 import_str(const json_t *, const char *, int, size_t,
		    const char **, const char **, char *, size_t);
static int	 import_bool(const json_t *, const char *, int *,
		    const char **, char *, size_t);
static int	 import_category(const char *);
static int	 import_mobile(const char *, char *, size_t);
static long	 import_chars(const char *, size_t);
static int	 import_num(const char **, int, int, int, int *);

/* The channels besides SMS and USSD, which come through the bearers. */
static const struct {
	const char	*name;
	const char	*zh;
} import_channels[] = {
	{ "phone",	"电话" },
	{ "web",	"网站" },
	{ "wechat",	"微信" },
	{ "letter",	"信件" },
	{ "visit",	"来访" },
	{ "email",	"电子邮件" },
	{ "app",	"客户端" },
	{ "other",	"其他渠道" },
};

static const char *const import_fields[] = {
	"channel", "external_id", "category", "text", "msisdn",
	"confidential", "received_at", "ack"
};

const char *
import_channel(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(import_channels); i++)
		if (strcmp(s, import_channels[i].name) == 0 ||
		    strcmp(s, import_channels[i].zh) == 0)
			return import_channels[i].name;
	return NULL;
}

const char *
import_channel_zh(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(import_channels); i++)
		if (strcmp(name, import_channels[i].name) == 0)
			return import_channels[i].zh;
	return NULL;
}

/* Characters of valid UTF-8 (jansson's): the bytes that start one. */
/* Why a case is refused, into err; the API sends fmt and args too. */
static void
import_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errfmt_note(err, errlen, fmt, ap);
	va_end(ap);
}

static long
import_chars(const char *s, size_t len)
{
	size_t	i;
	long	n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * String field name of o into *vp: required or not, at most max
 * characters, no NUL or control characters (a text may hold line breaks
 * and tabs).  0 (*vp NULL when absent), or -1 with the error.
 */
static int
import_str(const json_t *o, const char *name, int required, size_t max,
    const char **vp, const char **fieldp, char *err, size_t errlen)
{
	const json_t	*v = json_object_get(o, name);
	const char	*s;
	size_t		 len, i;
	int		 text = strcmp(name, "text") == 0;

	*vp = NULL;
	*fieldp = name;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		import_fail(err, errlen, "%s is required", name);
		return -1;
	}
	if (!json_is_string(v)) {
		import_fail(err, errlen, "%s must be a string", name);
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || strspn(s, " \t\r\n") == len) {
		import_fail(err, errlen, "%s must not be empty", name);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			if (text && (s[i] == '\n' || s[i] == '\t' ||
			    s[i] == '\r'))
				continue;
			import_fail(err, errlen, "%s holds a NUL or control "
			    "character", name);
			return -1;
		}
	if ((size_t)import_chars(s, len) > max) {
		import_fail(err, errlen, "%s is longer than %zu characters",
		    name, max);
		return -1;
	}
	*vp = s;
	return 0;
}

/* Boolean field name into *b (absent: left as it is); 0 or -1. */
static int
import_bool(const json_t *o, const char *name, int *b, const char **fieldp,
    char *err, size_t errlen)
{
	const json_t	*v = json_object_get(o, name);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		*fieldp = name;
		import_fail(err, errlen, "%s must be true or false", name);
		return -1;
	}
	*b = json_is_true(v);
	return 0;
}

/* A category of Art. 7 by name or Chinese label, or -1 (unclassified). */
static int
import_category(const char *s)
{
	int	c;

	if ((c = category_from_name(s)) == -1)
		for (c = 0; c < CAT_UNCLASSIFIED; c++)
			if (strcmp(s, category_label_zh(c)) == 0)
				break;
	return c >= 0 && c < CAT_UNCLASSIFIED ? c : -1;
}

/*
 * A mainland mobile number, as the bearers' numbers normalise (crypto.c:
 * +86, 0086, spaces and dashes go), into out: 11 digits, 1 then 3-9.
 * The result SMS and the survey need a mobile; 0 or -1.
 */
static int
import_mobile(const char *s, char *out, size_t len)
{
	size_t	i;

	if (crypto_normalise_msisdn(s, out, len) == -1 || strlen(out) != 11 ||
	    out[0] != '1' || out[1] < '3' || out[1] > '9')
		return -1;
	for (i = 0; i < 11; i++)
		if (!isdigit((unsigned char)out[i]))
			return -1;
	return 0;
}

/* n digits at *pp into *v, within [min, max]; 0 or -1. */
static int
import_num(const char **pp, int n, int min, int max, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*pp)[i]))
			return -1;
		*v = *v * 10 + ((*pp)[i] - '0');
	}
	*pp += n;
	return *v < min || *v > max ? -1 : 0;
}

int
import_time(const char *s, int64_t *ms)
{
	struct tm	 tm, chk;
	const char	*p = s;
	time_t		 t;
	int		 y, mo, d, h, mi, sec = 0, oh, om, off = 0, local = 1;

	if (import_num(&p, 4, 1970, 2099, &y) == -1 || *p++ != '-' ||
	    import_num(&p, 2, 1, 12, &mo) == -1 || *p++ != '-' ||
	    import_num(&p, 2, 1, 31, &d) == -1 || (*p != ' ' && *p != 'T'))
		return -1;
	p++;
	if (import_num(&p, 2, 0, 23, &h) == -1 || *p++ != ':' ||
	    import_num(&p, 2, 0, 59, &mi) == -1)
		return -1;
	if (*p == ':' && (p++, import_num(&p, 2, 0, 59, &sec)) == -1)
		return -1;
	if (*p == 'Z') {
		local = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		local = 0;
		off = *p++ == '-' ? -1 : 1;
		if (import_num(&p, 2, 0, 14, &oh) == -1 || *p++ != ':' ||
		    import_num(&p, 2, 0, 59, &om) == -1)
			return -1;
		off *= oh * 3600 + om * 60;
	}
	if (*p != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	chk = tm;
	t = local ? mktime(&tm) : timegm(&tm);
	/* 31 February and the like: normalised into another day */
	if (t == (time_t)-1 || tm.tm_mday != chk.tm_mday ||
	    tm.tm_mon != chk.tm_mon)
		return -1;
	*ms = ((int64_t)t - off) * 1000;
	return 0;
}

int
import_parse(const json_t *o, int64_t now, struct import_case *c,
    const char **fieldp, char *err, size_t errlen)
{
	const char	*s, *key;
	const json_t	*v;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	*fieldp = NULL;
	if (!json_is_object(o)) {
		import_fail(err, errlen, "a case must be a JSON object");
		return -1;
	}
	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; i < nitems(import_fields); i++)
			if (strcmp(key, import_fields[i]) == 0)
				break;
		if (i == nitems(import_fields)) {
			*fieldp = "-";
			import_fail(err, errlen, "unknown field \"%.40s\" (see "
			    "hotlinectl(8), POST /v1/cases)", key);
			return -1;
		}
	}
	if (import_str(o, "channel", 1, IMPORT_CHANNEL_MAX, &s, fieldp, err,
	    errlen) == -1)
		return -1;
	if ((s = import_channel(s)) == NULL) {
		import_fail(err, errlen, "channel must be one of phone, web, "
		    "wechat, letter, visit, email, app, other (SMS and USSD "
		    "cases come by themselves)");
		return -1;
	}
	strlcpy(c->channel, s, sizeof(c->channel));
	if (import_str(o, "external_id", 1, IMPORT_ID_MAX, &s, fieldp, err,
	    errlen) == -1)
		return -1;
	if (strlen(s) > IMPORT_ID_MAX) {
		import_fail(err, errlen, "external_id is longer than %d bytes",
		    IMPORT_ID_MAX);
		return -1;
	}
	strlcpy(c->external_id, s, sizeof(c->external_id));
	if (import_str(o, "category", 1, 16, &s, fieldp, err, errlen) == -1)
		return -1;
	if ((c->category = import_category(s)) == -1) {
		import_fail(err, errlen, "category must be one of "
		    "consultation, help, complaint, suggestion, efficiency, "
		    "other (Art. 7)");
		return -1;
	}
	if (import_str(o, "text", 1, IMPORT_TEXT_MAX, &c->text, fieldp, err,
	    errlen) == -1)
		return -1;
	if (import_str(o, "msisdn", 1, 32, &s, fieldp, err, errlen) == -1)
		return -1;
	if (import_mobile(s, c->msisdn, sizeof(c->msisdn)) == -1) {
		import_fail(err, errlen, "msisdn must be a mainland mobile "
		    "number, 11 digits (+86 may lead)");
		return -1;
	}
	if (import_bool(o, "confidential", &c->confidential, fieldp, err,
	    errlen) == -1 || import_bool(o, "ack", &c->ack, fieldp, err,
	    errlen) == -1)
		return -1;
	if (import_str(o, "received_at", 0, 32, &s, fieldp, err, errlen) ==
	    -1)
		return -1;
	c->received_at = now;
	if (s != NULL && import_time(s, &c->received_at) == -1) {
		import_fail(err, errlen, "received_at must be a time, "
		    "YYYY-MM-DD HH:MM[:SS] or ISO 8601 with a zone");
		return -1;
	}
	if (c->received_at > now + IMPORT_SKEW_MS) {
		import_fail(err, errlen, "received_at is in the future");
		return -1;
	}
	if (c->received_at < now - (int64_t)IMPORT_PAST_DAYS * 86400000) {
		import_fail(err, errlen, "received_at is more than %d days ago",
		    IMPORT_PAST_DAYS);
		return -1;
	}
	*fieldp = NULL;
	return 0;
}
