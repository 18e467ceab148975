/*
 * smsc_pdu: deliver_sm -> inbound part or receipt, outbox job -> submit_sm.
 * Pure functions over smpp/ types: the socket side lives in smsc.c.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsm7.h"
#include "smpp_ussd.h"
#include "outbox.h"
#include "smsc_pdu.h"

#define ESM_TYPE_MASK	0x3c	/* SMPP 3.4, 5.2.12: message type bits */
#define ESM_RECEIPT	0x04	/* SMSC delivery receipt */
#define ESM_INTERMEDIATE 0x20	/* intermediate delivery notification */

static void	smsc_mo_concat(const struct smpp_pdu *, struct smsc_mo *);
static struct smpp_submit_sm *smsc_submit_init(struct smpp_pdu *,
		    const char *, const char *);

/* A submit_sm from -> to; NULL when an address is too long. */
static struct smpp_submit_sm *
smsc_submit_init(struct smpp_pdu *pdu, const char *from, const char *to)
{
	struct smpp_submit_sm	*s;

	smpp_pdu_init(pdu, SMPP_submit_sm, 0);
	s = &pdu->u.submit_sm;
	if (strlcpy(s->source_addr, from, sizeof(s->source_addr)) >=
	    sizeof(s->source_addr) ||
	    strlcpy(s->destination_addr, to, sizeof(s->destination_addr)) >=
	    sizeof(s->destination_addr))
		return NULL;
	return s;
}

/* Concatenation from SAR TLVs (a UDH, if any, was read by the caller). */
static void
smsc_mo_concat(const struct smpp_pdu *pdu, struct smsc_mo *mo)
{
	struct udh_concat	c;
	uint32_t		ref, total, seq;

	if (smpp_tlv_get_int(pdu, SMPP_TLV_sar_msg_ref_num, &ref) == -1 ||
	    smpp_tlv_get_int(pdu, SMPP_TLV_sar_total_segments, &total) == -1 ||
	    smpp_tlv_get_int(pdu, SMPP_TLV_sar_segment_seqnum, &seq) == -1)
		return;
	if (udh_sar(ref, total, seq, &c) != UDH_OK)
		return;
	mo->msg.concat_ref = c.ref;
	mo->msg.concat_total = c.total;
	mo->msg.concat_seq = c.seq;
}

void
smsc_mo_read(const struct smpp_pdu *pdu, const char *bearer,
    struct smsc_mo *mo, char *textbuf, size_t textlen)
{
	const struct smpp_tlv	*payload, *rid;
	const uint8_t		*sm;
	struct udh_info		 udh;
	struct dlr_tlv		 dt;
	uint32_t		 v;
	size_t			 smlen, outlen = 0;
	int			 esm, dc, r;
	const char		*service_type;

	memset(mo, 0, sizeof(*mo));
	mo->msg.bearer = bearer;
	mo->msg.concat_total = 1;
	mo->msg.concat_seq = 1;
	if (pdu->command_id == SMPP_deliver_sm) {
		strlcpy(mo->src, pdu->u.deliver_sm.source_addr, sizeof(mo->src));
		strlcpy(mo->dst, pdu->u.deliver_sm.destination_addr,
		    sizeof(mo->dst));
		esm = pdu->u.deliver_sm.esm_class;
		dc = pdu->u.deliver_sm.data_coding;
		sm = pdu->u.deliver_sm.short_message;
		smlen = pdu->u.deliver_sm.sm_length;
		service_type = pdu->u.deliver_sm.service_type;
	} else {
		strlcpy(mo->src, pdu->u.data_sm.source_addr, sizeof(mo->src));
		strlcpy(mo->dst, pdu->u.data_sm.destination_addr,
		    sizeof(mo->dst));
		esm = pdu->u.data_sm.esm_class;
		dc = pdu->u.data_sm.data_coding;
		sm = NULL;
		smlen = 0;
		service_type = pdu->u.data_sm.service_type;
	}
	/* message_payload replaces short_message (SMPP 3.4, 5.3.2.32) */
	if ((payload = smpp_tlv_find(pdu, SMPP_TLV_message_payload)) != NULL &&
	    smlen == 0) {
		sm = payload->val;
		smlen = payload->len;
	}
	if (sm == NULL)
		smlen = 0;

	if ((esm & ESM_TYPE_MASK) == ESM_RECEIPT ||
	    (esm & ESM_TYPE_MASK) == ESM_INTERMEDIATE) {
		memset(&dt, 0, sizeof(dt));
		dt.message_state = dt.network_type = dt.network_error = -1;
		if ((rid = smpp_tlv_find(pdu,
		    SMPP_TLV_receipted_message_id)) != NULL && rid->len > 0 &&
		    rid->val[rid->len - 1] == '\0')
			dt.receipted_message_id = (const char *)rid->val;
		if (smpp_tlv_get_int(pdu, SMPP_TLV_message_state, &v) == 0)
			dt.message_state = (int)v;
		dlr_parse((const char *)sm, smlen, &dt, &mo->dlr);
		mo->kind = mo->dlr.id[0] != '\0' ? SMSC_MO_RECEIPT : SMSC_MO_BAD;
		mo->status = ESME_ROK;	/* an unusable receipt is not retried */
		return;
	}

	if ((esm & UDH_ESM_UDHI) && smlen > 0) {
		if (udh_parse(sm, smlen, &udh) != UDH_OK) {
			mo->kind = SMSC_MO_BAD;
			mo->status = ESME_RINVESMCLASS;
			return;
		}
		if (udh.has_concat) {
			mo->msg.concat_ref = udh.concat.ref;
			mo->msg.concat_total = udh.concat.total;
			mo->msg.concat_seq = udh.concat.seq;
		}
		sm += udh.len;
		smlen -= udh.len;
	} else
		smsc_mo_concat(pdu, mo);

	r = gsm7_decode((unsigned int)dc, sm, smlen, textbuf, textlen, &outlen,
	    GSM7_F_LENIENT);
	if (r < 0) {
		/* binary or an unsupported alphabet: keep the bytes, say so */
		snprintf(textbuf, textlen, "[%s, %zu octets]",
		    gsm7_strerror(r), smlen);
	}
	mo->kind = SMSC_MO_TEXT;
	mo->msg.source = mo->src;
	mo->msg.dest = mo->dst;
	mo->msg.data_coding = dc;
	mo->msg.esm_class = esm;
	mo->msg.raw = sm;
	mo->msg.rawlen = smlen;
	mo->msg.text = textbuf;
	mo->msg.ussd = strcmp(service_type, "USSD") == 0;
}

int
smsc_receipt_state(enum dlr_state st)
{
	switch (st) {
	case DLR_DELIVERED:
		return STORE_RCPT_DELIVERED;
	case DLR_EXPIRED:
		return STORE_RCPT_EXPIRED;
	case DLR_DELETED:
	case DLR_UNDELIVERABLE:
	case DLR_REJECTED:
		return STORE_RCPT_FAILED;
	case DLR_ENROUTE:
	case DLR_ACCEPTED:
	case DLR_UNKNOWN:
		return STORE_RCPT_INTERIM;
	}
	return STORE_RCPT_INTERIM;
}

int
smsc_split(const char *text, enum udh_mode mode, uint16_t ref,
    size_t max_parts, uint8_t *buf, size_t bufsz, struct udh_split *split)
{
	struct udh_opts	opts;

	memset(&opts, 0, sizeof(opts));
	opts.mode = mode;
	opts.ref = ref;
	opts.max_parts = max_parts;
	return udh_split(text, strlen(text), &opts, buf, bufsz, split) == 0 &&
	    split->nparts > 0 ? 0 : -1;
}

int
smsc_part_pdu(const struct udh_split *split, const uint8_t *buf, size_t i,
    const char *from, const char *to, enum udh_mode mode, int want_receipt,
    struct smpp_pdu *pdu)
{
	const struct udh_part	*p = &split->part[i];
	struct smpp_submit_sm	*s;

	if (i >= split->nparts)
		return -1;
	if ((s = smsc_submit_init(pdu, from, to)) == NULL)
		return -1;
	/* TON/NPI 0 (unknown): the SMSC decides, as Kannel's default */
	s->esm_class = split->udhi ? UDH_ESM_UDHI : 0;
	s->registered_delivery = want_receipt ? 1 : 0;
	s->data_coding = (uint8_t)split->data_coding;
	if (mode == UDH_MODE_PAYLOAD) {
		if (smpp_tlv_add(pdu, SMPP_TLV_message_payload, buf + p->off,
		    (uint16_t)p->len) == -1)
			return -1;
	} else {
		if (p->len > SMPP_SM_MAX)
			return -1;
		s->sm_length = (uint8_t)p->len;
		s->short_message = buf + p->off;
	}
	if (split->sar &&
	    (smpp_tlv_add_int(pdu, SMPP_TLV_sar_msg_ref_num,
	    split->sar_msg_ref_num) == -1 ||
	    smpp_tlv_add_int(pdu, SMPP_TLV_sar_total_segments,
	    split->sar_total_segments) == -1 ||
	    smpp_tlv_add_int(pdu, SMPP_TLV_sar_segment_seqnum,
	    p->sar_segment_seqnum) == -1))
		return -1;
	return 0;
}

int
smsc_ussd_pdu(const char *text, const char *from, const char *to,
    struct smpp_ussd *u, int service_type, uint8_t sm[SMPP_SM_MAX],
    struct smpp_pdu *pdu)
{
	struct smpp_submit_sm	*s;
	unsigned int		 dc = GSM7_DC_DEFAULT;
	size_t			 len = 0;

	if ((s = smsc_submit_init(pdu, from, to)) == NULL)
		return -1;
	if (*text != '\0' && gsm7_encode(text, strlen(text), sm, SMPP_SM_MAX,
	    &len, &dc) != 0)
		return -1;
	s->data_coding = (uint8_t)dc;
	s->sm_length = (uint8_t)len;
	s->short_message = sm;
	/* a screen is answered on the handset, not by a receipt */
	s->registered_delivery = 0;
	return smpp_ussd_set(pdu, u, service_type);
}
