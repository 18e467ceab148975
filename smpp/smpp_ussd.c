/*
 * USSD TLVs: read and written over the generic TLV list of smpp_pdu.c.  The
 * decoder already refuses a TLV whose length the table does not allow;
 * this file checks again, so that a PDU built in memory is judged alike.
 */
#include "compat.h"

#include <string.h>

#include "smpp_ussd.h"

static int	ussd_one(const struct smpp_pdu *, uint16_t, uint16_t,
		    const struct smpp_tlv **);

/*
 * The one value of tag in pdu, of exactly len octets: 1 found, 0 absent,
 * -1 a wrong length, or a repeat with other octets.
 */
static int
ussd_one(const struct smpp_pdu *pdu, uint16_t tag, uint16_t len,
    const struct smpp_tlv **tp)
{
	const struct smpp_tlv	*t, *first = NULL;
	size_t			 i;

	for (i = 0; i < pdu->ntlv && i < SMPP_TLV_MAX; i++) {
		t = &pdu->tlv[i];
		if (t->tag != tag)
			continue;
		if (t->len != len || t->val == NULL)
			return -1;
		if (first == NULL)
			first = t;
		else if (memcmp(first->val, t->val, len) != 0)
			return -1;
	}
	*tp = first;
	return first != NULL;
}

void
smpp_ussd_init(struct smpp_ussd *u)
{
	memset(u, 0, sizeof(*u));
	u->op = u->dialog = u->umr = -1;
}

int
smpp_ussd_get(const struct smpp_pdu *pdu, struct smpp_ussd *u)
{
	const struct smpp_tlv	*t;
	const char		*st;
	int			 any = 0, r;

	smpp_ussd_init(u);
	switch (pdu->command_id) {
	case SMPP_deliver_sm:
		st = pdu->u.deliver_sm.service_type;
		break;
	case SMPP_data_sm:
		st = pdu->u.data_sm.service_type;
		break;
	case SMPP_submit_sm:
		st = pdu->u.submit_sm.service_type;
		break;
	default:
		return 0;
	}
	u->service_type = strcmp(st, "USSD") == 0;
	if ((r = ussd_one(pdu, SMPP_TLV_ussd_service_op, 1, &t)) == -1)
		return -1;
	if (r == 1) {
		u->op = t->val[0];
		any = 1;
	}
	if ((r = ussd_one(pdu, SMPP_TLV_its_session_info, 2, &t)) == -1)
		return -1;
	if (r == 1) {
		u->dialog = (t->val[0] << 8 | t->val[1]) >> 1;
		u->end = t->val[1] & 1;
		any = 1;
	}
	if ((r = ussd_one(pdu, SMPP_TLV_user_message_reference, 2, &t)) == -1)
		return -1;
	if (r == 1) {
		u->umr = t->val[0] << 8 | t->val[1];
		any = 1;
	}
	return any || u->service_type;
}

int
smpp_ussd_set(struct smpp_pdu *pdu, struct smpp_ussd *u, int set_service_type)
{
	uint16_t	v;

	if (pdu->command_id != SMPP_submit_sm || u->op > 255 ||
	    u->dialog > SMPP_USSD_DIALOG_MAX || u->umr > 0xffff)
		return -1;
	smpp_tlv_del(pdu, SMPP_TLV_ussd_service_op);
	smpp_tlv_del(pdu, SMPP_TLV_its_session_info);
	smpp_tlv_del(pdu, SMPP_TLV_user_message_reference);
	if (u->op >= 0) {
		u->wire[0] = (uint8_t)u->op;
		if (smpp_tlv_add(pdu, SMPP_TLV_ussd_service_op, &u->wire[0],
		    1) == -1)
			return -1;
	}
	if (u->dialog >= 0) {
		v = (uint16_t)(u->dialog << 1 | (u->end ? 1 : 0));
		u->wire[1] = (uint8_t)(v >> 8);
		u->wire[2] = (uint8_t)v;
		if (smpp_tlv_add(pdu, SMPP_TLV_its_session_info, &u->wire[1],
		    2) == -1)
			return -1;
	}
	if (u->umr >= 0 && smpp_tlv_add_int(pdu,
	    SMPP_TLV_user_message_reference, (uint32_t)u->umr) == -1)
		return -1;
	if (set_service_type)
		strlcpy(pdu->u.submit_sm.service_type, "USSD",
		    sizeof(pdu->u.submit_sm.service_type));
	return 0;
}
