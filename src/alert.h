/*
 * alert: a life may be in danger (the safety screen's possible and clear
 * verdicts), and a person must call back.  A durable row in the
 * transaction of the case or refusal, a "crit" log line once it is
 * committed, counters, and the same line again every alert-repeat until an
 * operator acknowledges it (hotlinectl alert ack ID NOTE).
 */
#ifndef HOTLINED_ALERT_H
#define HOTLINED_ALERT_H

#include <stdint.h>

struct commit;
struct event_base;
struct store;
struct store_alert_new;

/* Start the repeat timer (every open alert is logged again at start). */
void	 alert_init(struct event_base *, struct store *, int64_t repeat_ms);
/* Stop the timer. */
void	 alert_shutdown(void);
/*
 * Record an alert inside the caller's open batch of c; its crit line
 * follows the commit.  case_number (may be NULL) only names the case in
 * that line.  0, or -1 when the row could not be written (the caller
 * undoes the text).
 */
int	 alert_raise(struct commit *c, struct store *,
	    const struct store_alert_new *, const char *case_number);
/* An operator acknowledged one (counted). */
void	 alert_acked(void);
/* Counted since start: raised (committed), logged again, acknowledged. */
void	 alert_stats(uint64_t *raised, uint64_t *repeated, uint64_t *acked);

#endif /* HOTLINED_ALERT_H */
