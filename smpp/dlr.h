/*
 * Delivery receipts: the `id: sub: dlvrd: submit date: done date: stat:
 * err: text:` text of SMPP 3.4 Appendix B and the receipted_message_id /
 * message_state / network_error_code TLVs, folded into one struct with one
 * state; and message ids matched by normalised value (Kannel's msg-id-type).
 */
#ifndef DLR_H
#define DLR_H

#include <stddef.h>
#include <stdint.h>

#define DLR_ID_MAX	66	/* message_id: C-octet string of 65 */
#define DLR_KEY_MAX	72	/* a normalised id, with its NUL */

/* One clear state; the values are SMPP 3.4 5.2.28 message_state. */
enum dlr_state {
	DLR_ENROUTE = 1,
	DLR_DELIVERED = 2,
	DLR_EXPIRED = 3,
	DLR_DELETED = 4,
	DLR_UNDELIVERABLE = 5,
	DLR_ACCEPTED = 6,
	DLR_UNKNOWN = 7,	/* also: no state given (has_state 0) */
	DLR_REJECTED = 8
};

/* How submit_sm_resp and receipt ids are written (Kannel's msg-id-type). */
enum dlr_idtype {
	DLR_ID_STRING,		/* both as strings, compared after case fold */
	DLR_ID_HEX_DEC,		/* hex in submit_sm_resp, decimal in DLR */
	DLR_ID_DEC_HEX,		/* decimal in submit_sm_resp, hex in DLR */
	DLR_ID_HEX,		/* hex in both */
	DLR_ID_DEC,		/* decimal in both */
	DLR_ID_AUTO		/* same form, or hex submit / decimal DLR */
};

struct dlr_date {
	uint16_t	year;		/* 0: absent or invalid */
	uint8_t		mon, day, hour, min, sec;
};

/* The receipt TLVs, as the PDU decoder found them. */
struct dlr_tlv {
	const char	*receipted_message_id;	/* NULL: absent */
	int		 message_state;		/* -1: absent */
	int		 network_type;		/* -1: absent (3 is GSM) */
	int		 network_error;		/* -1: absent */
};

struct dlr {
	char		id[DLR_ID_MAX];		/* TLV id, else the text id */
	char		text_id[DLR_ID_MAX];	/* the text's id:, or "" */
	enum dlr_state	state;
	int		has_state;	/* 0: neither stat: nor message_state */
	int		final;		/* 1: no further receipt will follow */
	int		err;		/* err: of the text, else the TLV; -1 */
	int		network_type;	/* -1 unless the TLV was there */
	int		sub;		/* -1 when absent */
	int		dlvrd;
	struct dlr_date	submit_date;
	struct dlr_date	done_date;
	char		stat[16];	/* stat: as sent (printable), or "" */
	char		text[24];	/* text:, printable ASCII, else '?' */
	int		is_text;	/* short_message parsed as receipt */
};

/* Name of a state, for logs ("DELIVRD" style words are the SMSC's). */
const char	*dlr_strstate(enum dlr_state);
/* State for a receipt stat: word (DELIVRD, UNDELIV, ..., or a number). */
int	dlr_stat_state(const char *, size_t, enum dlr_state *);
/* Does this state end the message's life (ENROUTE, ACCEPTED do not)? */
int	dlr_is_final(enum dlr_state);
/* Parse receipt text; 0 if it looked like a receipt, -1 if not. */
int	dlr_parse_text(const char *sm, size_t len, struct dlr *);
/* Text and TLVs into one receipt; 0, or -1 if no id was found. */
int	dlr_parse(const char *sm, size_t len, const struct dlr_tlv *,
	    struct dlr *);
/* Normalised key of an id read in base 0 (string), 10 or 16; 0 or -1. */
int	dlr_id_key(const char *id, int base, char *key, size_t keysz);
/* Key to store a submit_sm_resp message_id under; 0 or -1. */
int	dlr_key_submit(const char *id, enum dlr_idtype, char *key, size_t);
/* Keys to look a receipt id up with (1 or 2 in auto mode), or -1. */
int	dlr_key_receipt(const char *id, enum dlr_idtype,
	    char key[2][DLR_KEY_MAX]);
/* Does the receipt id name the message submit_sm_resp called submit_id? */
int	dlr_id_match(const char *submit_id, const char *receipt_id,
	    enum dlr_idtype);

#endif /* DLR_H */
