/*
 * health: is the daemon doing its job?  ok, degraded (it works, but a
 * person should look: a link down, a queue growing old, the disk filling,
 * next year's holidays missing) or failing (citizens are not being
 * served: no link bound, the store refuses writes, commits fail), each
 * with its reasons.  /v1/health, "hotlinectl health" and the status page
 * ask it; hotlinectl(8) documents the JSON.
 */
#ifndef HOTLINED_HEALTH_H
#define HOTLINED_HEALTH_H

#include <stddef.h>
#include <stdint.h>

struct json_t;
struct store;
struct store_obs_outbox;

enum health_status {
	HEALTH_OK = 0,
	HEALTH_DEGRADED,
	HEALTH_FAILING
};

/* Thresholds (the admin block) and whether Kannel is a way out. */
void	 health_conf(int64_t outbox_age_ms, size_t disk_min, int kannel);
/*
 * Check everything; *out gets {"status", "checked_at", "reasons": [{"check",
 * "status", "message"}]} (new reference).  Returns the overall status.
 */
enum health_status health_report(struct store *, struct json_t **out);
/* The same with the outbox's gauges already read (one read a scrape). */
enum health_status health_report_with(struct store *,
	    const struct store_obs_outbox *, struct json_t **out);
/* "ok", "degraded", "failing". */
const char *health_strstatus(int);
/*
 * 1 when the calendar lacks next year's days and it is November or
 * later (the State Council publishes them in November), else 0.
 */
int	 health_calendar_late(int today, int *year);

#endif /* HOTLINED_HEALTH_H */
