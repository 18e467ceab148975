/*
 * smsc_pdu: the SMPP side of the daemon's bearer, without the socket: a
 * received deliver_sm (or data_sm) read into an inbound part or a delivery
 * receipt, and an outbox job written as the submit_sm PDUs that carry it.
 */
#ifndef HOTLINED_SMSC_PDU_H
#define HOTLINED_SMSC_PDU_H

#include <stddef.h>
#include <stdint.h>

#include "dlr.h"
#include "gsm7.h"
#include "inbound.h"
#include "smpp_pdu.h"
#include "udh.h"

#define SMSC_TEXT_MAX	(GSM7_UTF8_MAX(UDH_PAYLOAD_MAX))

enum smsc_mo_kind {
	SMSC_MO_TEXT,		/* a citizen's text (or a part of one) */
	SMSC_MO_RECEIPT,	/* a delivery receipt */
	SMSC_MO_BAD		/* unusable: answer with status */
};

/* What a deliver_sm carried; text points into the caller's buffer. */
struct smsc_mo {
	enum smsc_mo_kind	 kind;
	uint32_t		 status;	/* SMSC_MO_BAD: the answer */
	struct inbound_msg	 msg;		/* SMSC_MO_TEXT */
	struct dlr		 dlr;		/* SMSC_MO_RECEIPT */
	char			 src[66];
	char			 dst[66];
};

/*
 * Read deliver_sm or data_sm pdu of bearer into mo; the text is decoded into
 * textbuf (SMSC_TEXT_MAX bytes).  Undecodable text is kept leniently with
 * U+FFFD (a complaint with one bad character is still a complaint).
 */
void	 smsc_mo_read(const struct smpp_pdu *, const char *bearer,
	    struct smsc_mo *, char *textbuf, size_t textlen);
/* Map a receipt's state onto the outbox's (outbox.h enum store_receipt). */
int	 smsc_receipt_state(enum dlr_state);

/*
 * Split text for sending (udh.h modes; ref varies per recipient; max_parts
 * 0 for no limit) into buf, which needs bufsz >= 160 octets a part.
 * 0, or -1 when the text cannot be encoded.
 */
int	 smsc_split(const char *text, enum udh_mode, uint16_t ref,
	    size_t max_parts, uint8_t *buf, size_t bufsz, struct udh_split *);
/* Part i (0-based) of a split as a submit_sm from -> to; 0 or -1. */
int	 smsc_part_pdu(const struct udh_split *, const uint8_t *buf, size_t i,
	    const char *from, const char *to, enum udh_mode, int want_receipt,
	    struct smpp_pdu *);

/*
 * A USSD screen as one submit_sm from -> to: text in GSM 7-bit (one septet
 * an octet) when it fits, else UCS-2, in short_message, with the USSD TLVs
 * u holds (borrowed until the PDU is encoded; sm too, 255 octets).  0, or
 * -1 when the text does not fit one short_message.
 */
struct smpp_ussd;
int	 smsc_ussd_pdu(const char *text, const char *from, const char *to,
	    struct smpp_ussd *, int service_type, uint8_t sm[SMPP_SM_MAX],
	    struct smpp_pdu *);

#endif /* HOTLINED_SMSC_PDU_H */
