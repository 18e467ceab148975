/*
 * kannel: Kannel's smsbox as a bearer, beside or instead of direct SMPP.
 *
 * Inbound (kannel.c): an evhttp listener that smsbox's sms-service calls
 * (get-url or post-url) with each text a citizen sent, and that bearerbox
 * calls through the dlr-url of our sendsms requests with delivery reports.
 * A text goes to inbound.c like a deliver_sm; the answer is 200 only after
 * the commit that holds it, 503 when that failed (smsbox then retries,
 * http-request-retry), and never carries a reply: replies go through the
 * outbox, durable and throttled.
 *
 * Outbound (kannel_send.c, kannel_send.h): an outbox bearer that speaks
 * smsbox's sendsms interface; it knows nothing of the listener.
 *
 * The request parsing below is pure, exported for the tests and the fuzz
 * target; it never trusts a length or an encoding it was given.
 */
#ifndef HOTLINED_KANNEL_H
#define HOTLINED_KANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"
#include "kannel_send.h"

struct event_base;
struct hotlined_conf;
struct inbound_msg;

#define KANNEL_REQ_MAX		(64 * 1024)	/* request body, bytes */
/*
 * A get-url carries the text in its query string, %-encoded: 3 bytes on
 * the wire per byte of text (9 per Chinese character).  The header limit
 * takes the longest text we accept (KANNEL_TEXT_MAX) with every other
 * field at its longest, so a text is refused by our own check, with a
 * log line, never by evhttp (8 KiB refused ~890 Chinese characters).
 */
#define KANNEL_HEADERS_MAX	(64 * 1024)
#define KANNEL_TEXT_MAX		(16 * 1024)	/* decoded text, bytes */
#define KANNEL_FIELD_MAX	256	/* any field but the text */
_Static_assert(KANNEL_HEADERS_MAX >= 3 * KANNEL_TEXT_MAX +
    12 * 3 * KANNEL_FIELD_MAX + 2048, "KANNEL_HEADERS_MAX below a full text");
#define KANNEL_LATE_S		60	/* a text older than this is logged */

/* What one smsbox request said, decoded from a query string or headers. */
struct kannel_fields {
	char		 from[KANNEL_FIELD_MAX];	/* %p: the citizen */
	char		 to[KANNEL_FIELD_MAX];		/* %P: 12345[+ext] */
	char		 id[KANNEL_FIELD_MAX];		/* %I: Kannel's id */
	char		 smsc[KANNEL_FIELD_MAX];	/* %i */
	char		 charset[KANNEL_FIELD_MAX];	/* %C */
	char		 meta[KANNEL_FIELD_MAX];	/* %D */
	char		 secret[KANNEL_FIELD_MAX];
	int		 coding;			/* %c: 0, 1, 2; -1 unset */
	uint8_t		 udh[KANNEL_FIELD_MAX];		/* %u, with UDHL */
	size_t		 udhlen;
	uint8_t		 text[KANNEL_TEXT_MAX];		/* %b, raw */
	size_t		 textlen;
	int		 has_text;
	/* delivery reports (dlr-url) */
	int64_t		 dlr_id;			/* our outbox id */
	int		 dlr_type;			/* %d; -1 unset */
	char		 reply[KANNEL_FIELD_MAX];	/* %A: the SMSC's */
	int64_t		 time;				/* %T; 0 unset */
	int		 dlr_try;			/* our try; 0 unset */
};

/*
 * Percent-decode in/len ('+' is a space) into out (outsz bytes, NUL added
 * after *outlen bytes, which may contain NULs).  0, or -1 on a malformed
 * escape or when it does not fit.
 */
int	 kannel_urldecode(const char *in, size_t len, uint8_t *out,
	    size_t outsz, size_t *outlen);
/*
 * Parse a query string into f (zeroed first).  Known keys: from, to,
 * text, coding, charset, id, smsc, meta, udh, secret, dlr, type, reply,
 * time, try;
 * unknown keys are ignored (Kannel adds what the operator wrote), repeated
 * ones refused.  0, or -1 with a one-line reason.
 */
int	 kannel_query_parse(const char *query, struct kannel_fields *f,
	    char *why, size_t whylen);
/*
 * Decode f's raw text to UTF-8 in out by its charset (or, without one, by
 * its coding: 2 UCS-2, 1 Latin-1, else UTF-8).  Malformed sequences become
 * U+FFFD: a complaint with one bad byte is still a complaint.  The byte
 * count, or -1 with a reason (unknown charset).
 */
int	 kannel_text_utf8(const struct kannel_fields *f, char *out,
	    size_t outsz, char *why, size_t whylen);
/*
 * Fill m (borrowing f and text) for inbound_receive(); 0, or -1 with a
 * reason when a mandatory field is missing or unusable.
 */
int	 kannel_mo_read(const struct kannel_fields *f, const char *text,
	    size_t textlen, struct inbound_msg *m, char *why, size_t whylen);
/* A dlr-url report type (%d) as outbox.h's enum store_receipt, or -1. */
int	 kannel_dlr_state(int type);
/* The receipt stat word for a report: "stat:" from %A, else by type. */
void	 kannel_dlr_stat(const struct kannel_fields *f, char *stat,
	    size_t statlen, char *err, size_t errlen);

/* Start the listener and the sendsms bearer when enabled; 0 or -1. */
int	 kannel_start(struct event_base *, const struct hotlined_conf *,
	    char *err, size_t errlen);
/* Stop listening and sending; in-flight answers are dropped. */
void	 kannel_stop(void);

/* kannel_ussd.c: USSD carried in SMPP meta-data (%D, meta-data=). */
struct kannel_ussd {
	int		 op;		/* ussd_service_op, -1: absent */
	int		 dialog;	/* its_session_info >> 1, -1: absent */
	int		 end;		/* its_session_info bit 0 */
	int		 umr;		/* user_message_reference, -1: absent */
};
/*
 * Read the USSD TLVs of a meta-data string (%D, decoded once): 1 when
 * there is one, 0 none, -1 when one is malformed (too long, not a number,
 * a bad escape).
 */
int	 kannel_ussd_meta(const char *meta, struct kannel_ussd *);
/* Hand a USSD text to ussd.c; done(arg, ok) answers smsbox. */
void	 kannel_ussd_in(const struct kannel_fields *, const char *text,
	    const struct kannel_ussd *, commit_fn done, void *arg);

#endif /* HOTLINED_KANNEL_H */
