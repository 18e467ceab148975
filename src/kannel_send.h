/*
 * kannel_send: the outbox bearer that speaks smsbox's sendsms interface over
 * a small pool of HTTP connections, one request each.  kannel.c starts and
 * stops it; it calls nothing of kannel.c's (it reports "idle" through the
 * function it was started with), so the two are not a circle.
 */
#ifndef HOTLINED_KANNEL_SEND_H
#define HOTLINED_KANNEL_SEND_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct hotlined_conf;

#define KANNEL_BEARER		"kannel"
#define KANNEL_DLR_MASK		31	/* every report Kannel knows */

/* What smsbox answered a sendsms request. */
enum kannel_answer {
	KANNEL_ACCEPTED,	/* 202 "0: Accepted for delivery" */
	KANNEL_QUEUED,		/* 202 "3: Queued for later delivery" */
	KANNEL_TEMPORARY,	/* 5xx, no answer, refused login: try again */
	KANNEL_PERMANENT	/* 4xx: this SMS will never be taken */
};
/* Classify an HTTP answer (status -1: none) and its body. */
enum kannel_answer kannel_sendsms_answer(int status, const char *body,
	    size_t len);

/*
 * Offer the outbox a way out through sendsms; secret goes in the dlr-url.
 * answered() runs after each request has its answer (for a shutdown that
 * waits on kannel_send_busy()).  0, or -1 with err.
 */
int	 kannel_send_start(struct event_base *, const struct hotlined_conf *,
	    const char *secret, void (*answered)(void), char *err,
	    size_t errlen);
/* Take no more SMS (room 0); requests in flight still get their answer. */
void	 kannel_send_drain(void);
/* sendsms requests waiting for smsbox's answer. */
int	 kannel_send_busy(void);
void	 kannel_send_stop(void);
void	 kannel_send_stats(uint64_t *sent, uint64_t *refused);
/*
 * A USSD screen through sendsms with meta (the SMPP TLVs, "?smpp?..."),
 * outside the outbox, on a connection of its own; 0, or -1 when not sent.
 */
int	 kannel_send_ussd(const char *from, const char *to, const char *text,
	    const char *meta);

#endif /* HOTLINED_KANNEL_SEND_H */
