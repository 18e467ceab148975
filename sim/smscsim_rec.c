/*
 * smscsim records: every submit_sm decoded, concatenated parts joined by
 * reference, written as one JSON line (flushed, so tests can tail it);
 * message ids in the configured style; delivery receipts queued after the
 * receipt delay (SMPP 3.4, appendix B).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <event2/event.h>

#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smpp_ussd.h"
#include "dlr.h"
#include "gsm7.h"
#include "udh.h"
#include "smscsim.h"

/* A submit_sm as the recorder needs it. */
struct rec_sm {
	char		 service_type[8];
	char		 src[SIM_ADDR];
	char		 dst[SIM_ADDR];
	uint8_t		 esm_class;
	uint8_t		 registered_delivery;
	uint8_t		 data_coding;
	const uint8_t	*sm;		/* borrowed: short_message or payload */
	size_t		 smlen;
	int		 ref;		/* -1: a single message */
	int		 total, seqnum;
	size_t		 udhlen;	/* octets of UDH before the text */
	struct smpp_ussd ussd;		/* USSD TLVs, op -1: none */
};

/* One part kept until its message is complete. */
struct rec_part {
	char		*text;		/* UTF-8 */
	char		*raw;		/* hex, with -v */
	char		 msgid[SIM_MSGID];
};

/* A concatenated message being reassembled. */
struct rec_msg {
	TAILQ_ENTRY(rec_msg) entry;
	char		 system_id[SIM_SYSID + 1];
	struct rec_sm	 sm;		/* of the first part seen; sm unused */
	int		 have;
	uint64_t	 first_ms;
	struct rec_part	 part[SIM_MAXPARTS];
};

/* A receipt waiting for its delay. */
struct rec_receipt {
	TAILQ_ENTRY(rec_receipt) entry;
	uint64_t	 due;
	struct sim_mo	*mo;
};

/* The recorder: messages being joined, receipts waiting, MO send times. */
struct sim_rec {
	struct sim	*sim;
	TAILQ_HEAD(, rec_msg) msgs;
	TAILQ_HEAD(rec_receipts_head, rec_receipt) receipts;
	struct event	*ev_receipt;
	struct rec_lat	*lat;		/* made at the first MO sent */
};

static int	 rec_decode(const struct smpp_pdu *, struct rec_sm *,
		    uint32_t *);
static void	 rec_msgid(enum sim_idstyle, int, uint64_t, char *, size_t);
static void	 rec_write(struct sim_rec *, const char *,
		    const struct rec_sm *, int, const struct rec_part *,
		    uint32_t, int, int);
static void	 rec_json(FILE *, const char *, size_t);
static void	 rec_receipt(struct sim_rec *, struct rec_sm *, uint64_t);
static void	 rec_receipt_timer(evutil_socket_t, short, void *);
static void	 rec_timestamp(char *, size_t);
static void	 rec_latency(struct sim_rec *, const char *);
static uint32_t	 rec_addr_hash(const char *);
static char	*rec_hex(const uint8_t *, size_t);

int
rec_init(struct sim *sim)
{
	struct sim_rec	*rec;

	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return -1;
	rec->sim = sim;
	TAILQ_INIT(&rec->msgs);
	TAILQ_INIT(&rec->receipts);
	if ((rec->ev_receipt = evtimer_new(sim->base, rec_receipt_timer,
	    rec)) == NULL) {
		free(rec);
		return -1;
	}
	sim->rec = rec;
	return 0;
}

/*
 * Record one submit_sm that smpp_pdu_decode() accepted.  status is what
 * the faults decided (0: accept); a bad concatenation overrides it.
 */
uint32_t
rec_submit(struct sim *sim, const char *system_id, const struct smpp_pdu *pdu,
    char *msgid, size_t idlen, uint32_t status, int withheld)
{
	static char	 textbuf[GSM7_UTF8_MAX(SIM_MAXPDU)];	/* scratch */
	struct sim_rec	*rec = sim->rec;
	struct rec_sm	 sm;
	struct rec_msg	*m;
	struct rec_part	 one, *p;
	uint32_t	 err;
	size_t		 tlen;
	int		 i;

	msgid[0] = '\0';
	if (rec_decode(pdu, &sm, &err) == -1) {
		sim_log(SMPP_LOG_INFO, "submit_sm refused status=0x%08x", err);
		return err;
	}
	/* throttle-part=K: one part of a long SMS refused, the rest taken */
	if (status == 0 && !withheld && sim->fault.throttle_part != 0 &&
	    sm.ref >= 0 && (uint32_t)sm.seqnum == sim->fault.throttle_part) {
		sim->fault.throttle_part = 0;
		status = ESME_RTHROTTLED;
	}
	if (status == 0 && !withheld) {
		rec_msgid(sim->idstyle, 0, sim->next_id, msgid, idlen);
		rec_receipt(rec, &sm, sim->next_id);
		sim->next_id++;
	}
	memset(&one, 0, sizeof(one));
	/*
	 * Before the allocations: clang's analyzer takes a copy into a field
	 * for a write over the whole struct and would lose them (scan-build).
	 */
	strlcpy(one.msgid, msgid, sizeof(one.msgid));
	if (gsm7_decode(sm.data_coding, sm.sm + sm.udhlen, sm.smlen -
	    sm.udhlen, textbuf, sizeof(textbuf), &tlen, GSM7_F_LENIENT) < 0) {
		/* Binary or unsupported: keep the octets as hex. */
		one.text = rec_hex(sm.sm + sm.udhlen, sm.smlen - sm.udhlen);
	} else
		one.text = strdup(textbuf);
	if (sim->verbose)
		one.raw = rec_hex(sm.sm, sm.smlen);

	if (sm.ref < 0 || status != 0 || withheld) {
		rec_write(rec, system_id, &sm, 1, &one, status, withheld, 0);
		free(one.text);
		free(one.raw);
		return status;
	}

	TAILQ_FOREACH(m, &rec->msgs, entry)
		if (m->sm.ref == sm.ref && m->sm.total == sm.total &&
		    strcmp(m->sm.src, sm.src) == 0 &&
		    strcmp(m->sm.dst, sm.dst) == 0 &&
		    strcmp(m->system_id, system_id) == 0)
			break;
	if (m == NULL) {
		if ((m = calloc(1, sizeof(*m))) == NULL) {
			free(one.text);
			free(one.raw);
			return ESME_RSYSERR;
		}
		strlcpy(m->system_id, system_id, sizeof(m->system_id));
		m->sm = sm;
		m->sm.sm = NULL;
		m->first_ms = sim_now_ms();
		TAILQ_INSERT_TAIL(&rec->msgs, m, entry);
	}
	p = &m->part[sm.seqnum - 1];
	if (p->text == NULL)
		m->have++;
	free(p->text);
	free(p->raw);
	*p = one;
	if (m->have == m->sm.total) {
		rec_write(rec, system_id, &m->sm, m->sm.total, m->part, 0, 0,
		    0);
		TAILQ_REMOVE(&rec->msgs, m, entry);
		for (i = 0; i < m->sm.total; i++) {
			free(m->part[i].text);
			free(m->part[i].raw);
		}
		free(m);
	}
	return 0;
}

/*
 * Take what the record needs from a decoded submit_sm, and find the
 * concatenation in a UDH, SAR TLVs or the payload.  The codec has
 * checked the fields, the TLV lengths and that the SAR trio is whole.
 */
static int
rec_decode(const struct smpp_pdu *pdu, struct rec_sm *sm, uint32_t *err)
{
	const struct smpp_submit_sm	*s = &pdu->u.submit_sm;
	const struct smpp_tlv		*t;
	struct udh_info			 ui;
	struct udh_concat		 uc;
	uint32_t			 ref, tot, seq;

	memset(sm, 0, sizeof(*sm));
	strlcpy(sm->service_type, s->service_type, sizeof(sm->service_type));
	strlcpy(sm->src, s->source_addr, sizeof(sm->src));
	strlcpy(sm->dst, s->destination_addr, sizeof(sm->dst));
	sm->esm_class = s->esm_class;
	sm->registered_delivery = s->registered_delivery;
	sm->data_coding = s->data_coding;
	sm->sm = s->short_message;
	sm->smlen = s->sm_length;
	sm->ref = -1;
	if (smpp_ussd_get(pdu, &sm->ussd) == -1)
		smpp_ussd_init(&sm->ussd);
	if (sm->smlen == 0 && (t = smpp_tlv_find(pdu,
	    SMPP_TLV_message_payload)) != NULL) {
		sm->sm = t->val;
		sm->smlen = t->len;
	}
	if (sm->sm == NULL)
		sm->sm = (const uint8_t *)"";	/* no text: never NULL + 0 */
	if (sm->esm_class & UDH_ESM_UDHI) {
		if (udh_parse(sm->sm, sm->smlen, &ui) < 0) {
			*err = ESME_RINVESMCLASS;
			return -1;
		}
		sm->udhlen = ui.len;
		if (ui.has_concat && ui.concat.total > 1) {
			sm->ref = ui.concat.ref;
			sm->total = ui.concat.total;
			sm->seqnum = ui.concat.seq;
		}
	} else if (smpp_tlv_get_int(pdu, SMPP_TLV_sar_msg_ref_num, &ref) == 0) {
		if (smpp_tlv_get_int(pdu, SMPP_TLV_sar_total_segments,
		    &tot) == -1 || smpp_tlv_get_int(pdu,
		    SMPP_TLV_sar_segment_seqnum, &seq) == -1 ||
		    udh_sar(ref, tot, seq, &uc) < 0) {
			*err = ESME_RINVOPTPARAMVAL;
			return -1;
		}
		if (uc.total > 1) {
			sm->ref = uc.ref;
			sm->total = uc.total;
			sm->seqnum = uc.seq;
		}
	}
	if (sm->ref >= 0 && (sm->seqnum < 1 || sm->seqnum > sm->total)) {
		*err = ESME_RINVOPTPARAMVAL;
		return -1;
	}
	return 0;
}

/*
 * Message ids in the configured style.  which 0: the submit_sm_resp's,
 * 1: the receipt's.  The traps real SMSCs set (FIELD-NOTES, 2).
 */
static void
rec_msgid(enum sim_idstyle idstyle, int which, uint64_t n, char *buf,
    size_t len)
{
	switch (idstyle) {
	case ID_DEC:
		snprintf(buf, len, "%llu", (unsigned long long)n);
		break;
	case ID_HEX:
		snprintf(buf, len, "%llX", (unsigned long long)n);
		break;
	case ID_HEXDEC:
		snprintf(buf, len, which ? "%llu" : "%llX",
		    (unsigned long long)n);
		break;
	case ID_ZPAD:
		snprintf(buf, len, which ? "%llu" : "%020llu",
		    (unsigned long long)n);
		break;
	case ID_CASE:
		snprintf(buf, len, which ? "%llX" : "%llx",
		    (unsigned long long)n);
		break;
	case ID_UUID:
		snprintf(buf, len, "5a1c0c0e-%04x-4%03x-8%03x-%012llx",
		    (unsigned)(n >> 48) & 0xFFFF, (unsigned)(n >> 36) & 0xFFF,
		    (unsigned)(n >> 24) & 0xFFF,
		    (unsigned long long)n & 0xFFFFFFFFFFFFULL);
		break;
	}
}

/* One JSON line for a message (n parts). */
static void
rec_write(struct sim_rec *rec, const char *system_id, const struct rec_sm *sm,
    int n, const struct rec_part *part, uint32_t status, int withheld,
    int incomplete)
{
	struct sim	*sim = rec->sim;
	char		 ts[64], mask[32];
	const char	*last4;
	size_t		 dl;
	uint32_t	 h = 2166136261U;
	int		 i;

	sim->st.submit_msgs += status == 0 && !withheld && !incomplete;
	if (sim->out == NULL)
		goto log;
	rec_timestamp(ts, sizeof(ts));
	dl = strlen(sm->dst);
	last4 = dl > 4 ? sm->dst + dl - 4 : sm->dst;
	for (i = 0; sm->dst[i] != '\0'; i++)
		h = (h ^ (uint8_t)sm->dst[i]) * 16777619U;
	fprintf(sim->out, "{\"time\":\"%s\",\"system_id\":", ts);
	rec_json(sim->out, system_id, strlen(system_id));
	fputs(",\"source_addr\":", sim->out);
	rec_json(sim->out, sm->src, strlen(sm->src));
	fputs(",\"dest_addr\":", sim->out);
	sim_mask(sm->dst, mask, sizeof(mask));
	rec_json(sim->out, mask, strlen(mask));
	fputs(",\"dest_last4\":", sim->out);
	rec_json(sim->out, last4, strlen(last4));
	fprintf(sim->out, ",\"dest_hash\":\"%08x\",\"service_type\":", h);
	rec_json(sim->out, sm->service_type, strlen(sm->service_type));
	fprintf(sim->out, ",\"data_coding\":%u,\"esm_class\":%u,"
	    "\"registered_delivery\":%u,\"parts\":%d",
	    sm->data_coding, sm->esm_class, sm->registered_delivery, n);
	if (sm->ref >= 0)
		fprintf(sim->out, ",\"ref\":%d", sm->ref);
	fprintf(sim->out, ",\"status\":%u", status);
	if (sm->ussd.op >= 0)
		fprintf(sim->out, ",\"ussd_service_op\":%d", sm->ussd.op);
	if (sm->ussd.dialog >= 0)
		fprintf(sim->out, ",\"its_dialog\":%d,\"its_end\":%d",
		    sm->ussd.dialog, sm->ussd.end);
	if (sm->ussd.umr >= 0)
		fprintf(sim->out, ",\"user_message_reference\":%d",
		    sm->ussd.umr);
	if (withheld)
		fputs(",\"withheld\":true", sim->out);
	if (incomplete)
		fputs(",\"incomplete\":true", sim->out);
	rec_latency(rec, sm->dst);
	fputs(",\"text\":\"", sim->out);
	for (i = 0; i < n; i++)
		if (part[i].text != NULL)
			rec_json(sim->out, part[i].text, (size_t)-1);
	fputs("\",\"message_id\":", sim->out);
	if (part[0].msgid[0] != '\0')
		rec_json(sim->out, part[0].msgid, strlen(part[0].msgid));
	else
		fputs("null", sim->out);
	if (n > 1) {
		fputs(",\"message_ids\":[", sim->out);
		for (i = 0; i < n; i++) {
			if (i > 0)
				fputc(',', sim->out);
			rec_json(sim->out, part[i].msgid,
			    strlen(part[i].msgid));
		}
		fputc(']', sim->out);
	}
	if (sim->verbose) {
		fputs(",\"raw\":[", sim->out);
		for (i = 0; i < n; i++)
			fprintf(sim->out, "%s\"%s\"", i ? "," : "",
			    part[i].raw ? part[i].raw : "");
		fputc(']', sim->out);
	}
	fputs("}\n", sim->out);
	fflush(sim->out);
log:
	if (sim->verbose) {
		sim_mask(sm->dst, mask, sizeof(mask));
		sim_log(SMPP_LOG_DEBUG, "submit_sm %s to=%s parts=%d status="
		    "0x%08x%s id=%s", sm->src, mask, n, status,
		    withheld ? " withheld" : "", part[0].msgid);
	}
}

/*
 * A JSON string body (no quotes when len is -1, the text of several parts
 * joined by the caller; else quoted).  UTF-8 passes through.
 */
static void
rec_json(FILE *fp, const char *s, size_t len)
{
	int		 quote = len != (size_t)-1;
	unsigned char	 ch;
	size_t		 i;

	if (!quote)
		len = strlen(s);
	if (quote)
		fputc('"', fp);
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			fputc('\\', fp);
			fputc(ch, fp);
		} else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch == '\r')
			fputs("\\r", fp);
		else if (ch == '\t')
			fputs("\\t", fp);
		else if (ch < 0x20 || ch == 0x7F)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	if (quote)
		fputc('"', fp);
}

/* Queue a receipt for one accepted part, if registered_delivery asks. */
static void
rec_receipt(struct sim_rec *rec, struct rec_sm *sm, uint64_t n)
{
	struct sim_receipt *r = &rec->sim->receipt;
	struct rec_receipt *rr, *t;
	const char	*stat;
	char		 id[SIM_MSGID], text[200], sd[16], dd[16];
	char		 snippet[21];
	size_t		 tlen = 0;
	time_t		 now;
	struct tm	 tm;
	struct timeval	 tv;
	enum dlr_state	 ds;
	int		 state, failed, i;

	switch (sm->registered_delivery & 0x03) {
	case 1:
	case 2:
		break;
	default:
		return;
	}
	r->n++;
	stat = r->every && r->n % r->every == 0 ? r->every_stat : r->stat;
	failed = strcmp(stat, "DELIVRD") != 0 && strcmp(stat, "ACCEPTD") != 0
	    && strcmp(stat, "ENROUTE") != 0;
	if ((sm->registered_delivery & 0x03) == 2 && !failed)
		return;
	if (dlr_stat_state(stat, strlen(stat), &ds) == -1)
		ds = DLR_UNKNOWN;
	state = ds;
	rec_msgid(rec->sim->idstyle, 1, n, id, sizeof(id));
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(sd, sizeof(sd), "%y%m%d%H%M", &tm);
	strftime(dd, sizeof(dd), "%y%m%d%H%M", &tm);
	/* The first 20 octets of the original text, as SMSCs quote it. */
	for (i = 0; i < 20 && (size_t)i < sm->smlen - sm->udhlen; i++) {
		uint8_t ch = sm->sm[sm->udhlen + i];

		snippet[tlen++] = ch >= 0x20 && ch < 0x7F ? ch : '.';
	}
	snippet[tlen] = '\0';
	snprintf(text, sizeof(text), "id:%s sub:001 dlvrd:%s submit date:%s "
	    "done date:%s stat:%s err:%03d text:%s", id,
	    state == 2 ? "001" : "000", sd, dd, stat, failed ? 1 : 0, snippet);
	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		return;
	/* The receipt comes from the phone, to the service number. */
	if ((rr->mo = mo_receipt(sm->dst, sm->src, text, id, state,
	    failed)) == NULL) {
		free(rr);
		return;
	}
	rr->due = sim_now_ms() + r->delay_ms;
	/* Keep the list sorted by due time; the delay may change. */
	TAILQ_FOREACH_REVERSE(t, &rec->receipts, rec_receipts_head, entry)
		if (t->due <= rr->due)
			break;
	if (t == NULL)
		TAILQ_INSERT_HEAD(&rec->receipts, rr, entry);
	else
		TAILQ_INSERT_AFTER(&rec->receipts, t, rr, entry);
	if (TAILQ_FIRST(&rec->receipts) == rr) {
		tv.tv_sec = r->delay_ms / 1000;
		tv.tv_usec = r->delay_ms % 1000 * 1000;
		evtimer_add(rec->ev_receipt, &tv);
	}
}

static void
rec_receipt_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sim_rec		*rec = arg;
	struct sim		*sim = rec->sim;
	struct rec_receipt	*rr, *next;
	struct sim_qent		 q;
	struct timeval		 tv;
	uint64_t		 now = sim_now_ms();

	/* next read before the free: the analyzer cannot follow tqe_prev */
	for (rr = TAILQ_FIRST(&rec->receipts); rr != NULL && rr->due <= now;
	    rr = next) {
		next = TAILQ_NEXT(rr, entry);
		TAILQ_REMOVE(&rec->receipts, rr, entry);
		memset(&q, 0, sizeof(q));
		q.mo = rr->mo;		/* the queue takes our reference */
		ring_push(&sim->q, &q);
		sim->st.receipts++;
		free(rr);
	}
	if (rr != NULL) {
		tv.tv_sec = (rr->due - now) / 1000;
		tv.tv_usec = (rr->due - now) % 1000 * 1000;
		evtimer_add(rec->ev_receipt, &tv);
	}
	sim_kick(sim);
}

/* Parts still missing at exit are written as incomplete messages. */
void
rec_flush_incomplete(struct sim *sim)
{
	struct sim_rec	*rec = sim->rec;
	struct rec_msg	*m;
	struct rec_part	 parts[SIM_MAXPARTS];
	int		 i, n;

	while ((m = TAILQ_FIRST(&rec->msgs)) != NULL) {
		TAILQ_REMOVE(&rec->msgs, m, entry);
		memset(parts, 0, sizeof(parts));	/* n may be 0 */
		for (i = n = 0; i < m->sm.total; i++)
			if (m->part[i].text != NULL)
				parts[n++] = m->part[i];
		rec_write(rec, m->system_id, &m->sm, n, parts, 0, 0, 1);
		for (i = 0; i < m->sm.total; i++) {
			free(m->part[i].text);
			free(m->part[i].raw);
		}
		free(m);
	}
}

void
rec_free(struct sim *sim)
{
	struct sim_rec		*rec = sim->rec;
	struct rec_receipt	*rr;

	if (rec == NULL)
		return;
	while ((rr = TAILQ_FIRST(&rec->receipts)) != NULL) {
		TAILQ_REMOVE(&rec->receipts, rr, entry);
		mo_unref(rr->mo);
		free(rr);
	}
	event_free(rec->ev_receipt);
	free(rec->lat);
	free(rec);
	sim->rec = NULL;
}

/* Mask a phone number: 13800138000 -> 138****8000; service numbers stay. */
const char *
sim_mask(const char *a, char *buf, size_t len)
{
	size_t	n = strlen(a), head, tail;

	if (n >= 8) {
		head = 3;
		tail = 4;
	} else if (n >= 5) {
		head = 0;
		tail = 2;
	} else {
		head = tail = 0;
	}
	snprintf(buf, len, "%.*s****%s", (int)head, a, a + n - tail);
	return buf;
}

static void
rec_timestamp(char *buf, size_t len)
{
	struct timespec	 now;
	struct tm	 tm;
	char		 ts[24], tz[8];

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(tz, sizeof(tz), "%z", &tm);
	snprintf(buf, len, "%s.%03ld%.3s:%s", ts, now.tv_nsec / 1000000, tz,
	    tz + 3);
}

static char *
rec_hex(const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char	*s;
	size_t	 i;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 0xF];
	}
	s[2 * n] = '\0';
	return s;
}

/*
 * When each sender's latest MO went out, so that a submit back to it can
 * carry the round trip (deliver_sm -> the answer's submit_sm) for
 * benchmarks: "mo_sent_at" (epoch seconds) and "mo_latency_ms".  A small
 * open-addressed table; a collision simply forgets the older sender.
 */
#define REC_LAT_SLOTS	(1 << 16)
struct rec_lat {
	char		addr[SIM_ADDR];
	int64_t		at_us;		/* 0: free */
};

static uint32_t
rec_addr_hash(const char *a)
{
	uint32_t	h = 2166136261U;

	for (; *a != '\0'; a++)
		h = (h ^ (uint8_t)*a) * 16777619U;
	return h;
}

static int64_t
rec_now_us(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

void
rec_mo_sent(struct sim *sim, const char *src)
{
	struct sim_rec	*rec = sim->rec;
	struct rec_lat	*l;

	if (rec->lat == NULL &&
	    (rec->lat = calloc(REC_LAT_SLOTS, sizeof(*rec->lat))) == NULL)
		return;
	l = &rec->lat[rec_addr_hash(src) & (REC_LAT_SLOTS - 1)];
	strlcpy(l->addr, src, sizeof(l->addr));
	l->at_us = rec_now_us();
}

/* Print the latency fields for a submit to dst, if its MO is known. */
static void
rec_latency(struct sim_rec *rec, const char *dst)
{
	struct rec_lat	*l;
	int64_t		 now;

	if (rec->lat == NULL)
		return;
	l = &rec->lat[rec_addr_hash(dst) & (REC_LAT_SLOTS - 1)];
	if (l->at_us == 0 || strcmp(l->addr, dst) != 0)
		return;
	now = rec_now_us();
	fprintf(rec->sim->out, ",\"mo_sent_at\":%.3f,\"mo_latency_ms\":%.3f",
	    l->at_us / 1e6, (now - l->at_us) / 1e3);
}
