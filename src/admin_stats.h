/*
 * The admin API's routes for the office's figures (hotlinectl(8)):
 *	GET /v1/stats?from=&to=&by=	the period's statistics
 *	GET /v1/stats/units?from=&to=	the units' figures (assessment)
 *	GET /v1/stats/lists?from=&to=&limit=	overdue, supervised, top
 *	GET /v1/stats/flags?from=&to=&limit=	Art. 23 flags per unit, cases
 *	GET /v1/publish?from=&to=&limit=	the public list (Art. 19)
 * Dates are YYYY-MM-DD, both included; a period is at most
 * STATS_SPAN_MAX days.  Read only: no batch, no audit event.
 */
#ifndef HOTLINED_ADMIN_STATS_H
#define HOTLINED_ADMIN_STATS_H

struct admin_req;

int	 admin_stats(struct admin_req *);
int	 admin_stats_units(struct admin_req *);
int	 admin_stats_lists(struct admin_req *);
int	 admin_stats_flags(struct admin_req *);
int	 admin_publish(struct admin_req *);

#endif /* HOTLINED_ADMIN_STATS_H */
