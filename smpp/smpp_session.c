/*
 * smpp_session: one ESME connection to an SMSC, driven by libevent.  A state
 * machine (smpp_enter()) over a bufferevent (TCP, or TLS through
 * bufferevent_openssl); framing takes whole PDUs off the input and never
 * trusts command_length; the window of submits lives in a small array.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smpp_session.h"

#define SF_CLOSING	0x01	/* smpp_session_close() called */
#define SF_ACCEPTED	0x02	/* an SMSC's connection (outbind): no redial */
#define SF_FREE		0x04	/* free when the I/O callback returns */

#define SF_UNBOUND	0x08	/* unbind_resp came while submits were out */
#define SF_RDPAUSED	0x10	/* output over max_output: not reading */

#define THROTTLE_MIN_MS	1000	/* first pause after ESME_RTHROTTLED */
#define THROTTLE_MAX_MS	30000
#define DPEND_MAX	65536	/* unanswered deliver_sm kept per link */
#define OUTPUT_MAX	(1024 * 1024)	/* default bound on queued output */

struct inflight {
	uint32_t	 seq;		/* 0: free slot */
	uint32_t	 command_id;	/* the request */
	void		*cookie;
	int64_t		 deadline;	/* monotonic ms */
};

struct smpp_session {
	struct smpp_session_conf conf;	/* strings owned (copied) */
	struct smpp_session_cb	 cb;
	void			*arg;
	struct event_base	*base;	/* borrowed */
	struct bufferevent	*bev;
	struct bufferevent	*linger;	/* a closed TLS link draining */
	SSL_CTX			*ssl_ctx;
	struct evdns_base	*dns;		/* for a host name, not numeric */
	struct event		*ev_timer;	/* bind / reconnect / tick */
	enum smpp_state		 state;
	int			 flags;
	int			 inloop;	/* I/O callbacks running */
	struct smpp_session	*rx;		/* a pair's receiver link */
	struct smpp_session	*parent;	/* borrowed: rx's transmitter */
	smpp_outbind_fn		 outbind;
	uint32_t		 next_seq;
	int			 attempt;	/* reconnects since last bind */
	struct inflight		*win;
	int			 nwin;		/* slots in use */
	uint32_t		 enquire_seq;	/* outstanding enquire_link */
	int64_t			 enquire_deadline;
	int64_t			 last_rx;	/* monotonic ms */
	int64_t			 phase_deadline;	/* bind or unbind */
	double			 tokens;	/* throttle bucket */
	int64_t			 tokens_at;
	int64_t			 paused_until;	/* after THROTTLED */
	int64_t			 pause_ms;
	int64_t			 bound_at;	/* monotonic ms */
	uint32_t		*dpend;		/* unanswered deliver_sm seqs */
	size_t			 ndpend, dpendcap;
	void			(*closed)(struct smpp_session *, void *);
	void			*closed_arg;
	struct smpp_session_stats stats;
	uint8_t			*rxbuf;
};

static int64_t	now_ms(void);
static void	smpp_enter(struct smpp_session *, enum smpp_state);
static void	smpp_connect(struct smpp_session *);
static void	smpp_drop(struct smpp_session *, const char *);
static void	smpp_schedule_reconnect(struct smpp_session *);
static int	smpp_send(struct smpp_session *, struct smpp_pdu *);
static void	smpp_send_simple(struct smpp_session *, uint32_t, uint32_t,
		    uint32_t);
static void	smpp_dispatch(struct smpp_session *, const uint8_t *, size_t);
static void	smpp_resp(struct smpp_session *, const struct smpp_pdu *);
static void	smpp_fail_window(struct smpp_session *, uint32_t);
static int	smpp_dpend_add(struct smpp_session *, uint32_t);
static int	smpp_dpend_del(struct smpp_session *, uint32_t);
static void	smpp_flush(struct smpp_session *);
static void	smpp_linger(struct smpp_session *);
static void	smpp_linger_writecb(struct bufferevent *, void *);
static void	smpp_linger_eventcb(struct bufferevent *, short, void *);
static double	smpp_bucket(const struct smpp_session *);
static void	smpp_readcb(struct bufferevent *, void *);
static void	smpp_writecb(struct bufferevent *, void *);
static void	smpp_watch_output(struct smpp_session *);
static void	smpp_bev_setup(struct smpp_session *, struct bufferevent *);
static void	smpp_eventcb(struct bufferevent *, short, void *);
static void	smpp_timercb(evutil_socket_t, short, void *);
static void	smpp_arm(struct smpp_session *, int64_t);
static void	smpp_tick(struct smpp_session *);
static int	smpp_tls_setup(struct smpp_session *);
static void	smpp_hold(struct smpp_session *);
static int	smpp_release(struct smpp_session *);
static void	smpp_closed(struct smpp_session *);
static void	smpp_link_close(struct smpp_session *);
static int	smpp_pair_new(struct smpp_session *);
static void	smpp_pair_bound(struct smpp_session *, void *);
static void	smpp_pair_deliver(struct smpp_session *,
		    const struct smpp_pdu *, void *);
static void	smpp_outbind(struct smpp_session *, const struct smpp_pdu *);
static char	*xdup(const char *);

/* The receiver of a pair reports through its transmitter. */
static const struct smpp_session_cb smpp_pair_cb = {
	smpp_pair_bound, NULL, smpp_pair_deliver, NULL, NULL
};

static const char *smpp_states[] = {
	"disconnected", "connecting", "binding", "bound", "unbinding", "closed"
};

const char *
smpp_strstate(int st)
{
	if (st < 0 || st >= (int)(sizeof(smpp_states) / sizeof(smpp_states[0])))
		return "?";
	return smpp_states[st];
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
xdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct smpp_session *
smpp_session_new(struct event_base *base, const struct smpp_session_conf *c,
    const struct smpp_session_cb *cb, void *arg)
{
	struct smpp_session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->conf = *c;
	s->conf.name = xdup(c->name ? c->name : "smsc");
	s->conf.host = xdup(c->host ? c->host : "127.0.0.1");
	s->conf.tls_ca = xdup(c->tls_ca);
	s->conf.tls_cert = xdup(c->tls_cert);
	s->conf.tls_key = xdup(c->tls_key);
	s->conf.tls_verify_name = xdup(c->tls_verify_name);
	s->conf.system_id = xdup(c->system_id ? c->system_id : "");
	s->conf.password = xdup(c->password ? c->password : "");
	s->conf.system_type = xdup(c->system_type ? c->system_type : "");
	s->conf.address_range = xdup(c->address_range ? c->address_range : "");
	if (s->conf.window <= 0)
		s->conf.window = 10;
	if (s->conf.enquire_ms <= 0)
		s->conf.enquire_ms = 30000;
	if (s->conf.response_ms <= 0)
		s->conf.response_ms = 10000;
	if (s->conf.bind_ms <= 0)
		s->conf.bind_ms = 10000;
	if (s->conf.reconnect_min_ms <= 0)
		s->conf.reconnect_min_ms = 1000;
	if (s->conf.reconnect_max_ms < s->conf.reconnect_min_ms)
		s->conf.reconnect_max_ms = s->conf.reconnect_min_ms > 60000 ?
		    s->conf.reconnect_min_ms : 60000;
	if (s->conf.max_pdu < 64)
		s->conf.max_pdu = SMPP_PDU_MAX_DEFAULT;
	if (s->conf.max_output == 0)
		s->conf.max_output = OUTPUT_MAX;
	if (s->conf.max_output < s->conf.max_pdu)
		s->conf.max_output = s->conf.max_pdu;	/* one PDU always fits */
	if (s->conf.write_ms <= 0)
		s->conf.write_ms = s->conf.response_ms;
	s->cb = *cb;
	s->arg = arg;
	s->base = base;
	s->next_seq = 1;
	s->win = calloc((size_t)s->conf.window, sizeof(*s->win));
	s->rxbuf = malloc(s->conf.max_pdu);
	s->ev_timer = evtimer_new(base, smpp_timercb, s);
	if (s->conf.name == NULL || s->conf.host == NULL || s->win == NULL ||
	    s->rxbuf == NULL || s->ev_timer == NULL ||
	    (s->conf.tls && smpp_tls_setup(s) == -1) ||
	    (s->conf.bind_type == SMPP_BIND_PAIR && smpp_pair_new(s) == -1)) {
		smpp_session_free(s);
		return NULL;
	}
	return s;
}

/* The receiver link of a pair: the same conf, bound as receiver. */
static int
smpp_pair_new(struct smpp_session *s)
{
	struct smpp_session_conf	c = s->conf;
	char				name[128];

	snprintf(name, sizeof(name), "%s/rx", s->conf.name);
	c.name = name;
	c.bind_type = SMPP_BIND_RX;
	if ((s->rx = smpp_session_new(s->base, &c, &smpp_pair_cb, s)) == NULL)
		return -1;
	s->rx->parent = s;
	return 0;
}

static void
smpp_pair_bound(struct smpp_session *rx, void *arg)
{
	(void)rx;
	(void)arg;		/* logged; bound means the transmitter */
}

static void
smpp_pair_deliver(struct smpp_session *rx, const struct smpp_pdu *pdu,
    void *arg)
{
	struct smpp_session	*s = arg;

	(void)rx;
	if (s->flags & SF_FREE)
		return;
	if (s->cb.deliver != NULL)
		s->cb.deliver(s, pdu, s->arg);
	else
		smpp_session_respond(s, pdu->command_id, pdu->sequence_number,
		    ESME_RX_T_APPN);
}

/* An I/O callback starts: a free asked for meanwhile waits for it. */
static void
smpp_hold(struct smpp_session *s)
{
	s->inloop++;
	if (s->parent != NULL)
		s->parent->inloop++;
}

/* An I/O callback ends: 1 if the session (or its pair) is now freed. */
static int
smpp_release(struct smpp_session *s)
{
	struct smpp_session	*p = s->parent;

	s->inloop--;
	if (p != NULL) {
		p->inloop--;
		if ((p->flags & SF_FREE) && p->inloop == 0) {
			smpp_session_free(p);	/* frees s too */
			return 1;
		}
		return 0;
	}
	if ((s->flags & SF_FREE) && s->inloop == 0) {
		smpp_session_free(s);
		return 1;
	}
	return 0;
}

void
smpp_session_set_outbind(struct smpp_session *s, smpp_outbind_fn fn)
{
	s->outbind = fn;
}

void
smpp_session_free(struct smpp_session *s)
{
	if (s == NULL)
		return;
	if (s->inloop > 0) {
		/* the I/O callback frees it; until then, no more callbacks */
		s->flags |= SF_FREE;
		memset(&s->cb, 0, sizeof(s->cb));
		s->closed = NULL;
		s->outbind = NULL;
		return;
	}
	if (s->rx != NULL) {
		s->rx->parent = NULL;
		s->rx->inloop = 0;
		smpp_session_free(s->rx);
	}
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (s->linger != NULL)
		bufferevent_free(s->linger);
	if (s->ev_timer != NULL)
		event_free(s->ev_timer);
	if (s->ssl_ctx != NULL)
		SSL_CTX_free(s->ssl_ctx);
	if (s->dns != NULL)
		evdns_base_free(s->dns, 1);	/* after the bev's request */
	free((char *)s->conf.name);
	free((char *)s->conf.host);
	free((char *)s->conf.tls_ca);
	free((char *)s->conf.tls_cert);
	free((char *)s->conf.tls_key);
	free((char *)s->conf.tls_verify_name);
	free((char *)s->conf.system_id);
	free((char *)s->conf.password);
	free((char *)s->conf.system_type);
	free((char *)s->conf.address_range);
	free(s->win);
	free(s->rxbuf);
	free(s->dpend);
	free(s);
}

int
smpp_session_state(const struct smpp_session *s)
{
	return s->state;
}

const char *
smpp_session_name(const struct smpp_session *s)
{
	return s->conf.name;
}

void
smpp_session_stats(const struct smpp_session *s, struct smpp_session_stats *st)
{
	*st = s->stats;
	if (s->rx != NULL) {
		st->binds += s->rx->stats.binds;
		st->connects += s->rx->stats.connects;
		st->delivers += s->rx->stats.delivers;
		st->bad_pdus += s->rx->stats.bad_pdus;
		st->read_pauses += s->rx->stats.read_pauses;
		st->stalls += s->rx->stats.stalls;
		if (s->rx->stats.out_peak > st->out_peak)
			st->out_peak = s->rx->stats.out_peak;
	}
}

/* TLS 1.2 or later, the CA file or the system store, the peer's name. */
static int
smpp_tls_setup(struct smpp_session *s)
{
	if ((s->ssl_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(s->ssl_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(s->ssl_ctx, SSL_VERIFY_PEER, NULL);
	if ((s->conf.tls_ca != NULL ?
	    SSL_CTX_load_verify_locations(s->ssl_ctx, s->conf.tls_ca, NULL) :
	    SSL_CTX_set_default_verify_paths(s->ssl_ctx)) != 1) {
		smpp_log(SMPP_LOG_WARN, "smpp tls smsc=%s cannot load CA "
		    "certificates", s->conf.name);
		return -1;
	}
	if (s->conf.tls_cert != NULL &&
	    (SSL_CTX_use_certificate_chain_file(s->ssl_ctx,
	    s->conf.tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(s->ssl_ctx, s->conf.tls_key ?
	    s->conf.tls_key : s->conf.tls_cert, SSL_FILETYPE_PEM) != 1)) {
		smpp_log(SMPP_LOG_WARN, "smpp tls smsc=%s cannot load the "
		    "client certificate", s->conf.name);
		return -1;
	}
	return 0;
}

void
smpp_session_start(struct smpp_session *s)
{
	smpp_hold(s);		/* a failed connect's down() may free s */
	smpp_connect(s);
	if (s->rx != NULL && !(s->flags & SF_FREE))
		smpp_connect(s->rx);
	smpp_release(s);
}

int
smpp_session_accept(struct smpp_session *s, evutil_socket_t fd)
{
	int	one = 1;

	/* a TLS server would need a certificate of its own: not offered */
	if (s->bev != NULL || s->conf.tls || s->rx != NULL ||
	    (s->flags & SF_CLOSING)) {
		evutil_closesocket(fd);
		return -1;
	}
	if ((s->bev = bufferevent_socket_new(s->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		return -1;
	}
	s->flags |= SF_ACCEPTED;
	s->stats.connects++;
	evtimer_del(s->ev_timer);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	smpp_bev_setup(s, s->bev);
	smpp_log(SMPP_LOG_INFO, "smpp accepted smsc=%s waiting for outbind",
	    s->conf.name);
	smpp_enter(s, SMPP_S_CONNECTING);
	s->phase_deadline = now_ms() + s->conf.bind_ms;
	smpp_arm(s, 100);
	return 0;
}

/* The SMSC's outbind: bind on its connection, or refuse it. */
static void
smpp_outbind(struct smpp_session *s, const struct smpp_pdu *pdu)
{
	if (!(s->flags & SF_ACCEPTED) || s->state != SMPP_S_CONNECTING) {
		smpp_log(SMPP_LOG_INFO, "smpp outbind ignored smsc=%s "
		    "state=%s", s->conf.name, smpp_strstate(s->state));
		return;
	}
	if (s->outbind != NULL && s->outbind(s, pdu->u.outbind.system_id,
	    pdu->u.outbind.password, s->arg) == -1) {
		smpp_log(SMPP_LOG_WARN, "smpp outbind refused smsc=%s",
		    s->conf.name);
		smpp_drop(s, "outbind-refused");
		return;
	}
	smpp_enter(s, SMPP_S_BINDING);
	s->phase_deadline = now_ms() + s->conf.bind_ms;
}

/* Arm the one timer to fire in ms (the tick re-arms it). */
static void
smpp_arm(struct smpp_session *s, int64_t ms)
{
	struct timeval	tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(s->ev_timer, &tv);
}

/* Enter a state and do what it asks (OpenSMTPD's mta_enter_state()). */
static void
smpp_enter(struct smpp_session *s, enum smpp_state st)
{
	struct smpp_pdu	 pdu;
	uint32_t	 id;
	int		 old = s->state;

	s->state = st;
	smpp_log(SMPP_LOG_DEBUG, "smpp state smsc=%s %s -> %s", s->conf.name,
	    smpp_strstate(old), smpp_strstate(st));
	switch (st) {
	case SMPP_S_BINDING:
		id = s->conf.bind_type == SMPP_BIND_TX ||
		    s->conf.bind_type == SMPP_BIND_PAIR ?
		    SMPP_bind_transmitter : s->conf.bind_type == SMPP_BIND_RX ?
		    SMPP_bind_receiver : SMPP_bind_transceiver;
		smpp_pdu_init(&pdu, id, 0);
		/* the three binds share one layout (SMPP 3.4, 4.1) */
		snprintf(pdu.u.bind_transceiver.system_id,
		    sizeof(pdu.u.bind_transceiver.system_id), "%s",
		    s->conf.system_id);
		snprintf(pdu.u.bind_transceiver.password,
		    sizeof(pdu.u.bind_transceiver.password), "%s",
		    s->conf.password);
		snprintf(pdu.u.bind_transceiver.system_type,
		    sizeof(pdu.u.bind_transceiver.system_type), "%s",
		    s->conf.system_type);
		pdu.u.bind_transceiver.interface_version = 0x34;
		pdu.u.bind_transceiver.addr_ton = s->conf.addr_ton;
		pdu.u.bind_transceiver.addr_npi = s->conf.addr_npi;
		snprintf(pdu.u.bind_transceiver.address_range,
		    sizeof(pdu.u.bind_transceiver.address_range), "%s",
		    s->conf.address_range);
		smpp_send(s, &pdu);
		break;
	case SMPP_S_BOUND:
		s->stats.binds++;
		s->last_rx = s->bound_at = now_ms();
		s->tokens = s->conf.throughput > 0 ? 1.0 : 0;
		s->tokens_at = now_ms();
		s->paused_until = 0;
		s->pause_ms = 0;
		smpp_log(SMPP_LOG_INFO, "smpp bound smsc=%s mode=%s",
		    s->conf.name, s->conf.bind_type == SMPP_BIND_TX ? "tx" :
		    s->conf.bind_type == SMPP_BIND_PAIR ? "tx+rx" :
		    s->conf.bind_type == SMPP_BIND_RX ? "rx" : "trx");
		smpp_arm(s, 100);
		if (s->cb.bound != NULL)
			s->cb.bound(s, s->arg);
		if (s->cb.writable != NULL && s->state == SMPP_S_BOUND)
			s->cb.writable(s, s->arg);
		break;
	case SMPP_S_UNBINDING:
		s->flags &= ~SF_UNBOUND;
		smpp_send_simple(s, SMPP_unbind, 0, ESME_ROK);
		s->phase_deadline = now_ms() + s->conf.response_ms;
		smpp_arm(s, 100);
		break;
	default:
		break;
	}
}

static void
smpp_connect(struct smpp_session *s)
{
	struct sockaddr_storage	 ss;
	struct bufferevent	*bev;
	SSL			*ssl;
	const char		*vname;
	int			 sslen = sizeof(ss), one = 1, numeric = 1;

	s->stats.connects++;
	if (evutil_parse_sockaddr_port(s->conf.host, (struct sockaddr *)&ss,
	    &sslen) == -1) {
		/* a name: resolved without blocking, within bind_ms */
		numeric = 0;
		if (s->dns == NULL && (s->dns = evdns_base_new(s->base,
		    EVDNS_BASE_INITIALIZE_NAMESERVERS |
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) == NULL) {
			smpp_log(SMPP_LOG_WARN, "smpp smsc=%s host=%s cannot "
			    "start the resolver", s->conf.name, s->conf.host);
			smpp_schedule_reconnect(s);
			return;
		}
	} else if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port =
		    htons((uint16_t)s->conf.port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port =
		    htons((uint16_t)s->conf.port);

	if (s->conf.tls) {
		if ((ssl = SSL_new(s->ssl_ctx)) == NULL) {
			smpp_schedule_reconnect(s);
			return;
		}
		vname = s->conf.tls_verify_name != NULL ?
		    s->conf.tls_verify_name : s->conf.host;
		/* SNI takes names only (RFC 6066, 3); the check takes both */
		if (s->conf.tls_verify_name != NULL || !numeric)
			SSL_set_tlsext_host_name(ssl, (char *)vname);
		SSL_set1_host(ssl, vname);
		bev = bufferevent_openssl_socket_new(s->base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	} else
		bev = bufferevent_socket_new(s->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		smpp_schedule_reconnect(s);
		return;
	}
	s->bev = bev;
	smpp_bev_setup(s, bev);
	smpp_enter(s, SMPP_S_CONNECTING);
	s->phase_deadline = now_ms() + s->conf.bind_ms;
	smpp_arm(s, 100);
	if ((numeric ? bufferevent_socket_connect(bev, (struct sockaddr *)&ss,
	    sslen) : bufferevent_socket_connect_hostname(bev, s->dns,
	    AF_UNSPEC, s->conf.host, s->conf.port)) == -1) {
		smpp_drop(s, "connect-failed");
		return;
	}
	if (bufferevent_getfd(bev) != -1)
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof(one));
}

/*
 * Wait before the next connect: exponential from reconnect-min, capped at
 * reconnect-max, with jitter between reconnect-min and that ceiling so a
 * fleet of clients does not storm the SMSC together (FIELD-NOTES 7); never
 * shorter than reconnect-min, which is what the operator asked for.
 */
static void
smpp_schedule_reconnect(struct smpp_session *s)
{
	int64_t	ceil = s->conf.reconnect_min_ms, delay;
	int	i;

	for (i = 0; i < s->attempt && ceil < s->conf.reconnect_max_ms; i++)
		ceil *= 2;
	if (ceil > s->conf.reconnect_max_ms)
		ceil = s->conf.reconnect_max_ms;
	delay = s->conf.reconnect_min_ms +
	    (int64_t)(arc4random_uniform((uint32_t)(ceil -
	    s->conf.reconnect_min_ms) + 1));
	s->attempt++;
	s->state = SMPP_S_DISCONNECTED;
	smpp_log(SMPP_LOG_INFO, "smpp reconnect smsc=%s in=%lldms attempt=%d",
	    s->conf.name, (long long)delay, s->attempt);
	s->phase_deadline = now_ms() + delay;
	smpp_arm(s, delay);
}

/* Every outstanding request ends with status (the link is gone). */
static void
smpp_fail_window(struct smpp_session *s, uint32_t status)
{
	struct inflight	w;
	int		i;

	for (i = 0; i < s->conf.window; i++) {
		if (s->win[i].seq == 0)
			continue;
		w = s->win[i];
		memset(&s->win[i], 0, sizeof(s->win[i]));
		s->nwin--;
		if (s->cb.submit_done != NULL)
			s->cb.submit_done(s, w.cookie, status, NULL, s->arg);
	}
	s->nwin = 0;
}

/* Lose the connection: fail what was in flight, then close or reconnect. */
static void
smpp_drop(struct smpp_session *s, const char *reason)
{
	int	was_bound = s->state == SMPP_S_BOUND ||
		    s->state == SMPP_S_UNBINDING;
	int	was_up = s->bev != NULL;

	if (s->bev != NULL) {
		smpp_flush(s);	/* an unbind_resp or generic_nack */
		if (s->conf.tls && s->state != SMPP_S_CONNECTING &&
		    evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
			smpp_linger(s);
		else
			bufferevent_free(s->bev);
		s->bev = NULL;
	}
	s->enquire_seq = 0;
	s->ndpend = 0;
	s->flags &= ~(SF_UNBOUND | SF_RDPAUSED);
	evtimer_del(s->ev_timer);
	/* a link that fell soon after its bind keeps backing off */
	if (was_bound && now_ms() - s->bound_at >= s->conf.reconnect_max_ms)
		s->attempt = 0;
	if (s->state != SMPP_S_DISCONNECTED)
		smpp_log(SMPP_LOG_DEBUG, "smpp state smsc=%s %s -> %s",
		    s->conf.name, smpp_strstate(s->state),
		    smpp_strstate(SMPP_S_DISCONNECTED));
	s->state = SMPP_S_DISCONNECTED;	/* no room during the callbacks */
	smpp_log(was_bound && !(s->flags & SF_CLOSING) ? SMPP_LOG_WARN :
	    SMPP_LOG_INFO, "smpp disconnected smsc=%s reason=%s", s->conf.name,
	    reason);
	smpp_fail_window(s, SMPP_SESSION_DOWN);
	if (s->cb.down != NULL && was_up)
		s->cb.down(s, reason, s->arg);
	if (s->flags & SF_CLOSING) {
		smpp_log(SMPP_LOG_DEBUG, "smpp state smsc=%s %s -> %s",
		    s->conf.name, smpp_strstate(s->state),
		    smpp_strstate(SMPP_S_CLOSED));
		s->state = SMPP_S_CLOSED;
		smpp_closed(s);
		return;
	}
	if (s->flags & SF_ACCEPTED) {
		s->flags &= ~SF_ACCEPTED;	/* the SMSC dials again */
		return;
	}
	smpp_schedule_reconnect(s);
}

/* A link closed for good: done() once the whole session is. */
static void
smpp_closed(struct smpp_session *s)
{
	struct smpp_session	*top = s->parent != NULL ? s->parent : s;
	void			(*done)(struct smpp_session *, void *);

	if (!(top->flags & SF_CLOSING) || top->state != SMPP_S_CLOSED ||
	    (top->rx != NULL && top->rx->state != SMPP_S_CLOSED))
		return;
	if ((done = top->closed) != NULL) {
		top->closed = NULL;
		done(top, top->closed_arg);
	}
}

/* Encode and queue one PDU; assigns sequence_number if 0.  0 or -1. */
static int
smpp_send(struct smpp_session *s, struct smpp_pdu *pdu)
{
	uint8_t	buf[SMPP_HDR_LEN + 4096];
	uint8_t	*big = NULL, *p = buf;
	size_t	len;
	int	r;

	if (s->bev == NULL)
		return -1;
	if (pdu->sequence_number == 0) {
		pdu->sequence_number = s->next_seq;
		s->next_seq = s->next_seq >= 0x7FFFFFFF ? 1 : s->next_seq + 1;
	}
	if (smpp_pdu_encode(pdu, buf, sizeof(buf), &len) == -1) {
		/* a message_payload beyond 4 KiB: encode into the heap */
		if ((big = malloc(s->conf.max_pdu)) == NULL)
			return -1;
		if (smpp_pdu_encode(pdu, big, s->conf.max_pdu, &len) == -1) {
			free(big);
			return -1;
		}
		p = big;
	}
	smpp_log(SMPP_LOG_TRACE, "smpp send smsc=%s cmd=%s seq=%u len=%zu",
	    s->conf.name, smpp_strcmd(pdu->command_id), pdu->sequence_number,
	    len);
	r = bufferevent_write(s->bev, p, len);
	free(big);
	smpp_watch_output(s);
	return r;
}

/* A PDU with an empty body (resps with errors, enquire_link, unbind). */
static void
smpp_send_simple(struct smpp_session *s, uint32_t id, uint32_t seq,
    uint32_t status)
{
	struct smpp_pdu	pdu;

	smpp_pdu_init(&pdu, id, seq);
	pdu.command_status = status;
	smpp_send(s, &pdu);
}

/*
 * Best effort to put queued output on the wire before the bufferevent is
 * freed (bufferevent_flush() does nothing for sockets): an unbind_resp or
 * the generic_nack of a framing error would otherwise never leave.
 */
static void
smpp_flush(struct smpp_session *s)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	evutil_socket_t	 fd = bufferevent_getfd(s->bev);

	if (s->conf.tls || fd == -1 || s->state == SMPP_S_CONNECTING)
		return;
	/* the bufferevent keeps its output's front frozen between writes */
	evbuffer_unfreeze(out, 1);
	while (evbuffer_get_length(out) > 0)
		if (evbuffer_write(out, fd) <= 0)
			break;
	evbuffer_freeze(out, 1);
}

/*
 * TLS output cannot be written around the bufferevent: leave the closed
 * link to drain on its own for at most a second, reading nothing.
 */
static void
smpp_linger(struct smpp_session *s)
{
	struct timeval	tv = { 1, 0 };

	if (s->linger != NULL)
		bufferevent_free(s->linger);
	s->linger = s->bev;
	bufferevent_disable(s->linger, EV_READ);
	bufferevent_setwatermark(s->linger, EV_WRITE, 0, 0);
	bufferevent_setcb(s->linger, NULL, smpp_linger_writecb,
	    smpp_linger_eventcb, s);
	bufferevent_set_timeouts(s->linger, NULL, &tv);
}

static void
smpp_linger_writecb(struct bufferevent *bev, void *arg)
{
	struct smpp_session	*s = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	bufferevent_free(bev);
	if (s->linger == bev)
		s->linger = NULL;
}

static void
smpp_linger_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_session	*s = arg;

	(void)what;
	bufferevent_free(bev);
	if (s->linger == bev)
		s->linger = NULL;
}

/*
 * Token bucket depth: one submit plus a tenth of a second of sending, so
 * that no one-second window sees much more than throughput submits (a full
 * second's burst would double it) and a late tick loses no tokens.  A new
 * bind starts with one token.
 */
static double
smpp_bucket(const struct smpp_session *s)
{
	if (s->conf.throughput <= 0)
		return 0;
	return 1.0 + s->conf.throughput / 10.0;
}

/* Remember an unanswered deliver_sm of this link; 0, or -1 if too many. */
static int
smpp_dpend_add(struct smpp_session *s, uint32_t seq)
{
	uint32_t	*p;
	size_t		 n;

	if (s->ndpend == s->dpendcap) {
		if (s->dpendcap >= DPEND_MAX)
			return -1;
		n = s->dpendcap ? s->dpendcap * 2 : 16;
		if ((p = realloc(s->dpend, n * sizeof(*p))) == NULL)
			return -1;
		s->dpend = p;
		s->dpendcap = n;
	}
	s->dpend[s->ndpend++] = seq;
	return 0;
}

/* Forget an answered deliver_sm; 0, or -1 if this link never had it. */
static int
smpp_dpend_del(struct smpp_session *s, uint32_t seq)
{
	size_t	i;

	for (i = 0; i < s->ndpend; i++)
		if (s->dpend[i] == seq) {
			s->dpend[i] = s->dpend[--s->ndpend];
			return 0;
		}
	return -1;
}

int
smpp_session_room(struct smpp_session *s)
{
	int64_t	now;
	int	room;

	if (s->state != SMPP_S_BOUND ||
	    (s->flags & (SF_CLOSING | SF_RDPAUSED)) ||
	    s->conf.bind_type == SMPP_BIND_RX)
		return 0;
	now = now_ms();
	if (now < s->paused_until)
		return 0;
	room = s->conf.window - s->nwin;
	if (s->conf.throughput > 0) {
		s->tokens += (double)(now - s->tokens_at) *
		    s->conf.throughput / 1000.0;
		if (s->tokens > smpp_bucket(s))
			s->tokens = smpp_bucket(s);
		s->tokens_at = now;
		if ((int)s->tokens < room)
			room = (int)s->tokens;
	}
	return room > 0 ? room : 0;
}

int
smpp_session_submit(struct smpp_session *s, struct smpp_pdu *pdu,
    void *cookie)
{
	int	i;

	if (smpp_session_room(s) <= 0)
		return -1;
	for (i = 0; i < s->conf.window; i++)
		if (s->win[i].seq == 0)
			break;
	if (i == s->conf.window)
		return -1;
	pdu->sequence_number = 0;
	if (smpp_send(s, pdu) == -1)
		return -1;
	s->win[i].seq = pdu->sequence_number;
	s->win[i].command_id = pdu->command_id;
	s->win[i].cookie = cookie;
	s->win[i].deadline = now_ms() + s->conf.response_ms;
	s->nwin++;
	s->stats.submits++;
	if (s->conf.throughput > 0)
		s->tokens -= 1.0;
	return 0;
}

void
smpp_session_respond(struct smpp_session *s, uint32_t command_id,
    uint32_t seq, uint32_t status)
{
	struct smpp_pdu	pdu;

	/*
	 * Only a deliver_sm of this link: after a reconnect the same
	 * sequence_number names another message, which must not be acked
	 * (the SMSC delivers the unanswered one again).
	 */
	if (s->bev == NULL || s->state == SMPP_S_CLOSED ||
	    smpp_dpend_del(s, seq) == -1) {
		if (s->rx != NULL) {
			smpp_session_respond(s->rx, command_id, seq, status);
			return;
		}
		smpp_log(SMPP_LOG_DEBUG, "smpp smsc=%s stale %s seq=%u not "
		    "sent", s->conf.name, smpp_strcmd(smpp_cmd_resp(command_id)),
		    seq);
		return;
	}
	smpp_pdu_init(&pdu, smpp_cmd_resp(command_id), seq);
	pdu.command_status = status;
	smpp_send(s, &pdu);
}

void
smpp_session_close(struct smpp_session *s,
    void (*done)(struct smpp_session *, void *), void *arg)
{
	s->closed = done;
	s->closed_arg = arg;
	smpp_hold(s);		/* done() may free s */
	if (s->rx != NULL)
		smpp_link_close(s->rx);
	if (!(s->flags & SF_FREE))
		smpp_link_close(s);
	smpp_release(s);
}

/* Unbind one link (or stop its redialling) for good. */
static void
smpp_link_close(struct smpp_session *s)
{
	s->flags |= SF_CLOSING;
	switch (s->state) {
	case SMPP_S_BOUND:
		smpp_enter(s, SMPP_S_UNBINDING);
		break;
	case SMPP_S_UNBINDING:
		break;
	case SMPP_S_CLOSED:
		smpp_closed(s);
		break;
	default:
		smpp_drop(s, "closing");
		break;
	}
}

/* A response: bind, enquire_link, unbind or one of the window's. */
static void
smpp_resp(struct smpp_session *s, const struct smpp_pdu *pdu)
{
	struct inflight	 w;
	const char	*msgid = NULL;
	uint32_t	 status;
	int		 i;

	switch (pdu->command_id) {
	case SMPP_bind_transceiver_resp:
	case SMPP_bind_transmitter_resp:
	case SMPP_bind_receiver_resp:
		if (s->state != SMPP_S_BINDING)
			return;
		if (pdu->command_status != ESME_ROK) {
			smpp_log(SMPP_LOG_WARN, "smpp bind refused smsc=%s "
			    "status=%s (%s)", s->conf.name,
			    smpp_strstatus(pdu->command_status),
			    smpp_status_text(pdu->command_status));
			smpp_drop(s, "bind-refused");
			return;
		}
		smpp_enter(s, SMPP_S_BOUND);
		return;
	case SMPP_enquire_link_resp:
		if (pdu->sequence_number == s->enquire_seq)
			s->enquire_seq = 0;
		return;
	case SMPP_unbind_resp:
		if (s->state != SMPP_S_UNBINDING)
			return;
		if (s->nwin == 0)
			smpp_drop(s, "unbound");
		else
			s->flags |= SF_UNBOUND;	/* when the window drains */
		return;
	default:
		break;
	}
	for (i = 0; i < s->conf.window; i++)
		if (s->win[i].seq != 0 &&
		    s->win[i].seq == pdu->sequence_number)
			break;
	if (i == s->conf.window) {
		smpp_log(SMPP_LOG_DEBUG, "smpp smsc=%s unexpected %s seq=%u",
		    s->conf.name, smpp_strcmd(pdu->command_id),
		    pdu->sequence_number);
		return;
	}
	/*
	 * Only the request's own response (or a generic_nack) ends it: a
	 * deliver_sm_resp that happens to carry a submit's sequence_number
	 * says nothing about that submit, which waits on for its answer.
	 */
	if (pdu->command_id != SMPP_generic_nack &&
	    pdu->command_id != smpp_cmd_resp(s->win[i].command_id)) {
		smpp_log(SMPP_LOG_INFO, "smpp smsc=%s %s seq=%u does not answer "
		    "its %s, ignored", s->conf.name,
		    smpp_strcmd(pdu->command_id), pdu->sequence_number,
		    smpp_strcmd(s->win[i].command_id));
		return;
	}
	w = s->win[i];
	memset(&s->win[i], 0, sizeof(s->win[i]));
	s->nwin--;
	status = pdu->command_status;
	if (pdu->command_id == SMPP_submit_sm_resp)
		msgid = pdu->u.submit_sm_resp.message_id;
	else if (pdu->command_id == SMPP_data_sm_resp)
		msgid = pdu->u.data_sm_resp.message_id;
	else if (status == ESME_ROK) {
		/* a generic_nack refuses the request, whatever its status */
		smpp_log(SMPP_LOG_WARN, "smpp smsc=%s generic_nack with status "
		    "0 for %s seq=%u, taken as a failure", s->conf.name,
		    smpp_strcmd(w.command_id), w.seq);
		status = SMPP_SESSION_NACK;
	}
	if (status == ESME_RTHROTTLED || status == ESME_RMSGQFUL) {
		s->stats.throttled++;
		s->pause_ms = s->pause_ms == 0 ? THROTTLE_MIN_MS :
		    s->pause_ms * 2;
		if (s->pause_ms > THROTTLE_MAX_MS)
			s->pause_ms = THROTTLE_MAX_MS;
		s->paused_until = now_ms() + s->pause_ms;
		smpp_log(SMPP_LOG_INFO, "smpp throttled smsc=%s status=%s "
		    "pause=%lldms", s->conf.name,
		    smpp_strstatus(status), (long long)s->pause_ms);
	} else if (status == ESME_ROK)
		s->pause_ms = 0;
	if (s->cb.submit_done != NULL)
		s->cb.submit_done(s, w.cookie, status,
		    status == ESME_ROK ? msgid : NULL, s->arg);
	if (s->state == SMPP_S_UNBINDING) {
		if ((s->flags & SF_UNBOUND) && s->nwin == 0)
			smpp_drop(s, "unbound");
		return;
	}
	if (s->cb.writable != NULL && s->state == SMPP_S_BOUND &&
	    now_ms() >= s->paused_until)
		s->cb.writable(s, s->arg);
}

/* One whole PDU off the wire. */
static void
smpp_dispatch(struct smpp_session *s, const uint8_t *buf, size_t len)
{
	struct smpp_pdu	pdu;
	uint32_t	status, reply;

	status = smpp_pdu_decode(&pdu, buf, len, s->conf.max_pdu);
	s->last_rx = now_ms();
	smpp_log(SMPP_LOG_TRACE, "smpp recv smsc=%s cmd=%s seq=%u status=%s",
	    s->conf.name, smpp_strcmd(pdu.command_id), pdu.sequence_number,
	    smpp_strstatus(status));
	if (status != ESME_ROK) {
		s->stats.bad_pdus++;
		reply = smpp_pdu_reply_id(&pdu, status);
		smpp_log(SMPP_LOG_WARN, "smpp bad pdu smsc=%s cmd=0x%08x "
		    "seq=%u status=%s", s->conf.name, pdu.command_id,
		    pdu.sequence_number, smpp_strstatus(status));
		if (reply != 0)
			smpp_send_simple(s, reply, pdu.sequence_number, status);
		else if (smpp_cmd_is_resp(pdu.command_id))
			smpp_resp(s, &pdu);	/* still ends its request */
		return;
	}
	if (smpp_cmd_is_resp(pdu.command_id)) {
		smpp_resp(s, &pdu);
		return;
	}
	switch (pdu.command_id) {
	case SMPP_enquire_link:
		smpp_send_simple(s, SMPP_enquire_link_resp,
		    pdu.sequence_number, ESME_ROK);
		break;
	case SMPP_unbind:
		smpp_send_simple(s, SMPP_unbind_resp, pdu.sequence_number,
		    ESME_ROK);
		bufferevent_flush(s->bev, EV_WRITE, BEV_FLUSH);
		smpp_drop(s, "smsc-unbind");
		break;
	case SMPP_deliver_sm:
	case SMPP_data_sm:
		if (s->state != SMPP_S_BOUND) {
			smpp_send_simple(s, smpp_cmd_resp(pdu.command_id),
			    pdu.sequence_number, ESME_RINVBNDSTS);
			break;
		}
		s->stats.delivers++;
		if (smpp_dpend_add(s, pdu.sequence_number) == -1)
			smpp_send_simple(s, smpp_cmd_resp(pdu.command_id),
			    pdu.sequence_number, ESME_RX_T_APPN);
		else if (s->cb.deliver != NULL)
			s->cb.deliver(s, &pdu, s->arg);
		else
			smpp_session_respond(s, pdu.command_id,
			    pdu.sequence_number, ESME_RX_T_APPN);
		break;
	case SMPP_alert_notification:
		smpp_log(SMPP_LOG_INFO, "smpp alert_notification smsc=%s",
		    s->conf.name);
		break;
	case SMPP_outbind:
		smpp_outbind(s, &pdu);
		break;
	case SMPP_generic_nack:
		smpp_resp(s, &pdu);
		break;
	default:
		/* an SMSC-side request an ESME does not serve */
		smpp_send_simple(s, smpp_cmd_resp(pdu.command_id),
		    pdu.sequence_number, ESME_RINVCMDID);
		break;
	}
}

static void
smpp_readcb(struct bufferevent *bev, void *arg)
{
	struct smpp_session	*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	uint8_t			 hdr[4];
	uint32_t		 len;

	smpp_hold(s);
	while (s->bev == bev && !(s->flags & SF_RDPAUSED) &&
	    evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		len = smpp_get32(hdr);
		if (len < SMPP_HDR_LEN || len > s->conf.max_pdu) {
			/* framing is lost: nothing after this can be trusted */
			smpp_send_simple(s, SMPP_generic_nack, 0,
			    ESME_RINVCMDLEN);
			smpp_drop(s, "bad-length");
			break;
		}
		if (evbuffer_get_length(in) < len)
			break;			/* wait for the rest */
		evbuffer_remove(in, s->rxbuf, len);
		smpp_dispatch(s, s->rxbuf, len);
		if ((s->flags & SF_FREE) ||
		    (s->parent != NULL && (s->parent->flags & SF_FREE)))
			break;
	}
	smpp_release(s);
}

/*
 * Callbacks and timeouts of a new link: the write timeout is the "peer
 * stopped reading" detector (libevent restarts it on every write that makes
 * progress), and the write callback fires once the output has drained to
 * half of max_output, to take up reading again.
 */
static void
smpp_bev_setup(struct smpp_session *s, struct bufferevent *bev)
{
	struct timeval	wtv;

	wtv.tv_sec = s->conf.write_ms / 1000;
	wtv.tv_usec = (s->conf.write_ms % 1000) * 1000;
	bufferevent_setcb(bev, smpp_readcb, smpp_writecb, smpp_eventcb, s);
	bufferevent_setwatermark(bev, EV_WRITE, s->conf.max_output / 2, 0);
	bufferevent_set_timeouts(bev, NULL, &wtv);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* Output over the bound: stop reading (and submitting) until it drains. */
static void
smpp_watch_output(struct smpp_session *s)
{
	size_t	n = evbuffer_get_length(bufferevent_get_output(s->bev));

	if (n > s->stats.out_peak)
		s->stats.out_peak = n;
	if (n <= s->conf.max_output || (s->flags & SF_RDPAUSED))
		return;
	s->flags |= SF_RDPAUSED;
	s->stats.read_pauses++;
	bufferevent_disable(s->bev, EV_READ);
	smpp_log(SMPP_LOG_WARN, "smpp smsc=%s output full bytes=%zu, reading "
	    "paused until the peer reads", s->conf.name, n);
}

static void
smpp_writecb(struct bufferevent *bev, void *arg)
{
	struct smpp_session	*s = arg;

	if (!(s->flags & SF_RDPAUSED) || s->bev != bev)
		return;
	s->flags &= ~SF_RDPAUSED;
	smpp_log(SMPP_LOG_INFO, "smpp smsc=%s output drained, reading again",
	    s->conf.name);
	smpp_hold(s);		/* the callbacks may free s */
	bufferevent_enable(bev, EV_READ);
	smpp_readcb(bev, s);		/* what waited in the input buffer */
	if (s->bev == bev && !(s->flags & SF_FREE) && s->cb.writable != NULL &&
	    smpp_session_room(s) > 0)
		s->cb.writable(s, s->arg);
	smpp_release(s);
}

static void
smpp_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct smpp_session	*s = arg;
	char			 reason[64];
	int			 one = 1;
	unsigned long		 e;

	if (what & BEV_EVENT_CONNECTED) {
		if (bufferevent_getfd(bev) != -1)
			setsockopt(bufferevent_getfd(bev), IPPROTO_TCP,
			    TCP_NODELAY, &one, sizeof(one));
		smpp_log(SMPP_LOG_DEBUG, "smpp connected smsc=%s host=%s "
		    "port=%d%s", s->conf.name, s->conf.host, s->conf.port,
		    s->conf.tls ? " tls" : "");
		s->phase_deadline = now_ms() + s->conf.bind_ms;
		smpp_enter(s, SMPP_S_BINDING);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && s->state == SMPP_S_CONNECTING)
		snprintf(reason, sizeof(reason), "connect-timeout");
	else if (what & BEV_EVENT_TIMEOUT) {
		/* the only timeout set: nothing could be written for write_ms */
		s->stats.stalls++;
		snprintf(reason, sizeof(reason), "peer-not-reading");
	} else if (what & BEV_EVENT_EOF)
		snprintf(reason, sizeof(reason), "closed-by-peer");
	else if ((e = (unsigned long)bufferevent_socket_get_dns_error(bev)) !=
	    0)
		snprintf(reason, sizeof(reason), "dns:%.50s",
		    evutil_gai_strerror((int)e));
	else if (s->conf.tls && (e = bufferevent_get_openssl_error(bev)) != 0)
		snprintf(reason, sizeof(reason), "tls:%.50s",
		    ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "error");
	else
		snprintf(reason, sizeof(reason), "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	smpp_hold(s);		/* the callbacks may free s */
	smpp_drop(s, reason);
	smpp_release(s);
}

/*
 * The one timer: connect and bind deadlines, the reconnect delay, and for a
 * bound session the tick (enquire_link, response timeouts, the throttle).
 */
static void
smpp_timercb(evutil_socket_t fd, short ev, void *arg)
{
	struct smpp_session	*s = arg;
	int64_t			 now = now_ms();

	(void)fd;
	(void)ev;
	smpp_hold(s);		/* the callbacks may free s */
	switch (s->state) {
	case SMPP_S_DISCONNECTED:
		if (now >= s->phase_deadline)
			smpp_connect(s);
		else
			smpp_arm(s, s->phase_deadline - now);
		break;
	case SMPP_S_CONNECTING:
	case SMPP_S_BINDING:
		if (now >= s->phase_deadline)
			smpp_drop(s, s->state == SMPP_S_BINDING ?
			    "bind-timeout" : (s->flags & SF_ACCEPTED) ?
			    "outbind-timeout" : "connect-timeout");
		else
			smpp_arm(s, 100);
		break;
	case SMPP_S_UNBINDING:
		if ((s->flags & SF_UNBOUND) && s->nwin == 0)
			smpp_drop(s, "unbound");
		else if (now >= s->phase_deadline)
			smpp_drop(s, "unbind-timeout");
		else {
			smpp_tick(s);
			if (s->state == SMPP_S_UNBINDING)
				smpp_arm(s, 100);
		}
		break;
	case SMPP_S_BOUND:
		smpp_tick(s);
		/* with a throughput, tick as often as tokens come (10-100 ms) */
		if (s->state == SMPP_S_BOUND)
			smpp_arm(s, s->conf.throughput <= 10 ? 100 :
			    s->conf.throughput >= 100 ? 10 :
			    1000 / s->conf.throughput);
		break;
	case SMPP_S_CLOSED:
		break;
	}
	smpp_release(s);
}

/* Keepalive, request deadlines and the end of a throttle pause. */
static void
smpp_tick(struct smpp_session *s)
{
	struct smpp_pdu	 pdu;
	struct inflight	 w;
	int64_t		 now = now_ms();
	int		 i, expired = 0;

	if (s->enquire_seq != 0 && now >= s->enquire_deadline) {
		smpp_drop(s, "enquire-link-timeout");
		return;
	}
	if (s->enquire_seq == 0 && s->state == SMPP_S_BOUND &&
	    now - s->last_rx >= s->conf.enquire_ms) {
		smpp_pdu_init(&pdu, SMPP_enquire_link, 0);
		if (smpp_send(s, &pdu) == 0) {
			s->enquire_seq = pdu.sequence_number;
			s->enquire_deadline = now + s->conf.response_ms;
		}
	}
	for (i = 0; i < s->conf.window; i++) {
		if (s->win[i].seq == 0 || now < s->win[i].deadline)
			continue;
		w = s->win[i];
		memset(&s->win[i], 0, sizeof(s->win[i]));
		s->nwin--;
		s->stats.timeouts++;
		expired++;
		smpp_log(SMPP_LOG_WARN, "smpp response timeout smsc=%s cmd=%s "
		    "seq=%u", s->conf.name, smpp_strcmd(w.command_id), w.seq);
		if (s->cb.submit_done != NULL)
			s->cb.submit_done(s, w.cookie, SMPP_SESSION_TIMEOUT,
			    NULL, s->arg);
		if (s->state != SMPP_S_BOUND && s->state != SMPP_S_UNBINDING)
			return;
	}
	if (s->state == SMPP_S_BOUND && s->cb.writable != NULL &&
	    (expired || (s->paused_until != 0 && now >= s->paused_until) ||
	    s->conf.throughput > 0) && smpp_session_room(s) > 0) {
		if (now >= s->paused_until)
			s->paused_until = 0;
		s->cb.writable(s, s->arg);
	}
}
