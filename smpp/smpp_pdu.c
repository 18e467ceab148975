/*
 * SMPP 3.4 PDU encoding and decoding, generated from smpp_pdu.def.  The
 * decoder reads through a bounded cursor whose first error sticks and is
 * checked once at the end; strings are copied into fixed arrays and
 * short_message and TLV values point into the caller's buffer.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "smpp_pdu.h"

struct rcur {
	const uint8_t	*p, *end;
	uint32_t	 err;		/* first defect's command_status */
};

struct wcur {
	uint8_t		*p, *end;
	int		 err;
};

static void	rd_u8(struct rcur *, uint8_t *);
static void	rd_cstr(struct rcur *, char *, size_t, uint32_t);
static void	rd_time(struct rcur *, char *, uint32_t);
static void	rd_ostr(struct rcur *, uint8_t *, const uint8_t **);
static void	rd_tlvs(struct rcur *, struct smpp_pdu *);
static uint32_t	check_body(const struct smpp_pdu *);
static int	time_ok(const char *, size_t);
static uint32_t	tlv_check(const struct smpp_tlv_info *,
		    const struct smpp_tlv *);
static uint8_t	tlv_byte(const struct smpp_tlv *, size_t);
static uint32_t	tlv_num(const struct smpp_tlv *);
static void	wr_u8(struct wcur *, uint8_t);
static void	wr_32(struct wcur *, uint32_t);
static void	wr_cstr(struct wcur *, const char *, size_t);
static void	wr_time(struct wcur *, const char *);
static void	wr_ostr(struct wcur *, uint8_t, const uint8_t *);
static void	wr_tlv(struct wcur *, const struct smpp_tlv *);
static int	body_empty(const struct smpp_pdu *);

/* The TLV table, indexed by TLVI_<name>. */
enum tlv_index {
#define TLV(name, tag, type, min, max)	TLVI_##name,
#include "smpp_pdu.def"
	TLVI_COUNT
};

static const struct smpp_tlv_info tlv_table[TLVI_COUNT] = {
#define TLV(name, tag, type, min, max) \
	{ #name, tag, SMPP_TLV_##type, min, max },
#include "smpp_pdu.def"
};

static inline uint32_t
get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static void
rd_u8(struct rcur *c, uint8_t *v)
{
	if (c->err)
		return;
	if (c->p >= c->end) {
		c->err = ESME_RINVCMDLEN;
		return;
	}
	*v = *c->p++;
}

/* A C-octet string of at most max octets with its NUL, or err. */
static void
rd_cstr(struct rcur *c, char *dst, size_t max, uint32_t err)
{
	const uint8_t	*nul;
	size_t		 left, n;

	if (c->err)
		return;
	left = (size_t)(c->end - c->p);
	if (left == 0) {
		c->err = ESME_RINVCMDLEN;
		return;
	}
	if ((nul = memchr(c->p, '\0', MINIMUM(left, max))) == NULL) {
		c->err = err;
		return;
	}
	n = (size_t)(nul - c->p) + 1;
	memcpy(dst, c->p, n);
	c->p += n;
}

static void
rd_time(struct rcur *c, char *dst, uint32_t err)
{
	if (c->err)
		return;
	rd_cstr(c, dst, 17, err);
	if (c->err == 0 && !time_ok(dst, 17))
		c->err = err;
}

/* sm_length, then that many octets inside the body (ESME_RINVMSGLEN). */
static void
rd_ostr(struct rcur *c, uint8_t *lenp, const uint8_t **valp)
{
	uint8_t	len = 0;

	rd_u8(c, &len);
	if (c->err)
		return;
	if (len > c->end - c->p) {
		c->err = ESME_RINVMSGLEN;
		return;
	}
	*lenp = len;
	*valp = len ? c->p : NULL;
	c->p += len;
}

/*
 * SMPP 3.4, 7.1.1: an absolute time "YYMMDDhhmmsstnnp" or a relative one
 * ending in 'R'; empty means "none".
 */
static int
time_ok(const char *s, size_t max)
{
	size_t	n, i;

	n = strnlen(s, max);
	if (n == 0)
		return 1;
	if (n != 16)
		return 0;
	for (i = 0; i < 15; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[15] == '+' || s[15] == '-' || s[15] == 'R';
}

/* The table row of tag, or NULL. */
const struct smpp_tlv_info *
smpp_tlv_info(uint16_t tag)
{
	switch (tag) {
#define TLV(name, tag, type, min, max) \
	case tag: return &tlv_table[TLVI_##name];
#include "smpp_pdu.def"
	}
	return NULL;
}

static uint32_t
tlv_check(const struct smpp_tlv_info *ti, const struct smpp_tlv *t)
{
	if (ti == NULL)
		return ESME_ROK;	/* unknown: kept as raw octets */
	if (t->len < ti->min || t->len > ti->max)
		return ESME_RINVPARLEN;
	if (ti->type == SMPP_TLV_CSTR) {
		if (t->val == NULL ||
		    memchr(t->val, '\0', t->len) != t->val + t->len - 1)
			return ESME_RINVOPTPARAMVAL;
	}
	return ESME_ROK;
}

/* The TLVs after the mandatory fields, each inside the PDU (5.3.1). */
static void
rd_tlvs(struct rcur *c, struct smpp_pdu *pdu)
{
	struct smpp_tlv	*t;
	uint32_t	 num;
	size_t		 i;
	uint32_t	 err;

	while (c->err == 0 && c->p < c->end) {
		if (c->end - c->p < 4 || pdu->ntlv == SMPP_TLV_MAX) {
			c->err = ESME_RINVOPTPARSTREAM;
			return;
		}
		t = &pdu->tlv[pdu->ntlv];
		t->tag = get16(c->p);
		t->len = get16(c->p + 2);
		c->p += 4;
		if (t->len > c->end - c->p) {
			c->err = ESME_RINVOPTPARSTREAM;
			return;
		}
		t->val = c->p;
		for (num = 0, i = 0; i < t->len && i < 4; i++)
			num = num << 8 | t->val[i];
		t->num = num;
		c->p += t->len;
		if ((err = tlv_check(smpp_tlv_info(t->tag), t)) != ESME_ROK) {
			c->err = err;
			return;
		}
		pdu->ntlv++;
	}
}

/* Checks across fields: esm_class (5.2.12) and the SAR trio (5.3.2.22-24). */
static uint32_t
check_body(const struct smpp_pdu *pdu)
{
	unsigned int	type, nsar;
	size_t		i;

	switch (pdu->command_id) {
	case SMPP_submit_sm:
		type = pdu->u.submit_sm.esm_class & 0x3c;
		if (type != 0x00 && type != 0x08 && type != 0x10)
			return ESME_RINVESMCLASS;
		break;
	case SMPP_deliver_sm:
	case SMPP_data_sm:
		type = (pdu->command_id == SMPP_deliver_sm ?
		    pdu->u.deliver_sm.esm_class : pdu->u.data_sm.esm_class) &
		    0x3c;
		if (type != 0x00 && type != 0x04 && type != 0x08 &&
		    type != 0x10 && type != 0x18 && type != 0x20)
			return ESME_RINVESMCLASS;
		break;
	default:
		return ESME_ROK;
	}
	for (nsar = 0, i = 0; i < pdu->ntlv; i++)
		switch (pdu->tlv[i].tag) {
		case SMPP_TLV_sar_msg_ref_num:
			nsar |= 1;
			break;
		case SMPP_TLV_sar_total_segments:
			nsar |= 2;
			break;
		case SMPP_TLV_sar_segment_seqnum:
			nsar |= 4;
			break;
		}
	if (nsar != 0 && nsar != 7)
		return ESME_RMISSINGOPTPARAM;
	return ESME_ROK;
}

/* Zero pdu and set its command_id and sequence_number. */
void
smpp_pdu_init(struct smpp_pdu *pdu, uint32_t command_id, uint32_t seq)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->command_id = command_id;
	pdu->sequence_number = seq;
}

/* Decode one framed PDU; ESME_ROK or the status to answer with. */
uint32_t
smpp_pdu_decode(struct smpp_pdu *pdu, const uint8_t *buf, size_t len,
    size_t max)
{
	struct rcur	c;

	memset(pdu, 0, offsetof(struct smpp_pdu, ntlv));
	pdu->ntlv = 0;
	if (len < SMPP_HDR_LEN) {
		pdu->flags = SMPP_PF_BADHDR;
		return ESME_RINVCMDLEN;
	}
	pdu->command_length = smpp_get32(buf);
	pdu->command_id = smpp_get32(buf + 4);
	pdu->command_status = smpp_get32(buf + 8);
	pdu->sequence_number = smpp_get32(buf + 12);
	if (pdu->command_length != len || len > max) {
		pdu->flags = SMPP_PF_BADHDR;
		return ESME_RINVCMDLEN;
	}
	c.p = buf + SMPP_HDR_LEN;
	c.end = buf + len;
	c.err = ESME_ROK;

	/* 4.1.2 and others: error responses may come without a body */
	if (c.p == c.end && smpp_cmd_is_resp(pdu->command_id) &&
	    pdu->command_status != ESME_ROK && smpp_cmd_known(pdu->command_id))
		return ESME_ROK;

	switch (pdu->command_id) {
#define U8(name)		rd_u8(&c, &b->name);
#define CSTR(name, max, err)	rd_cstr(&c, b->name, max, err);
#define TIME(name, err)		rd_time(&c, b->name, err);
#define OSTR(name, lenname)	rd_ostr(&c, &b->lenname, &b->name);
#define PDU(name, id, fields)	case id: {				\
		struct smpp_##name *b = &pdu->u.name;			\
		(void)b;						\
		fields							\
		break;							\
	}
#include "smpp_pdu.def"
	default:
		pdu->flags = SMPP_PF_BADHDR;
		return ESME_RINVCMDID;
	}
	rd_tlvs(&c, pdu);
	if (c.err == ESME_ROK)
		c.err = check_body(pdu);
	return c.err;
}

static void
wr_u8(struct wcur *w, uint8_t v)
{
	if (w->err)
		return;
	if (w->p >= w->end) {
		w->err = 1;
		return;
	}
	*w->p++ = v;
}

static void
wr_32(struct wcur *w, uint32_t v)
{
	wr_u8(w, v >> 24);
	wr_u8(w, v >> 16);
	wr_u8(w, v >> 8);
	wr_u8(w, v);
}

static void
wr_cstr(struct wcur *w, const char *s, size_t max)
{
	const char	*nul;
	size_t		 n;

	if (w->err)
		return;
	if ((nul = memchr(s, '\0', max)) == NULL) {
		w->err = 1;
		return;
	}
	n = (size_t)(nul - s) + 1;
	if (n > (size_t)(w->end - w->p)) {
		w->err = 1;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void
wr_time(struct wcur *w, const char *s)
{
	if (!time_ok(s, 17) || memchr(s, '\0', 17) == NULL)
		w->err = 1;
	wr_cstr(w, s, 17);
}

static void
wr_ostr(struct wcur *w, uint8_t len, const uint8_t *val)
{
	if (len > 0 && val == NULL)
		w->err = 1;
	wr_u8(w, len);
	if (w->err)
		return;
	if (len > w->end - w->p) {
		w->err = 1;
		return;
	}
	if (len > 0)
		memcpy(w->p, val, len);
	w->p += len;
}

static uint8_t
tlv_byte(const struct smpp_tlv *t, size_t i)
{
	size_t	shift;

	if (t->val != NULL)
		return t->val[i];
	if ((shift = t->len - 1 - i) >= 4)
		return 0;
	return (t->num >> (8 * shift)) & 0xff;
}

/* The big-endian value of a TLV of at most 4 octets. */
static uint32_t
tlv_num(const struct smpp_tlv *t)
{
	uint32_t	v = 0;
	size_t		i;

	for (i = 0; i < t->len && i < 4; i++)
		v = v << 8 | tlv_byte(t, i);
	return v;
}

static void
wr_tlv(struct wcur *w, const struct smpp_tlv *t)
{
	size_t	i;

	if (w->err)
		return;
	if ((t->val == NULL && t->len > 4) ||
	    tlv_check(smpp_tlv_info(t->tag), t) != ESME_ROK ||
	    (size_t)(w->end - w->p) < 4 + (size_t)t->len) {
		w->err = 1;
		return;
	}
	wr_u8(w, t->tag >> 8);
	wr_u8(w, t->tag);
	wr_u8(w, t->len >> 8);
	wr_u8(w, t->len);
	if (t->val != NULL) {
		if (t->len > 0)
			memcpy(w->p, t->val, t->len);
		w->p += t->len;
	} else
		for (i = 0; i < t->len; i++)
			*w->p++ = tlv_byte(t, i);
}

/* 1 if every mandatory field of pdu is zero or empty. */
static int
body_empty(const struct smpp_pdu *pdu)
{
	switch (pdu->command_id) {
#define U8(name)		&& b->name == 0
#define CSTR(name, max, err)	&& b->name[0] == '\0'
#define TIME(name, err)		&& b->name[0] == '\0'
#define OSTR(name, lenname)	&& b->lenname == 0
#define PDU(name, id, fields)	case id: {				\
		const struct smpp_##name *b = &pdu->u.name;		\
		(void)b;						\
		return 1 fields;					\
	}
#include "smpp_pdu.def"
	}
	return 0;
}

/* Encode pdu into buf, filling command_length; 0 or -1. */
int
smpp_pdu_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t size,
    size_t *lenp)
{
	struct wcur	w;
	size_t		i, len;

	w.p = buf;
	w.end = buf + size;
	w.err = 0;
	wr_32(&w, 0);		/* command_length, filled below */
	wr_32(&w, pdu->command_id);
	wr_32(&w, pdu->command_status);
	wr_32(&w, pdu->sequence_number);
	if (w.err || pdu->ntlv > SMPP_TLV_MAX)
		return -1;

	if (smpp_cmd_is_resp(pdu->command_id) &&
	    pdu->command_status != ESME_ROK && pdu->ntlv == 0 &&
	    body_empty(pdu))
		goto done;

	switch (pdu->command_id) {
#define U8(name)		wr_u8(&w, b->name);
#define CSTR(name, max, err)	wr_cstr(&w, b->name, max);
#define TIME(name, err)		wr_time(&w, b->name);
#define OSTR(name, lenname)	wr_ostr(&w, b->lenname, b->name);
#define PDU(name, id, fields)	case id: {				\
		const struct smpp_##name *b = &pdu->u.name;		\
		(void)b;						\
		fields							\
		break;							\
	}
#include "smpp_pdu.def"
	default:
		return -1;
	}
	for (i = 0; i < pdu->ntlv; i++)
		wr_tlv(&w, &pdu->tlv[i]);
	if (w.err)
		return -1;
 done:
	len = (size_t)(w.p - buf);
	if (len > UINT32_MAX)
		return -1;
	buf[0] = len >> 24;
	buf[1] = len >> 16;
	buf[2] = len >> 8;
	buf[3] = len;
	*lenp = len;
	return 0;
}

/* The command_id to answer a decoded PDU with, or 0 for none. */
uint32_t
smpp_pdu_reply_id(const struct smpp_pdu *pdu, uint32_t status)
{
	uint32_t	resp;

	if ((pdu->flags & SMPP_PF_BADHDR) || !smpp_cmd_known(pdu->command_id))
		return SMPP_generic_nack;
	if (smpp_cmd_is_resp(pdu->command_id))
		return 0;
	if ((resp = smpp_cmd_resp(pdu->command_id)) != 0)
		return resp;
	return status == ESME_ROK ? 0 : SMPP_generic_nack;
}

/* 1 if a and b hold the same PDU (command_length aside), else 0. */
int
smpp_pdu_equal(const struct smpp_pdu *a, const struct smpp_pdu *b)
{
	const struct smpp_tlv	*ta, *tb;
	size_t			 i, j;

	if (a->command_id != b->command_id ||
	    a->command_status != b->command_status ||
	    a->sequence_number != b->sequence_number || a->ntlv != b->ntlv)
		return 0;

	switch (a->command_id) {
#define U8(name)		if (x->name != y->name) return 0;
#define CSTR(name, max, err)	if (strncmp(x->name, y->name, max)) return 0;
#define TIME(name, err)		if (strncmp(x->name, y->name, 17)) return 0;
#define OSTR(name, lenname)	if (x->lenname != y->lenname ||		\
				    (x->lenname > 0 && memcmp(x->name,	\
				    y->name, x->lenname))) return 0;
#define PDU(name, id, fields)	case id: {				\
		const struct smpp_##name *x = &a->u.name;		\
		const struct smpp_##name *y = &b->u.name;		\
		(void)x; (void)y;					\
		fields							\
		break;							\
	}
#include "smpp_pdu.def"
	}

	for (i = 0; i < a->ntlv && i < SMPP_TLV_MAX; i++) {
		ta = &a->tlv[i];
		tb = &b->tlv[i];
		if (ta->tag != tb->tag || ta->len != tb->len)
			return 0;
		for (j = 0; j < ta->len; j++)
			if (tlv_byte(ta, j) != tlv_byte(tb, j))
				return 0;
	}
	return 1;
}

/* 1 if command_id is in smpp_pdu.def. */
int
smpp_cmd_known(uint32_t id)
{
	switch (id) {
#define PDU(name, id, fields)	case id: return 1;
#include "smpp_pdu.def"
	}
	return 0;
}

/* 1 for a response command_id. */
int
smpp_cmd_is_resp(uint32_t id)
{
	return (id & SMPP_RESP_BIT) != 0;
}

/* The _resp of a request, or 0. */
uint32_t
smpp_cmd_resp(uint32_t id)
{
	if (smpp_cmd_is_resp(id) || !smpp_cmd_known(id) ||
	    !smpp_cmd_known(id | SMPP_RESP_BIT))
		return 0;
	return id | SMPP_RESP_BIT;
}

/* Spec name of a command_id. */
const char *
smpp_strcmd(uint32_t id)
{
	switch (id) {
#define PDU(name, id, fields)	case id: return #name;
#include "smpp_pdu.def"
	}
	return "unknown";
}

/* Name of a command_status. */
const char *
smpp_strstatus(uint32_t status)
{
	switch (status) {
#define STATUS(name, value, text)	case value: return #name;
#include "smpp_pdu.def"
	}
	if (status >= 0x400 && status <= 0x4ff)
		return "vendor";
	return "unknown";
}

/* The spec's words for a command_status. */
const char *
smpp_status_text(uint32_t status)
{
	switch (status) {
#define STATUS(name, value, text)	case value: return text;
#include "smpp_pdu.def"
	}
	if (status >= 0x400 && status <= 0x4ff)
		return "SMSC vendor-specific error";
	return "Reserved";
}

/* 1 for statuses worth retrying later, 0 for the rest. */
int
smpp_status_is_temporary(uint32_t status)
{
	switch (status) {
	case ESME_RTHROTTLED:
	case ESME_RMSGQFUL:
	case ESME_RX_T_APPN:
	case ESME_RSYSERR:
		return 1;
	}
	return 0;
}

/* Spec name of a TLV tag. */
const char *
smpp_strtlv(uint16_t tag)
{
	const struct smpp_tlv_info	*ti;

	return (ti = smpp_tlv_info(tag)) ? ti->name : "unknown";
}

/* The first TLV with tag, or NULL. */
const struct smpp_tlv *
smpp_tlv_find(const struct smpp_pdu *pdu, uint16_t tag)
{
	size_t	i;

	for (i = 0; i < pdu->ntlv; i++)
		if (pdu->tlv[i].tag == tag)
			return &pdu->tlv[i];
	return NULL;
}

/* An integer TLV's value; 0 or -1. */
int
smpp_tlv_get_int(const struct smpp_pdu *pdu, uint16_t tag, uint32_t *v)
{
	const struct smpp_tlv	*t;

	if ((t = smpp_tlv_find(pdu, tag)) == NULL || t->len == 0 || t->len > 4)
		return -1;
	*v = tlv_num(t);
	return 0;
}

/* Add a TLV whose value is borrowed; 0 or -1. */
int
smpp_tlv_add(struct smpp_pdu *pdu, uint16_t tag, const void *val, uint16_t len)
{
	struct smpp_tlv	*t;

	if (pdu->ntlv >= SMPP_TLV_MAX || (val == NULL && len > 0))
		return -1;
	t = &pdu->tlv[pdu->ntlv++];
	t->tag = tag;
	t->len = len;
	t->val = val;
	t->num = 0;
	if (val == NULL)		/* a zero-length value */
		t->val = (const uint8_t *)"";
	return 0;
}

/* Add an integer TLV sized by the table; 0 or -1. */
int
smpp_tlv_add_int(struct smpp_pdu *pdu, uint16_t tag, uint32_t v)
{
	const struct smpp_tlv_info	*ti;
	struct smpp_tlv			*t;

	if ((ti = smpp_tlv_info(tag)) == NULL || ti->type != SMPP_TLV_INT ||
	    pdu->ntlv >= SMPP_TLV_MAX)
		return -1;
	if (ti->max < 4 && v >> (8 * ti->max) != 0)
		return -1;
	t = &pdu->tlv[pdu->ntlv++];
	t->tag = tag;
	t->len = ti->max;
	t->num = v;
	t->val = NULL;
	return 0;
}

/* Add a C-octet string TLV, NUL included; 0 or -1. */
int
smpp_tlv_add_cstr(struct smpp_pdu *pdu, uint16_t tag, const char *s)
{
	size_t	n;

	n = strlen(s) + 1;
	if (n > UINT16_MAX)
		return -1;
	return smpp_tlv_add(pdu, tag, s, (uint16_t)n);
}

/* Remove every TLV with tag; how many went. */
int
smpp_tlv_del(struct smpp_pdu *pdu, uint16_t tag)
{
	size_t	i, j;
	int	n = 0;

	for (i = 0, j = 0; i < pdu->ntlv; i++) {
		if (pdu->tlv[i].tag == tag) {
			n++;
			continue;
		}
		pdu->tlv[j++] = pdu->tlv[i];
	}
	pdu->ntlv = j;
	return n;
}
