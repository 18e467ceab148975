/*
 * notify: what the daemon does on its own after a case moves.  The
 * lifecycle notify hook queues the result SMS on answer and close (Art.
 * 16), cut to max-result-parts with the cut recorded in the case, and
 * schedules the satisfaction survey (Art. 15) from the service number
 * plus its extension code; the extension notice on extend (Art. 18).
 * Timers run the survey's reminders and expiry, and the overdue scan
 * (Art. 13(3)).
 */
#ifndef HOTLINED_NOTIFY_H
#define HOTLINED_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct hotlined_conf;
struct lc_event;
struct store;
struct store_case;

#define NOTIFY_SURVEY_TICK	5000		/* ms between survey_tick()s */
#define NOTIFY_OVERDUE_TICK	60000		/* ms between overdue scans */
#define NOTIFY_TEXT_MAX		4096		/* a rendered SMS, bytes */

/* Install the lifecycle hook and start the timers; conf is borrowed. */
void	 notify_start(struct event_base *, struct store *,
	    const struct hotlined_conf *);
/* Stop the timers and remove the hook (an exit hook calls it too). */
void	 notify_stop(void);
/* The lifecycle notify hook (lifecycle.h), exported for the tests. */
int	 notify_case(void *arg, struct store *, const struct store_case *,
	    const struct lc_event *);
/*
 * Render the result template for case number with as much of result as
 * fits in max SMS parts, then result_more ("……完整答复请致电…"): cut at
 * the end of a sentence in the second half, else at a character; *cutp
 * gets the characters left out.  0, or -1 when nothing renders.
 */
int	 notify_result_text(const char *number, const char *result,
	    const char *service, int max, char *out, size_t outlen,
	    int *cutp);
/*
 * Queue one SMS of a case to msisdn from source, kicking the outbox after
 * the commit (kind: "result", "survey", "unit" ...); 0 or -1.
 */
int	 notify_queue(struct store *, int64_t case_id, const char *kind,
	    const char *msisdn, const char *source, const char *text,
	    int64_t not_before, int64_t expire_at);
/* Run one overdue scan now (the timer's work); the count, or -1. */
int	 notify_overdue_now(void);
/* Run one survey tick now (the timer's work); the count, or -1. */
int	 notify_survey_now(void);

#endif /* HOTLINED_NOTIFY_H */
