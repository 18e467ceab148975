/*
 * Concatenated SMS: parsing the user data header of an inbound short_message
 * (GSM 03.40 9.2.3.24) and SAR TLV values, and splitting an outbound UTF-8
 * text into parts (UDH with 8- or 16-bit reference, SAR TLVs, or one
 * message_payload).  Pure functions on caller buffers; reassembly is the
 * daemon's, because it must be durable.
 */
#ifndef UDH_H
#define UDH_H

#include <stddef.h>
#include <stdint.h>

#define UDH_IEI_CONCAT8		0x00	/* concatenation, 8-bit reference */
#define UDH_IEI_PORT8		0x04	/* application port, 8-bit */
#define UDH_IEI_PORT16		0x05	/* application port, 16-bit */
#define UDH_IEI_CONCAT16	0x08	/* concatenation, 16-bit reference */

#define UDH_MAX_PARTS		255	/* the total is one octet */
#define UDH_ESM_UDHI		0x40	/* esm_class: short_message has a UDH */
#define UDH_PAYLOAD_MAX		65535	/* message_payload TLV length */

enum udh_err {
	UDH_OK = 0,
	UDH_ETRUNC = -20,	/* UDHL runs past the short_message */
	UDH_EBADIE = -21,	/* an IE runs past the header */
	UDH_ERANGE = -22	/* SAR value out of range */
};

/* One part of a concatenated message. */
struct udh_concat {
	uint16_t	ref;		/* reference shared by the parts */
	uint8_t		total;		/* parts in the message, 1-255 */
	uint8_t		seq;		/* this part, 1-total */
	uint8_t		ref_bits;	/* 8 or 16 (UDH), 16 (SAR) */
};

/* What a UDH says. */
struct udh_info {
	size_t			len;	/* octets with UDHL: text starts here */
	int			has_concat;
	struct udh_concat	concat;
	int			has_ports;
	uint16_t		dst_port;
	uint16_t		src_port;
	unsigned int		nie;	/* information elements seen */
};

/* How an outbound text that needs several parts is sent. */
enum udh_mode {
	UDH_MODE_UDH8,		/* 6-octet UDH, IEI 0x00: 153 / 67 */
	UDH_MODE_UDH16,		/* 7-octet UDH, IEI 0x08: 152 / 66 */
	UDH_MODE_SAR,		/* no UDH, sar_* TLVs: 153 / 67 */
	UDH_MODE_PAYLOAD	/* one submit_sm with message_payload */
};

struct udh_opts {
	enum udh_mode	mode;
	uint16_t	ref;		/* udh_ref(); UDH8 uses the low octet */
	size_t		max_parts;	/* 0: UDH_MAX_PARTS */
	int		ucs2;		/* 1: UCS-2 even if GSM would do */
};

struct udh_part {
	size_t		off;		/* short_message octets in the buffer */
	size_t		len;		/* UDH (if any) + text */
	size_t		text_off;	/* the UTF-8 text this part carries */
	size_t		text_len;
	uint8_t		sar_segment_seqnum;	/* 1-based */
};

struct udh_split {
	unsigned int	data_coding;	/* 0 (GSM 7-bit, unpacked), 8 (UCS-2) */
	int		udhi;		/* 1: set esm_class |= UDH_ESM_UDHI */
	int		sar;		/* 1: add the sar_* TLVs to each part */
	uint16_t	sar_msg_ref_num;
	uint8_t		sar_total_segments;
	size_t		nparts;
	size_t		needed;		/* parts the whole text needs */
	size_t		cut;		/* characters left out by max_parts */
	size_t		cut_at;		/* UTF-8 offset of the first cut one */
	struct udh_part	part[UDH_MAX_PARTS];
};

/* Name of an error code (udh_err or gsm7_err), for logs. */
const char	*udh_strerror(int);
/* Parse the UDH at the start of sm (esm_class had UDHI set). */
int	udh_parse(const uint8_t *sm, size_t len, struct udh_info *);
/* Check SAR TLV values (sar_msg_ref_num, total, seqnum) into *c. */
int	udh_sar(long ref, long total, long seq, struct udh_concat *c);
/* Concatenation reference for the counter-th long message to recipient. */
uint16_t udh_ref(const char *recipient, uint32_t counter, enum udh_mode);
/* Septets or UCS-2 units per part: concat 0 for a single SMS. */
size_t	udh_capacity(enum udh_mode, unsigned int data_coding, int concat);
/* Parts a UTF-8 text takes (>= 1), or a negative gsm7_err. */
int	udh_count(const char *text, size_t len, enum udh_mode, int ucs2);
/* Split and encode text into buf; 0 or a negative gsm7_err / udh_err. */
int	udh_split(const char *text, size_t len, const struct udh_opts *,
	    uint8_t *buf, size_t bufsz, struct udh_split *);

#endif /* UDH_H */
