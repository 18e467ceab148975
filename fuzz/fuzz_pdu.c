/*
 * libFuzzer target for the SMPP PDU decoder: any input must decode to a
 * status without a crash; what decodes must encode again, to the same
 * octets, and decode to an equal PDU.  USSD TLVs that read must be
 * written into a submit_sm and read back the same.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_pdu.h"
#include "smpp_ussd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	fuzz_ussd(const struct smpp_pdu *);

/* USSD TLVs read from pdu survive a submit_sm round trip. */
static void
fuzz_ussd(const struct smpp_pdu *pdu)
{
	static uint8_t		 out[SMPP_PDU_MAX_DEFAULT];
	struct smpp_pdu		 sub, back;
	struct smpp_ussd	 u, r;
	size_t			 len;

	if (smpp_ussd_get(pdu, &u) != 1)
		return;
	smpp_pdu_init(&sub, SMPP_submit_sm, 1);
	if (smpp_ussd_set(&sub, &u, 1) == -1 ||
	    smpp_pdu_encode(&sub, out, sizeof(out), &len) == -1 ||
	    smpp_pdu_decode(&back, out, len, len) != ESME_ROK ||
	    smpp_ussd_get(&back, &r) != 1 || r.op != u.op ||
	    r.dialog != u.dialog || r.umr != u.umr ||
	    (u.dialog >= 0 && r.end != u.end))
		abort();
}

/* Decode data, then check decode(encode(x)) == x for what decoded. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 out[SMPP_PDU_MAX_DEFAULT];
	struct smpp_pdu	 pdu, again;
	size_t		 len;
	uint32_t	 st;

	st = smpp_pdu_decode(&pdu, data, size, SMPP_PDU_MAX_DEFAULT);
	(void)smpp_pdu_reply_id(&pdu, st);
	(void)smpp_strstatus(st);
	if (st != ESME_ROK)
		return 0;
	if (smpp_pdu_encode(&pdu, out, sizeof(out), &len) == -1)
		abort();
	/* only an error response's empty body may shrink */
	if (len > size || (len != size && (!smpp_cmd_is_resp(pdu.command_id) ||
	    pdu.command_status == ESME_ROK)))
		abort();
	if (len == size && memcmp(out, data, size) != 0)
		abort();
	if (smpp_pdu_decode(&again, out, len, len) != ESME_ROK)
		abort();
	if (!smpp_pdu_equal(&pdu, &again))
		abort();
	fuzz_ussd(&pdu);
	return 0;
}
