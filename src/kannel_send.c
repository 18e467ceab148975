/*
 * kannel_send: the outbox's way out through smsbox's sendsms interface.
 *
 * A pool of `window` HTTP/1.1 connections to sendsms-url, one request in
 * flight on each: the outbox sees as much room as there are idle ones.
 * Every request asks for all delivery reports (dlr-mask 31) at our own
 * listener with the outbox id in the dlr-url, so a report finds its row
 * without Kannel's message id (sendsms does not tell it).
 *
 * smsbox answers only once bearerbox has the SMS (immediate-sendsms-reply
 * off, its default): "0: Accepted for delivery" and "3: Queued for later
 * delivery" both mean Kannel holds it, and the row is sent; a refused
 * login, 5xx or no answer is temporary (the outbox retries with backoff);
 * another 4xx is permanent.  A refused login is a configuration mistake,
 * not the citizen's: it is retried and logged loudly, never failed.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "daemon.h"
#include "gsm7.h"
#include "kannel_send.h"
#include "log.h"
#include "outbox.h"
#include "util.h"

#define KANNEL_SEND_TIMEOUT	30	/* seconds for smsbox to answer */
#define KANNEL_ANSWER_MAX	256	/* bytes of an answer we read */

struct kconn {
	struct evhttp_connection *evcon;
	int			  busy;
	int64_t			  id;		/* the outbox row in flight */
	int			  attempt;	/* its try, in the dlr-url */
};

static int	kannel_send_room(void *);
static int	kannel_send_job(void *, const struct outbox_job *);
static struct evbuffer *kannel_send_query(const char *, const char *,
		    const char *, int);
static char	*kannel_send_uri(struct evbuffer *);
static void	kannel_ussd_done(struct evhttp_request *, void *);

static const struct bearer_ops kannel_ops = { kannel_send_room,
    kannel_send_job };

static struct {
	char		 host[256];
	int		 port;
	char		*path;		/* path and the URL's own query */
	char		*user, *pass, *smsc;
	char		*dlr_head;	/* dlr-url up to the outbox id */
	char		*dlr_tail;	/* and after it */
	struct kconn	*conns;
	int		 nconns;
	struct evhttp_connection *ussd;	/* screens: in order, no outbox */
	int		 ussd_busy;
	uint64_t	 ussd_refused;
	int		 stopping;
	void		(*answered)(void);	/* after each answer */
	uint64_t	 sent, refused;
} ks;

enum kannel_answer
kannel_sendsms_answer(int status, const char *body, size_t len)
{
	if (status >= 200 && status < 300)
		return len >= 2 && memcmp(body, "3:", 2) == 0 ?
		    KANNEL_QUEUED : KANNEL_ACCEPTED;
	/* none, 5xx, and what smsbox never says (3xx from a proxy): retry */
	if (status < 400 || status >= 500)
		return KANNEL_TEMPORARY;
	/*
	 * A login refused, or a path smsbox does not know (404 "Unknown
	 * request.", 405): our configuration to fix; the SMS is fine.
	 */
	if (status == 401 || status == 404 || status == 405 ||
	    (status == 403 && memmem(body, len, "Authorization", 13) != NULL))
		return KANNEL_TEMPORARY;
	return KANNEL_PERMANENT;
}

static int
kannel_send_room(void *ctx)
{
	int	i, n = 0;

	if (ks.stopping)
		return 0;
	for (i = 0; i < ks.nconns; i++)
		n += !ks.conns[i].busy;
	return n;
}

/* Append "&key=" and value percent-encoded. */
static void
kannel_send_param(struct evbuffer *b, const char *key, const char *value)
{
	char	*e;

	if ((e = evhttp_uriencode(value, -1, 0)) == NULL)
		fatalx("kannel evhttp_uriencode failed");
	evbuffer_add_printf(b, "%s%s=%s", evbuffer_get_length(b) > 0 ? "&" :
	    "", key, e);
	free(e);
}

/* The parameters every sendsms request carries; NULL when out of memory. */
static struct evbuffer *
kannel_send_query(const char *from, const char *to, const char *text, int gsm)
{
	struct evbuffer	*q;

	if ((q = evbuffer_new()) == NULL)
		return NULL;
	kannel_send_param(q, "username", ks.user);
	kannel_send_param(q, "password", ks.pass);
	kannel_send_param(q, "from", from);
	kannel_send_param(q, "to", to);
	kannel_send_param(q, "text", text);
	/* Chinese needs UCS-2; GSM 7-bit when every character fits */
	kannel_send_param(q, "coding", gsm ? "0" : "2");
	kannel_send_param(q, "charset", "UTF-8");
	return q;
}

/* sendsms-url's path with the query q (freed), for one request. */
static char *
kannel_send_uri(struct evbuffer *q)
{
	size_t	 len = evbuffer_get_length(q), plen = strlen(ks.path);
	char	*uri;

	uri = xmalloc(plen + len + 2);
	memcpy(uri, ks.path, plen);
	uri[plen] = strchr(ks.path, '?') != NULL ? '&' : '?';
	evbuffer_remove(q, uri + plen + 1, len);
	uri[plen + 1 + len] = '\0';
	evbuffer_free(q);
	return uri;
}

/* smsbox's answer to a USSD screen: only counted and logged. */
static void
kannel_ussd_done(struct evhttp_request *req, void *arg)
{
	int	status = req != NULL ? evhttp_request_get_response_code(req) :
		    -1;

	ks.ussd_busy--;
	if (kannel_sendsms_answer(status, "", 0) != KANNEL_ACCEPTED) {
		ks.ussd_refused++;
		log_warnx("kannel USSD screen not taken by sendsms status=%d",
		    status);
	}
	if (ks.answered != NULL)
		ks.answered();
}

int
kannel_send_ussd(const char *from, const char *to, const char *text,
    const char *meta)
{
	struct evhttp_request	*req;
	struct evbuffer		*q;
	struct gsm7_count	 cnt;
	char			*uri;

	if (ks.ussd == NULL || ks.stopping ||
	    gsm7_count(text, strlen(text), &cnt) != 0 ||
	    (q = kannel_send_query(from, to, text, cnt.gsm)) == NULL)
		return -1;
	kannel_send_param(q, "meta-data", meta);
	if (ks.smsc != NULL)
		kannel_send_param(q, "smsc", ks.smsc);
	uri = kannel_send_uri(q);
	if ((req = evhttp_request_new(kannel_ussd_done, NULL)) == NULL) {
		free(uri);
		return -1;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    ks.host);
	/* one connection: screens of a session go out in order */
	if (evhttp_make_request(ks.ussd, req, EVHTTP_REQ_GET, uri) == -1) {
		free(uri);
		return -1;
	}
	ks.ussd_busy++;
	free(uri);
	return 0;
}

/* smsbox's answer to one sendsms request. */
static void
kannel_send_done(struct evhttp_request *req, void *arg)
{
	struct kconn	*c = arg;
	struct evbuffer	*in;
	char		 body[KANNEL_ANSWER_MAX + 1], why[KANNEL_ANSWER_MAX + 32];
	char		 esc[KANNEL_ANSWER_MAX / 2];
	char		 msgid[32];
	const char	*ids[1];
	size_t		 len = 0;
	ev_ssize_t	 n;
	int		 status = req != NULL ? evhttp_request_get_response_code(
			    req) : -1;

	if (!c->busy)
		return;				/* stopped meanwhile */
	if (req != NULL && (in = evhttp_request_get_input_buffer(req)) !=
	    NULL && (n = evbuffer_copyout(in, body, KANNEL_ANSWER_MAX)) > 0)
		len = (size_t)n;
	body[len] = '\0';
	len = strcspn(body, "\r\n");
	body[len] = '\0';
	/* the answer goes to the log and the row: escaped, whoever wrote it */
	log_snippet(body, len, esc, sizeof(esc));
	c->busy = 0;
	switch (kannel_sendsms_answer(status, body, len)) {
	case KANNEL_QUEUED:
		log_info("kannel queued id=%lld: bearerbox holds it until an "
		    "SMSC link is up", (long long)c->id);
		/* FALLTHROUGH */
	case KANNEL_ACCEPTED:
		ks.sent++;
		/* one id per try: a late report of an earlier try is not
		 * taken for this one's */
		snprintf(msgid, sizeof(msgid), "%lld.%d", (long long)c->id,
		    c->attempt);
		ids[0] = msgid;
		outbox_sent(outbox_default(), c->id, KANNEL_BEARER, ids, 1);
		break;
	case KANNEL_TEMPORARY:
		ks.refused++;
		if (status <= 0)
			snprintf(why, sizeof(why), "kannel: no answer from "
			    "sendsms");
		else
			snprintf(why, sizeof(why), "kannel: %d %s", status,
			    esc);
		if (status == 401 || status == 403)
			log_warnx("kannel sendsms refused our login: check "
			    "sendsms-user and its password (%s)", esc);
		else if (status == 404 || status == 405)
			log_warnx("kannel sendsms-url names no sendsms "
			    "service (%d %s): check its path", status, esc);
		outbox_failed(outbox_default(), c->id, 1, why);
		break;
	case KANNEL_PERMANENT:
		ks.refused++;
		snprintf(why, sizeof(why), "kannel: %d %s", status, esc);
		outbox_failed(outbox_default(), c->id, 0, why);
		break;
	}
	outbox_kick(outbox_default());
	if (ks.answered != NULL)
		ks.answered();
}

static int
kannel_send_job(void *ctx, const struct outbox_job *j)
{
	struct evhttp_request	*req;
	struct evbuffer		*q;
	struct gsm7_count	 cnt;
	struct kconn		*c = NULL;
	char			 dlr[16], *uri;
	int			 i;

	for (i = 0; i < ks.nconns && c == NULL; i++)
		if (!ks.conns[i].busy)
			c = &ks.conns[i];
	if (c == NULL || ks.stopping)
		return -1;
	if (gsm7_count(j->text, strlen(j->text), &cnt) != 0) {
		outbox_failed(outbox_default(), j->id, 0, "text is not UTF-8");
		return 0;
	}
	if ((q = kannel_send_query(j->from, j->to, j->text, cnt.gsm)) == NULL)
		return -1;
	snprintf(dlr, sizeof(dlr), "%d", KANNEL_DLR_MASK);
	kannel_send_param(q, "dlr-mask", dlr);
	xasprintf(&uri, "%s%lld&try=%d%s", ks.dlr_head, (long long)j->id,
	    j->attempt, ks.dlr_tail);
	kannel_send_param(q, "dlr-url", uri);
	free(uri);
	if (ks.smsc != NULL)
		kannel_send_param(q, "smsc", ks.smsc);
	uri = kannel_send_uri(q);
	if ((req = evhttp_request_new(kannel_send_done, c)) == NULL) {
		free(uri);
		return -1;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    ks.host);
	c->busy = 1;
	c->id = j->id;
	c->attempt = j->attempt;
	if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_GET, uri) == -1) {
		c->busy = 0;
		free(uri);
		return -1;		/* libevent freed req */
	}
	free(uri);
	return 0;
}

/* Split sendsms-url into host, port and path; 0 or -1. */
static int
kannel_send_url(const char *url, char *err, size_t errlen)
{
	struct evhttp_uri	*u;
	const char		*scheme, *host, *path, *query;
	unsigned char		 addr[sizeof(struct in6_addr)];
	char			 v6[INET6_ADDRSTRLEN];

	if ((u = evhttp_uri_parse(url)) == NULL) {
		snprintf(err, errlen, "kannel sendsms-url is not a URL");
		return -1;
	}
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	if (scheme == NULL || strcasecmp(scheme, "http") != 0 || host == NULL ||
	    strlen(host) >= sizeof(ks.host)) {
		snprintf(err, errlen, "kannel sendsms-url must be http://HOST"
		    "[:PORT]/PATH (https is not supported: keep smsbox on "
		    "loopback)");
		evhttp_uri_free(u);
		return -1;
	}
	/* a name would be resolved, blocking, inside the event loop */
	if (inet_pton(AF_INET, host, addr) != 1 && (host[0] != '[' ||
	    strlen(host) < 3 || strlen(host) - 2 >= sizeof(v6) ||
	    (memcpy(v6, host + 1, strlen(host) - 2), v6[strlen(host) - 2] =
	    '\0', inet_pton(AF_INET6, v6, addr)) != 1)) {
		snprintf(err, errlen, "kannel sendsms-url host must be a "
		    "numeric address (%s): no name lookups in the daemon",
		    host);
		evhttp_uri_free(u);
		return -1;
	}
	strlcpy(ks.host, host, sizeof(ks.host));
	ks.port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 80;
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	if (path == NULL || *path == '\0')
		path = "/";
	if (query != NULL)
		xasprintf(&ks.path, "%s?%s", path, query);
	else
		ks.path = xstrdup(path);
	evhttp_uri_free(u);
	return 0;
}

/*
 * Our dlr-url: the operator's (or one built from listen and port), then
 * dlr= and the outbox id, then the fields Kannel fills in (%d the report
 * type, %A the SMSC's report text) and the secret.
 */
static void
kannel_send_dlr(const struct conf_kannel *c, const char *secret)
{
	char	*base, *e = NULL;

	if (c->dlr_url != NULL)
		base = xstrdup(c->dlr_url);
	else
		xasprintf(&base, "http://%s:%d/kannel/dlr", c->listen, c->port);
	xasprintf(&ks.dlr_head, "%s%cdlr=", base, strchr(base, '?') != NULL ?
	    '&' : '?');
	if (secret != NULL && (e = evhttp_uriencode(secret, -1, 0)) == NULL)
		fatalx("kannel evhttp_uriencode failed");
	xasprintf(&ks.dlr_tail, "&type=%%d&reply=%%A%s%s", e != NULL ?
	    "&secret=" : "", e != NULL ? e : "");
	free(e);
	free(base);
}

int
kannel_send_start(struct event_base *base, const struct hotlined_conf *conf,
    const char *secret, void (*answered)(void), char *err, size_t errlen)
{
	const struct conf_kannel	*c = &conf->kannel;
	char				 why[256];
	int				 i;

	if (kannel_send_url(c->sendsms_url, err, errlen) == -1)
		return -1;
	ks.user = xstrdup(c->sendsms_user);
	if (c->sendsms_password_file != NULL) {
		if (daemon_read_secret(c->sendsms_password_file, &ks.pass, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "kannel sendsms-password-file: "
			    "%s", why);
			return -1;
		}
	} else
		ks.pass = xstrdup("");
	if (c->sendsms_smsc != NULL)
		ks.smsc = xstrdup(c->sendsms_smsc);
	kannel_send_dlr(c, secret);
	ks.nconns = c->window;
	ks.conns = xcalloc((size_t)ks.nconns, sizeof(*ks.conns));
	for (i = 0; i < ks.nconns; i++) {
		ks.conns[i].evcon = evhttp_connection_base_new(base, NULL,
		    ks.host, (ev_uint16_t)ks.port);
		if (ks.conns[i].evcon == NULL) {
			snprintf(err, errlen, "kannel cannot set up a "
			    "connection to %s:%d", ks.host, ks.port);
			return -1;
		}
		evhttp_connection_set_timeout(ks.conns[i].evcon,
		    KANNEL_SEND_TIMEOUT);
		evhttp_connection_set_retries(ks.conns[i].evcon, 0);
	}
	if ((ks.ussd = evhttp_connection_base_new(base, NULL, ks.host,
	    (ev_uint16_t)ks.port)) == NULL) {
		snprintf(err, errlen, "kannel cannot set up a connection to "
		    "%s:%d", ks.host, ks.port);
		return -1;
	}
	evhttp_connection_set_timeout(ks.ussd, KANNEL_SEND_TIMEOUT);
	evhttp_connection_set_retries(ks.ussd, 0);
	ks.stopping = 0;
	ks.answered = answered;
	outbox_add_bearer(outbox_default(), KANNEL_BEARER, &kannel_ops, NULL);
	return 0;
}

void
kannel_send_drain(void)
{
	ks.stopping = 1;
}

int
kannel_send_busy(void)
{
	int	i, n = 0;

	for (i = 0; i < ks.nconns; i++)
		n += ks.conns[i].busy;
	return n + ks.ussd_busy;
}

void
kannel_send_stop(void)
{
	int	i;

	ks.stopping = 1;
	for (i = 0; i < ks.nconns; i++) {
		/* a request in flight stays in flight: sent again at start */
		ks.conns[i].busy = 0;
		if (ks.conns[i].evcon != NULL)
			evhttp_connection_free(ks.conns[i].evcon);
	}
	free(ks.conns);
	ks.conns = NULL;
	ks.nconns = 0;
	if (ks.ussd != NULL)
		evhttp_connection_free(ks.ussd);
	ks.ussd = NULL;
	ks.ussd_busy = 0;
	free(ks.path);
	free(ks.user);
	if (ks.pass != NULL) {
		explicit_bzero(ks.pass, strlen(ks.pass));
		free(ks.pass);
	}
	free(ks.smsc);
	free(ks.dlr_head);
	free(ks.dlr_tail);
	ks.path = ks.user = ks.pass = ks.smsc = NULL;
	ks.dlr_head = ks.dlr_tail = NULL;
}

void
kannel_send_stats(uint64_t *sent, uint64_t *refused)
{
	*sent = ks.sent;
	*refused = ks.refused;
}
