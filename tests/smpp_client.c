/*
 * smpp_client: a test driver for smpp_session.  Runs one session with the
 * parameters on the command line, prints what happens as one line per
 * event (numbers masked), submits texts from argv or stdin split with
 * udh_split(), answers deliver_sm, reassembles concatenated MOs, parses
 * receipts with dlr_parse(), and exits when its conditions are met or its
 * time is up (exit status 0, or 1 on timeout).  The run-session*.sh tests
 * grep its output.
 */
#include "compat.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "dlr.h"
#include "gsm7.h"
#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smpp_session.h"
#include "udh.h"

#define MAXTEXT		64
#define MAXPEND		32
#define MAXIDS		256

/* One concatenated MO being put together. */
struct mo {
	char	 from[24];
	char	 to[24];
	int	 ref, total, got;
	char	*part[UDH_MAX_PARTS + 1];
};

/* One part waiting for room in the window. */
struct outpart {
	int	 msg;			/* index in texts */
	size_t	 part, nparts;
};

static struct event_base	*base;
static struct smpp_session	*sess;
static struct event		*ev_timeout, *ev_check;
static const char		*texts[MAXTEXT];
static char			*owned[MAXTEXT];	/* from stdin */
static int			 ntexts;
static struct udh_split		 splits[MAXTEXT];
static uint8_t			*bufs[MAXTEXT];
static struct outpart		 queue[MAXTEXT * 8];
static size_t			 nqueue, qhead, nparts_total;
static struct mo		 pend[MAXPEND];
static char			 msgids[MAXIDS][66];
static int			 nmsgids;
static const char		*opt_from = "12345";
static const char		*opt_to = "13800138000";
static enum udh_mode		 opt_mode = UDH_MODE_UDH8;
static int			 opt_receipt = 1;
static uint32_t			 opt_answer = ESME_ROK;
static int			 opt_submit_at_bind = 1;	/* which bind */
static int			 want_binds, want_mos, want_receipts;
static int			 want_done, want_downs, want_ms;
static int64_t			 start_ms;
static int			 binds, downs, mos, receipts, dones, submitted;
static int			 exit_status, closing;

static void
usage(void)
{
	fprintf(stderr, "usage: smpp_client -p port [-h host] [-u system_id] "
	    "[-P password]\n"
	    "\t[-b trx|tx|rx|pair] [-s ca.pem [-N name]] [-w window] [-t throughput] [-e enquire_ms]\n"
	    "\t[-r response_ms] [-m reconnect_ms] [-T seconds] [-f from] "
	    "[-d to]\n"
	    "\t[-c udh8|udh16|sar|payload] [-R 0|1] [-A status] [-B bind]\n"
	    "\t[-x binds=N|mo=N|receipts=N|done=N|downs=N|ms=N] [-i] "
	    "[text ...]\n");
	exit(2);
}

/* 138****8000: the first three and the last four digits. */
static const char *
mask(const char *num, char *buf, size_t sz)
{
	size_t	n = strlen(num);

	if (n < 8)
		snprintf(buf, sz, "%s", num);
	else
		snprintf(buf, sz, "%.3s****%s", num, num + n - 4);
	return buf;
}

static void
logfn(int level, const char *msg)
{
	if (level <= SMPP_LOG_INFO || getenv("SMPP_CLIENT_DEBUG") != NULL)
		printf("log %s\n", msg);
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
done_check(void)
{
	if (closing)
		return;
	if (want_ms && now_ms() - start_ms < want_ms)
		return;
	if ((want_binds && binds < want_binds) ||
	    (want_mos && mos < want_mos) ||
	    (want_receipts && receipts < want_receipts) ||
	    (want_done && dones < want_done) ||
	    (want_downs && downs < want_downs))
		return;
	if (!want_binds && !want_mos && !want_receipts && !want_done &&
	    !want_downs && !want_ms && (ntexts == 0 || dones < (int)nparts_total))
		return;
	printf("conditions met\n");
	closing = 1;
	smpp_session_close(sess, NULL, NULL);
}

static void
on_closed(struct smpp_session *s, void *arg)
{
	(void)s;
	(void)arg;
	event_base_loopbreak(base);
}

static void
timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	printf("timeout binds=%d mos=%d receipts=%d done=%d downs=%d\n",
	    binds, mos, receipts, dones, downs);
	exit_status = 1;
	event_base_loopbreak(base);
}

/* Every 50 ms: conditions may have been met; closing ends the loop. */
static void
check_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	done_check();
	if (closing && smpp_session_state(sess) == SMPP_S_CLOSED)
		event_base_loopbreak(base);
}

static void
pump(struct smpp_session *s)
{
	struct smpp_pdu		 pdu;
	struct smpp_submit_sm	*m = &pdu.u.submit_sm;
	const struct udh_split	*sp;
	const struct udh_part	*p;
	struct outpart		*q;
	char			 mb[32];

	if (binds < opt_submit_at_bind)
		return;
	while (qhead < nqueue && smpp_session_room(s) > 0) {
		q = &queue[qhead];
		sp = &splits[q->msg];
		p = &sp->part[q->part];
		smpp_pdu_init(&pdu, SMPP_submit_sm, 0);
		strlcpy(m->source_addr, opt_from, sizeof(m->source_addr));
		strlcpy(m->destination_addr, opt_to,
		    sizeof(m->destination_addr));
		m->esm_class = sp->udhi ? UDH_ESM_UDHI : 0;
		m->registered_delivery = (uint8_t)opt_receipt;
		m->data_coding = (uint8_t)sp->data_coding;
		if (opt_mode == UDH_MODE_PAYLOAD)
			smpp_tlv_add(&pdu, SMPP_TLV_message_payload,
			    bufs[q->msg] + p->off, (uint16_t)p->len);
		else {
			m->short_message = bufs[q->msg] + p->off;
			m->sm_length = (uint8_t)p->len;
		}
		if (sp->sar) {
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_msg_ref_num,
			    sp->sar_msg_ref_num);
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_total_segments,
			    sp->sar_total_segments);
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_segment_seqnum,
			    p->sar_segment_seqnum);
		}
		if (smpp_session_submit(s, &pdu, q) == -1)
			break;
		submitted++;
		printf("submit msg=%d part=%zu/%zu to=%s dcs=%u esm=0x%02x "
		    "len=%zu\n", q->msg + 1, q->part + 1, q->nparts,
		    mask(opt_to, mb, sizeof(mb)), sp->data_coding,
		    m->esm_class, p->len);
		qhead++;
	}
}

static void
cb_bound(struct smpp_session *s, void *arg)
{
	(void)arg;
	binds++;
	printf("bound n=%d\n", binds);
	(void)s;
}

static void
cb_down(struct smpp_session *s, const char *reason, void *arg)
{
	(void)s;
	(void)arg;
	downs++;
	printf("down n=%d reason=%s\n", downs, reason);
}

static void
cb_writable(struct smpp_session *s, void *arg)
{
	(void)arg;
	pump(s);
}

static void
cb_done(struct smpp_session *s, void *cookie, uint32_t status,
    const char *msgid, void *arg)
{
	struct outpart	*q = cookie;

	(void)s;
	(void)arg;
	dones++;
	printf("submit_done msg=%d part=%zu/%zu status=0x%08x%s%s\n",
	    q->msg + 1, q->part + 1, q->nparts, status,
	    msgid != NULL ? " message_id=" : "", msgid != NULL ? msgid : "");
	if (msgid != NULL && nmsgids < MAXIDS)
		strlcpy(msgids[nmsgids++], msgid, sizeof(msgids[0]));
	/*
	 * A part refused for now goes again, and so does everything queued
	 * after it, which keeps the order (use -w 1 to avoid duplicates).
	 */
	if (status != ESME_ROK && smpp_status_is_temporary(status)) {
		if ((size_t)(q - queue) < qhead)
			qhead = (size_t)(q - queue);
		dones--;
	}
}

static void
receipt(const struct smpp_pdu *pdu, const char *sm, size_t len)
{
	const struct smpp_tlv	*t;
	struct dlr_tlv		 dt;
	struct dlr		 d;
	char			 idbuf[DLR_ID_MAX];
	uint32_t		 v;
	int			 i, matched = 0;

	dt.receipted_message_id = NULL;
	dt.message_state = dt.network_type = dt.network_error = -1;
	if ((t = smpp_tlv_find(pdu, SMPP_TLV_receipted_message_id)) != NULL &&
	    t->len > 0 && t->len <= sizeof(idbuf)) {
		memcpy(idbuf, t->val, t->len);
		idbuf[t->len - 1] = '\0';
		dt.receipted_message_id = idbuf;
	}
	if (smpp_tlv_get_int(pdu, SMPP_TLV_message_state, &v) == 0)
		dt.message_state = (int)v;
	if (dlr_parse(sm, len, &dt, &d) == -1) {
		printf("receipt unparsed\n");
		return;
	}
	for (i = 0; i < nmsgids; i++)
		if (dlr_id_match(msgids[i], d.id, DLR_ID_AUTO))
			matched = 1;
	receipts++;
	printf("receipt id=%s stat=%s state=%s final=%d err=%d matched=%d\n",
	    d.id, d.stat, dlr_strstate(d.state), d.final, d.err, matched);
}

static void
mo_part(const char *from, const char *to, int ref, int total, int seq,
    const char *text)
{
	struct mo	*m = NULL;
	char		 mb[32], out[8192];
	int		 i;

	for (i = 0; i < MAXPEND; i++)
		if (pend[i].total == total && pend[i].ref == ref &&
		    strcmp(pend[i].from, from) == 0) {
			m = &pend[i];
			break;
		}
	if (m == NULL) {
		for (i = 0; i < MAXPEND && pend[i].total != 0; i++)
			;
		if (i == MAXPEND)
			return;
		m = &pend[i];
		strlcpy(m->from, from, sizeof(m->from));
		strlcpy(m->to, to, sizeof(m->to));
		m->ref = ref;
		m->total = total;
	}
	if (seq < 1 || seq > total || m->part[seq] != NULL)
		return;		/* a duplicate part */
	m->part[seq] = strdup(text);
	if (++m->got < total)
		return;
	out[0] = '\0';
	for (i = 1; i <= total; i++) {
		strlcat(out, m->part[i], sizeof(out));
		free(m->part[i]);
	}
	mos++;
	printf("mo from=%s to=%s parts=%d text=%s\n",
	    mask(m->from, mb, sizeof(mb)), m->to, total, out);
	memset(m, 0, sizeof(*m));
}

static void
cb_deliver(struct smpp_session *s, const struct smpp_pdu *pdu, void *arg)
{
	const struct smpp_deliver_sm	*d = &pdu->u.deliver_sm;
	const struct smpp_tlv		*t;
	const uint8_t			*sm = d->short_message;
	struct udh_info			 ui;
	struct udh_concat		 uc;
	uint32_t			 r, tot, sq;
	size_t				 len = d->sm_length;
	char				 text[4096], mb[32];
	int				 rc, total = 1, seq = 1, ref = 0;

	(void)arg;
	if (pdu->command_id != SMPP_deliver_sm) {
		smpp_session_respond(s, pdu->command_id,
		    pdu->sequence_number, ESME_ROK);
		return;
	}
	if ((t = smpp_tlv_find(pdu, SMPP_TLV_message_payload)) != NULL) {
		sm = t->val;
		len = t->len;
	}
	if ((d->esm_class & 0x3C) == 0x04 || (d->esm_class & 0x3C) == 0x08) {
		snprintf(text, sizeof(text), "%.*s", (int)len,
		    (const char *)sm);
		receipt(pdu, text, strlen(text));
		smpp_session_respond(s, pdu->command_id, pdu->sequence_number,
		    opt_answer);
		return;
	}
	if (d->esm_class & UDH_ESM_UDHI) {
		if (udh_parse(sm, len, &ui) != 0) {
			printf("deliver bad udh\n");
			smpp_session_respond(s, pdu->command_id,
			    pdu->sequence_number, ESME_RINVESMCLASS);
			return;
		}
		if (ui.has_concat) {
			ref = ui.concat.ref;
			total = ui.concat.total;
			seq = ui.concat.seq;
		}
		sm += ui.len;
		len -= ui.len;
	} else if (smpp_tlv_get_int(pdu, SMPP_TLV_sar_msg_ref_num, &r) == 0 &&
	    smpp_tlv_get_int(pdu, SMPP_TLV_sar_total_segments, &tot) == 0 &&
	    smpp_tlv_get_int(pdu, SMPP_TLV_sar_segment_seqnum, &sq) == 0 &&
	    udh_sar(r, tot, sq, &uc) == 0) {
		ref = uc.ref;
		total = uc.total;
		seq = uc.seq;
	}
	rc = gsm7_decode(d->data_coding, sm, len, text, sizeof(text), NULL,
	    GSM7_F_LENIENT);
	if (rc < 0)
		snprintf(text, sizeof(text), "(%s)", gsm7_strerror(rc));
	printf("deliver seq=%u from=%s to=%s dcs=%u esm=0x%02x ref=%d "
	    "part=%d/%d text=%s\n", pdu->sequence_number,
	    mask(d->source_addr, mb, sizeof(mb)), d->destination_addr,
	    d->data_coding, d->esm_class, ref, seq, total, text);
	mo_part(d->source_addr, d->destination_addr, ref, total, seq, text);
	smpp_session_respond(s, pdu->command_id, pdu->sequence_number,
	    opt_answer);
}

static const struct smpp_session_cb callbacks = {
	cb_bound, cb_down, cb_deliver, cb_done, cb_writable
};

/* Split every text and queue its parts. */
static void
prepare(void)
{
	struct udh_opts	o;
	size_t		j, sz = 65536;
	int		i, rc;

	for (i = 0; i < ntexts; i++) {
		memset(&o, 0, sizeof(o));
		o.mode = opt_mode;
		o.ref = udh_ref(opt_to, (uint32_t)i, opt_mode);
		if ((bufs[i] = malloc(sz)) == NULL)
			exit(2);
		rc = udh_split(texts[i], strlen(texts[i]), &o, bufs[i], sz,
		    &splits[i]);
		if (rc != 0) {
			fprintf(stderr, "smpp_client: text %d: %s\n", i + 1,
			    udh_strerror(rc));
			exit(2);
		}
		for (j = 0; j < splits[i].nparts; j++) {
			if (nqueue == sizeof(queue) / sizeof(queue[0]))
				exit(2);
			queue[nqueue].msg = i;
			queue[nqueue].part = j;
			queue[nqueue].nparts = splits[i].nparts;
			nqueue++;
		}
	}
}

static int
condition(const char *s)
{
	const char	*eq = strchr(s, '=');
	int		 n;

	if (eq == NULL || (n = atoi(eq + 1)) <= 0)
		return -1;
	if (strncmp(s, "binds=", 6) == 0)
		want_binds = n;
	else if (strncmp(s, "mo=", 3) == 0)
		want_mos = n;
	else if (strncmp(s, "receipts=", 9) == 0)
		want_receipts = n;
	else if (strncmp(s, "done=", 5) == 0)
		want_done = n;
	else if (strncmp(s, "downs=", 6) == 0)
		want_downs = n;
	else if (strncmp(s, "ms=", 3) == 0)
		want_ms = n;
	else
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct smpp_session_conf	 conf;
	struct timeval			 tv = { 20, 0 }, tick = { 0, 50000 };
	static char			 line[4096];
	int				 ch, i, from_stdin = 0;

	memset(&conf, 0, sizeof(conf));
	conf.name = "client";
	conf.host = "127.0.0.1";
	conf.system_id = "hotline";
	conf.password = "secret";
	conf.reconnect_min_ms = 100;
	conf.reconnect_max_ms = 1000;
	conf.response_ms = 3000;
	while ((ch = getopt(argc, argv,
	    "A:b:B:c:d:e:f:h:im:N:p:P:r:R:s:t:T:u:w:x:")) != -1) {
		switch (ch) {
		case 'A':
			opt_answer = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			conf.bind_type = strcmp(optarg, "tx") == 0 ?
			    SMPP_BIND_TX : strcmp(optarg, "rx") == 0 ?
			    SMPP_BIND_RX : strcmp(optarg, "pair") == 0 ?
			    SMPP_BIND_PAIR : SMPP_BIND_TRX;
			break;
		case 'B':
			opt_submit_at_bind = atoi(optarg);
			break;
		case 'c':
			opt_mode = strcmp(optarg, "udh16") == 0 ?
			    UDH_MODE_UDH16 : strcmp(optarg, "sar") == 0 ?
			    UDH_MODE_SAR : strcmp(optarg, "payload") == 0 ?
			    UDH_MODE_PAYLOAD : UDH_MODE_UDH8;
			break;
		case 'd':
			opt_to = optarg;
			break;
		case 'e':
			conf.enquire_ms = atoi(optarg);
			break;
		case 'f':
			opt_from = optarg;
			break;
		case 'h':
			conf.host = optarg;
			break;
		case 'i':
			from_stdin = 1;
			break;
		case 'm':
			conf.reconnect_min_ms = atoi(optarg);
			conf.reconnect_max_ms = 4 * conf.reconnect_min_ms;
			break;
		case 'N':
			conf.tls_verify_name = optarg;
			break;
		case 'p':
			conf.port = atoi(optarg);
			break;
		case 'P':
			conf.password = optarg;
			break;
		case 'r':
			conf.response_ms = atoi(optarg);
			break;
		case 'R':
			opt_receipt = atoi(optarg);
			break;
		case 's':
			conf.tls = 1;
			conf.tls_ca = optarg;
			break;
		case 't':
			conf.throughput = atoi(optarg);
			break;
		case 'T':
			tv.tv_sec = atoi(optarg);
			break;
		case 'u':
			conf.system_id = optarg;
			break;
		case 'w':
			conf.window = atoi(optarg);
			break;
		case 'x':
			if (condition(optarg) == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (conf.port <= 0)
		usage();
	for (i = optind; i < argc && ntexts < MAXTEXT; i++)
		texts[ntexts++] = argv[i];
	while (from_stdin && ntexts < MAXTEXT &&
	    fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && (owned[ntexts] = strdup(line)) != NULL) {
			texts[ntexts] = owned[ntexts];
			ntexts++;
		}
	}
	prepare();
	nparts_total = nqueue;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	smpp_set_log(logfn);
	if ((base = event_base_new()) == NULL ||
	    (sess = smpp_session_new(base, &conf, &callbacks, NULL)) == NULL)
		return 2;
	ev_timeout = evtimer_new(base, timeout_cb, NULL);
	ev_check = event_new(base, -1, EV_PERSIST, check_cb, NULL);
	evtimer_add(ev_timeout, &tv);
	evtimer_add(ev_check, &tick);
	start_ms = now_ms();
	smpp_session_start(sess);
	event_base_dispatch(base);
	if (smpp_session_state(sess) != SMPP_S_CLOSED && exit_status == 0) {
		/* the close did not finish in the loop: give it its time */
		smpp_session_close(sess, on_closed, NULL);
		event_base_dispatch(base);
	}
	printf("exit status=%d binds=%d mos=%d receipts=%d submitted=%d "
	    "done=%d downs=%d\n", exit_status, binds, mos, receipts,
	    submitted, dones, downs);
	smpp_session_free(sess);
	event_free(ev_timeout);
	event_free(ev_check);
	event_base_free(base);
	for (i = 0; i < ntexts; i++) {
		free(bufs[i]);
		free(owned[i]);
	}
	for (i = 0; i < MAXPEND; i++)
		for (ch = 0; ch <= UDH_MAX_PARTS; ch++)
			free(pend[i].part[ch]);
	return exit_status;
}
