/*
 * smscsim's wire: bounded decoding of bind and submit_sm, encoding of
 * deliver_sm (SMPP 3.4, 4.1 and 4.4-4.6).  Errors stick in the cursor and
 * are checked once, at the end.
 */
#include "compat.h"

#include <string.h>

#include "smscsim_pdu.h"

struct cur {
	const uint8_t	*p;
	size_t		 left;
	uint32_t	 err;
};

static void	 cur_cstr(struct cur *, char *, size_t, uint32_t);
static uint8_t	 cur_u8(struct cur *);

const char *
sim_strcmd(uint32_t cmd)
{
	switch (cmd) {
	case SIM_CMD_GENERIC_NACK:
		return "generic_nack";
	case SIM_CMD_BIND_RECEIVER:
		return "bind_receiver";
	case SIM_CMD_BIND_TRANSMITTER:
		return "bind_transmitter";
	case SIM_CMD_BIND_TRANSCEIVER:
		return "bind_transceiver";
	case SIM_CMD_SUBMIT_SM:
		return "submit_sm";
	case SIM_CMD_SUBMIT_SM_RESP:
		return "submit_sm_resp";
	case SIM_CMD_DELIVER_SM:
		return "deliver_sm";
	case SIM_CMD_DELIVER_SM_RESP:
		return "deliver_sm_resp";
	case SIM_CMD_UNBIND:
		return "unbind";
	case SIM_CMD_UNBIND_RESP:
		return "unbind_resp";
	case SIM_CMD_ENQUIRE_LINK:
		return "enquire_link";
	case SIM_CMD_ENQUIRE_LINK_RESP:
		return "enquire_link_resp";
	}
	return "unknown";
}

/* A C-octet string of at most max octets with its NUL. */
static void
cur_cstr(struct cur *c, char *out, size_t max, uint32_t err)
{
	const uint8_t	*nul;
	size_t		 n;

	out[0] = '\0';
	if (c->err)
		return;
	if ((nul = memchr(c->p, '\0', MINIMUM(c->left, max))) == NULL) {
		c->err = err;
		return;
	}
	n = nul - c->p;
	memcpy(out, c->p, n);
	out[n] = '\0';
	c->p += n + 1;
	c->left -= n + 1;
}

static uint8_t
cur_u8(struct cur *c)
{
	if (c->err)
		return 0;
	if (c->left < 1) {
		c->err = SIM_ESME_RINVMSGLEN;
		return 0;
	}
	c->left--;
	return *c->p++;
}

uint32_t
sim_bind_decode(const uint8_t *pdu, uint32_t len, char *sysid, size_t sl,
    char *pass, size_t pl)
{
	struct cur	c = { pdu + SIM_HDR_LEN, len - SIM_HDR_LEN, 0 };
	char		sid[16], pw[9], st[13];

	cur_cstr(&c, sid, sizeof(sid), SIM_ESME_RINVSYSID);
	cur_cstr(&c, pw, sizeof(pw), SIM_ESME_RINVPASWD);
	cur_cstr(&c, st, sizeof(st), SIM_ESME_RBINDFAIL);
	if (c.err)
		return c.err;
	strlcpy(sysid, sid, sl);
	strlcpy(pass, pw, pl);
	return 0;
}

uint32_t
sim_sm_decode(const uint8_t *pdu, uint32_t len, struct sim_sm *sm)
{
	struct cur	 c = { pdu + SIM_HDR_LEN, len - SIM_HDR_LEN, 0 };
	char		 skip[17];
	const uint8_t	*t;
	size_t		 left;
	uint16_t	 tl;

	memset(sm, 0, sizeof(*sm));
	cur_cstr(&c, sm->service_type, sizeof(sm->service_type),
	    SIM_ESME_RINVMSGLEN);
	sm->source_addr_ton = cur_u8(&c);
	sm->source_addr_npi = cur_u8(&c);
	cur_cstr(&c, sm->source_addr, sizeof(sm->source_addr),
	    SIM_ESME_RINVSRCADR);
	sm->dest_addr_ton = cur_u8(&c);
	sm->dest_addr_npi = cur_u8(&c);
	cur_cstr(&c, sm->destination_addr, sizeof(sm->destination_addr),
	    SIM_ESME_RINVDSTADR);
	sm->esm_class = cur_u8(&c);
	sm->protocol_id = cur_u8(&c);
	sm->priority_flag = cur_u8(&c);
	cur_cstr(&c, skip, sizeof(skip), SIM_ESME_RINVMSGLEN);
	cur_cstr(&c, skip, sizeof(skip), SIM_ESME_RINVMSGLEN);
	sm->registered_delivery = cur_u8(&c);
	(void)cur_u8(&c);			/* replace_if_present_flag */
	sm->data_coding = cur_u8(&c);
	(void)cur_u8(&c);			/* sm_default_msg_id */
	sm->sm_length = cur_u8(&c);
	if (c.err)
		return c.err;
	if (sm->sm_length > c.left)
		return SIM_ESME_RINVMSGLEN;
	sm->short_message = c.p;
	sm->tlv = c.p + sm->sm_length;
	sm->tlvlen = c.left - sm->sm_length;
	/* Every TLV must lie inside the PDU. */
	for (t = sm->tlv, left = sm->tlvlen; left > 0; t += 4 + tl,
	    left -= 4 + tl) {
		if (left < 4)
			return SIM_ESME_RINVOPTPARSTREAM;
		tl = (uint16_t)(t[2] << 8 | t[3]);
		if (tl > left - 4)
			return SIM_ESME_RINVOPTPARSTREAM;
	}
	return 0;
}

const uint8_t *
sim_tlv_find(const struct sim_sm *sm, uint16_t tag, size_t *len)
{
	const uint8_t	*t;
	size_t		 left;
	uint16_t	 tl;

	for (t = sm->tlv, left = sm->tlvlen; left >= 4; t += 4 + tl,
	    left -= 4 + tl) {
		tl = (uint16_t)(t[2] << 8 | t[3]);
		if (tl > left - 4)
			break;
		if ((uint16_t)(t[0] << 8 | t[1]) == tag) {
			*len = tl;
			return t + 4;
		}
	}
	return NULL;
}

size_t
sim_deliver_encode(uint8_t *buf, size_t sz, const struct sim_sm *sm,
    const uint8_t *tlv, size_t tlvlen, size_t *smoff)
{
	size_t	n = SIM_HDR_LEN, need;

	need = SIM_HDR_LEN + strlen(sm->service_type) + 1 + 2 +
	    strlen(sm->source_addr) + 1 + 2 + strlen(sm->destination_addr) +
	    1 + 3 + 2 + 5 + sm->sm_length + tlvlen;
	if (need > sz)
		return 0;
	memset(buf, 0, SIM_HDR_LEN);
#define PUTS(s)	do {							\
	memcpy(buf + n, (s), strlen(s) + 1);				\
	n += strlen(s) + 1;						\
} while (0)
	PUTS(sm->service_type);
	buf[n++] = sm->source_addr_ton;
	buf[n++] = sm->source_addr_npi;
	PUTS(sm->source_addr);
	buf[n++] = sm->dest_addr_ton;
	buf[n++] = sm->dest_addr_npi;
	PUTS(sm->destination_addr);
#undef PUTS
	buf[n++] = sm->esm_class;
	buf[n++] = sm->protocol_id;
	buf[n++] = sm->priority_flag;
	buf[n++] = 0;				/* schedule_delivery_time */
	buf[n++] = 0;				/* validity_period */
	buf[n++] = sm->registered_delivery;
	buf[n++] = 0;				/* replace_if_present_flag */
	buf[n++] = sm->data_coding;
	buf[n++] = 0;				/* sm_default_msg_id */
	buf[n++] = sm->sm_length;
	*smoff = n;
	if (sm->sm_length > 0)
		memcpy(buf + n, sm->short_message, sm->sm_length);
	n += sm->sm_length;
	if (tlvlen > 0)
		memcpy(buf + n, tlv, tlvlen);
	n += tlvlen;
	sim_put32(buf, n);
	sim_put32(buf + 4, SIM_CMD_DELIVER_SM);
	return n;
}
