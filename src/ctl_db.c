/*
 * hotlinectl's database commands: audit verify (online or offline),
 * backup, retention apply, db check.
 */
#include "compat.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "dbcheck.h"
#include "log.h"

static double	 ctl_now(void);
static void	 ctl_audit_progress(void *, int64_t, int64_t);
static int	 ctl_audit_offline(struct ctl *, char **);

static double
ctl_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Offline verification's progress line, on a terminal only. */
static void
ctl_audit_progress(void *arg, int64_t ev, int64_t last)
{
	double	*t0 = arg, el = ctl_now() - *t0;

	fprintf(stderr, "\raudit verify: event %lld of %lld, %.0f events/s ",
	    (long long)ev, (long long)last, el > 0 ? ev / el : 0.0);
}

/*
 * audit verify --db FILE --key FILE: the chain of a copy (a backup), or
 * of a stopped daemon's database, read here: the daemon is not needed
 * and not slowed.
 */
static int
ctl_audit_offline(struct ctl *c, char **argv)
{
	const char	*db = NULL, *key = NULL;
	char		 err[1024];
	double		 t0;
	int64_t		 bad = 0;
	int		 rv, i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, "usage: audit verify [--db FILE "
			    "--key FILE]");
		if (strcmp(argv[i], "--db") == 0 && db == NULL)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0 && key == NULL)
			key = argv[i + 1];
		else
			ctl_die(CTL_USAGE, "usage: audit verify [--db FILE "
			    "--key FILE]");
	}
	if (db == NULL || key == NULL)
		ctl_die(CTL_USAGE, "audit verify offline needs --db FILE and "
		    "--key FILE");
	log_init(LOG_TO_STDERR, LOG_L_WARN, "hotlinectl");
	t0 = ctl_now();
	rv = dbcheck_audit(db, key, &bad, isatty(STDERR_FILENO) ?
	    ctl_audit_progress : NULL, &t0, err, sizeof(err));
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%60s\r", "");
	if (rv == 2)
		ctl_die(CTL_SERVER, "%s", err);
	if (c->json) {
		printf("{\"intact\":%s", rv == 0 ? "true" : "false");
		if (rv == 1)
			printf(",\"first_bad\":%lld", (long long)bad);
		printf(",\"seconds\":%.3f}\n", ctl_now() - t0);
	} else if (rv == 0)
		printf("audit trail intact\n");
	else
		printf("audit trail broken: first bad event %lld\n",
		    (long long)bad);
	return rv == 0 ? CTL_OK : CTL_SERVER;
}

int
cmd_audit_verify(struct ctl *c, char **argv)
{
	json_t	*reply;
	int	 intact;

	if (argv[0] != NULL)
		return ctl_audit_offline(c, argv);
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_GET, "/v1/audit/verify", NULL);
	intact = json_is_true(json_object_get(reply, "intact"));
	if (c->json)
		ctl_output(c, reply, ctl_table);
	else {
		if (intact)
			printf("audit trail intact\n");
		else
			printf("audit trail broken: first bad event %"
			    JSON_INTEGER_FORMAT "\n", json_integer_value(
			    json_object_get(reply, "first_bad")));
		json_decref(reply);
	}
	return intact ? CTL_OK : CTL_SERVER;
}

/*
 * backup FILE: the daemon writes a consistent copy into FILE (a new file;
 * a relative name is taken from here) while it keeps working.  The copy
 * is nothing without the key file: say so every time.
 */
int
cmd_backup(struct ctl *c, char **argv)
{
	json_t	*reply;
	char	 path[PATH_MAX], cwd[PATH_MAX];

	ctl_check_arg("FILE", argv[0]);
	if (argv[0][0] == '/')
		strlcpy(path, argv[0], sizeof(path));
	else if (getcwd(cwd, sizeof(cwd)) == NULL || snprintf(path,
	    sizeof(path), "%s/%s", cwd, argv[0]) >= (int)sizeof(path))
		ctl_die(CTL_USAGE, "FILE: cannot make it absolute");
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_POST, "/v1/backup",
	    json_pack("{s:s}", "path", path));
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	printf("backup written: %s (%" JSON_INTEGER_FORMAT " pages, cases "
	    "up to id %" JSON_INTEGER_FORMAT ", longest pause %.1f ms)\n"
	    "IMPORTANT: without the key file %s and %s.database this copy "
	    "cannot be read\n(phone numbers, the audit chain): keep them "
	    "with it, apart from it (hotlined(8) RECOVERY).\n", path,
	    json_integer_value(json_object_get(reply, "pages")),
	    json_integer_value(json_object_get(reply, "last_case_id")),
	    json_real_value(json_object_get(reply, "longest_step_ms")),
	    json_string_value(json_object_get(reply, "key_file")),
	    json_string_value(json_object_get(reply, "key_file")));
	json_decref(reply);
	return CTL_OK;
}

/*
 * retention apply [--dry-run]: erase the texts and numbers of cases closed
 * more than retention-days ago (or count them), audited.
 */
int
cmd_retention(struct ctl *c, char **argv)
{
	json_t	*reply;
	int	 dry = 0;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--dry-run") != 0)
			ctl_die(CTL_USAGE, "usage: retention apply [--dry-run]");
		dry = 1;
	}
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_POST, "/v1/retention",
	    json_pack("{s:b}", "dry_run", dry));
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	if (dry)
		printf("%" JSON_INTEGER_FORMAT " closed cases older than %"
		    JSON_INTEGER_FORMAT " days (closed before %s) would lose "
		    "their texts and numbers\n",
		    json_integer_value(json_object_get(reply, "cases")),
		    json_integer_value(json_object_get(reply,
		    "retention_days")), json_string_value(json_object_get(
		    reply, "cutoff")));
	else
		printf("erased the texts and numbers of %" JSON_INTEGER_FORMAT
		    " closed cases (closed before %s): %" JSON_INTEGER_FORMAT
		    " inbound and %" JSON_INTEGER_FORMAT " outbox rows; "
		    "audited\n",
		    json_integer_value(json_object_get(reply, "cases")),
		    json_string_value(json_object_get(reply, "cutoff")),
		    json_integer_value(json_object_get(reply, "inbound")),
		    json_integer_value(json_object_get(reply, "outbox")));
	json_decref(reply);
	return CTL_OK;
}

/*
 * The daemon checks in a child process while it keeps working; a full
 * check reads every page, so the answer may take minutes on a big file.
 */
int
cmd_db_check(struct ctl *c, char **argv)
{
	json_t		*reply, *a;
	size_t		 i;
	int		 intact, quick = 0;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--quick") != 0)
			ctl_die(CTL_USAGE, "usage: db check [--quick]");
		quick = 1;
	}
	ctl_timeout = CTL_DBCHECK_TIMEOUT;
	reply = ctl_request(c, EVHTTP_REQ_GET, quick ? "/v1/db/check?quick=1" :
	    "/v1/db/check", NULL);
	intact = json_is_true(json_object_get(reply, "intact"));
	if (c->json)
		ctl_output(c, reply, ctl_table);
	else {
		a = json_object_get(reply, "problems");
		if (intact)
			printf("database intact\n");
		else
			printf("database damaged: %zu problems (hotlined(8) "
			    "RECOVERY)\n", json_array_size(a));
		for (i = 0; i < json_array_size(a); i++)
			printf("%s\n", json_string_value(json_array_get(a,
			    i)));
		json_decref(reply);
	}
	return intact ? CTL_OK : CTL_SERVER;
}
