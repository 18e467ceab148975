/*
 * USSD over SMPP 3.4: the three TLVs that carry a USSD dialogue, read from a
 * deliver_sm (or data_sm) and written into a submit_sm.  ussd_service_op
 * (0x0501, 5.3.2.44) says what the message does in the dialogue;
 * its_session_info (0x1383, 5.3.2.43) names it, here read as one 16-bit
 * big-endian value: a dialog id in the upper 15 bits and the end-of-session
 * flag in bit 0; user_message_reference (0x0204, 5.3.2.17) names it for
 * gateways that use that instead.  Pure: no I/O, no allocation.
 */
#ifndef SMPP_USSD_H
#define SMPP_USSD_H

#include <stdint.h>

#include "smpp_pdu.h"

/* ussd_service_op values of SMPP 3.4 (32-255: vendor specific). */
#define SMPP_USSD_PSSD_IND	0
#define SMPP_USSD_PSSR_IND	1
#define SMPP_USSD_USSR_REQ	2
#define SMPP_USSD_USSN_REQ	3
#define SMPP_USSD_PSSD_RESP	16
#define SMPP_USSD_PSSR_RESP	17
#define SMPP_USSD_USSR_CONF	18
#define SMPP_USSD_USSN_CONF	19

#define SMPP_USSD_DIALOG_MAX	0x7fff	/* 15 bits */

/* The USSD TLVs of one PDU.  To encode, the struct must outlive the PDU. */
struct smpp_ussd {
	int		 op;		/* ussd_service_op 0-255, -1: absent */
	int		 dialog;	/* its_session_info >> 1, -1: absent */
	int		 end;		/* its_session_info bit 0 */
	int		 umr;		/* user_message_reference, -1: absent */
	int		 service_type;	/* service_type was "USSD" (read only) */
	uint8_t		 wire[3];	/* encode: the octets the TLVs borrow */
};

/*
 * Read the USSD TLVs of pdu (deliver_sm, data_sm or submit_sm) into u.
 * 1 when pdu is USSD (any of the three TLVs, or service_type "USSD"), 0
 * when it is not, -1 when one of them is malformed (a length the spec
 * does not give it, or a repeated tag that disagrees): such a PDU is not
 * decoded as text either.
 */
int	 smpp_ussd_get(const struct smpp_pdu *, struct smpp_ussd *);
/*
 * Add the TLVs u holds (fields >= 0) to submit_sm pdu, replacing any there,
 * and set service_type "USSD" (set_service_type).  u is borrowed until the
 * PDU is encoded.  0, or -1 when a value is out of range or the PDU full.
 */
int	 smpp_ussd_set(struct smpp_pdu *, struct smpp_ussd *,
	    int set_service_type);
/* An empty struct: every TLV absent. */
void	 smpp_ussd_init(struct smpp_ussd *);

#endif /* SMPP_USSD_H */
