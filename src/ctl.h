/*
 * hotlinectl's inside, shared by src/hotlinectl.c and src/ctl_*.c and by
 * nothing else: the client's state, the command table's row, the HTTP
 * request and the output helpers (hotlinectl.c), and the commands, one
 * file per resource (ctl_case.c, ctl_unit.c...), each listed in
 * hotlinectl.c's cmds[] with one line.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>

#include <jansson.h>

#include "nls.h"

#define CTL_OK		0
#define CTL_SERVER	1
#define CTL_USAGE	2
#define CTL_CONNECT	3

#define CTL_SERVER_DEFAULT	"127.0.0.1:8345"
#define CTL_HOST_MAX		256
#define CTL_ARG_MAX		64	/* longest command word or argument */
#define CTL_TEXT_MAX		4000	/* longest text (result, reason) */
#define CTL_REPLY_MAX		(4 * 1024 * 1024)
#define CTL_TIMEOUT		15	/* seconds */
#define CTL_DBCHECK_TIMEOUT	3600	/* db check reads the whole file */

struct ctl {
	char		 host[CTL_HOST_MAX];
	int		 port;
	char		*token;
	int		 json;
	int		 tls;		/* -s https://... */
	const char	*ca;		/* --ca; NULL: the system's */
};

struct ctl_cmd {
	const char	*word1;
	const char	*word2;		/* NULL: one word */
	int		 minargs;
	int		 maxargs;
	int		 needs_token;
	int		(*fn)(struct ctl *, char **);
	const char	*usage;
	const char	*op;		/* case OP NUMBER TEXT: the route */
	const char	*field;		/* and the body's text field */
};

extern int			 ctl_timeout;	/* seconds, per request */
extern int			 ctl_accept;	/* a status taken like a 2xx */
extern const struct ctl_cmd	*ctl_cur;	/* the command running */
/* ctl_table()'s labels for the command's own words (NC_(), NULL-ended) */
extern const char *const	*ctl_fields_own;

/* hotlinectl.c: arguments, the request, the output */
void		 ctl_die(int, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));
int		 ctl_check_arg(const char *, const char *);
const char	*ctl_text(const char *, const char *);
void		 ctl_reason(const char *);
json_t		*ctl_jstr(const char *, const char *);
void		 ctl_query_add(char **, const char *, const char *);
json_t		*ctl_request(struct ctl *, int, const char *, json_t *);
/* The same, for any answer: its status in *status, its JSON (or NULL). */
json_t		*ctl_call(struct ctl *, int, const char *, json_t *, int *);
int		 ctl_get(struct ctl *, const char *, char *,
		    void (*)(json_t *));
int		 ctl_get_reason(struct ctl *, const char *, const char *);
int		 ctl_output(struct ctl *, json_t *, void (*)(json_t *));
void		 ctl_print_value(json_t *);
/* The API's error object as text for people, in their language. */
#define CTL_ERROR_MAX	2048
const char	*ctl_error_text(json_t *, char *, size_t);
const char	*ctl_local_text(const char *, char *, size_t);
void		 ctl_table(json_t *);
const char	*ctl_state(const char *);
void		 ctl_columns(json_t *, const char *const *,
		    const char *const *, size_t);
int		 cmd_hash_token(struct ctl *, char **);

/* ctl_status.c */
int		 cmd_status(struct ctl *, char **);
int		 cmd_loglevel(struct ctl *, char **);
int		 cmd_log_reopen(struct ctl *, char **);
int		 cmd_health(struct ctl *, char **);
int		 cmd_smsc_list(struct ctl *, char **);
int		 cmd_smsc_op(struct ctl *, char **);

/* ctl_case.c */
/* Usage error unless number is one; the path /v1/cases/NUMBER[/op]. */
void		 ctl_case_path(char *, size_t, const char *, const char *);
int		 cmd_case_show(struct ctl *, char **);
int		 cmd_case_list(struct ctl *, char **);
int		 cmd_case_text(struct ctl *, char **);
int		 cmd_case_dispatch(struct ctl *, char **);
int		 cmd_case_extend(struct ctl *, char **);
int		 cmd_case_supervise(struct ctl *, char **);
int		 cmd_case_citizen(struct ctl *, char **);
int		 cmd_case_classify(struct ctl *, char **);
int		 cmd_case_queue(struct ctl *, char **);
int		 cmd_case_labels(struct ctl *, char **);

/* ctl_import.c: cases from the other channels (POST /v1/cases) */
int		 cmd_case_import(struct ctl *, char **);
/* ctl_ext.c: extension requests (Art. 18), what is published (Art. 19) */
int		 cmd_ext_request(struct ctl *, char **);
int		 cmd_ext_list(struct ctl *, char **);
int		 cmd_ext_show(struct ctl *, char **);
int		 cmd_ext_decide(struct ctl *, char **);
int		 cmd_case_disclose(struct ctl *, char **);

/* ctl_unit.c */
int		 cmd_unit_add(struct ctl *, char **);
int		 cmd_unit_list(struct ctl *, char **);

/* ctl_notice.c: the units' contacts and webhooks */
int		 cmd_contact_add(struct ctl *, char **);
int		 cmd_contact_list(struct ctl *, char **);
int		 cmd_contact_remove(struct ctl *, char **);
int		 cmd_webhook_set(struct ctl *, char **);
int		 cmd_webhook_remove(struct ctl *, char **);
int		 cmd_webhook_list(struct ctl *, char **);

/* ctl_kb.c */
int		 cmd_kb_add(struct ctl *, char **);
int		 cmd_kb_update(struct ctl *, char **);
int		 cmd_kb_list(struct ctl *, char **);

/* ctl_alert.c */
int		 cmd_alert_list(struct ctl *, char **);
int		 cmd_alert_show(struct ctl *, char **);
int		 cmd_alert_ack(struct ctl *, char **);
int		 cmd_alert_citizen(struct ctl *, char **);

/* ctl_queue.c */
int		 cmd_queue_list(struct ctl *, char **);
int		 cmd_queue_show(struct ctl *, char **);
int		 cmd_queue_op(struct ctl *, char **);

/* ctl_stats.c */
int		 cmd_stats(struct ctl *, char **);
int		 cmd_report(struct ctl *, char **);
int		 cmd_publish(struct ctl *, char **);

/* ctl_db.c */
int		 cmd_audit_verify(struct ctl *, char **);
int		 cmd_backup(struct ctl *, char **);
int		 cmd_retention(struct ctl *, char **);
int		 cmd_db_check(struct ctl *, char **);

#endif /* CTL_H */
