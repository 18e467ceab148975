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

#include "gsm7.h"

/*
 * Read deliver_sm or data_sm pdu of bearer into mo; the text is decoded into
 * textbuf (SMSC_TEXT_MAX bytes).  Undecodable text is kept leniently with
 * U+FFFD (a complaint with one bad character is still a complaint).
 */
void	 smsc_mo_read(const struct smpp_pdu *, const char *bearer,
	    struct smsc_mo *, char *textbuf, size_t textlen);
/* Map a receipt's state onto the outbox's (store.h enum store_receipt). */
int	 smsc_receipt_state(enum dlr_state);

/* The submit_sm PDUs of one SMS; short_message points into buf. */
struct smsc_submit {
	struct udh_split	 split;
	size_t			 nparts;
	struct smpp_pdu		 pdu[UDH_MAX_PARTS];
};

/*
 * Write text from -> to as submit_sm PDUs into sub (buf holds the encoded
 * parts: at least UDH_MAX_PARTS * 160 bytes); mode and ref as udh.h says,
 * max_parts 0 for no limit.  0, or -1 when the text cannot be encoded.
 */
int	 smsc_submit_build(struct smsc_submit *, const char *from,
	    const char *to, const char *text, enum udh_mode, uint16_t ref,
	    size_t max_parts, int want_receipt, uint8_t *buf, size_t bufsz);

#endif /* HOTLINED_SMSC_PDU_H */
