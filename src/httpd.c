/*
 * httpd: a guard around an evhttp listener (see httpd.h).  A connection's
 * bufferevent is ours (evhttp_set_bevcb): callbacks on its input and output
 * buffers see a request's bytes arrive and the answer leave, and evhttp's
 * close callback, set once evhttp has made the connection, says when it
 * lets it go.  (A bufferevent filter would see the same, but libevent 2.1's
 * filter does not pass on output added while writing is disabled, as
 * evhttp adds it: answers stayed in it.)
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <jansson.h>

#include "httpd.h"
#include "log.h"
#include "util.h"

#define HTTPD_LOG_MS	60000	/* a listener's warnings at most this often */

struct httpd_conn {
	TAILQ_ENTRY(httpd_conn)	 entry;
	struct httpd		*h;		/* NULL: the guard is gone */
	struct bufferevent	*bev;		/* socket or TLS, evhttp's */
	struct evhttp_connection *evcon;	/* NULL: not hooked yet */
	struct event		*ev;		/* the hook, then the deadline */
	struct evbuffer_cb_entry *in_cb, *out_cb;
	size_t			 in;		/* bytes of this request so far */
	int			 hooked;
	int			 reading;	/* a request is arriving */
	int			 dispatched;	/* the handler has it */
	void			(*onclose)(void *);	/* httpd_on_close() */
	void			*onclose_arg;
};

struct httpd {
	TAILQ_ENTRY(httpd)	 entry;
	char			 name[16];
	struct evhttp		*http;		/* borrowed */
	struct evhttp_bound_socket *sock;	/* NULL: not listening */
	struct evconnlistener	*lev;		/* evhttp's, borrowed */
	struct event		*ev_resume;
	httpd_bev_fn		 mkbev;
	void			*arg;
	unsigned		 max_conns;	/* 0: no cap */
	struct timeval		 timeout;	/* zero: no deadline */
	size_t			 max_headers;
	int			 paused;	/* after an accept() error */
	int			 capped;	/* at max_conns */
	uint64_t		 episode;	/* accept errors not yet logged */
	uint64_t		 err_logged;	/* clock_mono_ms(), 0: never */
	uint64_t		 ok_logged;	/* clock_mono_ms(), 0: never */
	uint64_t		 cap_logged;	/* clock_mono_ms() */
	struct httpd_stats	 st;
	TAILQ_HEAD(, httpd_conn) conns;
};

static struct bufferevent *httpd_bevcb(struct event_base *, void *);
static void	httpd_in(struct evbuffer *, const struct evbuffer_cb_info *,
		    void *);
static void	httpd_out(struct evbuffer *, const struct evbuffer_cb_info *,
		    void *);
static void	httpd_timer(evutil_socket_t, short, void *);
static void	httpd_hook(struct httpd_conn *);
static void	httpd_closed(struct evhttp_connection *, void *);
static void	httpd_gone(struct httpd_conn *);
static void	httpd_deadline(struct httpd_conn *);
static void	httpd_accept_error(struct evconnlistener *, void *);
static void	httpd_resume(evutil_socket_t, short, void *);
static void	httpd_update(struct httpd *);
static void	httpd_refused(struct httpd_conn *, int);
static const char *httpd_peer(struct httpd_conn *, char *, size_t);
static void	httpd_fd_check(struct httpd *);

static TAILQ_HEAD(, httpd) guards = TAILQ_HEAD_INITIALIZER(guards);

struct httpd *
httpd_guard(struct event_base *base, struct evhttp *http,
    struct evhttp_bound_socket *sock, const char *name, int max_conns,
    int64_t timeout_ms, size_t max_headers, httpd_bev_fn mkbev, void *arg)
{
	struct httpd	*h;

	h = xcalloc(1, sizeof(*h));
	strlcpy(h->name, name, sizeof(h->name));
	h->http = http;
	h->sock = sock;
	h->lev = evhttp_bound_socket_get_listener(sock);
	h->mkbev = mkbev;
	h->arg = arg;
	h->max_conns = max_conns > 0 ? (unsigned)max_conns : 0;
	h->timeout.tv_sec = timeout_ms > 0 ? timeout_ms / 1000 : 0;
	h->timeout.tv_usec = timeout_ms > 0 ? (timeout_ms % 1000) * 1000 : 0;
	h->max_headers = max_headers;
	TAILQ_INIT(&h->conns);
	if ((h->ev_resume = evtimer_new(base, httpd_resume, h)) == NULL) {
		free(h);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&guards, h, entry);
	evconnlistener_set_error_cb(h->lev, httpd_accept_error);
	evhttp_set_bevcb(http, httpd_bevcb, h);
	httpd_fd_check(h);
	return h;
}

void
httpd_unlisten(struct httpd *h)
{
	if (h == NULL || h->sock == NULL)
		return;
	evtimer_del(h->ev_resume);
	evhttp_del_accept_socket(h->http, h->sock);
	h->sock = NULL;
	h->lev = NULL;
}

void
httpd_free(struct httpd *h)
{
	struct httpd_conn	*c;

	if (h == NULL)
		return;
	/* evhttp_free() has closed the hooked ones; these never got a turn */
	while ((c = TAILQ_FIRST(&h->conns)) != NULL) {
		TAILQ_REMOVE(&h->conns, c, entry);
		c->h = NULL;
		if (c->hooked)
			evtimer_del(c->ev);	/* httpd_closed() frees it */
		else
			httpd_gone(c);
	}
	TAILQ_REMOVE(&guards, h, entry);
	event_free(h->ev_resume);
	free(h);
}

/*
 * The caps must fit in the open-file limit, or descriptors run out first
 * and clients meet accept() errors and pauses instead of the backlog:
 * raise the soft limit towards the hard one as far as the caps need (as
 * daemons do), and warn at start when even that is short.
 */
static void
httpd_fd_check(struct httpd *h)
{
	struct rlimit	 rl;
	struct httpd	*g;
	rlim_t		 want = HTTPD_RESERVE_FDS, was;

	if (h->max_conns == 0 || getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return;
	TAILQ_FOREACH(g, &guards, entry)
		want += g->max_conns;
	if (want <= rl.rlim_cur)
		return;
	was = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || want < rl.rlim_max ?
	    want : rl.rlim_max;
	if (rl.rlim_cur > was && setrlimit(RLIMIT_NOFILE, &rl) == 0)
		log_info("%s open-file limit raised from %llu to %llu for "
		    "max-connections", h->name, (unsigned long long)was,
		    (unsigned long long)rl.rlim_cur);
	else
		rl.rlim_cur = was;
	if (want <= rl.rlim_cur)
		return;
	log_warnx("%s max-connections=%u: with the other listeners and %d "
	    "descriptors for the rest, above the open-file limit %llu; raise "
	    "it (LimitNOFILE=, ulimit -n) or lower max-connections", h->name,
	    h->max_conns, HTTPD_RESERVE_FDS, (unsigned long long)rl.rlim_cur);
}

/* --- the listener -------------------------------------------------------- */

/* Accept while neither paused after an error nor at the cap. */
static void
httpd_update(struct httpd *h)
{
	uint64_t	now;
	int		capped;

	if (h->lev == NULL)
		return;
	capped = h->max_conns > 0 && h->st.open >= h->max_conns;
	if (capped && !h->capped) {
		h->st.at_cap++;
		now = clock_mono_ms();
		if (h->cap_logged == 0 || now - h->cap_logged >= HTTPD_LOG_MS) {
			log_warnx("%s at max-connections=%u: new connections "
			    "wait in the backlog (%llu times so far)", h->name,
			    h->max_conns, (unsigned long long)h->st.at_cap);
			h->cap_logged = now;
		}
	}
	h->capped = capped;
	if (h->paused || capped)
		evconnlistener_disable(h->lev);
	else
		evconnlistener_enable(h->lev);
}

/*
 * accept() failed for a reason other than a client gone (EMFILE, ENFILE,
 * ENOBUFS...).  The socket stays readable, so libevent would call again at
 * once, forever: pause instead, and say it once per episode.
 */
static void
httpd_accept_error(struct evconnlistener *lev, void *arg)
{
	struct timeval	 tv = { HTTPD_PAUSE_MS / 1000,
			    (HTTPD_PAUSE_MS % 1000) * 1000 };
	struct httpd	*h;
	uint64_t	 now;
	int		 e = errno;

	TAILQ_FOREACH(h, &guards, entry)
		if (h->lev == lev)
			break;
	if (h == NULL) {
		evconnlistener_disable(lev);	/* impossible: never spin */
		return;
	}
	h->st.accept_errors++;
	h->episode++;
	now = clock_mono_ms();
	if (h->err_logged == 0 || now - h->err_logged >= HTTPD_LOG_MS) {
		log_warnx("%s accept failed error=\"%s\" connections=%u "
		    "errors=%llu, pausing the listener %dms after each", h->name,
		    strerror(e), h->st.open, (unsigned long long)h->episode,
		    HTTPD_PAUSE_MS);
		h->err_logged = now;
		h->episode = 0;
	}
	h->paused = 1;
	httpd_update(h);
	evtimer_add(h->ev_resume, &tv);
}

static void
httpd_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct httpd	*h = arg;

	h->paused = 0;
	httpd_update(h);
}

/* --- connections ----------------------------------------------------------- */

/*
 * evhttp took a connection: it reads through a bufferevent of ours.  The
 * hook runs in this loop turn, once evhttp has built the connection around
 * it and before any of its input is read; our reference keeps the
 * bufferevent until then, whatever evhttp does.
 */
static struct bufferevent *
httpd_bevcb(struct event_base *base, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*c;
	struct bufferevent	*bev;

	bev = h->mkbev != NULL ? h->mkbev(base, h->arg) :
	    bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->h = h;
	c->bev = bev;
	if ((c->ev = evtimer_new(base, httpd_timer, c)) == NULL ||
	    (c->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), httpd_in,
	    c)) == NULL || (c->out_cb = evbuffer_add_cb(
	    bufferevent_get_output(bev), httpd_out, c)) == NULL) {
		if (c->in_cb != NULL)
			evbuffer_remove_cb_entry(bufferevent_get_input(bev),
			    c->in_cb);
		if (c->ev != NULL)
			event_free(c->ev);
		bufferevent_free(bev);
		free(c);
		return NULL;
	}
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->st.open++;
	h->st.accepted++;
	/* after errors, once a minute at most: it may fail again at once */
	if (h->err_logged != 0 && h->ok_logged < h->err_logged &&
	    clock_mono_ms() - h->ok_logged >= HTTPD_LOG_MS) {
		log_info("%s accepting again, accept errors so far=%llu",
		    h->name, (unsigned long long)h->st.accept_errors);
		h->ok_logged = clock_mono_ms();
	}
	c->reading = 1;		/* the first request is due from the accept */
	event_active(c->ev, EV_TIMEOUT, 1);
	httpd_update(h);
	return bev;
}

static void
httpd_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct httpd_conn	*c = arg;

	if (!c->hooked)
		httpd_hook(c);
	else
		httpd_deadline(c);
}

/* evhttp's connection is the argument of the callbacks it set. */
static void
httpd_hook(struct httpd_conn *c)
{
	bufferevent_data_cb	 rcb;
	void			*evcon = NULL;

	c->hooked = 1;
	bufferevent_getcb(c->bev, &rcb, NULL, NULL, &evcon);
	if (rcb == NULL || evcon == NULL || c->h == NULL) {
		/* evhttp let it go already (or we are stopping) */
		httpd_gone(c);
		return;
	}
	c->evcon = evcon;
	evhttp_connection_set_closecb(c->evcon, httpd_closed, c);
	bufferevent_decref(c->bev);
	if (c->reading && evutil_timerisset(&c->h->timeout))
		evtimer_add(c->ev, &c->h->timeout);
}

/* evhttp frees the connection: ours goes first. */
static void
httpd_closed(struct evhttp_connection *evcon, void *arg)
{
	struct httpd_conn	*c = arg;
	void			(*fn)(void *) = c->onclose;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	c->onclose = NULL;
	if (fn != NULL)
		fn(c->onclose_arg);	/* the handler's request is gone */
	bufferevent_incref(c->bev);	/* httpd_gone() gives it back */
	httpd_gone(c);
}

/* Forget a connection; the caller holds a reference on its bufferevent. */
static void
httpd_gone(struct httpd_conn *c)
{
	struct httpd	*h = c->h;

	evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
	evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->out_cb);
	bufferevent_decref(c->bev);
	event_free(c->ev);
	if (h != NULL) {
		TAILQ_REMOVE(&h->conns, c, entry);
		h->st.open--;
		httpd_update(h);
	}
	free(c);
}

/* Bytes of a request: the first one starts its deadline. */
static void
httpd_in(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct httpd_conn	*c = arg;

	if (info->n_added == 0 || c->h == NULL)
		return;
	if (!c->reading && !c->dispatched) {
		c->reading = 1;
		c->in = 0;
		if (c->hooked && evutil_timerisset(&c->h->timeout))
			evtimer_add(c->ev, &c->h->timeout);
	}
	c->in += info->n_added;
}

/*
 * Bytes of an answer: the request is over (its deadline too).  The start
 * of an answer holds its status; one the handler never saw is logged.
 */
static void
httpd_out(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct httpd_conn	*c = arg;
	struct evbuffer_ptr	 pos;
	char			 line[13];
	int			 code = 0;

	if (info->n_added == 0 || c->h == NULL ||
	    (!c->reading && !c->dispatched))
		return;
	/* "HTTP/1.1 400 ...": the status is at offset 9 */
	if (info->n_added >= sizeof(line) - 1 &&
	    evbuffer_ptr_set(buf, &pos, info->orig_size,
	    EVBUFFER_PTR_SET) == 0 && evbuffer_copyout_from(buf, &pos, line,
	    sizeof(line) - 1) == (ev_ssize_t)sizeof(line) - 1 &&
	    strncmp(line, "HTTP/1.", 7) == 0) {
		line[12] = '\0';
		code = (int)strtol(line + 9, NULL, 10);
	}
	if (code == 100)
		return;		/* 100 Continue: the body is still to come */
	if (!c->dispatched && code >= 400)
		httpd_refused(c, code);
	if (c->hooked)
		evtimer_del(c->ev);
	c->reading = c->dispatched = 0;
}

/*
 * The deadline: the request has not all come.  Shutting the socket down
 * makes evhttp see the end and free the connection its own way.
 */
static void
httpd_deadline(struct httpd_conn *c)
{
	char		 peer[INET6_ADDRSTRLEN];
	evutil_socket_t	 s;

	if (c->h == NULL || !c->reading || c->dispatched)
		return;
	c->h->st.timeouts++;
	log_info("%s request-timeout peer=%s bytes=%zu after=%lldms, closed",
	    c->h->name, httpd_peer(c, peer, sizeof(peer)), c->in,
	    (long long)c->h->timeout.tv_sec * 1000 +
	    c->h->timeout.tv_usec / 1000);
	if ((s = bufferevent_getfd(c->bev)) != -1)
		shutdown(s, SHUT_RDWR);
}

static void
httpd_refused(struct httpd_conn *c, int code)
{
	char		 peer[INET6_ADDRSTRLEN];
	const char	*why;

	if (code == 413)
		why = "body too large";
	else if (code == 405)
		why = "method not allowed";
	else if (c->in > c->h->max_headers)
		why = "request line and headers too large";
	else
		why = "malformed request";
	c->h->st.refused++;
	log_warnx("%s refused by the HTTP layer status=%d peer=%s bytes=%zu "
	    "reason=\"%s\" max-headers=%zu", c->h->name, code,
	    httpd_peer(c, peer, sizeof(peer)), c->in, why, c->h->max_headers);
}

static const char *
httpd_peer(struct httpd_conn *c, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	evutil_socket_t		 s = bufferevent_getfd(c->bev);

	strlcpy(buf, "-", len);
	memset(&ss, 0, sizeof(ss));	/* scan-build: a family even unset */
	if (s == -1 || getpeername(s, (struct sockaddr *)&ss, &sl) == -1)
		return buf;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf,
		    (socklen_t)len);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    buf, (socklen_t)len);
	return buf;
}

void
httpd_dispatched(struct httpd *h, struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct httpd_conn		*c;

	if (h == NULL || (evcon = evhttp_request_get_connection(req)) == NULL)
		return;
	TAILQ_FOREACH(c, &h->conns, entry)
		if (c->evcon == evcon) {
			c->dispatched = 1;
			c->reading = 0;
			evtimer_del(c->ev);
			return;
		}
}

/*
 * A handler holding req across loop turns is told through fn(arg) if the
 * connection closes first.  The connection's one close callback stays
 * httpd's (a handler that set its own took it, and the connection's
 * state was never freed); fn NULL forgets it.  0, or -1 when req is not
 * on a connection of ours.
 */
int
httpd_on_close(struct evhttp_request *req, void (*fn)(void *), void *arg)
{
	struct evhttp_connection	*evcon;
	struct httpd			*h;
	struct httpd_conn		*c;

	if (req == NULL || (evcon = evhttp_request_get_connection(req)) == NULL)
		return -1;
	TAILQ_FOREACH(h, &guards, entry)
		TAILQ_FOREACH(c, &h->conns, entry)
			if (c->evcon == evcon) {
				c->onclose = fn;
				c->onclose_arg = arg;
				return 0;
			}
	return -1;
}

/* --- figures --------------------------------------------------------------- */

void
httpd_stats(const struct httpd *h, struct httpd_stats *st)
{
	*st = h->st;
}

void
httpd_status(json_t *st, void *arg)
{
	struct httpd	*h;
	json_t		*o;

	if ((o = json_object()) == NULL)
		return;
	TAILQ_FOREACH(h, &guards, entry)
		json_object_set_new(o, h->name, json_pack("{s:b,s:I,s:I,s:I,"
		    "s:I,s:I,s:I,s:I}", "listening", h->lev != NULL,
		    "open", (json_int_t)h->st.open,
		    "max_connections", (json_int_t)h->max_conns,
		    "accepted", (json_int_t)h->st.accepted,
		    "accept_errors", (json_int_t)h->st.accept_errors,
		    "at_cap", (json_int_t)h->st.at_cap,
		    "request_timeouts", (json_int_t)h->st.timeouts,
		    "refused", (json_int_t)h->st.refused));
	json_object_set_new(st, "http", o);
}

int
httpd_media_is(const char *ct, const char *type)
{
	size_t	n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

int
httpd_is_loopback(const char *addr)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (addr == NULL)
		return 0;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}
