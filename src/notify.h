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

struct commit;
struct event_base;
struct hotlined_conf;
struct lc_event;
struct notify;
struct outbox;
struct store;
struct store_case;

#define NOTIFY_SURVEY_TICK	5000		/* ms between survey_tick()s */
#define NOTIFY_OVERDUE_TICK	60000		/* ms between overdue scans */
#define NOTIFY_TEXT_MAX		4096		/* a rendered SMS, bytes */

/*
 * Install the lifecycle hook and start the timers (none when base is
 * NULL): over st, with conf, the scans' units in c's batches, what is
 * queued kicking o (all borrowed; o may be NULL).
 */
struct notify	*notify_new(struct event_base *, struct store *st,
		    const struct hotlined_conf *conf, struct commit *c,
		    struct outbox *o);
/* Stop the timers, remove the hook and free; NULL does nothing. */
void	 notify_free(struct notify *);
/*
 * The lifecycle notify hook (lifecycle.h; arg: the struct notify),
 * exported for the tests.
 */
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
 * Queue one SMS of a case to msisdn from source, kicking outbox o (NULL:
 * none) after the commit (kind: "result", "survey", "unit" ...); 0 or -1.
 */
int	 notify_queue(struct outbox *o, struct store *, int64_t case_id,
	    const char *kind, const char *msisdn, const char *source,
	    const char *text, int64_t not_before, int64_t expire_at);
/* Run one overdue scan now (the timer's work); the count, or -1. */
int	 notify_overdue_now(struct notify *);
/* Run one survey tick now (the timer's work); the count, or -1. */
int	 notify_survey_now(struct notify *);

#endif /* HOTLINED_NOTIFY_H */
