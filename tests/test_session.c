/*
 * Unit tests for smpp_session.c against an in-process SMSC: an
 * evconnlistener on 127.0.0.1 (port 0) in the same event_base, which the
 * test drives PDU by PDU (or byte by byte) to check bind, backoff,
 * enquire_link, the window, timeouts, throttling, late deliver_sm answers,
 * unbind from both sides, malformed input, framing loss and the throttle,
 * responses of the wrong type, a peer that stops reading,
 * a transmitter + receiver pair, outbind, freeing from callbacks, and TLS
 * (a certificate made here, checked by name).
 * Every wait is bounded (RUN_UNTIL); nothing sleeps for the clock.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smpp_session.h"

#define MAXREC		512
#define MAXCONN		64

/* One PDU the SMSC received. */
struct rec {
	uint32_t	id, status, seq;
	int		conn;		/* which connection (1-based) */
	char		system_id[16], password[9];
	uint8_t		interface_version;
	int64_t		at;		/* monotonic ms */
	void		*link;		/* the bufferevent it came on */
};

/* The SMSC side: one connection at a time, answers per the switches. */
struct smsc {
	struct evconnlistener	*lis;
	struct bufferevent	*bev;
	int			 port;
	int			 conns;		/* accepted connections */
	int64_t			 conn_at[MAXCONN];
	uint32_t		 bind_status;	/* answer to binds */
	int			 answer_enquire;
	int			 answer_submit;
	uint32_t		 submit_status;
	int			 answer_unbind;
	uint32_t		 msgid;		/* next message_id */
	uint32_t		 next_seq;
	struct rec		 rx[MAXREC];
	int			 nrx;
	uint32_t		 held[64];	/* submits not answered */
	int			 nheld;
	int			 multi;		/* keep links side by side */
	struct bufferevent	*links[8];
	struct bufferevent	*cur;		/* write here, not to bev */
	struct bufferevent	*txbev, *rxbev;	/* by their binds */
	SSL_CTX			*tls;		/* serve TLS with this */
	char			 ca[64];	/* its certificate, PEM */
};

/* What the session's callbacks saw. */
struct ctx {
	struct event_base	*base;
	struct smsc		 sm;
	struct smpp_session	*s;
	int			 bound, down, writable, closed;
	char			 down_reason[64];
	int			 delivers;
	uint32_t		 deliver_seq[16];
	char			 deliver_text[256];
	int			 dones;
	void			*done_cookie;
	uint32_t		 done_status;
	char			 done_msgid[66];
	int64_t			 done_at;
	int			 room_in_done;	/* room inside submit_done */
	int			 state_in_down;
	int			 free_in;	/* free the session in: */
#define FREE_IN_DOWN	1
#define FREE_IN_DONE	2
#define FREE_IN_CLOSED	3
	struct smpp_session	*deliver_s;	/* as given to deliver */
	int			 outbinds;
	int			 outbind_ok;
	char			 outbind_id[16];
	int			 fill;		/* writable: submit all room */
	int			 filled;
	int64_t			 bound_at;
	int64_t			 fill_at[256];
};

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the loop for about ms milliseconds. */
static void
loop_for(struct ctx *c, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(c->base, &tv);
	event_base_dispatch(c->base);
}

/* Run the loop until cond holds or ms have passed; cond is re-checked. */
#define RUN_UNTIL(c, cond, ms) do {					\
	int64_t _end = now_ms() + (ms);					\
	while (!(cond) && now_ms() < _end)				\
		loop_for((c), 5);					\
} while (0)

static void
quiet(int level, const char *msg)
{
	/* TEST_SESSION_LOG=1 shows the session's log as TAP comments */
	if (getenv("TEST_SESSION_LOG") != NULL)
		fprintf(stderr, "# %d %s\n", level, msg);
}

/* ---- the SMSC ---- */

static void
smsc_write(struct smsc *sm, const struct smpp_pdu *pdu)
{
	uint8_t	buf[4096];
	size_t	len;

	assert_int_equal(smpp_pdu_encode(pdu, buf, sizeof(buf), &len), 0);
	if (sm->cur != NULL)
		bufferevent_write(sm->cur, buf, len);
	else if (sm->bev != NULL)
		bufferevent_write(sm->bev, buf, len);
}

static void
smsc_simple(struct smsc *sm, uint32_t id, uint32_t seq, uint32_t status)
{
	struct smpp_pdu	pdu;

	smpp_pdu_init(&pdu, id, seq);
	pdu.command_status = status;
	smsc_write(sm, &pdu);
}

static void
smsc_raw(struct smsc *sm, const uint8_t *p, size_t len)
{
	if (sm->bev != NULL)
		bufferevent_write(sm->bev, p, len);
}

static void
smsc_submit_resp(struct smsc *sm, uint32_t seq, uint32_t status)
{
	struct smpp_pdu	pdu;

	smpp_pdu_init(&pdu, SMPP_submit_sm_resp, seq);
	pdu.command_status = status;
	if (status == ESME_ROK)
		snprintf(pdu.u.submit_sm_resp.message_id,
		    sizeof(pdu.u.submit_sm_resp.message_id), "%u",
		    sm->msgid++);
	smsc_write(sm, &pdu);
}

static void
smsc_drop(struct smsc *sm)
{
	if (sm->bev != NULL && !sm->multi)
		bufferevent_free(sm->bev);
	sm->bev = NULL;
}

/* Close one link of several (multi); NULL is fine. */
static void
smsc_drop_link(struct smsc *sm, struct bufferevent *bev)
{
	int	i;

	if (bev == NULL)
		return;
	for (i = 0; i < 8; i++)
		if (sm->links[i] == bev)
			sm->links[i] = NULL;
	bufferevent_free(bev);
	if (sm->bev == bev)
		sm->bev = NULL;
	if (sm->txbev == bev)
		sm->txbev = NULL;
	if (sm->rxbev == bev)
		sm->rxbev = NULL;
}

/* A deliver_sm with a short GSM text. */
static void
smsc_deliver(struct smsc *sm, uint32_t seq, const char *text)
{
	struct smpp_pdu		 pdu;
	struct smpp_deliver_sm	*d = &pdu.u.deliver_sm;

	smpp_pdu_init(&pdu, SMPP_deliver_sm, seq);
	strlcpy(d->source_addr, "13800138000", sizeof(d->source_addr));
	strlcpy(d->destination_addr, "12345", sizeof(d->destination_addr));
	d->short_message = (const uint8_t *)text;
	d->sm_length = (uint8_t)strlen(text);
	smsc_write(sm, &pdu);
}

static int
smsc_count(const struct smsc *sm, uint32_t id)
{
	int	i, n = 0;

	for (i = 0; i < sm->nrx; i++)
		if (sm->rx[i].id == id)
			n++;
	return n;
}

/* The last received PDU with this command_id, or NULL. */
static const struct rec *
smsc_last(const struct smsc *sm, uint32_t id)
{
	int	i;

	for (i = sm->nrx - 1; i >= 0; i--)
		if (sm->rx[i].id == id)
			return &sm->rx[i];
	return NULL;
}

static void
smsc_pdu(struct smsc *sm, const uint8_t *buf, size_t len)
{
	struct smpp_pdu	 pdu, r;
	struct rec	*rc;
	uint32_t	 st;

	st = smpp_pdu_decode(&pdu, buf, len, SMPP_PDU_MAX_DEFAULT);
	assert_int_equal(st, ESME_ROK);
	if (sm->nrx < MAXREC) {
		rc = &sm->rx[sm->nrx++];
		memset(rc, 0, sizeof(*rc));
		rc->id = pdu.command_id;
		rc->status = pdu.command_status;
		rc->seq = pdu.sequence_number;
		rc->conn = sm->conns;
		rc->at = now_ms();
		rc->link = sm->cur;
		if (pdu.command_id == SMPP_bind_transceiver ||
		    pdu.command_id == SMPP_bind_transmitter ||
		    pdu.command_id == SMPP_bind_receiver) {
			strlcpy(rc->system_id, pdu.u.bind_transceiver.system_id,
			    sizeof(rc->system_id));
			strlcpy(rc->password, pdu.u.bind_transceiver.password,
			    sizeof(rc->password));
			rc->interface_version =
			    pdu.u.bind_transceiver.interface_version;
		}
	}
	if (pdu.command_id == SMPP_bind_transmitter)
		sm->txbev = sm->cur;
	if (pdu.command_id == SMPP_bind_receiver)
		sm->rxbev = sm->cur;
	switch (pdu.command_id) {
	case SMPP_bind_transceiver:
	case SMPP_bind_transmitter:
	case SMPP_bind_receiver:
		smpp_pdu_init(&r, smpp_cmd_resp(pdu.command_id),
		    pdu.sequence_number);
		r.command_status = sm->bind_status;
		if (sm->bind_status == ESME_ROK)
			strlcpy(r.u.bind_transceiver_resp.system_id, "smsc",
			    sizeof(r.u.bind_transceiver_resp.system_id));
		smsc_write(sm, &r);
		break;
	case SMPP_enquire_link:
		if (sm->answer_enquire)
			smsc_simple(sm, SMPP_enquire_link_resp,
			    pdu.sequence_number, ESME_ROK);
		break;
	case SMPP_unbind:
		if (sm->answer_unbind)
			smsc_simple(sm, SMPP_unbind_resp, pdu.sequence_number,
			    ESME_ROK);
		break;
	case SMPP_submit_sm:
		if (sm->answer_submit)
			smsc_submit_resp(sm, pdu.sequence_number,
			    sm->submit_status);
		else if (sm->nheld < 64)
			sm->held[sm->nheld++] = pdu.sequence_number;
		break;
	default:
		break;
	}
}

static void
smsc_readcb(struct bufferevent *bev, void *arg)
{
	struct smsc	*sm = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 buf[8192], hdr[4];
	uint32_t	 len;

	if (getenv("TEST_SESSION_LOG") != NULL)
		fprintf(stderr, "# smsc read len=%zu\n",
		    evbuffer_get_length(in));
	while (evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, hdr, 4);
		len = smpp_get32(hdr);
		assert_true(len >= SMPP_HDR_LEN && len <= sizeof(buf));
		if (evbuffer_get_length(in) < len)
			return;
		evbuffer_remove(in, buf, len);
		sm->cur = bev;		/* answers go back on this link */
		smsc_pdu(sm, buf, len);
		sm->cur = NULL;
		if (sm->bev != bev && !sm->multi)
			return;
	}
}

static void
smsc_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct smsc	*sm = arg;

	(void)what;
	if (getenv("TEST_SESSION_LOG") != NULL)
		fprintf(stderr, "# smsc event 0x%x len=%zu\n", what,
		    evbuffer_get_length(bufferevent_get_input(bev)));
	if (what == BEV_EVENT_CONNECTED)
		return;			/* a TLS handshake done */
	if (sm->multi)
		smsc_drop_link(sm, bev);
	else if (sm->bev == bev)
		smsc_drop(sm);
}

static void
smsc_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct smsc	*sm = arg;
	int		 i;

	(void)sa;
	(void)salen;
	smsc_drop(sm);		/* one link at a time, unless multi */
	if (sm->conns < MAXCONN)
		sm->conn_at[sm->conns] = now_ms();
	sm->conns++;
	if (sm->tls != NULL)
		sm->bev = bufferevent_openssl_socket_new(
		    evconnlistener_get_base(lis), fd, SSL_new(sm->tls),
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	else
		sm->bev = bufferevent_socket_new(evconnlistener_get_base(lis),
		    fd, BEV_OPT_CLOSE_ON_FREE);
	for (i = 0; sm->multi && i < 8; i++)
		if (sm->links[i] == NULL) {
			sm->links[i] = sm->bev;
			break;
		}
	bufferevent_setcb(sm->bev, smsc_readcb, NULL, smsc_eventcb, sm);
	bufferevent_enable(sm->bev, EV_READ | EV_WRITE);
}

/* ---- the session's callbacks ---- */

static void
cb_bound(struct smpp_session *s, void *arg)
{
	struct ctx	*c = arg;

	(void)s;
	c->bound++;
	c->bound_at = now_ms();
}

static void
cb_down(struct smpp_session *s, const char *reason, void *arg)
{
	struct ctx	*c = arg;

	c->down++;
	c->state_in_down = smpp_session_state(s);
	strlcpy(c->down_reason, reason, sizeof(c->down_reason));
	if (c->free_in == FREE_IN_DOWN) {
		smpp_session_free(s);
		c->s = NULL;
	}
}

static void
cb_deliver(struct smpp_session *s, const struct smpp_pdu *pdu, void *arg)
{
	struct ctx			*c = arg;
	const struct smpp_deliver_sm	*d = &pdu->u.deliver_sm;

	c->deliver_s = s;
	if (c->delivers < 16)
		c->deliver_seq[c->delivers] = pdu->sequence_number;
	c->delivers++;
	snprintf(c->deliver_text, sizeof(c->deliver_text), "%.*s",
	    (int)d->sm_length, (const char *)d->short_message);
}

static void
cb_done(struct smpp_session *s, void *cookie, uint32_t status,
    const char *msgid, void *arg)
{
	struct ctx	*c = arg;

	c->dones++;
	c->done_cookie = cookie;
	c->done_status = status;
	c->done_at = now_ms();
	c->room_in_done = smpp_session_room(s);
	strlcpy(c->done_msgid, msgid != NULL ? msgid : "",
	    sizeof(c->done_msgid));
	if (c->free_in == FREE_IN_DONE) {
		smpp_session_free(s);
		c->s = NULL;
	}
}

/* A submit_sm to a test number. */
static int
submit(struct ctx *c, void *cookie)
{
	struct smpp_pdu		 pdu;
	struct smpp_submit_sm	*m = &pdu.u.submit_sm;
	static const uint8_t	 text[] = "test";

	smpp_pdu_init(&pdu, SMPP_submit_sm, 0);
	strlcpy(m->source_addr, "12345", sizeof(m->source_addr));
	strlcpy(m->destination_addr, "13800138000",
	    sizeof(m->destination_addr));
	m->short_message = text;
	m->sm_length = 4;
	return smpp_session_submit(c->s, &pdu, cookie);
}

static void
cb_writable(struct smpp_session *s, void *arg)
{
	struct ctx	*c = arg;

	c->writable++;
	while (c->fill && smpp_session_room(s) > 0) {
		if (submit(c, NULL) != 0)
			break;
		if (c->filled < 256)
			c->fill_at[c->filled] = now_ms();
		c->filled++;
	}
}

static void
cb_closed(struct smpp_session *s, void *arg)
{
	struct ctx	*c = arg;

	c->closed++;
	if (c->free_in == FREE_IN_CLOSED) {
		smpp_session_free(s);
		c->s = NULL;
	}
}

static int
cb_outbind(struct smpp_session *s, const char *system_id,
    const char *password, void *arg)
{
	struct ctx	*c = arg;

	(void)s;
	c->outbinds++;
	strlcpy(c->outbind_id, system_id, sizeof(c->outbind_id));
	return c->outbind_ok && strcmp(password, "pw") == 0 ? 0 : -1;
}

static const struct smpp_session_cb callbacks = {
	cb_bound, cb_down, cb_deliver, cb_done, cb_writable
};

/* ---- fixture ---- */

static struct smpp_session_conf
test_conf(struct ctx *c)
{
	struct smpp_session_conf	conf;

	memset(&conf, 0, sizeof(conf));
	conf.name = "test";
	conf.host = "127.0.0.1";
	conf.port = c->sm.port;
	conf.system_id = "hotline";
	conf.password = "secret";
	conf.window = 3;
	conf.enquire_ms = 5000;
	conf.response_ms = 300;
	conf.bind_ms = 1000;
	conf.reconnect_min_ms = 100;
	conf.reconnect_max_ms = 400;
	return conf;
}

static int
setup(void **state)
{
	struct ctx		*c;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);

	smpp_set_log(quiet);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->base = event_base_new();
	assert_non_null(c->base);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->sm.lis = evconnlistener_new_bind(c->base, smsc_accept, &c->sm,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(c->sm.lis);
	assert_int_equal(getsockname(evconnlistener_get_fd(c->sm.lis),
	    (struct sockaddr *)&sin, &slen), 0);
	c->sm.port = ntohs(sin.sin_port);
	c->sm.answer_enquire = 1;
	c->sm.answer_submit = 1;
	c->sm.answer_unbind = 1;
	c->sm.msgid = 1000000;
	c->sm.next_seq = 1;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;
	int		 i;

	smpp_session_free(c->s);
	smsc_drop(&c->sm);
	for (i = 0; i < 8; i++)
		smsc_drop_link(&c->sm, c->sm.links[i]);
	if (c->sm.lis != NULL)
		evconnlistener_free(c->sm.lis);
	if (c->sm.tls != NULL) {
		SSL_CTX_free(c->sm.tls);
		unlink(c->sm.ca);
	}
	event_base_free(c->base);
	free(c);
	return 0;
}

/* Start a session with conf and wait for its first bind. */
static void
start(struct ctx *c, const struct smpp_session_conf *conf, int want_bound)
{
	c->s = smpp_session_new(c->base, conf, &callbacks, c);
	assert_non_null(c->s);
	smpp_session_start(c->s);
	if (want_bound) {
		RUN_UNTIL(c, c->bound == 1, 3000);
		assert_int_equal(c->bound, 1);
		assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
	}
}

/* ---- tests ---- */

static void
test_bind_ok(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	const struct rec		*b;

	start(c, &conf, 1);
	b = smsc_last(&c->sm, SMPP_bind_transceiver);
	assert_non_null(b);
	assert_string_equal(b->system_id, "hotline");
	assert_string_equal(b->password, "secret");
	assert_int_equal(b->interface_version, 0x34);
	assert_int_equal(smpp_session_room(c->s), 3);
	assert_true(c->writable >= 1);	/* told to submit once bound */
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.binds, 1);
	assert_int_equal(st.connects, 1);
	assert_string_equal(smpp_session_name(c->s), "test");
	assert_string_equal(smpp_strstate(SMPP_S_BOUND), "bound");
	assert_string_equal(smpp_strstate(99), "?");
}

static void
test_bind_tx_rx(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	conf.bind_type = SMPP_BIND_RX;
	start(c, &conf, 1);
	assert_non_null(smsc_last(&c->sm, SMPP_bind_receiver));
	assert_int_equal(smpp_session_room(c->s), 0);	/* a receiver */
	assert_int_equal(submit(c, NULL), -1);
	smpp_session_free(c->s);
	c->s = NULL;
	c->bound = 0;
	conf.bind_type = SMPP_BIND_TX;
	start(c, &conf, 1);
	assert_non_null(smsc_last(&c->sm, SMPP_bind_transmitter));
	assert_int_equal(smpp_session_room(c->s), 3);
}

static void
test_bind_refused_backoff(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	int64_t				 t0, gap, maxgap = 0;
	int				 i;

	c->sm.bind_status = ESME_RINVPASWD;
	conf.reconnect_min_ms = 100;
	conf.reconnect_max_ms = 800;
	t0 = now_ms();
	start(c, &conf, 0);
	loop_for(c, 2000);
	assert_int_equal(c->bound, 0);
	assert_true(c->down >= 2);
	assert_string_equal(c->down_reason, "bind-refused");
	/* retries, but no storm: no gap shorter than reconnect_min */
	assert_true(c->sm.conns >= 3);
	assert_true(c->sm.conns <= 2000 / 100 + 1);
	for (i = 1; i < c->sm.conns && i < MAXCONN; i++) {
		gap = c->sm.conn_at[i] - c->sm.conn_at[i - 1];
		assert_true(gap >= 100);
		if (gap > maxgap)
			maxgap = gap;
	}
	/* and the ceiling grows: some wait is longer than reconnect_min */
	assert_true(maxgap > 100);
	assert_true(c->sm.conn_at[0] - t0 < 200);
	/* the password is fixed: the next attempt binds */
	c->sm.bind_status = ESME_ROK;
	RUN_UNTIL(c, c->bound == 1, 2000);
	assert_int_equal(c->bound, 1);
}

static void
test_connect_refused_backoff(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;

	/* nothing listens there any more */
	evconnlistener_free(c->sm.lis);
	c->sm.lis = NULL;
	conf.reconnect_min_ms = 100;
	conf.reconnect_max_ms = 800;
	start(c, &conf, 0);
	loop_for(c, 1500);
	smpp_session_stats(c->s, &st);
	assert_int_equal(c->bound, 0);
	assert_true(st.connects >= 2);
	assert_true(st.connects <= 1500 / 50 + 1);
	assert_int_not_equal(smpp_session_state(c->s), SMPP_S_BOUND);
}

static void
test_enquire_idle(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	conf.enquire_ms = 200;
	start(c, &conf, 1);
	RUN_UNTIL(c, smsc_count(&c->sm, SMPP_enquire_link) >= 3, 2000);
	assert_true(smsc_count(&c->sm, SMPP_enquire_link) >= 3);
	assert_int_equal(c->down, 0);
	assert_int_equal(c->sm.conns, 1);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
}

static void
test_enquire_timeout(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	c->sm.answer_enquire = 0;
	conf.enquire_ms = 200;
	conf.response_ms = 300;
	start(c, &conf, 1);
	RUN_UNTIL(c, c->down >= 1, 2000);
	assert_int_equal(c->down, 1);
	assert_string_equal(c->down_reason, "enquire-link-timeout");
	assert_int_equal(c->state_in_down, SMPP_S_DISCONNECTED);
	c->sm.answer_enquire = 1;
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
	assert_int_equal(c->sm.conns, 2);
}

static void
test_smsc_enquire(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	const struct rec		*r;

	start(c, &conf, 1);
	smsc_simple(&c->sm, SMPP_enquire_link, 77, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_enquire_link_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_enquire_link_resp);
	assert_non_null(r);
	assert_int_equal(r->seq, 77);
	assert_int_equal(r->status, ESME_ROK);
}

static void
test_window_full(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	int				 w;

	c->sm.answer_submit = 0;
	conf.response_ms = 5000;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)1), 0);
	assert_int_equal(submit(c, (void *)2), 0);
	assert_int_equal(submit(c, (void *)3), 0);
	assert_int_equal(smpp_session_room(c->s), 0);
	assert_int_equal(submit(c, (void *)4), -1);
	RUN_UNTIL(c, c->sm.nheld == 3, 1000);
	assert_int_equal(c->sm.nheld, 3);
	/* sequence numbers are distinct */
	assert_int_not_equal(c->sm.held[0], c->sm.held[1]);
	assert_int_not_equal(c->sm.held[1], c->sm.held[2]);
	w = c->writable;
	smsc_submit_resp(&c->sm, c->sm.held[1], ESME_ROK);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->dones, 1);
	assert_ptr_equal(c->done_cookie, (void *)2);
	assert_int_equal(c->done_status, ESME_ROK);
	assert_string_equal(c->done_msgid, "1000000");
	assert_int_equal(smpp_session_room(c->s), 1);
	assert_true(c->writable > w);
	/* a permanent error ends its submit with that status */
	smsc_submit_resp(&c->sm, c->sm.held[0], ESME_RINVDSTADR);
	RUN_UNTIL(c, c->dones == 2, 1000);
	assert_ptr_equal(c->done_cookie, (void *)1);
	assert_int_equal(c->done_status, ESME_RINVDSTADR);
	assert_string_equal(c->done_msgid, "");
	/* a generic_nack ends it too */
	smsc_simple(&c->sm, SMPP_generic_nack, c->sm.held[2], ESME_RSYSERR);
	RUN_UNTIL(c, c->dones == 3, 1000);
	assert_ptr_equal(c->done_cookie, (void *)3);
	assert_int_equal(c->done_status, ESME_RSYSERR);
	assert_int_equal(smpp_session_room(c->s), 3);
}

/* Only a submit's own response, or a generic_nack, ends it. */
static void
test_resp_type(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	c->sm.answer_submit = 0;
	conf.response_ms = 5000;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)1), 0);
	assert_int_equal(submit(c, (void *)2), 0);
	RUN_UNTIL(c, c->sm.nheld == 2, 1000);
	assert_int_equal(c->sm.nheld, 2);
	/* a deliver_sm_resp (or data_sm_resp) with a submit's number */
	smsc_simple(&c->sm, SMPP_deliver_sm_resp, c->sm.held[0], ESME_ROK);
	smsc_simple(&c->sm, SMPP_data_sm_resp, c->sm.held[0], ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(c->dones, 0);
	assert_int_equal(smpp_session_room(c->s), 1);
	/* a generic_nack with status 0 is no acceptance */
	smsc_simple(&c->sm, SMPP_generic_nack, c->sm.held[0], ESME_ROK);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->dones, 1);
	assert_ptr_equal(c->done_cookie, (void *)1);
	assert_int_equal(c->done_status, SMPP_SESSION_NACK);
	assert_true(SMPP_SESSION_IS_PSEUDO(c->done_status));
	assert_string_equal(c->done_msgid, "");
	/* the real answer still ends the other one */
	smsc_submit_resp(&c->sm, c->sm.held[1], ESME_ROK);
	RUN_UNTIL(c, c->dones == 2, 1000);
	assert_ptr_equal(c->done_cookie, (void *)2);
	assert_int_equal(c->done_status, ESME_ROK);
	assert_string_equal(c->done_msgid, "1000000");
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
}

/*
 * The SMSC stops reading and floods enquire_link: the answers pile up in
 * the session's output.  Feed at most 8 MiB, a chunk whenever the SMSC's
 * own output has gone.
 */
static void
flood_enquire(struct ctx *c, int until_down, int64_t ms)
{
	struct smpp_session_stats	 st;
	int64_t				 end = now_ms() + ms;
	uint32_t			 seq = 1;
	int				 i;

	while (now_ms() < end && seq < 8 * 1024 * 1024 / 16) {
		smpp_session_stats(c->s, &st);
		if (until_down ? c->down > 0 : st.read_pauses > 0)
			break;
		if (c->sm.bev != NULL && evbuffer_get_length(
		    bufferevent_get_output(c->sm.bev)) < 256 * 1024)
			for (i = 0; i < 4096; i++)
				smsc_simple(&c->sm, SMPP_enquire_link, seq++,
				    ESME_ROK);
		loop_for(c, 5);
	}
}

static void
test_peer_not_reading(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;

	conf.max_output = 128 * 1024;	/* above max_pdu */
	conf.write_ms = 300;
	conf.enquire_ms = 60000;
	start(c, &conf, 1);
	bufferevent_disable(c->sm.bev, EV_READ);
	flood_enquire(c, 1, 10000);
	assert_int_equal(c->down, 1);
	assert_string_equal(c->down_reason, "peer-not-reading");
	smpp_session_stats(c->s, &st);
	assert_true(st.read_pauses >= 1);
	assert_int_equal(st.stalls, 1);
	/* bounded: never more than the bound and the PDU that crossed it */
	assert_true(st.out_peak <= 128 * 1024 + 16);
	assert_true(st.out_peak > 64 * 1024);
	/* and it reconnects */
	RUN_UNTIL(c, c->bound == 2, 3000);
	assert_int_equal(c->bound, 2);
}

/* A peer that reads again, late: reading resumes, nothing is lost. */
static void
test_peer_reads_late(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;

	conf.max_output = 128 * 1024;	/* above max_pdu */
	conf.write_ms = 5000;
	conf.enquire_ms = 60000;
	start(c, &conf, 1);
	bufferevent_disable(c->sm.bev, EV_READ);
	flood_enquire(c, 0, 5000);
	smpp_session_stats(c->s, &st);
	assert_true(st.read_pauses >= 1);
	assert_int_equal(smpp_session_room(c->s), 0);	/* no submits now */
	assert_int_equal(c->down, 0);
	/* the SMSC reads again: every enquire_link is answered */
	bufferevent_enable(c->sm.bev, EV_READ);
	RUN_UNTIL(c, c->sm.nrx >= MAXREC && smpp_session_room(c->s) > 0,
	    5000);
	assert_int_equal(c->down, 0);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
	assert_true(smpp_session_room(c->s) > 0);
	assert_int_equal(smsc_last(&c->sm, SMPP_enquire_link_resp)->status,
	    ESME_ROK);
}

static void
test_response_timeout(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	int64_t				 t0;

	c->sm.answer_submit = 0;
	conf.response_ms = 300;
	start(c, &conf, 1);
	t0 = now_ms();
	assert_int_equal(submit(c, (void *)7), 0);
	RUN_UNTIL(c, c->dones == 1, 2000);
	assert_int_equal(c->dones, 1);
	assert_ptr_equal(c->done_cookie, (void *)7);
	assert_int_equal(c->done_status, SMPP_SESSION_TIMEOUT);
	assert_true(c->done_at - t0 >= 290);
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(smpp_session_room(c->s), 3);
	/* the late answer is ignored, the session stays */
	smsc_submit_resp(&c->sm, c->sm.held[0], ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(c->dones, 1);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
}

static void
test_down_fails_window(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	c->sm.answer_submit = 0;
	conf.response_ms = 5000;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)9), 0);
	RUN_UNTIL(c, c->sm.nheld == 1, 1000);
	smsc_drop(&c->sm);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->done_status, SMPP_SESSION_DOWN);
	assert_ptr_equal(c->done_cookie, (void *)9);
	assert_int_equal(c->room_in_done, 0);
	assert_int_equal(c->down, 1);
	assert_string_equal(c->down_reason, "closed-by-peer");
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
}

static void
test_throttled(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	int64_t				 t0;
	int				 w;

	c->sm.submit_status = ESME_RTHROTTLED;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)5), 0);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->done_status, ESME_RTHROTTLED);
	assert_string_equal(c->done_msgid, "");
	assert_int_equal(c->room_in_done, 0);
	t0 = c->done_at;
	w = c->writable;
	assert_int_equal(smpp_session_room(c->s), 0);
	assert_int_equal(submit(c, (void *)6), -1);
	loop_for(c, 500);
	assert_int_equal(smpp_session_room(c->s), 0);	/* still paused */
	RUN_UNTIL(c, smpp_session_room(c->s) > 0, 2000);
	assert_true(now_ms() - t0 >= 900);
	RUN_UNTIL(c, c->writable > w, 500);
	assert_true(c->writable > w);		/* told when it ends */
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.throttled, 1);
	/* a second one in a row pauses longer (2 s) */
	assert_int_equal(submit(c, (void *)6), 0);
	RUN_UNTIL(c, c->dones == 2, 1000);
	t0 = c->done_at;
	loop_for(c, 1300);
	assert_int_equal(smpp_session_room(c->s), 0);
	/* and a success ends the backoff */
	c->sm.submit_status = ESME_ROK;
	RUN_UNTIL(c, smpp_session_room(c->s) > 0, 2000);
	assert_true(now_ms() - t0 >= 1900);
	assert_int_equal(submit(c, (void *)8), 0);
	RUN_UNTIL(c, c->dones == 3, 1000);
	assert_int_equal(c->done_status, ESME_ROK);
	assert_int_equal(c->room_in_done, 3);
}

static void
test_deliver_late_respond(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	const struct rec		*r;

	start(c, &conf, 1);
	smsc_deliver(&c->sm, 500, "hello");
	smsc_deliver(&c->sm, 501, "again");
	RUN_UNTIL(c, c->delivers == 2, 1000);
	assert_int_equal(c->delivers, 2);
	assert_int_equal(c->deliver_seq[0], 500);
	assert_string_equal(c->deliver_text, "again");
	loop_for(c, 200);
	/* nothing is answered until the caller says so */
	assert_int_equal(smsc_count(&c->sm, SMPP_deliver_sm_resp), 0);
	smpp_session_respond(c->s, SMPP_deliver_sm, 501, ESME_RX_T_APPN);
	smpp_session_respond(c->s, SMPP_deliver_sm, 500, ESME_ROK);
	RUN_UNTIL(c, smsc_count(&c->sm, SMPP_deliver_sm_resp) == 2, 1000);
	assert_int_equal(smsc_count(&c->sm, SMPP_deliver_sm_resp), 2);
	r = smsc_last(&c->sm, SMPP_deliver_sm_resp);
	assert_int_equal(r->seq, 500);
	assert_int_equal(r->status, ESME_ROK);
	assert_int_equal(c->sm.rx[c->sm.nrx - 2].seq, 501);
	assert_int_equal(c->sm.rx[c->sm.nrx - 2].status, ESME_RX_T_APPN);
	/* answering twice sends once */
	smpp_session_respond(c->s, SMPP_deliver_sm, 500, ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(smsc_count(&c->sm, SMPP_deliver_sm_resp), 2);
}

static void
test_deliver_stale_after_reconnect(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	start(c, &conf, 1);
	smsc_deliver(&c->sm, 7, "first link");
	RUN_UNTIL(c, c->delivers == 1, 1000);
	smsc_drop(&c->sm);
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
	/* the new link's seq 7 is another message */
	smsc_deliver(&c->sm, 7, "second link");
	RUN_UNTIL(c, c->delivers == 2, 1000);
	/* the answer meant for the first link's 7 must not ack it */
	smpp_session_respond(c->s, SMPP_deliver_sm, 7, ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(smsc_count(&c->sm, SMPP_deliver_sm_resp), 1);
	smpp_session_respond(c->s, SMPP_deliver_sm, 7, ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(smsc_count(&c->sm, SMPP_deliver_sm_resp), 1);
}

static void
test_smsc_unbind(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	const struct rec		*r;

	start(c, &conf, 1);
	smsc_simple(&c->sm, SMPP_unbind, 9, ESME_ROK);
	RUN_UNTIL(c, c->down == 1, 1000);
	assert_string_equal(c->down_reason, "smsc-unbind");
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_unbind_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_unbind_resp);
	assert_non_null(r);			/* sent before the close */
	assert_int_equal(r->seq, 9);
	assert_int_equal(r->conn, 1);
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
	assert_int_equal(c->sm.conns, 2);
}

static void
test_malformed_deliver(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	struct smpp_pdu			 pdu;
	const struct rec		*r;
	uint8_t				 buf[256];
	size_t				 len;
	uint32_t			 want;

	start(c, &conf, 1);
	/* a deliver_sm whose sm_length runs past the PDU */
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 31);
	strlcpy(pdu.u.deliver_sm.source_addr, "13800138000",
	    sizeof(pdu.u.deliver_sm.source_addr));
	pdu.u.deliver_sm.short_message = (const uint8_t *)"abc";
	pdu.u.deliver_sm.sm_length = 3;
	assert_int_equal(smpp_pdu_encode(&pdu, buf, sizeof(buf), &len), 0);
	buf[len - 4] = 200;		/* sm_length */
	want = smpp_pdu_decode(&pdu, buf, len, SMPP_PDU_MAX_DEFAULT);
	assert_int_equal(want, ESME_RINVMSGLEN);
	smsc_raw(&c->sm, buf, len);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_deliver_sm_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_deliver_sm_resp);
	assert_non_null(r);
	assert_int_equal(r->seq, 31);
	assert_int_equal(r->status, want);
	assert_int_equal(c->delivers, 0);	/* not given to the caller */
	/* the session survives: a good PDU after it is served */
	smsc_simple(&c->sm, SMPP_enquire_link, 32, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_enquire_link_resp) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_enquire_link_resp));
	smsc_deliver(&c->sm, 33, "ok");
	RUN_UNTIL(c, c->delivers == 1, 1000);
	assert_int_equal(c->delivers, 1);
	assert_int_equal(c->down, 0);
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.bad_pdus, 1);
}

static void
test_unknown_command(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	const struct rec		*r;
	static const uint8_t		 bad[] = {
		0, 0, 0, 16, 0, 0, 0, 0xAA, 0, 0, 0, 0, 0, 0, 0, 41
	};

	start(c, &conf, 1);
	smsc_raw(&c->sm, bad, sizeof(bad));
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_generic_nack) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_generic_nack);
	assert_non_null(r);
	assert_int_equal(r->seq, 41);
	assert_int_equal(r->status, ESME_RINVCMDID);
	/* an SMSC-side request an ESME does not serve: its _resp, RINVCMDID */
	smsc_simple(&c->sm, SMPP_query_sm, 42, ESME_ROK);
	smsc_simple(&c->sm, SMPP_enquire_link, 43, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_enquire_link_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_query_sm_resp);
	assert_non_null(r);
	assert_int_equal(r->seq, 42);
	assert_int_equal(r->status, ESME_RINVCMDID);
	assert_int_equal(c->down, 0);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
}

static void
test_bad_length(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	static const uint8_t		 shortlen[] = {
		0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 5
	};
	static const uint8_t		 huge[] = {
		0x7F, 0xFF, 0xFF, 0xF0, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 6
	};

	start(c, &conf, 1);
	smsc_raw(&c->sm, shortlen, sizeof(shortlen));
	RUN_UNTIL(c, c->down == 1, 1000);
	assert_int_equal(c->down, 1);
	assert_string_equal(c->down_reason, "bad-length");
	/* the generic_nack went out before the close */
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_generic_nack) != NULL, 500);
	assert_non_null(smsc_last(&c->sm, SMPP_generic_nack));
	assert_int_equal(smsc_last(&c->sm, SMPP_generic_nack)->status,
	    ESME_RINVCMDLEN);
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
	/* a length beyond max_pdu: dropped at once, no waiting for 2 GB */
	smsc_raw(&c->sm, huge, sizeof(huge));
	RUN_UNTIL(c, c->down == 2, 1000);
	assert_int_equal(c->down, 2);
	assert_string_equal(c->down_reason, "bad-length");
	RUN_UNTIL(c, c->bound == 3, 2000);
	assert_int_equal(c->bound, 3);
}

static void
test_split_pdu(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	static const uint8_t		 el[] = {
		0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 61
	};
	size_t				 i;

	start(c, &conf, 1);
	/* one octet at a time: framing waits for the whole PDU */
	for (i = 0; i < sizeof(el); i++) {
		smsc_raw(&c->sm, el + i, 1);
		loop_for(c, 5);
	}
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_enquire_link_resp) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_enquire_link_resp));
	assert_int_equal(smsc_last(&c->sm, SMPP_enquire_link_resp)->seq, 61);
	assert_int_equal(c->down, 0);
}

static void
test_close_graceful(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	uint32_t			 seq;

	c->sm.answer_submit = 0;
	c->sm.answer_unbind = 0;
	conf.response_ms = 2000;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)1), 0);
	RUN_UNTIL(c, c->sm.nheld == 1, 1000);
	seq = c->sm.held[0];
	smpp_session_close(c->s, cb_closed, c);
	assert_int_equal(smpp_session_room(c->s), 0);
	assert_int_equal(submit(c, (void *)2), -1);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_unbind) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_unbind));
	/* unbind_resp first; the outstanding submit still gets its answer */
	smsc_simple(&c->sm, SMPP_unbind_resp, smsc_last(&c->sm,
	    SMPP_unbind)->seq, ESME_ROK);
	loop_for(c, 100);
	assert_int_equal(c->closed, 0);
	smsc_submit_resp(&c->sm, seq, ESME_ROK);
	RUN_UNTIL(c, c->closed == 1, 1000);
	assert_int_equal(c->closed, 1);
	assert_int_equal(c->dones, 1);
	assert_int_equal(c->done_status, ESME_ROK);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_CLOSED);
	/* closed for good: no reconnect */
	loop_for(c, 400);
	assert_int_equal(c->sm.conns, 1);
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.connects, 1);
	/* closing again just calls done */
	smpp_session_close(c->s, cb_closed, c);
	assert_int_equal(c->closed, 2);
}

static void
test_close_unanswered(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	int64_t				 t0;

	c->sm.answer_unbind = 0;
	conf.response_ms = 300;
	start(c, &conf, 1);
	t0 = now_ms();
	smpp_session_close(c->s, cb_closed, c);
	RUN_UNTIL(c, c->closed == 1, 2000);
	assert_int_equal(c->closed, 1);
	assert_string_equal(c->down_reason, "unbind-timeout");
	assert_true(now_ms() - t0 < 1000);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_CLOSED);
}

static void
test_close_while_idle(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	c->sm.bind_status = ESME_RBINDFAIL;
	start(c, &conf, 0);
	RUN_UNTIL(c, c->down == 1, 1000);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_DISCONNECTED);
	smpp_session_close(c->s, cb_closed, c);
	assert_int_equal(c->closed, 1);
	assert_int_equal(c->down, 1);		/* not down twice */
	loop_for(c, 300);
	assert_int_equal(c->sm.conns, 1);
}

static void
test_throughput(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	int				 i, first = 0, second = 0;

	conf.window = 100;
	conf.throughput = 20;
	c->fill = 1;
	start(c, &conf, 1);
	RUN_UNTIL(c, now_ms() - c->bound_at >= 2000, 3000);
	for (i = 0; i < c->filled && i < 256; i++) {
		if (c->fill_at[i] - c->bound_at < 1000)
			first++;
		else if (c->fill_at[i] - c->bound_at < 2000)
			second++;
	}
	print_message("# throughput 20: %d in the first second, %d in the "
	    "second\n", first, second);
	/* no burst of a whole second's worth on top of the rate */
	assert_true(first <= 20 + 2);
	assert_true(second <= 20 + 3);
	/* but it does send at about the rate */
	assert_true(first >= 17);
	assert_true(second >= 18);
	assert_true(smsc_count(&c->sm, SMPP_submit_sm) >= first);
}

static void
test_pair(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	const struct rec		*r;

	c->sm.multi = 1;
	conf.bind_type = SMPP_BIND_PAIR;
	start(c, &conf, 1);
	RUN_UNTIL(c, c->sm.rxbev != NULL && c->sm.txbev != NULL, 2000);
	assert_non_null(c->sm.txbev);
	assert_non_null(c->sm.rxbev);
	assert_ptr_not_equal(c->sm.txbev, c->sm.rxbev);
	assert_int_equal(smsc_count(&c->sm, SMPP_bind_transceiver), 0);
	loop_for(c, 50);
	assert_int_equal(c->bound, 1);		/* one logical session */
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.binds, 2);
	assert_int_equal(st.connects, 2);
	/* submits go on the transmitter */
	assert_int_equal(smpp_session_room(c->s), 3);
	assert_int_equal(submit(c, (void *)1), 0);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->done_status, ESME_ROK);
	r = smsc_last(&c->sm, SMPP_submit_sm);
	assert_non_null(r);
	assert_ptr_equal(r->link, c->sm.txbev);
	/* MOs come on the receiver, to this session; answered there */
	c->sm.cur = c->sm.rxbev;
	smsc_deliver(&c->sm, 900, "via rx");
	c->sm.cur = NULL;
	RUN_UNTIL(c, c->delivers == 1, 1000);
	assert_int_equal(c->delivers, 1);
	assert_ptr_equal(c->deliver_s, c->s);
	assert_string_equal(c->deliver_text, "via rx");
	smpp_session_respond(c->s, SMPP_deliver_sm, 900, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_deliver_sm_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_deliver_sm_resp);
	assert_non_null(r);
	assert_int_equal(r->seq, 900);
	assert_ptr_equal(r->link, c->sm.rxbev);
	/* the receiver drops and binds again; the transmitter stays up */
	smsc_drop_link(&c->sm, c->sm.rxbev);
	RUN_UNTIL(c, smsc_count(&c->sm, SMPP_bind_receiver) == 2, 2000);
	assert_int_equal(smsc_count(&c->sm, SMPP_bind_receiver), 2);
	assert_int_equal(smsc_count(&c->sm, SMPP_bind_transmitter), 1);
	assert_int_equal(c->down, 0);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
	/* close unbinds both links, done once */
	RUN_UNTIL(c, c->sm.rxbev != NULL, 1000);
	smpp_session_close(c->s, cb_closed, c);
	RUN_UNTIL(c, c->closed == 1, 2000);
	assert_int_equal(c->closed, 1);
	assert_int_equal(smsc_count(&c->sm, SMPP_unbind), 2);
	loop_for(c, 300);
	assert_int_equal(c->closed, 1);
	assert_int_equal(smsc_count(&c->sm, SMPP_bind_receiver), 2);
}

/* A connected socket pair: fd[0] for the session, fd[1] the SMSC's. */
static void
smsc_dial(struct ctx *c, evutil_socket_t fd[2])
{
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
	evutil_make_socket_nonblocking(fd[0]);
	evutil_make_socket_nonblocking(fd[1]);
	c->sm.bev = bufferevent_socket_new(c->base, fd[1],
	    BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(c->sm.bev);
	bufferevent_setcb(c->sm.bev, smsc_readcb, NULL, smsc_eventcb, &c->sm);
	bufferevent_enable(c->sm.bev, EV_READ | EV_WRITE);
}

static void
smsc_outbind(struct smsc *sm, const char *password)
{
	struct smpp_pdu	pdu;

	smpp_pdu_init(&pdu, SMPP_outbind, 1);
	strlcpy(pdu.u.outbind.system_id, "hotline",
	    sizeof(pdu.u.outbind.system_id));
	strlcpy(pdu.u.outbind.password, password,
	    sizeof(pdu.u.outbind.password));
	smsc_write(sm, &pdu);
}

static void
test_outbind(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	struct smpp_session_stats	 st;
	evutil_socket_t			 fd[2];

	conf.bind_type = SMPP_BIND_RX;
	c->s = smpp_session_new(c->base, &conf, &callbacks, c);
	assert_non_null(c->s);
	smpp_session_set_outbind(c->s, cb_outbind);
	c->outbind_ok = 1;
	smsc_dial(c, fd);
	assert_int_equal(smpp_session_accept(c->s, fd[0]), 0);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_CONNECTING);
	loop_for(c, 50);
	assert_int_equal(c->sm.nrx, 0);	/* nothing before outbind */
	smsc_outbind(&c->sm, "pw");
	RUN_UNTIL(c, c->bound == 1, 1000);
	assert_int_equal(c->bound, 1);
	assert_int_equal(c->outbinds, 1);
	assert_string_equal(c->outbind_id, "hotline");
	assert_non_null(smsc_last(&c->sm, SMPP_bind_receiver));
	smsc_deliver(&c->sm, 5, "outbound mo");
	RUN_UNTIL(c, c->delivers == 1, 1000);
	smpp_session_respond(c->s, SMPP_deliver_sm, 5, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_deliver_sm_resp) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_deliver_sm_resp));
	/* the SMSC hangs up: no redial, it dials again when it wants */
	smsc_drop(&c->sm);
	RUN_UNTIL(c, c->down == 1, 1000);
	assert_int_equal(c->down, 1);
	loop_for(c, 400);
	assert_int_equal(smpp_session_state(c->s), SMPP_S_DISCONNECTED);
	smpp_session_stats(c->s, &st);
	assert_int_equal(st.connects, 1);
	assert_int_equal(c->sm.conns, 0);
	/* a second outbind with the wrong password is refused */
	smsc_dial(c, fd);
	assert_int_equal(smpp_session_accept(c->s, fd[0]), 0);
	smsc_outbind(&c->sm, "bad");
	RUN_UNTIL(c, c->down == 2, 1000);
	assert_string_equal(c->down_reason, "outbind-refused");
	assert_int_equal(c->outbinds, 2);
	assert_int_equal(c->bound, 1);
	/* and one that never sends outbind times out */
	smsc_drop(&c->sm);
	smsc_dial(c, fd);
	assert_int_equal(smpp_session_accept(c->s, fd[0]), 0);
	RUN_UNTIL(c, c->down == 3, 2000);
	assert_string_equal(c->down_reason, "outbind-timeout");
}

static void
test_outbind_on_own_link(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	evutil_socket_t			 fd[2];

	start(c, &conf, 1);
	/* outbind on a link we dialled: no answer exists, nothing changes */
	smsc_outbind(&c->sm, "pw");
	smsc_simple(&c->sm, SMPP_enquire_link, 44, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_enquire_link_resp) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_enquire_link_resp));
	assert_int_equal(c->sm.nrx, 2);	/* bind, enquire_link_resp */
	assert_int_equal(smpp_session_state(c->s), SMPP_S_BOUND);
	assert_int_equal(c->down, 0);
	/* a session with a link of its own accepts no other */
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, fd), 0);
	assert_int_equal(smpp_session_accept(c->s, fd[0]), -1);
	evutil_closesocket(fd[1]);
}

/* Free the session from callbacks that timers and socket events call. */
static void
test_free_in_callbacks(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	/* down, from the enquire_link timer */
	c->sm.answer_enquire = 0;
	conf.enquire_ms = 100;
	conf.response_ms = 200;
	c->free_in = FREE_IN_DOWN;
	start(c, &conf, 1);
	RUN_UNTIL(c, c->s == NULL, 2000);
	assert_null(c->s);
	assert_string_equal(c->down_reason, "enquire-link-timeout");
	loop_for(c, 300);
	assert_int_equal(c->sm.conns, 1);
	/* down, from the socket's event callback */
	c->bound = 0;
	start(c, &conf, 1);
	smsc_drop(&c->sm);
	RUN_UNTIL(c, c->s == NULL, 2000);
	assert_null(c->s);
	assert_string_equal(c->down_reason, "closed-by-peer");
	/* submit_done, from the response timer */
	c->sm.answer_enquire = 1;
	c->sm.answer_submit = 0;
	conf.enquire_ms = 5000;
	c->free_in = FREE_IN_DONE;
	c->bound = 0;
	start(c, &conf, 1);
	assert_int_equal(submit(c, (void *)1), 0);
	assert_int_equal(submit(c, (void *)2), 0);
	RUN_UNTIL(c, c->s == NULL, 2000);
	assert_null(c->s);
	assert_int_equal(c->dones, 1);		/* none after the free */
	assert_int_equal(c->done_status, SMPP_SESSION_TIMEOUT);
	/* close's done, from the unbind timer and from unbind_resp */
	c->free_in = FREE_IN_CLOSED;
	c->sm.answer_unbind = 0;
	c->bound = 0;
	start(c, &conf, 1);
	smpp_session_close(c->s, cb_closed, c);
	RUN_UNTIL(c, c->s == NULL, 2000);
	assert_null(c->s);
	assert_string_equal(c->down_reason, "unbind-timeout");
	c->sm.answer_unbind = 1;
	c->bound = 0;
	conf.bind_type = SMPP_BIND_PAIR;
	c->sm.multi = 1;
	start(c, &conf, 1);
	RUN_UNTIL(c, c->sm.rxbev != NULL, 2000);
	loop_for(c, 50);
	smpp_session_close(c->s, cb_closed, c);
	RUN_UNTIL(c, c->s == NULL, 2000);
	assert_null(c->s);
	loop_for(c, 300);
	assert_int_equal(c->closed, 2);
}

/*
 * Serve TLS with a self-signed certificate for smsc.test and 127.0.0.1,
 * made now; its PEM goes to a file the session uses as its CA.
 */
static void
smsc_tls(struct smsc *sm)
{
	EVP_PKEY	*pk;
	X509		*x;
	X509_NAME	*n;
	X509_EXTENSION	*e;
	X509V3_CTX	 v3;
	FILE		*f;
	int		 fd;

	assert_non_null(pk = EVP_EC_gen("P-256"));
	assert_non_null(x = X509_new());
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"smsc.test", -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	assert_non_null(e = X509V3_EXT_conf_nid(NULL, &v3,
	    NID_subject_alt_name, "DNS:smsc.test,IP:127.0.0.1"));
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_non_null(e = X509V3_EXT_conf_nid(NULL, &v3,
	    NID_basic_constraints, "critical,CA:TRUE"));
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	strlcpy(sm->ca, "/tmp/test_session.XXXXXX", sizeof(sm->ca));
	assert_true((fd = mkstemp(sm->ca)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	assert_non_null(sm->tls = SSL_CTX_new(TLS_server_method()));
	assert_int_equal(SSL_CTX_use_certificate(sm->tls, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(sm->tls, pk), 1);
	X509_free(x);
	EVP_PKEY_free(pk);
}

static void
test_tls(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);
	const struct rec		*r;

	smsc_tls(&c->sm);
	conf.tls = 1;
	conf.tls_ca = c->sm.ca;
	conf.tls_verify_name = "smsc.test";
	start(c, &conf, 1);
	assert_string_equal(smsc_last(&c->sm, SMPP_bind_transceiver)->system_id,
	    "hotline");
	assert_int_equal(submit(c, (void *)1), 0);
	RUN_UNTIL(c, c->dones == 1, 1000);
	assert_int_equal(c->done_status, ESME_ROK);
	smsc_deliver(&c->sm, 70, "over tls");
	RUN_UNTIL(c, c->delivers == 1, 1000);
	smpp_session_respond(c->s, SMPP_deliver_sm, 70, ESME_ROK);
	RUN_UNTIL(c, smsc_last(&c->sm, SMPP_deliver_sm_resp) != NULL, 1000);
	assert_non_null(smsc_last(&c->sm, SMPP_deliver_sm_resp));
	/* the SMSC unbinds: the unbind_resp still leaves through TLS */
	smsc_simple(&c->sm, SMPP_unbind, 71, ESME_ROK);
	RUN_UNTIL(c, c->down == 1 &&
	    smsc_last(&c->sm, SMPP_unbind_resp) != NULL, 1000);
	r = smsc_last(&c->sm, SMPP_unbind_resp);
	assert_non_null(r);
	assert_int_equal(r->seq, 71);
	assert_string_equal(c->down_reason, "smsc-unbind");
	RUN_UNTIL(c, c->bound == 2, 2000);
	assert_int_equal(c->bound, 2);
	/* the host name checks too: 127.0.0.1 is in the certificate */
	smpp_session_free(c->s);
	conf.tls_verify_name = NULL;
	c->bound = 0;
	start(c, &conf, 1);
	/* a host name resolved, then the certificate checked for another */
	smpp_session_free(c->s);
	conf.host = "localhost";
	conf.tls_verify_name = "smsc.test";
	c->bound = 0;
	start(c, &conf, 1);
}

static void
test_tls_wrong_name(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	smsc_tls(&c->sm);
	conf.tls = 1;
	conf.tls_ca = c->sm.ca;
	conf.tls_verify_name = "other.test";
	conf.reconnect_min_ms = 100;
	conf.reconnect_max_ms = 800;
	start(c, &conf, 0);
	loop_for(c, 1000);
	assert_int_equal(c->bound, 0);
	assert_true(c->down >= 1);
	assert_memory_equal(c->down_reason, "tls:", 4);
	assert_int_equal(smsc_count(&c->sm, SMPP_bind_transceiver), 0);
	assert_true(c->sm.conns >= 2 && c->sm.conns <= 1000 / 50 + 1);
	/* a CA file that cannot be read: no session at all */
	conf.tls_ca = "/nonexistent/ca.pem";
	assert_null(smpp_session_new(c->base, &conf, &callbacks, c));
}

static void
test_hostname(void **state)
{
	struct ctx			*c = *state;
	struct smpp_session_conf	 conf = test_conf(c);

	/* a name (from /etc/hosts) is resolved, without blocking */
	conf.host = "localhost";
	start(c, &conf, 1);
	assert_int_equal(c->sm.conns, 1);
	smpp_session_free(c->s);
	/* a name that does not resolve: no bind, backoff, no storm */
	conf.host = "no-such-smsc.invalid";
	conf.bind_ms = 500;
	c->bound = 0;
	start(c, &conf, 0);
	RUN_UNTIL(c, c->down >= 1, 3000);
	assert_int_equal(c->bound, 0);
	assert_true(c->down >= 1);
	assert_true(strncmp(c->down_reason, "dns:", 4) == 0 ||
	    strcmp(c->down_reason, "connect-timeout") == 0);
	assert_int_equal(c->sm.conns, 1);
}

static int	log_calls, log_last;

static void
log_count(int level, const char *msg)
{
	log_calls++;
	log_last = level;
}

static int
log_warn_only(int level)
{
	return level == SMPP_LOG_WARN;
}

/* The filter is asked before a message is formatted or handed over. */
static void
test_log_filter(void **state)
{
	log_calls = 0;
	smpp_set_log(log_count);
	smpp_set_log_filter(log_warn_only);
	smpp_log(SMPP_LOG_TRACE, "smpp recv seq=%u", 1u);
	smpp_log(SMPP_LOG_INFO, "smpp bound");
	assert_int_equal(log_calls, 0);
	smpp_log(SMPP_LOG_WARN, "smpp bad pdu");
	assert_int_equal(log_calls, 1);
	assert_int_equal(log_last, SMPP_LOG_WARN);
	smpp_set_log_filter(NULL);
	smpp_log(SMPP_LOG_TRACE, "smpp recv seq=%u", 2u);
	assert_int_equal(log_calls, 2);
	assert_int_equal(log_last, SMPP_LOG_TRACE);
	smpp_set_log(NULL);
	smpp_log(SMPP_LOG_WARN, "smpp bad pdu");
	assert_int_equal(log_calls, 2);
	smpp_set_log(quiet);
}

static void
test_strstate(void **state)
{
	(void)state;
	assert_string_equal(smpp_strstate(SMPP_S_DISCONNECTED),
	    "disconnected");
	assert_string_equal(smpp_strstate(SMPP_S_CONNECTING), "connecting");
	assert_string_equal(smpp_strstate(SMPP_S_BINDING), "binding");
	assert_string_equal(smpp_strstate(SMPP_S_UNBINDING), "unbinding");
	assert_string_equal(smpp_strstate(SMPP_S_CLOSED), "closed");
	assert_string_equal(smpp_strstate(-1), "?");
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bind_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_tx_rx, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bind_refused_backoff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused_backoff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_enquire_idle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enquire_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_smsc_enquire, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_window_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_response_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resp_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_not_reading, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_reads_late, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_down_fails_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_throttled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deliver_late_respond,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_deliver_stale_after_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smsc_unbind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_deliver, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_split_pdu, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_graceful, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_unanswered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_while_idle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_throughput, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbind_on_own_link,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callbacks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_wrong_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostname, setup,
		    teardown),
		cmocka_unit_test(test_strstate),
		cmocka_unit_test(test_log_filter),
	};

	return cmocka_run_group_tests_name("test_session", tests, NULL, NULL);
}
