/*
 * SMPP 3.4 PDU codec: one struct smpp_pdu for every PDU in smpp_pdu.def,
 * decoded from and encoded into caller buffers.  Pure: no I/O, no
 * allocation, no logging.  Decoding never trusts the wire and answers every
 * defect with the command_status the spec gives it.
 */
#ifndef SMPP_PDU_H
#define SMPP_PDU_H

#include <stddef.h>
#include <stdint.h>

#define SMPP_HDR_LEN		16	/* command_length .. sequence_number */
#define SMPP_PDU_MAX_DEFAULT	(SMPP_HDR_LEN + 65536 + 1024)
#define SMPP_TLV_MAX		24	/* TLVs kept per PDU; more: error */
#define SMPP_SM_MAX		255	/* short_message octets (sm_length) */
#define SMPP_RESP_BIT		0x80000000U

/*
 * command_id values, spelled as the spec names the PDUs: SMPP_submit_sm,
 * SMPP_deliver_sm_resp, SMPP_generic_nack, ...
 */
enum smpp_command_id {
#define PDU(name, id, fields)	SMPP_##name = id,
#include "smpp_pdu.def"
};

/* command_status values: ESME_ROK, ESME_RTHROTTLED, ... (5.1.3). */
enum smpp_status {
#define STATUS(name, value, text)	name = value,
#include "smpp_pdu.def"
};

/* TLV tags: SMPP_TLV_message_payload, SMPP_TLV_sar_msg_ref_num, ... */
enum smpp_tlv_tag {
#define TLV(name, tag, type, min, max)	SMPP_TLV_##name = tag,
#include "smpp_pdu.def"
};

/* Value types of TLVs (5.3.2). */
enum smpp_tlv_type {
	SMPP_TLV_INT,		/* big-endian unsigned, 1, 2 or 4 octets */
	SMPP_TLV_CSTR,		/* C-octet string, the NUL counted in len */
	SMPP_TLV_OCT		/* octet string */
};

/* One row of the TLV table. */
struct smpp_tlv_info {
	const char		*name;
	uint16_t		 tag;
	enum smpp_tlv_type	 type;
	uint16_t		 min, max;	/* value length, octets */
};

/*
 * One TLV, known or not, in wire order.  Decoded: val points into the
 * decoded buffer and num holds an INT value (or the first 4 octets).  To
 * encode: val (borrowed) with len octets, or val NULL and num written
 * big-endian in len (1, 2 or 4) octets.
 */
struct smpp_tlv {
	uint16_t	 tag;
	uint16_t	 len;
	uint32_t	 num;
	const uint8_t	*val;		/* borrowed */
};

/* The body of each PDU: struct smpp_submit_sm, struct smpp_unbind, ... */
#define U8(name)		uint8_t name;
#define CSTR(name, max, err)	char name[max];
#define TIME(name, err)		char name[17];
#define OSTR(name, lenname)	uint8_t lenname; \
				const uint8_t *name;	/* borrowed */
/* _pad keeps the structs of bodyless PDUs non-empty, as ISO C wants */
#define PDU(name, id, fields)	struct smpp_##name { fields char _pad; };
#include "smpp_pdu.def"

/*
 * A PDU.  The body is u.<name> for command_id SMPP_<name>.  After a decode,
 * short_message and TLV values point into the decoded buffer: copy what
 * must outlive it.
 */
struct smpp_pdu {
	uint32_t	command_length;	/* set by decode and encode */
	uint32_t	command_id;
	uint32_t	command_status;
	uint32_t	sequence_number;
	int		flags;
#define SMPP_PF_BADHDR	0x01		/* decode: header defect, send nack */
	union {
#define PDU(name, id, fields)	struct smpp_##name name;
#include "smpp_pdu.def"
	} u;
	size_t		ntlv;
	struct smpp_tlv	tlv[SMPP_TLV_MAX];
};

/* Zero pdu and set its command_id and sequence_number. */
void	smpp_pdu_init(struct smpp_pdu *, uint32_t, uint32_t);
/*
 * Decode the whole PDU buf[0..len) (len as framed: command_length octets),
 * accepting command_length up to max.  Returns ESME_ROK or the status to
 * answer with (see smpp_pdu_reply_id()); on error the header fields are
 * still set when the header could be read.
 */
uint32_t smpp_pdu_decode(struct smpp_pdu *, const uint8_t *, size_t, size_t);
/*
 * Encode pdu into buf (size octets), filling command_length; *lenp gets the
 * length.  A response with a non-zero command_status and an empty body is
 * sent without a body (4.1.2).  Returns 0, or -1 if buf is too small or
 * a field is invalid (string without a NUL within its max, bad TLV).
 */
int	smpp_pdu_encode(const struct smpp_pdu *, uint8_t *, size_t, size_t *);
/*
 * After a decode that returned status, the command_id to answer with:
 * SMPP_generic_nack for a header defect (ESME_RINVCMDLEN, ESME_RINVCMDID)
 * or a malformed outbind/alert_notification; the _resp of any other
 * request (with status if it is not ESME_ROK); 0 for responses and for
 * good requests that have no _resp.
 */
uint32_t smpp_pdu_reply_id(const struct smpp_pdu *, uint32_t);
/* 1 if both PDUs carry the same header, fields and TLVs, else 0. */
int	smpp_pdu_equal(const struct smpp_pdu *, const struct smpp_pdu *);

/* 1 if command_id is one smpp_pdu.def knows, else 0. */
int	smpp_cmd_known(uint32_t);
/* 1 if command_id is a response (its top bit set), else 0. */
int	smpp_cmd_is_resp(uint32_t);
/* The _resp of a request; 0 for outbind, alert_notification, responses. */
uint32_t smpp_cmd_resp(uint32_t);
/* Spec name of a command_id ("submit_sm"), "unknown" if none. */
const char *smpp_strcmd(uint32_t);
/* Name of a command_status ("ESME_RTHROTTLED"), "vendor" or "unknown". */
const char *smpp_strstatus(uint32_t);
/* The spec's description of a command_status. */
const char *smpp_status_text(uint32_t);
/* 1 if a status is temporary: THROTTLED, MSGQFUL, X_T_APPN, SYSERR. */
int	smpp_status_is_temporary(uint32_t);

/* The TLV table row for tag, or NULL for a tag the spec does not define. */
const struct smpp_tlv_info *smpp_tlv_info(uint16_t);
/* Spec name of a TLV tag, "unknown" if none. */
const char *smpp_strtlv(uint16_t);
/* The first TLV with tag in pdu, or NULL. */
const struct smpp_tlv *smpp_tlv_find(const struct smpp_pdu *, uint16_t);
/* An integer TLV (up to 4 octets) into *v; 0, or -1 if absent or longer. */
int	smpp_tlv_get_int(const struct smpp_pdu *, uint16_t, uint32_t *);
/* Add a TLV of len octets at val (borrowed); 0, or -1 when full. */
int	smpp_tlv_add(struct smpp_pdu *, uint16_t, const void *, uint16_t);
/* Add an integer TLV sized by the table; -1 for non-integer tags or full. */
int	smpp_tlv_add_int(struct smpp_pdu *, uint16_t, uint32_t);
/* Add a C-octet string TLV (borrowed, NUL included); 0 or -1. */
int	smpp_tlv_add_cstr(struct smpp_pdu *, uint16_t, const char *);
/* Remove every TLV with tag; returns how many were removed. */
int	smpp_tlv_del(struct smpp_pdu *, uint16_t);

/* Big-endian 32-bit read, for framing: command_length is smpp_get32(buf). */
static inline uint32_t
smpp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#endif /* SMPP_PDU_H */
