/*
 * webhook: the units' optional webhooks (notice.h).  A delivery is a row
 * of "webhooks" written with its notice; after the commit it is POSTed
 * to the unit's URL as JSON, signed:
 *	Content-Type: application/json
 *	Idempotency-Key: hotlined-notice-ID	(the body's "id", the same on
 *						 every attempt)
 *	X-Hotlined-Signature: sha256=HEX	(HMAC-SHA256 of the body's bytes
 *						 with the unit's secret)
 *	X-Hotlined-Attempt: N
 * A 2xx answer delivers it; anything else (no answer, a timeout, 3xx,
 * 4xx, 5xx) is tried again after WEBHOOK_BACKOFF_MIN, doubling up to
 * WEBHOOK_BACKOFF_MAX, WEBHOOK_ATTEMPTS times in all; then it is failed
 * and logged.  Rows survive restarts: a daemon restarted goes on where
 * it stopped (a delivery cut short by the stop is sent again: the
 * receiver drops a repeated Idempotency-Key).  One delivery at a time.
 */
#ifndef HOTLINED_WEBHOOK_H
#define HOTLINED_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;

#define WEBHOOK_TICK		1000		/* ms between looks */
#define WEBHOOK_TIMEOUT		10		/* s for an answer */
#define WEBHOOK_BACKOFF_MIN	1000		/* ms before the 2nd attempt */
#define WEBHOOK_BACKOFF_MAX	(3600 * 1000)	/* ms, the longest wait */
#define WEBHOOK_ATTEMPTS	20		/* then failed (about 4 days) */
#define WEBHOOK_SECRET_LEN	40		/* hex digits of a new secret */
#define WEBHOOK_SIG_MAX		(7 + 64 + 1)	/* "sha256=" hex NUL */

/* Start the timer; the store is borrowed. */
void	 webhook_start(struct event_base *, struct store *);
void	 webhook_stop(void);
/* Look for due deliveries once the open batch commits. */
void	 webhook_kick_after_commit(void);
/* "sha256=" and the hex HMAC-SHA256 of body with secret into out. */
int	 webhook_sign(const char *secret, const char *body, size_t len,
	    char out[WEBHOOK_SIG_MAX]);
/* A new random secret, WEBHOOK_SECRET_LEN hex digits; 0 or -1. */
int	 webhook_secret(char out[WEBHOOK_SECRET_LEN + 1]);
/* The wait before attempt n + 1 after n failed ones, ms. */
int64_t	 webhook_backoff(int attempts);
/* A URL a webhook may have: http://host[:port]/path; 1 or 0. */
int	 webhook_url_ok(const char *url);

#endif /* HOTLINED_WEBHOOK_H */
