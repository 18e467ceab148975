/*
 * kannel: the listener smsbox and bearerbox call (see kannel.h).
 *
 *   GET|POST /kannel/mo    a citizen's text (sms-service get-url/post-url)
 *   GET|POST /kannel/dlr   a delivery report (the dlr-url of our sendsms)
 *
 * Every request must come from allow-from (unless "any") and, with a
 * secret-file, carry secret=... in its query string.  A text or report is
 * answered 200 once it is committed, 503 when the commit failed: any status
 * other than 200/202 makes smsbox retry after http-queue-delay.  Malformed
 * requests get 400 and a log line; nothing malformed reaches the store.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <iconv.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sys/queue.h>
#include <openssl/crypto.h>

#include "admin.h"
#include "commit.h"
#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "httpd.h"
#include "inbound.h"
#include "kannel.h"
#include "log.h"
#include "outbox.h"
#include "udh.h"
#include "util.h"

#define KANNEL_TIMEOUT		30	/* seconds of silence on a connection */

/*
 * A request waiting on a commit (or on a report's held match in outbox.c).
 * Kept in a list so that stopping can detach them from their requests:
 * the callback still comes (outbox_free() answers held reports late) and
 * then frees only the struct.
 */
struct kannel_pending {
	TAILQ_ENTRY(kannel_pending) entry;
	struct evhttp_request	*req;		/* NULL: detached */
	int			 report;	/* 1: a dlr, 0: a text */
};

static void	kannel_dispatch(struct evhttp_request *, void *);
static int	kannel_shutdown_hook(void *);
static void	kannel_status(json_t *, void *);
static void	kannel_exit_hook(void *);
static struct kannel_pending *kannel_wait(struct evhttp_request *, int);
static void	kannel_written(struct evhttp_request *, void *);
static void	kannel_drained(void);

static struct {
	struct evhttp	*http;
	struct httpd	*guard;			/* caps, deadline, accept errors */
	int		 closing;		/* shutting down: 503 to all */
	char		*secret;		/* NULL: none required */
	char		*allow;			/* NULL: any address */
	int		 hooked;
	unsigned	 waiting;		/* requests waiting on a commit */
	unsigned	 replying;		/* closing: replies being written */
	TAILQ_HEAD(, kannel_pending) pending;
	uint64_t	 texts, reports, refused;
} kn;

/* --- pure parsing --------------------------------------------------------- */

static int
kannel_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
kannel_urldecode(const char *in, size_t len, uint8_t *out, size_t outsz,
    size_t *outlen)
{
	size_t	i, n = 0;
	int	hi, lo;

	if (outsz == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (n + 1 >= outsz)
			return -1;
		if (in[i] == '+')
			out[n++] = ' ';
		else if (in[i] != '%')
			out[n++] = (uint8_t)in[i];
		else {
			if (len - i < 3 || (hi = kannel_hex(in[i + 1])) < 0 ||
			    (lo = kannel_hex(in[i + 2])) < 0)
				return -1;
			out[n++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
	}
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

/* A text field: no NUL inside, fits. */
static int
kannel_field(const char *v, size_t vlen, char *dst, size_t dstsz)
{
	size_t	n;

	if (kannel_urldecode(v, vlen, (uint8_t *)dst, dstsz, &n) == -1)
		return -1;
	return memchr(dst, '\0', n) != NULL ? -1 : 0;
}

static int
kannel_int(const char *s, long long lo, long long hi, long long *out)
{
	const char	*e;

	*out = strtonum(s, lo, hi, &e);
	return e == NULL ? 0 : -1;
}

/*
 * %A, the SMSC's own report text: whatever it holds (raw UCS-2 with NULs,
 * a message_payload past our field, a bad escape) it never refuses the
 * report; the start is kept printable, enough for its stat: and err:.
 */
static void
kannel_reply_field(const char *v, size_t vlen, char *dst, size_t dstsz)
{
	static uint8_t	buf[KANNEL_TEXT_MAX];
	size_t		n, i;

	dst[0] = '\0';
	if (kannel_urldecode(v, vlen < sizeof(buf) ? vlen : sizeof(buf) - 1,
	    buf, sizeof(buf), &n) == -1 &&
	    kannel_urldecode(v, 0, buf, sizeof(buf), &n) == -1)
		return;
	if (n > dstsz - 1)
		n = dstsz - 1;
	for (i = 0; i < n; i++)
		dst[i] = buf[i] < 0x20 || buf[i] > 0x7e ? ' ' : (char)buf[i];
	dst[n] = '\0';
}

int
kannel_query_parse(const char *query, struct kannel_fields *f, char *why,
    size_t whylen)
{
	static const char *const keys[] = { "from", "to", "text", "coding",
	    "charset", "id", "smsc", "meta", "udh", "secret", "dlr", "type",
	    "reply", "time", "try" };
	char		 num[32];
	const char	*p, *amp, *eq;
	size_t		 klen, vlen, k, n;
	unsigned	 seen = 0;
	long long	 v;
	int		 rc;

	memset(f, 0, sizeof(*f));
	f->coding = -1;
	f->dlr_type = -1;
	f->dlr_id = -1;
	for (p = query != NULL ? query : ""; *p != '\0'; p = amp + (*amp != '\0')) {
		amp = p + strcspn(p, "&");
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		klen = eq != NULL ? (size_t)(eq - p) : (size_t)(amp - p);
		vlen = eq != NULL ? (size_t)(amp - eq - 1) : 0;
		eq = eq != NULL ? eq + 1 : amp;
		for (k = 0; k < nitems(keys); k++)
			if (strlen(keys[k]) == klen && memcmp(keys[k], p, klen) == 0)
				break;
		if (k == nitems(keys))
			continue;		/* the operator's own fields */
		if (seen & (1u << k)) {
			snprintf(why, whylen, "'%s' given twice", keys[k]);
			return -1;
		}
		seen |= 1u << k;
		rc = 0;
		switch (k) {
		case 0: rc = kannel_field(eq, vlen, f->from, sizeof(f->from)); break;
		case 1: rc = kannel_field(eq, vlen, f->to, sizeof(f->to)); break;
		case 2:
			rc = kannel_urldecode(eq, vlen, f->text, sizeof(f->text),
			    &f->textlen);
			f->has_text = 1;
			break;
		case 4: rc = kannel_field(eq, vlen, f->charset,
		    sizeof(f->charset)); break;
		case 5: rc = kannel_field(eq, vlen, f->id, sizeof(f->id)); break;
		case 6: rc = kannel_field(eq, vlen, f->smsc, sizeof(f->smsc)); break;
		case 7: rc = kannel_field(eq, vlen, f->meta, sizeof(f->meta)); break;
		case 8:
			rc = kannel_urldecode(eq, vlen, f->udh, sizeof(f->udh),
			    &f->udhlen);
			break;
		case 9: rc = kannel_field(eq, vlen, f->secret,
		    sizeof(f->secret)); break;
		case 12:
			kannel_reply_field(eq, vlen, f->reply,
			    sizeof(f->reply));
			break;
		case 3: case 10: case 11: case 13: case 14:
			if (kannel_field(eq, vlen, num, sizeof(num)) == -1) {
				rc = -1;
				break;
			}
			if ((k == 3 || k == 13) && num[0] == '\0')
				break;		/* %c of a report, no %T: empty */
			if (kannel_int(num, k == 10 || k == 14 ? 1 :
			    k == 3 ? -1000 : 0, k == 3 ? 1000 : k == 11 ? 255 :
			    k == 14 ? INT_MAX : INT64_MAX, &v) == -1) {
				snprintf(why, whylen, "'%s' is not a number "
				    "in range", keys[k]);
				return -1;
			}
			if (k == 3)	/* DC_UNDEF (-1), or unknown: unset */
				f->coding = v >= 0 && v <= 2 ? (int)v : -1;
			else if (k == 10)
				f->dlr_id = v;
			else if (k == 13)
				f->time = v;
			else if (k == 14)
				f->dlr_try = (int)v;
			else
				f->dlr_type = (int)v;
			break;
		}
		if (rc == -1) {
			n = strlen(keys[k]);
			snprintf(why, whylen, "'%.*s' is malformed or too long",
			    (int)n, keys[k]);
			return -1;
		}
	}
	return 0;
}

/* The iconv name for what Kannel said the text is in. */
static const char *
kannel_charset(const struct kannel_fields *f)
{
	if (f->charset[0] != '\0' && strcasecmp(f->charset, "8-BIT") != 0)
		return f->charset;
	switch (f->coding) {
	case 2:
		return "UTF-16BE";
	case 1:
		return "ISO-8859-1";	/* binary: kept readable, never lost */
	default:
		return "UTF-8";
	}
}

/*
 * glibc's iconv passes code points past U+10FFFF through as 4-6 byte
 * "UTF-8" (from UTF-8 and UCS-4 alike), which json_string() and SQLite's
 * text functions refuse.  Replace every ill-formed sequence in place: one
 * of 3 bytes or more by U+FFFD, a shorter one (never seen from iconv) by
 * '?', so the text never grows.  The new length.
 */
static size_t
kannel_utf8_scrub(char *s, size_t len)
{
	uint8_t	*u = (uint8_t *)s;
	size_t	 r = 0, w = 0, n, k;
	uint8_t	 lo, hi;

	while (r < len) {
		n = u[r] < 0x80 ? 1 : u[r] >= 0xc2 && u[r] <= 0xdf ? 2 :
		    u[r] >= 0xe0 && u[r] <= 0xef ? 3 :
		    u[r] >= 0xf0 && u[r] <= 0xf4 ? 4 : 0;
		lo = u[r] == 0xe0 ? 0xa0 : u[r] == 0xf0 ? 0x90 : 0x80;
		hi = u[r] == 0xed ? 0x9f : u[r] == 0xf4 ? 0x8f : 0xbf;
		for (k = 1; n > 1 && k < n && r + k < len; k++)
			if (u[r + k] < (k == 1 ? lo : 0x80) ||
			    u[r + k] > (k == 1 ? hi : 0xbf))
				break;
		if (n > 0 && k >= n) {
			memmove(u + w, u + r, n);
			w += n;
			r += n;
			continue;
		}
		for (k = 1; r + k < len && k < 6 && (u[r + k] & 0xc0) == 0x80;)
			k++;
		if (k >= 3) {
			memcpy(u + w, "\xef\xbf\xbd", 3);
			w += 3;
		} else
			u[w++] = '?';
		r += k;
	}
	return w;
}

int
kannel_text_utf8(const struct kannel_fields *f, char *out, size_t outsz,
    char *why, size_t whylen)
{
	static const char	repl[] = "\xef\xbf\xbd";	/* U+FFFD */
	const char		*cs = kannel_charset(f);
	iconv_t			 cd;
	char			*in = (char *)(uintptr_t)f->text, *o = out;
	size_t			 inleft = f->textlen, oleft, r;
	size_t			 unit;

	if (outsz == 0)
		return -1;
	oleft = outsz - 1;
	/*
	 * A charset name is letters, digits and - _ . : only; anything else
	 * (an empty or blank name means the locale's charset to iconv, and
	 * "//" suffixes change its behaviour) is refused.
	 */
	if (cs[0] == '\0' || cs[strspn(cs, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.:")] != '\0' ||
	    (cd = iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		snprintf(why, whylen, "unknown charset '%.32s'", cs);
		return -1;
	}
	unit = strncasecmp(cs, "UTF-16", 6) == 0 ||
	    strncasecmp(cs, "UCS-2", 5) == 0 ? 2 : 1;
	while (inleft > 0) {
		r = iconv(cd, &in, &inleft, &o, &oleft);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			snprintf(why, whylen, "text longer than %zu bytes",
			    outsz - 1);
			iconv_close(cd);
			return -1;
		}
		/* EILSEQ or EINVAL (truncated): one replacement, skip a unit */
		if (oleft < sizeof(repl) - 1) {
			snprintf(why, whylen, "text longer than %zu bytes",
			    outsz - 1);
			iconv_close(cd);
			return -1;
		}
		memcpy(o, repl, sizeof(repl) - 1);
		o += sizeof(repl) - 1;
		oleft -= sizeof(repl) - 1;
		r = inleft < unit ? inleft : unit;
		in += r;
		inleft -= r;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	o = out + kannel_utf8_scrub(out, (size_t)(o - out));
	*o = '\0';
	/* a NUL inside would cut the text short downstream */
	for (r = 0; r < (size_t)(o - out); r++)
		if (out[r] == '\0')
			out[r] = ' ';
	return (int)(o - out);
}

/*
 * An address as Kannel passes it: 1 to 20 printable ASCII characters, not
 * starting with a space, not a '+' alone.  Odd ones (punctuation, spaces
 * of an alphanumeric sender) are taken and stored: a refusal only makes
 * smsbox retry for a day and then drop the text.  mo.c answers no sender
 * that is not a phone number.
 */
static int
kannel_addr_ok(const char *a)
{
	size_t	i;

	if (a[0] == '\0' || a[0] == ' ' || strcmp(a, "+") == 0 ||
	    strlen(a) > 20)
		return 0;
	for (i = 0; a[i] != '\0'; i++)
		if ((unsigned char)a[i] < 0x20 || (unsigned char)a[i] > 0x7e)
			return 0;
	return 1;
}

int
kannel_mo_read(const struct kannel_fields *f, const char *text,
    size_t textlen, struct inbound_msg *m, char *why, size_t whylen)
{
	struct udh_info	u;

	memset(m, 0, sizeof(*m));
	if (!kannel_addr_ok(f->from)) {
		snprintf(why, whylen, "'from' (%%p) missing or not a number");
		return -1;
	}
	if (!kannel_addr_ok(f->to)) {
		snprintf(why, whylen, "'to' (%%P) missing or not a number");
		return -1;
	}
	if (!f->has_text) {
		snprintf(why, whylen, "'text' (%%b) missing");
		return -1;
	}
	m->bearer = KANNEL_BEARER;
	m->msgid = f->id[0] != '\0' ? f->id : NULL;
	/* as Kannel gives them: a reply to "+86..." goes out the same way */
	m->source = f->from;
	m->dest = f->to;
	m->data_coding = f->coding == 2 ? 8 : f->coding == 1 ? 4 : 0;
	m->raw = f->text;
	m->rawlen = f->textlen;
	m->text = text;
	m->concat_total = 1;
	m->concat_seq = 1;
	/* bearerbox joins parts itself; when told not to, the UDH says */
	if (f->udhlen > 0 && udh_parse(f->udh, f->udhlen, &u) == 0 &&
	    u.has_concat && u.concat.total > 1) {
		m->esm_class = 0x40;
		m->concat_ref = (int)u.concat.ref;
		m->concat_total = (int)u.concat.total;
		m->concat_seq = (int)u.concat.seq;
	}
	/* USSD arrives with its TLV in the meta-data (smpp-tlv group) */
	m->ussd = strstr(f->meta, "ussd_service_op") != NULL;
	(void)textlen;
	return 0;
}

int
kannel_dlr_state(int type)
{
	switch (type) {
	case 1:
		return STORE_RCPT_DELIVERED;	/* delivered to the phone */
	case 2:
	case 16:
		return STORE_RCPT_FAILED;	/* not delivered; SMSC refused */
	case 4:
	case 8:
		return STORE_RCPT_INTERIM;	/* queued at, accepted by SMSC */
	default:
		return -1;
	}
}

void
kannel_dlr_stat(const struct kannel_fields *f, char *stat, size_t statlen,
    char *err, size_t errlen)
{
	const char	*p;
	size_t		 n;

	err[0] = '\0';
	if ((p = strstr(f->reply, "stat:")) != NULL) {
		p += 5;
		n = strcspn(p, " ");
		snprintf(stat, statlen, "%.*s", (int)n, p);
	} else
		snprintf(stat, statlen, "%s", f->dlr_type == 1 ? "DELIVRD" :
		    f->dlr_type == 2 ? "UNDELIV" : f->dlr_type == 16 ?
		    "REJECTD" : f->dlr_type == 4 ? "BUFFERED" : "ACCEPTD");
	if ((p = strstr(f->reply, "err:")) != NULL) {
		p += 4;
		n = strcspn(p, " ");
		snprintf(err, errlen, "%.*s", (int)n, p);
	}
}

/* --- the listener --------------------------------------------------------- */

static void
kannel_reply(struct evhttp_request *req, int status, const char *msg)
{
	struct evbuffer	*out;

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=UTF-8");
	if (status == 503)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "5");
	if ((out = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	/* a 2xx body stays empty: smsbox would send any text as a reply */
	if (status != 200)
		evbuffer_add_printf(out, "%s\n", msg);
	evhttp_send_reply(req, status, status == 200 ? "OK" : NULL, out);
	evbuffer_free(out);
}

static void
kannel_refuse(struct evhttp_request *req, int status, const char *route,
    const char *why)
{
	char	esc[200];

	kn.refused++;
	/* a reason may quote what the caller sent: escaped for the log */
	log_warnx("kannel refused route=%s status=%d reason=\"%s\"", route,
	    status, log_snippet(why, strlen(why), esc, sizeof(esc)));
	kannel_reply(req, status, why);
}

/* The batch holding a text or a report has ended. */
static void
kannel_committed(void *arg, int ok)
{
	struct kannel_pending	*p = arg;

	kn.waiting--;
	TAILQ_REMOVE(&kn.pending, p, entry);
	if (p->req != NULL && kn.closing) {
		/* shutting down: done only once this reply is written */
		kn.replying++;
		evhttp_request_set_on_complete_cb(p->req, kannel_written,
		    NULL);
	}
	if (p->req == NULL)
		;			/* stopped meanwhile: smsbox resends */
	else if (ok)
		kannel_reply(p->req, 200, "");
	else {
		log_warnx("kannel %s not stored, answered 503: smsbox retries",
		    p->report ? "report" : "text");
		kannel_reply(p->req, 503, "not stored, try again");
	}
	free(p);
	kannel_drained();
}

/* A reply sent while shutting down is out. */
static void
kannel_written(struct evhttp_request *req, void *arg)
{
	kn.replying--;
	kannel_drained();
}

/* Remember req as waiting on a commit. */
static struct kannel_pending *
kannel_wait(struct evhttp_request *req, int report)
{
	struct kannel_pending	*p;

	p = xcalloc(1, sizeof(*p));
	p->req = req;
	p->report = report;
	kn.waiting++;
	TAILQ_INSERT_TAIL(&kn.pending, p, entry);
	return p;
}

/* While shutting down: done once nothing waits and no sendsms is out. */
static void
kannel_drained(void)
{
	if (kn.closing == 1 && kn.waiting == 0 && kn.replying == 0 &&
	    kannel_send_busy() == 0) {
		kn.closing = 2;
		hook_shutdown_done("kannel");
	}
}

static int
kannel_peer_ok(struct evhttp_request *req)
{
	struct evhttp_connection	*c;
	const char			*addr = NULL;
	ev_uint16_t			 port;

	if (kn.allow == NULL)
		return 1;
	if ((c = evhttp_request_get_connection(req)) == NULL)
		return 0;
	evhttp_connection_get_peer(c, (char **)(uintptr_t)&addr, &port);
	if (addr == NULL)
		return 0;
	if (strncmp(addr, "::ffff:", 7) == 0)
		addr += 7;
	return strcmp(addr, kn.allow) == 0;
}

static int
kannel_secret_ok(const struct kannel_fields *f)
{
	size_t	n;

	if (kn.secret == NULL)
		return 1;
	n = strlen(kn.secret);
	return strlen(f->secret) == n &&
	    CRYPTO_memcmp(f->secret, kn.secret, n) == 0;
}

/* Header name into dst unless the query string set it; -1 if too long. */
static int
kannel_header(struct evkeyvalq *h, const char *name, char *dst,
    size_t dstsz, char *why, size_t whylen)
{
	const char	*v;

	if (dst[0] != '\0' || (v = evhttp_find_header(h, name)) == NULL)
		return 0;
	if (strlcpy(dst, v, dstsz) >= dstsz) {
		snprintf(why, whylen, "%s longer than %zu bytes", name,
		    dstsz - 1);
		return -1;
	}
	return 0;
}

/* post-url: the text is the body, the rest comes as X-Kannel headers. */
static int
kannel_post_fields(struct evhttp_request *req, struct kannel_fields *f,
    char *why, size_t whylen)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	struct evbuffer		*b = evhttp_request_get_input_buffer(req);
	const char		*v, *cs;
	size_t			 len = evbuffer_get_length(b), n;

	if (len > sizeof(f->text) - 1) {
		snprintf(why, whylen, "body longer than %zu bytes",
		    sizeof(f->text) - 1);
		return -1;
	}
	evbuffer_copyout(b, f->text, len);
	f->textlen = len;
	f->has_text = 1;
	if (kannel_header(h, "X-Kannel-From", f->from, sizeof(f->from),
	    why, whylen) == -1 || kannel_header(h, "X-Kannel-To", f->to,
	    sizeof(f->to), why, whylen) == -1 || kannel_header(h,
	    "X-Kannel-SMSC", f->smsc, sizeof(f->smsc), why, whylen) == -1 ||
	    kannel_header(h, "X-Kannel-Meta-Data", f->meta, sizeof(f->meta),
	    why, whylen) == -1)
		return -1;
	if (f->coding == -1 && (v = evhttp_find_header(h,
	    "X-Kannel-Coding")) != NULL) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0 &&
		    strcmp(v, "2") != 0) {
			snprintf(why, whylen, "X-Kannel-Coding is not 0, 1 "
			    "or 2");
			return -1;
		}
		f->coding = v[0] - '0';
	}
	if (f->udhlen == 0 && (v = evhttp_find_header(h,
	    "X-Kannel-UDH")) != NULL && kannel_urldecode(v, strlen(v),
	    f->udh, sizeof(f->udh), &f->udhlen) == -1) {
		snprintf(why, whylen, "X-Kannel-UDH malformed");
		return -1;
	}
	v = evhttp_find_header(h, "Content-Type");
	if (f->charset[0] == '\0' && v != NULL && (cs = strcasestr(v,
	    "charset=")) != NULL) {
		cs += 8;
		cs += *cs == '"';
		n = strcspn(cs, "\"; ");
		if (n >= sizeof(f->charset)) {
			snprintf(why, whylen, "charset too long");
			return -1;
		}
		memcpy(f->charset, cs, n);
		f->charset[n] = '\0';
	} else if (f->coding == -1 && v != NULL &&
	    httpd_media_is(v, "application/octet-stream"))
		f->coding = 1;
	return 0;
}

static void
kannel_mo(struct evhttp_request *req, struct kannel_fields *f)
{
	struct kannel_pending	*p;
	struct inbound_msg	 m;
	struct kannel_ussd	 ku;
	char			 why[160], mask[LOG_MSISDN_MAX];
	static char		 text[KANNEL_TEXT_MAX * 3 + 1];
	char			 cs[80];
	int			 n;


	/*
	 * A charset iconv does not know: read the text by its coding rather
	 * than refuse it (smsbox would retry a day, then drop it).
	 */
	if ((n = kannel_text_utf8(f, text, sizeof(text), why,
	    sizeof(why))) == -1 && f->charset[0] != '\0' &&
	    strncmp(why, "unknown charset", 15) == 0) {
		log_warnx("kannel unknown charset \"%s\", text read by its "
		    "coding %d", log_snippet(f->charset, strlen(f->charset), cs,
		    sizeof(cs)),
		    f->coding);
		f->charset[0] = '\0';
		n = kannel_text_utf8(f, text, sizeof(text), why, sizeof(why));
	}
	if (n == -1 || kannel_mo_read(f, text, (size_t)n, &m, why,
	    sizeof(why)) == -1) {
		kannel_refuse(req, 400, "mo", why);
		return;
	}
	/* USSD is a menu, never a matter: ussd.c, not intake */
	if (m.ussd) {
		switch (kannel_ussd_meta(f->meta, &ku)) {
		case -1:
			kannel_refuse(req, 400, "mo", "USSD meta-data "
			    "malformed");
			return;
		case 1:
			kn.texts++;
			kannel_ussd_in(f, text, &ku, kannel_committed,
			    kannel_wait(req, 0));
			return;
		}
	}
	kn.texts++;
	/* %T: when Kannel took it; long waits mean we were down or slow */
	if (f->time > 0 && clock_now_ms() / 1000 > (uint64_t)f->time +
	    KANNEL_LATE_S)
		log_info("kannel late text msisdn=%s waited=%llds in Kannel",
		    log_msisdn(m.source, mask, sizeof(mask)),
		    (long long)(clock_now_ms() / 1000 - (uint64_t)f->time));
	if (log_getlevel() >= LOG_L_DEBUG) {
		/* what the caller wrote is escaped: it cannot forge a line */
		char	esc[3][80];

		log_debug("kannel text msisdn=%s to=%s smsc=%s id=%s "
		    "coding=%d charset=%s bytes=%zu", log_msisdn(m.source, mask,
		    sizeof(mask)), log_snippet(m.dest, strlen(m.dest), esc[0],
		    sizeof(esc[0])), log_snippet(f->smsc, strlen(f->smsc),
		    esc[1], sizeof(esc[1])), log_snippet(f->id, strlen(f->id),
		    esc[2], sizeof(esc[2])), f->coding, log_snippet(f->charset,
		    strlen(f->charset), cs, sizeof(cs)), f->textlen);
	}
	p = kannel_wait(req, 0);
	inbound_receive(inbound_default(), &m, kannel_committed, p);
}

static void
kannel_dlr(struct evhttp_request *req, struct kannel_fields *f)
{
	struct kannel_pending	*p;
	char			 id[32], stat[16], err[16], why[96];
	int			 st;

	if (f->dlr_id < 1) {
		kannel_refuse(req, 400, "dlr", "'dlr' (our message id) missing");
		return;
	}
	if ((st = kannel_dlr_state(f->dlr_type)) == -1) {
		snprintf(why, sizeof(why), "'type' (%%d) %d is not a report "
		    "type (1, 2, 4, 8, 16)", f->dlr_type);
		kannel_refuse(req, 400, "dlr", f->dlr_type == -1 ?
		    "'type' (%d) missing" : why);
		return;
	}
	kn.reports++;
	kannel_dlr_stat(f, stat, sizeof(stat), err, sizeof(err));
	/* the id outbox_sent() recorded: the row and its try */
	if (f->dlr_try > 0)
		snprintf(id, sizeof(id), "%lld.%d", (long long)f->dlr_id,
		    f->dlr_try);
	else
		snprintf(id, sizeof(id), "%lld", (long long)f->dlr_id);
	p = kannel_wait(req, 1);
	outbox_receipt(outbox_default(), KANNEL_BEARER, id, NULL, id,
	    (enum store_receipt)st, stat, err, kannel_committed, p);
}

static void
kannel_dispatch(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct kannel_fields	*f;
	const char		*path, *route;
	char			 why[160];
	int			 method = evhttp_request_get_command(req), dlr;

	httpd_dispatched(kn.guard, req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || (strcmp(path, "/kannel/mo") != 0 &&
	    strcmp(path, "/kannel/dlr") != 0)) {
		kannel_refuse(req, 404, "-", "no such path (/kannel/mo, "
		    "/kannel/dlr)");
		return;
	}
	dlr = strcmp(path, "/kannel/dlr") == 0;
	route = dlr ? "dlr" : "mo";
	if (kn.closing) {
		kannel_reply(req, 503, "shutting down, try again");
		return;
	}
	if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_POST) {
		kannel_refuse(req, 405, route, "GET or POST only");
		return;
	}
	if (!kannel_peer_ok(req)) {
		kannel_refuse(req, 403, route, "caller not in allow-from");
		return;
	}
	f = xmalloc(sizeof(*f));
	if (kannel_query_parse(evhttp_uri_get_query(uri), f, why,
	    sizeof(why)) == -1 || (method == EVHTTP_REQ_POST && !dlr &&
	    kannel_post_fields(req, f, why, sizeof(why)) == -1))
		kannel_refuse(req, 400, route, why);
	else if (!kannel_secret_ok(f))
		kannel_refuse(req, 403, route, "wrong or missing secret");
	else if (dlr)
		kannel_dlr(req, f);
	else
		kannel_mo(req, f);
	free(f);
}

/* --- life ----------------------------------------------------------------- */

static int
kannel_listen(struct event_base *base, const struct conf_kannel *c,
    char *err, size_t errlen)
{
	struct evhttp_bound_socket	*sock;

	if ((kn.http = evhttp_new(base)) == NULL) {
		snprintf(err, errlen, "kannel evhttp_new failed");
		return -1;
	}
	evhttp_set_allowed_methods(kn.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_max_headers_size(kn.http, KANNEL_HEADERS_MAX);
	evhttp_set_max_body_size(kn.http, KANNEL_REQ_MAX);
	evhttp_set_timeout(kn.http, KANNEL_TIMEOUT);
	evhttp_set_gencb(kn.http, kannel_dispatch, NULL);
	if ((sock = evhttp_bind_socket_with_handle(kn.http, c->listen,
	    (ev_uint16_t)c->port)) == NULL) {
		snprintf(err, errlen, "kannel cannot listen on %s port %d: %s",
		    c->listen, c->port, strerror(errno));
		return -1;
	}
	if ((kn.guard = httpd_guard(base, kn.http, sock, "kannel",
	    c->max_conns, c->request_timeout, KANNEL_HEADERS_MAX, NULL,
	    NULL)) == NULL) {
		snprintf(err, errlen, "kannel cannot guard its listener");
		return -1;
	}
	return 0;
}

int
kannel_start(struct event_base *base, const struct hotlined_conf *conf,
    char *err, size_t errlen)
{
	const struct conf_kannel	*c = &conf->kannel;
	char				 why[256];

	if (!c->enabled)
		return 0;
	TAILQ_INIT(&kn.pending);
	if (c->secret_file != NULL && daemon_read_secret(c->secret_file,
	    &kn.secret, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "kannel secret-file: %s", why);
		return -1;
	}
	/*
	 * It travels in URLs Kannel rewrites: a '%' or a byte it would
	 * escape could become one of its %-codes.  Letters, digits, -._~
	 */
	if (kn.secret != NULL && (kn.secret[0] == '\0' ||
	    kn.secret[strspn(kn.secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~")] != '\0')) {
		snprintf(err, errlen, "kannel secret-file: the secret must be "
		    "letters, digits and -._~ only");
		kannel_stop();
		return -1;
	}
	if (strcmp(c->allow_from, "any") != 0)
		kn.allow = xstrdup(c->allow_from);
	if (kannel_listen(base, c, err, errlen) == -1 ||
	    kannel_send_start(base, conf, kn.secret, kannel_drained, err,
	    errlen) == -1) {
		kannel_stop();
		return -1;
	}
	if (!kn.hooked) {
		hook_on_shutdown("kannel", kannel_shutdown_hook, NULL);
		hook_on_exit("kannel", kannel_exit_hook, NULL);
		admin_on_status("kannel", kannel_status, NULL);
		kn.hooked = 1;
	}
	log_info("kannel listening addr=%s port=%d allow-from=%s secret=%s "
	    "sendsms=%s", c->listen, c->port, c->allow_from,
	    kn.secret != NULL ? "yes" : "no", c->sendsms_url);
	return 0;
}

void
kannel_stop(void)
{
	struct kannel_pending	*p;

	/* answer what waits on a commit before the requests go away */
	if (kn.waiting > 0)
		commit_flush(commit_default());
	/* what still waits (held reports) is answered after evhttp_free */
	TAILQ_FOREACH(p, &kn.pending, entry)
		p->req = NULL;
	if (kn.http != NULL) {
		httpd_unlisten(kn.guard);	/* evhttp_free() frees the listener */
		evhttp_free(kn.http);
		kn.http = NULL;
		log_info("kannel stopped texts=%llu reports=%llu refused=%llu",
		    (unsigned long long)kn.texts,
		    (unsigned long long)kn.reports,
		    (unsigned long long)kn.refused);
	}
	httpd_free(kn.guard);		/* after its connections are freed */
	kn.guard = NULL;
	kannel_send_stop();
	if (kn.secret != NULL) {
		explicit_bzero(kn.secret, strlen(kn.secret));
		free(kn.secret);
	}
	kn.secret = NULL;
	free(kn.allow);
	kn.allow = NULL;
}

/*
 * Shutdown: stop listening, answer 503 to what still comes on open
 * connections (smsbox retries later), hand the outbox no more SMS, and
 * stay pending until what waits on a commit (or a held report) is answered
 * and every sendsms request in flight has its answer, so no SMS smsbox
 * already took is sent again at the next start.  shutdown-timeout bounds
 * the wait.
 */
static int
kannel_shutdown_hook(void *arg)
{
	if (kn.http == NULL)
		return 0;
	kn.closing = 1;
	httpd_unlisten(kn.guard);
	kannel_send_drain();
	if (kn.waiting > 0)
		commit_flush(commit_default());
	if (kn.waiting == 0 && kn.replying == 0 && kannel_send_busy() == 0) {
		kn.closing = 2;
		return 0;
	}
	return 1;
}

static void
kannel_exit_hook(void *arg)
{
	kannel_stop();
}

/* GET /v1/status: {"kannel": {texts, reports, refused, sent, failed}} */
static void
kannel_status(json_t *st, void *arg)
{
	uint64_t	sent, failed;

	kannel_send_stats(&sent, &failed);
	json_object_set_new(st, "kannel", json_pack("{s:b,s:I,s:I,s:I,s:I,"
	    "s:I}", "listening", kn.http != NULL && !kn.closing,
	    "texts", (json_int_t)kn.texts, "reports", (json_int_t)kn.reports,
	    "refused", (json_int_t)kn.refused, "sendsms_accepted",
	    (json_int_t)sent, "sendsms_failed", (json_int_t)failed));
}
