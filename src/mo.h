/*
 * mo: what a citizen's whole text causes.  intake.c decides what the text
 * is; mo.c carries the verdict out in the store (case, refusal, supplement,
 * opt-out, audit event) and queues the reply from templates/, all inside the
 * caller's group commit.
 */
#ifndef HOTLINED_MO_H
#define HOTLINED_MO_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_group;
struct hotlined_conf;

/*
 * Set up with the store and the configuration (both borrowed): load the
 * rules and the model, and register their SIGHUP reload.  The calendar,
 * the templates and the screen mo.c consults are started by engine.c.
 * 0, or -1 with a reason in err.
 */
int	 mo_init(struct store *, const struct hotlined_conf *, char *err,
	    size_t errlen);
/* Free what mo_init() loaded. */
void	 mo_free(void);
/*
 * The working-day deadline (YYYY-MM-DD into due) of a case of category
 * received at received_at (ms), from the calendar in force: the rule
 * engine.c gives lifecycle_set_due().  0, or -1.
 */
int	 mo_deadline(void *arg, const char *category, int64_t received_at,
	    char *due, size_t len);
/*
 * Process a group the caller assembled (a whole text, or what arrived of
 * it when timed_out; borrowed) inside the caller's unit of work.  0, or
 * -1 when a write failed (the caller undoes the unit and answers a
 * temporary error).
 */
int	 mo_process(const struct store_group *, int timed_out);
/* How a citizen reads a case's state ("dispatched": 办理中); for ussd.c. */
const char *mo_state_zh(const char *state);
/* The Chinese label of a stored category name (咨询...). */
const char *mo_category_zh(const char *name);
/* The configured service number (the source of every reply). */
const char *mo_service_number(void);

#endif /* HOTLINED_MO_H */
