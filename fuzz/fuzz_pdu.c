/*
 * libFuzzer target for the SMPP PDU decoder: any input must decode to a
 * status without a crash; what decodes must encode again, to the same
 * octets, and decode to an equal PDU.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smpp_pdu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	return 0;
}
