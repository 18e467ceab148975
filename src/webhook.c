/*
 * webhook: deliver the units' webhook rows (webhook.h), one at a time,
 * over libevent's HTTP client; the outcome of each attempt is written in
 * a unit of work of its own.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "commit.h"
#include "hooks.h"
#include "log.h"
#include "store.h"
#include "store_notice.h"
#include "util.h"
#include "webhook.h"

static void	 webhook_timer(evutil_socket_t, short, void *);
static void	 webhook_next(void);
static void	 webhook_done(struct evhttp_request *, void *);
static void	 webhook_outcome(int);
static void	 webhook_abandon(void);
static void	 webhook_committed(void *, int);
static void	 webhook_exit(void *);

static struct {
	struct event_base		*base;
	struct evdns_base		*dns;		/* NULL: getaddrinfo */
	struct store			*store;		/* borrowed */
	struct event			*ev;
	struct evhttp_connection	*conn;		/* the one in flight */
	struct evhttp_uri		*uri;
	struct store_webhook		 cur;		/* cur.id 0: none */
	int				 hooked;
} wh;

int
webhook_sign(const char *secret, const char *body, size_t len,
    char out[WEBHOOK_SIG_MAX])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 mac[EVP_MAX_MD_SIZE];
	unsigned int		 maclen = 0, i;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)body, len, mac, &maclen) == NULL ||
	    maclen != 32)
		return -1;
	memcpy(out, "sha256=", 7);
	for (i = 0; i < maclen; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[7 + 2 * i + 1] = hex[mac[i] & 0xf];
	}
	out[7 + 2 * maclen] = '\0';
	return 0;
}

int
webhook_secret(char out[WEBHOOK_SECRET_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[WEBHOOK_SECRET_LEN / 2];
	size_t			 i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 0xf];
	}
	out[WEBHOOK_SECRET_LEN] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

int64_t
webhook_backoff(int attempts)
{
	int64_t	ms = WEBHOOK_BACKOFF_MIN;

	while (attempts-- > 1 && ms < WEBHOOK_BACKOFF_MAX)
		ms *= 2;
	return ms < WEBHOOK_BACKOFF_MAX ? ms : WEBHOOK_BACKOFF_MAX;
}

/*
 * http only, to a host the office names: the unit's system is on the
 * government network, or behind a proxy of the office's that adds TLS.
 */
int
webhook_url_ok(const char *url)
{
	struct evhttp_uri	*u;
	const char		*host, *scheme;
	int			 ok;
	size_t			 i;

	if (url == NULL || strlen(url) >= STORE_URL_MAX)
		return 0;
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >=
		    0x7f)
			return 0;
	if ((u = evhttp_uri_parse(url)) == NULL)
		return 0;
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	ok = scheme != NULL && strcmp(scheme, "http") == 0 && host != NULL &&
	    *host != '\0' && evhttp_uri_get_userinfo(u) == NULL &&
	    evhttp_uri_get_fragment(u) == NULL &&
	    evhttp_uri_get_port(u) != 0;
	evhttp_uri_free(u);
	return ok;
}

void
webhook_start(struct event_base *base, struct store *st)
{
	struct timeval	tv = { WEBHOOK_TICK / 1000, 0 };

	wh.base = base;
	wh.store = st;
	if (base == NULL)
		return;
	if ((wh.ev = event_new(base, -1, EV_PERSIST, webhook_timer, NULL)) ==
	    NULL)
		fatalx("webhook event_new failed");
	/* a URL's host name is resolved off the loop (an address needs none) */
	if ((wh.dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL)
		log_warnx("webhook no resolver: host names are resolved on "
		    "the loop");
	evtimer_add(wh.ev, &tv);
	if (!wh.hooked) {
		hook_on_exit("webhook", webhook_exit, NULL);
		wh.hooked = 1;
	}
}

void
webhook_stop(void)
{
	if (wh.ev != NULL)
		event_free(wh.ev);
	wh.ev = NULL;
	if (wh.conn != NULL)
		evhttp_connection_free(wh.conn); /* cancels the request */
	wh.conn = NULL;
	if (wh.uri != NULL)
		evhttp_uri_free(wh.uri);
	wh.uri = NULL;
	if (wh.dns != NULL)
		evdns_base_free(wh.dns, 0);
	wh.dns = NULL;
	store_webhook_clear(&wh.cur);
	wh.store = NULL;
}

static void
webhook_exit(void *arg)
{
	webhook_stop();
}

static void
webhook_committed(void *arg, int ok)
{
	if (ok && wh.ev != NULL)
		event_active(wh.ev, EV_TIMEOUT, 0);
}

void
webhook_kick_after_commit(void)
{
	if (commit_join(commit_default()) == 0)
		commit_after(commit_default(), webhook_committed, NULL);
}

static void
webhook_timer(evutil_socket_t fd, short what, void *arg)
{
	if (wh.cur.id == 0 && wh.store != NULL)
		webhook_next();
}

/* Start the next due delivery, if any. */
static void
webhook_next(void)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	char			 url[STORE_URL_MAX], secret[STORE_SECRET_MAX];
	char			 sig[WEBHOOK_SIG_MAX], key[48], n[16];
	const char		*path, *host;
	int			 rv, port;

	if (store_webhook_next(wh.store, (int64_t)clock_now_ms(), &wh.cur) !=
	    1)
		return;
	rv = store_hook_get(wh.store, wh.cur.unit, url, sizeof(url), secret,
	    sizeof(secret));
	if (rv != 1 || (wh.uri = evhttp_uri_parse(url)) == NULL ||
	    webhook_sign(secret, wh.cur.body, strlen(wh.cur.body), sig) ==
	    -1) {
		explicit_bzero(secret, sizeof(secret));
		log_warnx("webhook id=%lld unit=%s has no usable webhook now, "
		    "given up", (long long)wh.cur.id, wh.cur.unit);
		webhook_outcome(-1);
		return;
	}
	explicit_bzero(secret, sizeof(secret));
	host = evhttp_uri_get_host(wh.uri);
	port = evhttp_uri_get_port(wh.uri);
	path = evhttp_uri_get_path(wh.uri);
	if ((wh.conn = evhttp_connection_base_new(wh.base, wh.dns, host,
	    port > 0 ? port : 80)) == NULL ||
	    (req = evhttp_request_new(webhook_done, NULL)) == NULL) {
		webhook_abandon();
		return;
	}
	evhttp_connection_set_timeout(wh.conn, WEBHOOK_TIMEOUT);
	evhttp_connection_set_retries(wh.conn, 0);
	snprintf(key, sizeof(key), "hotlined-notice-%lld",
	    (long long)wh.cur.notice_id);
	snprintf(n, sizeof(n), "%d", wh.cur.attempts + 1);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", host);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Idempotency-Key", key);
	evhttp_add_header(h, "X-Hotlined-Signature", sig);
	evhttp_add_header(h, "X-Hotlined-Attempt", n);
	evhttp_add_header(h, "Connection", "close");
	evbuffer_add(evhttp_request_get_output_buffer(req), wh.cur.body,
	    strlen(wh.cur.body));
	if (evhttp_make_request(wh.conn, req, EVHTTP_REQ_POST,
	    path != NULL && *path != '\0' ? path : "/") == -1)
		webhook_abandon();	/* the request was freed */
}

/* No request went out: free the idle connection, count an attempt. */
static void
webhook_abandon(void)
{
	if (wh.conn != NULL)
		evhttp_connection_free(wh.conn);
	wh.conn = NULL;
	webhook_outcome(0);
}

static void
webhook_done(struct evhttp_request *req, void *arg)
{
	webhook_outcome(req != NULL ? evhttp_request_get_response_code(req) :
	    0);
}

/*
 * Write the attempt's outcome (status: HTTP status, 0 none, -1 no webhook
 * any more) and free the connection later (we may be inside its callback).
 */
static void
webhook_outcome(int status)
{
	int64_t	now = (int64_t)clock_now_ms();
	int	state, attempts = wh.cur.attempts + 1;

	if (status >= 200 && status < 300)
		state = STORE_WEBHOOK_DONE;
	else if (status == -1 || attempts >= WEBHOOK_ATTEMPTS)
		state = STORE_WEBHOOK_FAILED;
	else
		state = STORE_WEBHOOK_WAIT;
	if (commit_unit_begin(commit_default()) == 0) {
		commit_unit_end(commit_default(),
		    store_webhook_result(wh.store, wh.cur.id, state, now +
		    webhook_backoff(attempts), status > 0 ? status : 0, now) ==
		    0);
		if (state == STORE_WEBHOOK_DONE)
			commit_log(commit_default(), "webhook delivered "
			    "id=%lld notice=%lld unit=%s status=%d attempt=%d",
			    (long long)wh.cur.id, (long long)wh.cur.notice_id,
			    wh.cur.unit, status, attempts);
	}
	if (state == STORE_WEBHOOK_WAIT)
		log_info("webhook retry id=%lld unit=%s status=%d attempt=%d "
		    "next-in=%lldms", (long long)wh.cur.id, wh.cur.unit,
		    status, attempts, (long long)webhook_backoff(attempts));
	else if (state == STORE_WEBHOOK_FAILED)
		log_warnx("webhook failed id=%lld unit=%s status=%d "
		    "attempts=%d, given up", (long long)wh.cur.id,
		    wh.cur.unit, status, attempts);
	if (wh.conn != NULL)
		evhttp_connection_free_on_completion(wh.conn);
	wh.conn = NULL;
	if (wh.uri != NULL)
		evhttp_uri_free(wh.uri);
	wh.uri = NULL;
	store_webhook_clear(&wh.cur);
}
