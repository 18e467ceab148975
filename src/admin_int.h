/*
 * The admin API's private header: what admin.c (the server, the routes[]
 * table and the helpers every handler shares) and the files of handlers,
 * one a resource, share.  The handler contract is in admin.h.
 *
 *	admin.c		server, TLS, tokens, dispatch, routes[], helpers
 *	admin_case.c	cases: list, show, citizen, the operations
 *	admin_unit.c	units
 *	admin_ext.c	extension requests, confidentiality, publication
 *	admin_kb.c	the knowledge base
 *	admin_queue.c	the classification queue, the labelled examples
 *	admin_alert.c	the safety screen's alerts
 *	admin_status.c	health, status, log level, log reopen, db check
 *	admin_stats.c	the office's figures, the public list
 *	admin_data.c	backup, retention, audit verification
 *	admin_obs.c	/metrics, the status page, outbox, SMSC links
 *	admin_import.c	cases from the other channels (POST /v1/cases)
 */
#ifndef HOTLINED_ADMIN_INT_H
#define HOTLINED_ADMIN_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "admin.h"
#include "calendar.h"

struct store;
struct store_case;

#define ADMIN_LIST_DEFAULT	50	/* cases in a list page */
#define ADMIN_LIST_MAX		200
#define ADMIN_UNITS_MAX		10000	/* units or entries in one answer */
#define ADMIN_PAGE		100
#define ADMIN_EXTEND_MAX	60	/* working days of one extension */
#define ADMIN_KB_STALE_DAYS	180	/* default age of a stale entry */
#define ADMIN_DAY_MS		(86400LL * 1000)

/* One field of a JSON body. */
struct admin_field {
	const char	*name;
	int		 type;
	int		 required;
};
#define AF_STR		1	/* 1..LC_TEXT_MAX bytes, no control chars */
#define AF_INT		2	/* 1..ADMIN_EXTEND_MAX */
#define AF_CODES	3	/* array of unit codes */
#define AF_CODE		4	/* one unit code */

/* admin.c: the server's start time, clock_now_ms(). */
uint64_t	 admin_started_ms(void);

/* admin.c: helpers the handlers share. */
/* ms since the epoch as local ISO 8601 with offset, seconds precision. */
const char	*admin_iso(int64_t, char *, size_t);
/* 1 when s is a unit code: [A-Za-z0-9_.-]{1,32}. */
int		 admin_code_ok(const char *);
/* Check r->body against n fields: names, types, presence; 0 or a status. */
int		 admin_fields(struct admin_req *, const struct admin_field *,
		    size_t);
/* A string field of the body, or NULL. */
const char	*admin_str(struct admin_req *, const char *);
/* Set key to a string, or to null for NULL. */
void		 admin_jstr(json_t *, const char *, const char *);
/* Set key to a time, or to null for 0. */
void		 admin_jtime(json_t *, const char *, int64_t);
/* Today's local date (the daemon's clock), YYYY-MM-DD. */
void		 admin_today(char [CAL_DATE_LEN]);
/* "0" or "1" into *v; 0 or -1. */
int		 admin_bool(const char *, int *);
/* Local midnight of a YYYY-MM-DD date plus days, in ms; -1 if bad. */
int64_t		 admin_day_ms(const char *, int);
/* Audit an API change that is no case transition (detail taken); 0, -1. */
int		 admin_audit_change(struct admin_req *, const char *, json_t *);

/* admin_case.c */
int		 admin_case_show(struct admin_req *);
int		 admin_case_list(struct admin_req *);
int		 admin_case_transition(struct admin_req *);
int		 admin_case_citizen(struct admin_req *);
/* A case as JSON, never with a phone number; full adds the detail. */
json_t		*admin_case_json(struct store *, const struct store_case *,
		    int);
/*
 * The ?reason= a citizen's number is read for, required: 0 with *reason
 * pointing into q (*np parameters to free), or a status with q freed.
 */
int		 admin_reason(struct admin_req *, struct admin_qparam *q,
		    int *np, const char **reason);
/*
 * Before a citizen's number leaves: refuse a reason that holds it (in
 * whatever digits), then record the read with detail (taken; NULL: the
 * reason was not UTF-8) in a unit of work of the open batch; 0, or a
 * status.  The caller answers with admin_defer(), so that the number
 * goes out only once the event has committed.
 */
int		 admin_msisdn_read(struct admin_req *, int64_t case_id,
		    const char *msisdn, const char *reason, json_t *detail);

/* admin_import.c: register (201) or find again (200) an imported case. */
int		 admin_case_import(struct admin_req *);
/* Add a case's "channel" and "external_id" (null: not imported) to o. */
void		 admin_case_origin(struct store *, int64_t, json_t *);
/* The case r->param[0] names, if r's token may see it; 0 or a status. */
int		 admin_case_load(struct admin_req *, struct store_case *);

/*
 * admin_ext.c: extension requests (Art. 18) and what is published (Art.
 * 19), hotlinectl(8):
 *	POST /v1/cases/:number/extension-request	the lead unit asks
 *	GET  /v1/extensions?state=&before=&limit=	requests, newest first
 *	GET  /v1/extensions/:id				one request
 *	POST /v1/extensions/:id/approve, /refuse	the office decides
 *	POST /v1/cases/:number/confidential, /nopublish	the office's flags
 */
int		 admin_ext_request(struct admin_req *);
int		 admin_ext_list(struct admin_req *);
int		 admin_ext_show(struct admin_req *);
int		 admin_ext_decide(struct admin_req *);
int		 admin_ext_disclose(struct admin_req *);
/* Add a case's pending request and its disclosure flags to o. */
void		 admin_ext_case_json(struct store *, const struct store_case *,
		    json_t *o);

/* admin_unit.c */
int		 admin_unit_add(struct admin_req *);
int		 admin_unit_list(struct admin_req *);

/* admin_kb.c */
int		 admin_kb_add(struct admin_req *);
int		 admin_kb_update(struct admin_req *);
int		 admin_kb_list(struct admin_req *);

/* admin_queue.c */
int		 admin_queue(struct admin_req *);
int		 admin_labels(struct admin_req *);

/* admin_alert.c */
int		 admin_alert_list(struct admin_req *);
int		 admin_alert_show(struct admin_req *);
int		 admin_alert_ack(struct admin_req *);
int		 admin_alert_citizen(struct admin_req *);

/* admin_status.c */
int		 admin_health(struct admin_req *);
int		 admin_status(struct admin_req *);
int		 admin_loglevel_get(struct admin_req *);
int		 admin_loglevel_put(struct admin_req *);
int		 admin_log_reopen(struct admin_req *);
int		 admin_db_check(struct admin_req *);
/* Give up a database check that runs (admin_stop()). */
void		 admin_status_stop(void);

/*
 * admin_stats.c: the office's figures (hotlinectl(8)):
 *	GET /v1/stats?from=&to=&by=	the period's statistics
 *	GET /v1/stats/units?from=&to=	the units' figures (assessment)
 *	GET /v1/stats/lists?from=&to=&limit=	overdue, supervised, top
 *	GET /v1/stats/flags?from=&to=&limit=	Art. 23 flags per unit, cases
 *	GET /v1/publish?from=&to=&limit=	the public list (Art. 19)
 * Dates are YYYY-MM-DD, both included; a period is at most
 * STATS_SPAN_MAX days.  Read only: no batch, no audit event.
 */
int		 admin_stats(struct admin_req *);
int		 admin_stats_units(struct admin_req *);
int		 admin_stats_lists(struct admin_req *);
int		 admin_stats_flags(struct admin_req *);
int		 admin_publish(struct admin_req *);

/* admin_data.c: keep the data (README "Keep the data"). */
/* POST /v1/backup {"path": FILE}: a copy made in steps; replies when done. */
int		 admin_backup(struct admin_req *);
/*
 * GET /v1/audit/verify: in a child process (a year of events takes
 * minutes); replies when it ends.  409 while a database check runs.
 */
int		 admin_audit_verify(struct admin_req *);
/* 1 while an audit verification holds the dbcheck child. */
int		 admin_data_checking(void);
/* POST /v1/retention {"dry_run": bool}: erase what retention-days allows. */
int		 admin_retention(struct admin_req *);
/* Give up what runs (shutdown): a backup half made is removed. */
void		 admin_data_stop(void);

/* admin_obs.c: the routes of /metrics, the status page, queue and smsc. */
extern const struct admin_route admin_obs_routes[];
extern const size_t admin_obs_nroutes;
/* 1 when /metrics needs no token (metrics-auth none). */
int		 admin_obs_metrics_open(void);
/* A browser's token: ?token= or the hotlined_token cookie; NULL: none. */
const char	*admin_obs_browser_token(struct admin_req *, size_t *lenp);
/* The admin block's settings admin_obs.c uses (admin_start()). */
void		 admin_obs_conf(const struct conf_admin *);

/*
 * admin_notice.c: the units' contacts and webhooks (notice.h,
 * hotlinectl(8)), the office's alone:
 *	POST   /v1/contacts		{"unit": CODE|"office", "role",
 *					 "number", "name"?}
 *	GET    /v1/contacts?unit=	numbers masked
 *	DELETE /v1/contacts/:id
 *	PUT    /v1/units/:code/webhook	{"url"}: answers the new secret
 *	DELETE /v1/units/:code/webhook
 *	GET    /v1/webhooks?unit=	the latest deliveries
 */
int		 admin_contact_add(struct admin_req *);
int		 admin_contact_list(struct admin_req *);
int		 admin_contact_remove(struct admin_req *);
int		 admin_webhook_set(struct admin_req *);
int		 admin_webhook_remove(struct admin_req *);
int		 admin_webhook_list(struct admin_req *);

#endif /* HOTLINED_ADMIN_INT_H */
