/*
 * smsc: direct SMPP bearers.  A deliver_sm becomes an inbound part (answered
 * only after its commit) or a delivery receipt; an outbox job becomes one
 * submit_sm per part, sent as the session's window and throttle allow, and
 * reported back to the outbox once every part has an answer.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <event2/event.h>
#include <jansson.h>

#include "admin.h"
#include "config.h"
#include "dlr.h"
#include "inbound.h"
#include "log.h"
#include "outbox.h"
#include "smpp_log.h"
#include "smpp_session.h"
#include "smsc.h"
#include "smpp_ussd.h"
#include "smsc_pdu.h"
#include "udh.h"
#include "ussd.h"
#include "util.h"

#define SMSC_MAX_PARTS	16		/* parts of one outgoing SMS */
#define SMSC_CODES_MAX	32		/* distinct submit statuses counted */
#define SMSC_USSD_QUEUE	1024		/* USSD screens waiting for room */

struct smsc;

struct smsc_job;

/* The cookie of one submit_sm: its job and which part it carries. */
struct smsc_part {
	struct smsc_job		*j;
	size_t			 i;		/* 0-based */
};

/* One outbox row on its way out. */
struct smsc_job {
	struct smsc		*sc;
	int64_t			 id;
	char			 from[24];
	char			 to[24];
	size_t			 next;		/* next part to submit */
	size_t			 answered;	/* and skipped */
	uint32_t		 skip;		/* parts an earlier try delivered */
	uint32_t		 ok;		/* parts accepted in this try */
	int			 failed;	/* 0, or 1 temporary, 2 permanent */
	char			 error[64];
	struct smsc_job		*fifo_next;	/* parts still to send */
	struct smsc_part	 cookie[SMSC_MAX_PARTS];
	/*
	 * From here on ~14 KiB that smsc_split() fills as far as it needs:
	 * zeroing them for every SMS cost more than the split itself.
	 */
	struct udh_split	 split;
	uint8_t			 buf[SMSC_MAX_PARTS * 160];
	char			 msgid[SMSC_MAX_PARTS][DLR_KEY_MAX];
};

/*
 * A USSD screen waiting for room in the window.  Screens skip the outbox:
 * a session lives in memory for minutes, a screen is worth nothing after
 * it, and nothing in one needs to survive a restart (ussd.h).
 */
struct smsc_ussd_out {
	TAILQ_ENTRY(smsc_ussd_out) link;
	char			 from[USSD_ADDR_MAX];
	char			 to[USSD_ADDR_MAX];
	struct smpp_ussd	 u;
	char			 text[];
};
TAILQ_HEAD(smsc_ussd_q, smsc_ussd_out);

/* A received PDU waiting for its commit before it is answered. */
struct smsc_pending {
	struct smpp_session	*s;
	uint64_t		 gen;		/* the bind it came on */
	uint32_t		 command_id;
	uint32_t		 seq;
};

struct smsc {
	struct smsc_set		*set;		/* borrowed: its owner */
	const struct conf_smsc	*conf;		/* borrowed */
	struct smpp_session	*tx;		/* one bind, or a tx + rx pair */
	struct event_base	*base;
	int			 closing;
	int			 stopped;	/* smsc_control(): by an operator */
	int64_t			 down_since;	/* clock_now_ms(); 0: bound */
	enum dlr_idtype		 idtype;
	enum udh_mode		 mode;
	struct smsc_job		*fifo, *fifo_tail;
	struct smsc_ussd_q	 ussdq;		/* screens first, then SMS */
	size_t			 nussdq;
	uint64_t		 ussd_refused;	/* screens the SMSC refused */
	struct {
		uint32_t	 code;
		uint64_t	 n;
	}			 codes[SMSC_CODES_MAX];	/* submit answers */
	size_t			 ncodes;
	uint64_t		 codes_other;	/* beyond SMSC_CODES_MAX */
	uint64_t		 ntemporary, npermanent;
};

/* The daemon's direct links: engine.c's struct hotline owns them. */
struct smsc_set {
	struct inbound		*inbound;	/* borrowed */
	struct outbox		*outbox;	/* borrowed */
	struct smsc		*smscs;
	size_t			 nsmscs;
	void			(*stop_done)(void *);
	void			*stop_arg;
	int			 open_sessions;
};

static void	smsc_log(int, const char *);
static int	smsc_log_wants(int);
static void	smsc_bound_cb(struct smpp_session *, void *);
static void	smsc_down_cb(struct smpp_session *, const char *, void *);
static void	smsc_deliver_cb(struct smpp_session *, const struct smpp_pdu *,
		    void *);
static void	smsc_submit_cb(struct smpp_session *, void *, uint32_t,
		    const char *, void *);
static void	smsc_writable_cb(struct smpp_session *, void *);
static void	smsc_answer(void *, int);
static int	smsc_room(void *);
static int	smsc_send(void *, const struct outbox_job *);
static void	smsc_push(struct smsc *);
static void	smsc_job_end(struct smsc_job *);
static void	smsc_job_cut(struct smsc_job *, const char *);
static uint64_t	smsc_gen(struct smpp_session *);
static void	smsc_count(struct smsc *, uint32_t);
static void	smsc_status(json_t *, void *);
static void	smsc_ussd_in(struct smsc *, const struct smpp_pdu *,
		    struct smpp_ussd *, struct smsc_pending *);
static int	smsc_ussd_send(void *, const struct ussd_ref *, const char *,
		    int);
static int	smsc_ussd_push(struct smsc *);
static void	smsc_ussd_flush(struct smsc *, const char *);
static struct smpp_session *smsc_session(struct smsc *);
static void	smsc_stopped(struct smpp_session *, void *);

static const struct smpp_session_cb smsc_cb = {
	smsc_bound_cb, smsc_down_cb, smsc_deliver_cb, smsc_submit_cb,
	smsc_writable_cb
};
static const struct bearer_ops smsc_ops = { smsc_room, smsc_send };

static char		 ussd_cookie;	/* submit cookie of every USSD screen */
static struct smsc_set	*smsc_dflt;	/* borrowed: smsc_default() */
/* The smpp library's log lines, into ours. */
static void
smsc_log(int level, const char *msg)
{
	switch (level) {
	case SMPP_LOG_WARN:
		log_warnx("%s", msg);
		break;
	case SMPP_LOG_INFO:
		log_info("%s", msg);
		break;
	case SMPP_LOG_DEBUG:
		log_debug("%s", msg);
		break;
	default:
		log_trace("%s", msg);
		break;
	}
}

/* The smpp library's levels are ours, in the same order. */
_Static_assert((int)SMPP_LOG_WARN == (int)LOG_L_WARN &&
    (int)SMPP_LOG_INFO == (int)LOG_L_INFO &&
    (int)SMPP_LOG_DEBUG == (int)LOG_L_DEBUG &&
    (int)SMPP_LOG_TRACE == (int)LOG_L_TRACE,
    "smpp and hotlined log levels differ");
static int
smsc_log_wants(int level)
{
	return level <= log_getlevel();
}

static uint64_t
smsc_gen(struct smpp_session *s)
{
	struct smpp_session_stats	st;

	smpp_session_stats(s, &st);
	return st.binds;
}

/* A new session for m's configuration (not started yet), or NULL. */
static struct smpp_session *
smsc_session(struct smsc *m)
{
	struct smpp_session_conf	 sc;
	const struct conf_smsc		*c = m->conf;

	memset(&sc, 0, sizeof(sc));
	sc.name = c->name;
	sc.host = c->host;
	sc.port = c->port;
	sc.tls = c->tls;
	sc.tls_ca = c->tls_ca;
	sc.tls_cert = c->tls_cert;
	sc.tls_key = c->tls_key;
	sc.tls_verify_name = c->tls_verify_name;
	sc.system_id = c->system_id;
	sc.password = c->password;
	sc.system_type = c->system_type;
	sc.addr_ton = (uint8_t)c->addr_ton;
	sc.addr_npi = (uint8_t)c->addr_npi;
	sc.address_range = c->address_range;
	sc.window = c->window;
	sc.throughput = c->throughput;
	sc.enquire_ms = c->enquire_interval;
	sc.response_ms = c->response_timeout;
	sc.bind_ms = c->bind_timeout;
	sc.reconnect_min_ms = c->reconnect_min;
	sc.reconnect_max_ms = c->reconnect_max;
	sc.max_pdu = c->max_pdu_size;
	/* a transmitter + receiver pair is one session to us */
	sc.bind_type = c->bind_mode == CONF_BIND_TX_RX ?
	    SMPP_BIND_PAIR : SMPP_BIND_TRX;
	return smpp_session_new(m->base, &sc, &smsc_cb, m);
}

struct smsc_set *
smsc_new(struct event_base *base, const struct hotlined_conf *conf,
    struct inbound *ib, struct outbox *ob)
{
	const struct conf_smsc		*c;
	struct smsc_set			*ss;
	struct smsc			*m;
	size_t				 i;
	static const enum dlr_idtype	 idtypes[] = {
		[CONF_MSGID_AUTO] = DLR_ID_AUTO,
		[CONF_MSGID_STRING] = DLR_ID_STRING,
		[CONF_MSGID_DEC_DEC] = DLR_ID_DEC,
		[CONF_MSGID_HEX_DEC] = DLR_ID_HEX_DEC,
		[CONF_MSGID_DEC_HEX] = DLR_ID_DEC_HEX,
		[CONF_MSGID_HEX_HEX] = DLR_ID_HEX,
	};
	static const enum udh_mode	 modes[] = {
		[CONF_CONCAT_UDH8] = UDH_MODE_UDH8,
		[CONF_CONCAT_UDH16] = UDH_MODE_UDH16,
		[CONF_CONCAT_SAR] = UDH_MODE_SAR,
		[CONF_CONCAT_PAYLOAD] = UDH_MODE_PAYLOAD,
	};

	smpp_set_log(smsc_log);
	smpp_set_log_filter(smsc_log_wants);
	ss = xcalloc(1, sizeof(*ss));
	ss->inbound = ib;
	ss->outbox = ob;
	if (conf->nsmsc == 0)
		return ss;
	admin_on_status("smsc", smsc_status, ss);
	ss->smscs = xcalloc(conf->nsmsc, sizeof(*ss->smscs));
	ss->nsmscs = conf->nsmsc;
	for (i = 0; i < conf->nsmsc; i++) {
		c = &conf->smsc[i];
		m = &ss->smscs[i];
		m->set = ss;
		m->conf = c;
		m->idtype = idtypes[c->msg_id_type];
		m->mode = modes[c->concat_mode];
		TAILQ_INIT(&m->ussdq);
		m->base = base;
		m->down_since = (int64_t)clock_now_ms();
		if ((m->tx = smsc_session(m)) == NULL) {
			log_warnx("smsc %s cannot be set up (TLS files?)",
			    c->name);
			smsc_free(ss);
			return NULL;
		}
		outbox_add_bearer(ob, c->name, &smsc_ops, m);
		smpp_session_start(m->tx);
		log_info("smsc %s connecting host=%s port=%d%s mode=%s window=%d "
		    "throughput=%d", c->name, c->host, c->port,
		    c->tls ? " tls" : "", c->bind_mode == CONF_BIND_TX_RX ?
		    "tx+rx" : "trx",
		    c->window, c->throughput);
	}
	return ss;
}

struct smsc_set *
smsc_default(void)
{
	return smsc_dflt;
}

void
smsc_set_default(struct smsc_set *ss)
{
	smsc_dflt = ss;
}

int
smsc_bound(const struct smsc_set *ss)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < ss->nsmscs; i++)
		if (ss->smscs[i].tx != NULL &&
		    smpp_session_state(ss->smscs[i].tx) == SMPP_S_BOUND)
			n++;
	return n;
}

static void
smsc_closed(struct smpp_session *s, void *arg)
{
	struct smsc_set	*ss = arg;

	if (--ss->open_sessions == 0 && ss->stop_done != NULL)
		ss->stop_done(ss->stop_arg);
}

void
smsc_stop(struct smsc_set *ss, void (*done)(void *), void *arg)
{
	size_t	i;

	ss->stop_done = done;
	ss->stop_arg = arg;
	ss->open_sessions = 0;
	ss->open_sessions = (int)ss->nsmscs;
	if (ss->open_sessions == 0) {
		if (done != NULL)
			done(arg);
		return;
	}
	for (i = 0; i < ss->nsmscs; i++) {
		ss->smscs[i].closing = 1;
		smpp_session_close(ss->smscs[i].tx, smsc_closed, ss);
	}
}

size_t
smsc_links(const struct smsc_set *ss)
{
	return ss != NULL ? ss->nsmscs : 0;
}

int
smsc_info(const struct smsc_set *ss, size_t i, struct smsc_info *info)
{
	struct smpp_session_stats	st;

	if (ss == NULL || i >= ss->nsmscs)
		return -1;
	memset(info, 0, sizeof(*info));
	info->name = ss->smscs[i].conf->name;
	info->state = smpp_session_state(ss->smscs[i].tx);
	info->stopped = ss->smscs[i].stopped;
	info->throughput = ss->smscs[i].conf->throughput;
	info->window = ss->smscs[i].conf->window;
	info->down_since = info->state == SMPP_S_BOUND ? 0 :
	    ss->smscs[i].down_since;
	smpp_session_stats(ss->smscs[i].tx, &st);
	info->binds = st.binds;
	info->connects = st.connects;
	info->submits = st.submits;
	info->delivers = st.delivers;
	info->throttled = st.throttled;
	return 0;
}

/* A stopped link's session has unbound and closed. */
static void
smsc_stopped(struct smpp_session *s, void *arg)
{
	struct smsc	*m = arg;

	log_info("smsc %s stopped: unbound, stays down until started",
	    m->conf->name);
}

int
smsc_control(struct smsc_set *ss, const char *name, int stop)
{
	struct smsc		*m = NULL;
	struct smpp_session	*s;
	struct smsc_job		*j;
	size_t			 i;

	for (i = 0; ss != NULL && i < ss->nsmscs; i++)
		if (strcmp(ss->smscs[i].conf->name, name) == 0)
			m = &ss->smscs[i];
	if (m == NULL)
		return -1;
	if (m->closing && !m->stopped)
		return 0;		/* the daemon is stopping */
	if (stop) {
		if (m->stopped)
			return 0;
		m->stopped = m->closing = 1;	/* no room: the outbox goes on */
		log_info("smsc %s stop asked: unbinding", name);
		/* parts not submitted yet: their rows go back to the queue */
		while ((j = m->fifo) != NULL) {
			m->fifo = j->fifo_next;
			j->fifo_next = NULL;
			smsc_job_cut(j, "link stopped");
			if (j->answered == j->split.nparts)
				smsc_job_end(j);
		}
		m->fifo_tail = NULL;
		smpp_session_close(m->tx, smsc_stopped, m);
		return 1;
	}
	if (!m->stopped)
		return 0;
	/* a closed session is not restarted: a fresh one binds */
	if ((s = smsc_session(m)) == NULL)
		return -1;
	smpp_session_free(m->tx);
	m->tx = s;
	m->stopped = m->closing = 0;
	smpp_session_start(m->tx);
	log_info("smsc %s started by an operator: connecting", name);
	return 1;
}

void
smsc_free(struct smsc_set *ss)
{
	struct smsc_job	*j;
	size_t		 i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->nsmscs; i++) {
		while ((j = ss->smscs[i].fifo) != NULL) {
			ss->smscs[i].fifo = j->fifo_next;
			free(j);
		}
		smsc_ussd_flush(&ss->smscs[i], NULL);
		smpp_session_free(ss->smscs[i].tx);
	}
	free(ss->smscs);
	if (smsc_dflt == ss)
		smsc_dflt = NULL;
	free(ss);
}

static void
smsc_bound_cb(struct smpp_session *s, void *arg)
{
	struct smsc	*m = arg;

	m->down_since = 0;
	outbox_kick(m->set->outbox);
}

/* Screens queued for a link that dropped are stale by its return. */
static void
smsc_down_cb(struct smpp_session *s, const char *reason, void *arg)
{
	struct smsc	*m = arg;

	if (m->down_since == 0)
		m->down_since = (int64_t)clock_now_ms();
	smsc_ussd_flush(m, "link down");
}

static void
smsc_writable_cb(struct smpp_session *s, void *arg)
{
	struct smsc	*m = arg;

	smsc_push(m);
	if (m->fifo == NULL)
		outbox_kick(m->set->outbox);
}

/* Answer a received PDU once the batch holding it has ended. */
static void
smsc_answer(void *arg, int ok)
{
	struct smsc_pending	*p = arg;

	/* on a new bind the old sequence numbers mean nothing: it resends */
	if (smpp_session_state(p->s) == SMPP_S_BOUND && smsc_gen(p->s) == p->gen)
		smpp_session_respond(p->s, p->command_id, p->seq,
		    ok ? ESME_ROK : ESME_RX_T_APPN);
	free(p);
}

static void
smsc_deliver_cb(struct smpp_session *s, const struct smpp_pdu *pdu, void *arg)
{
	struct smsc		*m = arg;
	struct smsc_pending	*p;
	struct smsc_mo		 mo;
	char			 keys[2][DLR_KEY_MAX];
	char			 err[16];
	int			 nkeys;
	static char		 text[SMSC_TEXT_MAX];

	struct smpp_ussd	 u;

	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->gen = smsc_gen(s);
	p->command_id = pdu->command_id;
	p->seq = pdu->sequence_number;

	/* USSD is a menu, never a matter: it goes to ussd.c, not intake */
	switch (smpp_ussd_get(pdu, &u)) {
	case -1:
		log_warnx("smsc %s USSD TLVs disagree, deliver_sm refused",
		    m->conf->name);
		smpp_session_respond(s, pdu->command_id, pdu->sequence_number,
		    ESME_RINVOPTPARAMVAL);
		free(p);
		return;
	case 1:
		smsc_ussd_in(m, pdu, &u, p);
		return;
	}
	smsc_mo_read(pdu, m->conf->name, &mo, text, sizeof(text));
	switch (mo.kind) {
	case SMSC_MO_TEXT:
		inbound_receive(m->set->inbound, &mo.msg, smsc_answer, p);
		return;
	case SMSC_MO_RECEIPT:
		nkeys = dlr_key_receipt(mo.dlr.id, m->idtype, keys);
		if (nkeys <= 0) {
			log_warnx("smsc %s receipt with unusable id, ignored",
			    m->conf->name);
			smsc_answer(p, 1);
			return;
		}
		if (mo.dlr.err >= 0)
			snprintf(err, sizeof(err), "%03d", mo.dlr.err);
		else
			err[0] = '\0';
		outbox_receipt(m->set->outbox, m->conf->name, keys[0],
		    nkeys > 1 ? keys[1] : NULL, mo.dlr.id,
		    smsc_receipt_state(mo.dlr.state), mo.dlr.stat[0] ?
		    mo.dlr.stat : dlr_strstate(mo.dlr.state), err, smsc_answer,
		    p);
		return;
	case SMSC_MO_BAD:
		log_warnx("smsc %s unusable deliver_sm status=%s",
		    m->conf->name, smpp_strstatus(mo.status));
		smpp_session_respond(s, pdu->command_id, pdu->sequence_number,
		    mo.status);
		free(p);
		return;
	}
}

/* Room for new jobs: none while an earlier job still has parts to send. */
static int
smsc_room(void *ctx)
{
	struct smsc	*m = ctx;

	if (m->fifo != NULL || m->nussdq > 0 || m->closing)
		return 0;
	return smpp_session_room(m->tx);
}

static int
smsc_send(void *ctx, const struct outbox_job *oj)
{
	struct smsc	*m = ctx;
	struct smsc_job	*j;
	size_t		 i;
	uint16_t	 ref;

	j = xmalloc(sizeof(*j));
	memset(j, 0, offsetof(struct smsc_job, split));
	j->sc = m;
	j->id = oj->id;
	if (strlcpy(j->from, oj->from, sizeof(j->from)) >= sizeof(j->from) ||
	    strlcpy(j->to, oj->to, sizeof(j->to)) >= sizeof(j->to)) {
		free(j);
		outbox_failed(m->set->outbox, oj->id, 0, "address too long");
		return 0;
	}
	/*
	 * A reference of its own for every long message to a recipient,
	 * from the outbox row: a retry of the row uses the same one, so
	 * that the parts it resends join those the phone has (issue 14).
	 */
	ref = udh_ref(oj->to, (uint32_t)oj->id, m->mode);
	if (smsc_split(oj->text, m->mode, ref, SMSC_MAX_PARTS, j->buf,
	    sizeof(j->buf), &j->split) == -1) {
		free(j);
		outbox_failed(m->set->outbox, oj->id, 0,
		    "text cannot be encoded");
		return 0;
	}
	for (i = 0; i < j->split.nparts && i < SMSC_MAX_PARTS; i++) {
		j->msgid[i][0] = '\0';		/* a part answered without an id */
		j->cookie[i] = (struct smsc_part){ j, i };
		/* the same split as the try that delivered them: skip those */
		if (oj->done_nparts == (int)j->split.nparts &&
		    (oj->done & (uint32_t)1 << i) != 0) {
			j->skip |= (uint32_t)1 << i;
			j->answered++;
		}
	}
	if (j->skip != 0)
		log_info("smsc %s outbox id=%lld resends %zu of %zu parts, "
		    "ref=%u", m->conf->name, (long long)oj->id,
		    j->split.nparts - j->answered, j->split.nparts,
		    (unsigned)ref);
	if (j->split.cut > 0)
		log_warnx("smsc %s outbox id=%lld cut=%zu characters beyond %d "
		    "parts", m->conf->name, (long long)oj->id, j->split.cut,
		    SMSC_MAX_PARTS);
	if (m->fifo_tail != NULL)
		m->fifo_tail->fifo_next = j;
	else
		m->fifo = j;
	m->fifo_tail = j;
	smsc_push(m);
	return 0;
}

/* Submit the waiting parts, oldest job first, while the session has room. */
static void
smsc_push(struct smsc *m)
{
	struct smsc_job	*j;
	struct smpp_pdu	 pdu;

	if (smsc_ussd_push(m) == -1)
		return;
	while ((j = m->fifo) != NULL) {
		while (j->next < j->split.nparts) {
			if ((j->skip & (uint32_t)1 << j->next) != 0) {
				j->next++;	/* answered already */
				continue;
			}
			if (smpp_session_room(m->tx) <= 0)
				return;
			if (smsc_part_pdu(&j->split, j->buf, j->next, j->from,
			    j->to, m->mode, 1, &pdu) == -1 ||
			    smpp_session_submit(m->tx, &pdu,
			    &j->cookie[j->next]) == -1) {
				/* cannot build it, or lost room: end here */
				smsc_job_cut(j, "submit failed");
				break;
			}
			j->next++;
		}
		m->fifo = j->fifo_next;
		if (m->fifo == NULL)
			m->fifo_tail = NULL;
		j->fifo_next = NULL;
		if (j->answered == j->split.nparts)
			smsc_job_end(j);
	}
}

/* The parts not submitted yet never will be: a temporary failure. */
static void
smsc_job_cut(struct smsc_job *j, const char *why)
{
	if (j->failed == 0) {
		j->failed = 1;
		strlcpy(j->error, why, sizeof(j->error));
	}
	/* parts accepted before a retry (skip) are not waited for again */
	for (; j->next < j->split.nparts; j->next++)
		if ((j->skip & (uint32_t)1 << j->next) == 0)
			j->answered++;
}

/* Every part has answered: tell the outbox, free the job. */
static void
smsc_job_end(struct smsc_job *j)
{
	const char	*ids[SMSC_MAX_PARTS];
	size_t		 i;

	/* a part an earlier try delivered has no id here: NULL */
	for (i = 0; i < j->split.nparts; i++)
		ids[i] = (j->ok & (uint32_t)1 << i) != 0 ? j->msgid[i] : NULL;
	if (j->failed)
		outbox_failed_parts(j->sc->set->outbox, j->id, j->failed == 1,
		    j->error, j->sc->conf->name, ids, (int)j->split.nparts);
	else
		outbox_sent(j->sc->set->outbox, j->id, j->sc->conf->name, ids,
		    (int)j->split.nparts);
	free(j);
}

/* One more submit answered with status. */
static void
smsc_count(struct smsc *m, uint32_t status)
{
	size_t	i;

	for (i = 0; i < m->ncodes; i++)
		if (m->codes[i].code == status) {
			m->codes[i].n++;
			return;
		}
	if (m->ncodes == SMSC_CODES_MAX) {
		m->codes_other++;
		return;
	}
	m->codes[m->ncodes].code = status;
	m->codes[m->ncodes++].n = 1;
}

/*
 * GET /v1/status: "submit_status": {"NAME_0x45": n, "NAME_timeout": n,
 * "NAME_temporary": n, "NAME_permanent": n, ...} per SMSC, so that an
 * operator sees which codes an SMSC answers and how they were taken.
 */
static void
smsc_status(json_t *st, void *arg)
{
	struct smsc_set	*ss = arg;
	struct smsc	*m;
	json_t		*o;
	char		 key[96];
	size_t		 i, k;
	uint32_t	 c;

	if ((o = json_object()) == NULL)
		return;
	for (i = 0; i < ss->nsmscs; i++) {
		m = &ss->smscs[i];
		for (k = 0; k < m->ncodes; k++) {
			c = m->codes[k].code;
			if (SMPP_SESSION_IS_PSEUDO(c))
				snprintf(key, sizeof(key), "%s_%s",
				    m->conf->name,
				    c == SMPP_SESSION_TIMEOUT ? "timeout" :
				    c == SMPP_SESSION_DOWN ? "down" : "nack0");
			else
				snprintf(key, sizeof(key), "%s_0x%02x",
				    m->conf->name, c);
			json_object_set_new(o, key,
			    json_integer((json_int_t)m->codes[k].n));
		}
		snprintf(key, sizeof(key), "%s_other", m->conf->name);
		if (m->codes_other > 0)
			json_object_set_new(o, key,
			    json_integer((json_int_t)m->codes_other));
		snprintf(key, sizeof(key), "%s_temporary", m->conf->name);
		json_object_set_new(o, key,
		    json_integer((json_int_t)m->ntemporary));
		snprintf(key, sizeof(key), "%s_permanent", m->conf->name);
		json_object_set_new(o, key,
		    json_integer((json_int_t)m->npermanent));
	}
	json_object_set_new(st, "submit_status", o);
}

static void
smsc_submit_cb(struct smpp_session *s, void *cookie, uint32_t status,
    const char *message_id, void *arg)
{
	struct smsc_part *p = cookie;
	struct smsc_job	*j;
	struct smsc	*m = arg;
	size_t		 part;
	int		 temporary;

	if (cookie == &ussd_cookie) {
		smsc_count(m, status);
		if (status != ESME_ROK) {
			m->ussd_refused++;
			log_warnx("smsc %s USSD screen not delivered status=%s",
			    m->conf->name, SMPP_SESSION_IS_PSEUDO(status) ?
			    "no answer" : smpp_strstatus(status));
		}
		return;
	}
	j = p->j;
	part = p->i;
	smsc_count(j->sc, status);
	j->answered++;
	if (status == ESME_ROK) {
		/* parts answer in any order; each id is kept with its part */
		j->ok |= (uint32_t)1 << part;
		if (message_id != NULL && dlr_key_submit(message_id,
		    j->sc->idtype, j->msgid[part], sizeof(j->msgid[part])) == -1)
			strlcpy(j->msgid[part], message_id,
			    sizeof(j->msgid[part]));
	} else {
		/* no answer is worth a retry; an answer as configured */
		temporary = SMPP_SESSION_IS_PSEUDO(status) ||
		    conf_codes_has(&j->sc->conf->temporary_errors, status);
		if (temporary)
			j->sc->ntemporary++;
		else
			j->sc->npermanent++;
		if (j->failed == 2)
			goto end;	/* one permanent part fails it all */
		j->failed = temporary ? 1 : 2;
		snprintf(j->error, sizeof(j->error), "%s",
		    status == SMPP_SESSION_TIMEOUT ? "timeout" :
		    status == SMPP_SESSION_DOWN ? "link down" :
		    status == SMPP_SESSION_NACK ? "generic_nack status 0" :
		    smpp_strstatus(status));
	}
 end:
	/* a job still in the fifo ends when smsc_push() has sent it all */
	if (j->answered == j->split.nparts && j->next == j->split.nparts &&
	    j->sc->fifo != j)
		smsc_job_end(j);
}

/*
 * A deliver_sm the USSD TLVs (or service_type "USSD") mark: read it in this
 * SMSC's dialect (hotlined.conf(5), ussd-*) and hand it to ussd.c.  An
 * abort is a configured ussd_service_op value or, when sessions are named
 * by its_session_info, its end bit; an op that is neither begin nor
 * continue (or none) is a dial unless the session is open.
 */
static void
smsc_ussd_in(struct smsc *m, const struct smpp_pdu *pdu, struct smpp_ussd *u,
    struct smsc_pending *p)
{
	const struct conf_smsc	*c = m->conf;
	struct ussd_msg		 msg;
	struct smsc_mo		 mo;
	static char		 text[SMSC_TEXT_MAX];

	smsc_mo_read(pdu, c->name, &mo, text, sizeof(text));
	memset(&msg, 0, sizeof(msg));
	msg.bearer = c->name;
	msg.send = smsc_ussd_send;
	msg.ctx = m;
	msg.text = mo.kind == SMSC_MO_TEXT ? text : "";
	if ((u->op >= 0 && conf_codes_has(&c->ussd_in_abort,
	    (uint32_t)u->op)) || (c->ussd_session == CONF_USSD_ITS_SESSION &&
	    u->dialog >= 0 && u->end))
		msg.kind = USSD_ABORT;
	else if (c->ussd_in_begin == c->ussd_in_continue || u->op < 0)
		msg.kind = USSD_AUTO;
	else if (u->op == c->ussd_in_begin)
		msg.kind = USSD_BEGIN;
	else if (u->op == c->ussd_in_continue)
		msg.kind = USSD_CONTINUE;
	else
		msg.kind = USSD_AUTO;
	if (strlcpy(msg.ref.msisdn, mo.src, sizeof(msg.ref.msisdn)) >=
	    sizeof(msg.ref.msisdn) || mo.src[0] == '\0') {
		log_warnx("smsc %s USSD without a usable source_addr, refused",
		    c->name);
		smpp_session_respond(p->s, p->command_id, p->seq,
		    ESME_RINVSRCADR);
		free(p);
		return;
	}
	strlcpy(msg.ref.code, mo.dst, sizeof(msg.ref.code));
	msg.ref.dialog = u->dialog;
	msg.ref.umr = u->umr;
	switch (c->ussd_session) {
	case CONF_USSD_ITS_SESSION:
		msg.ref.key = u->dialog;
		break;
	case CONF_USSD_UMR:
		msg.ref.key = u->umr;
		break;
	default:
		msg.ref.key = -1;
		break;
	}
	ussd_receive(&msg, smsc_answer, p);
}

/*
 * ussd.c's way out: one submit_sm into the session, its TLVs copied from
 * the session's last message, the end bit and the end op on the last
 * screen.  text NULL: our timeout, sent as ussd-out-abort if set.
 */
static int
smsc_ussd_send(void *ctx, const struct ussd_ref *ref, const char *text,
    int end)
{
	struct smsc		*m = ctx;
	const struct conf_smsc	*c = m->conf;
	struct smsc_ussd_out	*o;
	size_t			 len;

	if (text == NULL && c->ussd_out_abort < 0)
		return 0;
	if (m->nussdq >= SMSC_USSD_QUEUE) {
		log_warnx("smsc %s USSD queue full, screen dropped", c->name);
		return -1;
	}
	len = text != NULL ? strlen(text) : 0;
	o = xcalloc(1, sizeof(*o) + len + 1);
	memcpy(o->text, text != NULL ? text : "", len);
	/* the answer comes from what was dialled, as the gateway expects */
	strlcpy(o->from, ref->code[0] != '\0' ? ref->code :
	    "12345", sizeof(o->from));
	strlcpy(o->to, ref->msisdn, sizeof(o->to));
	smpp_ussd_init(&o->u);
	o->u.op = text == NULL ? c->ussd_out_abort : end ? c->ussd_out_end :
	    c->ussd_out_continue;
	o->u.dialog = ref->dialog;
	o->u.end = end;
	o->u.umr = ref->umr;
	TAILQ_INSERT_TAIL(&m->ussdq, o, link);
	m->nussdq++;
	smsc_push(m);
	return 0;
}

/* Submit the waiting screens while there is room; -1 when some wait. */
static int
smsc_ussd_push(struct smsc *m)
{
	struct smsc_ussd_out	*o;
	struct smpp_pdu		 pdu;
	uint8_t			 sm[SMPP_SM_MAX];

	while ((o = TAILQ_FIRST(&m->ussdq)) != NULL) {
		if (smpp_session_room(m->tx) <= 0)
			return -1;
		if (smsc_ussd_pdu(o->text, o->from, o->to, &o->u,
		    m->conf->ussd_service_type, sm, &pdu) == -1) {
			log_warnx("smsc %s USSD screen longer than one "
			    "short_message, dropped", m->conf->name);
		} else if (smpp_session_submit(m->tx, &pdu, &ussd_cookie) ==
		    -1)
			return -1;
		TAILQ_REMOVE(&m->ussdq, o, link);
		m->nussdq--;
		free(o);
	}
	return 0;
}

/* Drop the waiting screens (a link down, the end); why NULL: silently. */
static void
smsc_ussd_flush(struct smsc *m, const char *why)
{
	struct smsc_ussd_out	*o;
	size_t			 n = 0;

	while ((o = TAILQ_FIRST(&m->ussdq)) != NULL) {
		TAILQ_REMOVE(&m->ussdq, o, link);
		free(o);
		n++;
	}
	m->nussdq = 0;
	if (n > 0 && why != NULL)
		log_warnx("smsc %s %zu USSD screens dropped: %s", m->conf->name,
		    n, why);
}
