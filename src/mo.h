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

struct commit;
struct hotlined_conf;
struct mo;
struct outbox;
struct store;
struct store_group;

/*
 * What carries out texts over st with conf, logging in c's batches and
 * kicking o after a reply is queued (all borrowed; o may be NULL): loads
 * the rules and the model.  The calendar, the templates and the screen
 * mo.c consults are started by engine.c, which also registers
 * mo_reload().  NULL with a reason in err.
 */
struct mo	*mo_new(struct store *st, const struct hotlined_conf *conf,
		    struct commit *c, struct outbox *o, char *err,
		    size_t errlen);
/* Free what mo_new() loaded; NULL does nothing. */
void	 mo_free(struct mo *);
/* The SIGHUP hook (arg: the struct mo): reload the rules and model. */
int	 mo_reload(void *arg);
/*
 * The daemon's, for the rooms that do not hold one yet (admin_import):
 * set by engine.c (or a test), NULL before.
 */
struct mo	*mo_default(void);
void	 mo_set_default(struct mo *);
/*
 * The working-day deadline (YYYY-MM-DD into due) of a case of category
 * received at received_at (ms), from the calendar in force: the rule
 * engine.c gives lifecycle_set_due() (arg: the struct mo).  0, or -1.
 */
int	 mo_deadline(void *arg, const char *category, int64_t received_at,
	    char *due, size_t len);
/*
 * Process a group the caller assembled (a whole text, or what arrived of
 * it when timed_out; borrowed) inside the caller's unit of work.  0, or
 * -1 when a write failed (the caller undoes the unit and answers a
 * temporary error).
 */
int	 mo_process(struct mo *, const struct store_group *, int timed_out);
/* How a citizen reads a case's state ("dispatched": 办理中); for ussd.c. */
const char *mo_state_zh(const char *state);
/* The Chinese label of a stored category name (咨询...). */
const char *mo_category_zh(const char *name);
/* The configured service number (the source of every reply). */
const char *mo_service_number(const struct mo *);

#endif /* HOTLINED_MO_H */
