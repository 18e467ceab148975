/*
 * Keep the data: backup while the daemon runs (store_backup.c in steps on
 * the loop), audit verification in a child process, and retention.  A
 * request that takes long is held and answered when its work ends.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "admin_int.h"
#include "commit.h"
#include "daemon.h"
#include "dbcheck.h"
#include "errfmt.h"
#include "hooks.h"
#include "log.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

/* pages a backup step copies: 2 MiB of 2 KiB pages, a few ms of work */
#define ADMIN_BACKUP_PAGES	1024

static void	 admin_backup_tick(evutil_socket_t, short, void *);
static void	 admin_backup_end(int, const char *);
static int	 admin_backup_path_ok(const char *, char *, size_t);
static void	 admin_audit_done(void *, int, const char *);
static void	 admin_retention_tick(evutil_socket_t, short, void *);
static void	 admin_retention_committed(void *, int);
static void	 admin_retention_end(int, const char *);

static const struct timeval admin_now;	/* a step a loop turn */

static struct {
	struct admin_req	*verifying;	/* held for the audit child */
	struct admin_req	*req;		/* held; req->req NULL: gone */
	struct store_backup	*bk;
	struct event		*ev;
	char			 path[PATH_MAX];
	uint64_t		 t0;
	int64_t			 longest_us;	/* the longest step */
	int			 steps;
	int			 retention_days;
	char			 key_file[PATH_MAX];

	/* a retention run: a chunk a batch, a batch at a time */
	struct admin_req	*ret_req;
	struct store		*ret_store;	/* borrowed */
	struct event		*ret_ev;
	struct store_retention	 ret;
	int64_t			 ret_cutoff;
	int64_t			 ret_longest_us;
	int			 ret_chunks;
	int			 ret_size;	/* cases the next chunk */
	int			 ret_more;
	char			 ret_actor[64];
} data;

/*
 * cases a retention chunk erases in one batch: a chunk of 50 held the
 * loop ~40 ms on a database of millions of cases (README.md, issue 17).
 * A chunk cannot stop inside a case (it verifies the "messages" events of
 * the case's rows whole and attests them again), so it is sized by time
 * instead: it starts at 8 and slice_resize() halves it after a chunk of
 * over 10 ms, down to 1, and doubles it under 2.5 ms, up to 64.  More
 * chunks make more "retention" audit events.
 */
#define ADMIN_RETENTION_CHUNK	8
#define ADMIN_RETENTION_CHUNK_MAX 64

void
admin_data_conf(int retention_days, const char *key_file)
{
	data.retention_days = retention_days;
	strlcpy(data.key_file, key_file != NULL ? key_file : "",
	    sizeof(data.key_file));
}

static int64_t
admin_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- backup -------------------------------------------------------------- */

/*
 * The daemon writes the file, so the path is checked here, not only by
 * the client: absolute, no "..", no control characters, a directory that
 * exists; an existing file is refused by store_backup_start() (O_EXCL).
 */
static int
admin_backup_path_ok(const char *path, char *err, size_t errlen)
{
	const char	*p;

	if (path[0] != '/') {
		errfmt_notef(err, errlen, "path must be absolute");
		return -1;
	}
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			errfmt_notef(err, errlen, "path has a control "
			    "character");
			return -1;
		}
	if (strstr(path, "/../") != NULL || strstr(path, "/./") != NULL ||
	    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") ==
	    0) || path[strlen(path) - 1] == '/') {
		errfmt_notef(err, errlen, "path must name a file, without . "
		    "or ..");
		return -1;
	}
	if (strlen(path) >= PATH_MAX - 16) {
		errfmt_notef(err, errlen, "path is too long");
		return -1;
	}
	return 0;
}

/*
 * POST /v1/backup {"path": "/abs/file"}: 202-like work, 200 when the copy
 * is complete, with what it holds.  One at a time (409 busy).  The loop
 * goes on between steps; longest_step_ms says how long intake waited.
 */
int
admin_backup(struct admin_req *r)
{
	json_t	*jp;
	char	 err[PATH_MAX + 128];

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	jp = json_object_get(r->body, "path");
	if (!json_is_string(jp) || json_object_size(r->body) != 1)
		return admin_error(r, 400, "bad_request", "the body is "
		    "{\"path\": \"/absolute/file\"}");
	if (admin_backup_path_ok(json_string_value(jp), err,
	    sizeof(err)) == -1)
		return admin_error(r, 400, "bad_request", "%s", err);
	if (data.bk != NULL)
		return admin_error(r, 409, "busy", "a backup is running "
		    "already");
	if ((data.bk = store_backup_start(r->store, json_string_value(jp),
	    err, sizeof(err))) == NULL)
		return admin_error(r, 400, "bad_request", "cannot create the "
		    "backup: %s", err);
	strlcpy(data.path, json_string_value(jp), sizeof(data.path));
	if (data.ev == NULL && (data.ev = evtimer_new(hook_base(),
	    admin_backup_tick, NULL)) == NULL)
		fatalx("admin evtimer_new");
	data.t0 = clock_mono_ms();
	data.longest_us = 0;
	data.steps = 0;
	log_info("admin backup started path=%s token=%s", data.path,
	    r->token->name);
	if ((data.req = admin_hold(r)) == NULL) {
		log_warnx("admin backup path=%s not started: the request "
		    "cannot be held", data.path);
		store_backup_free(data.bk, 0);	/* the partial copy goes */
		data.bk = NULL;
		return 503;
	}
	evtimer_add(data.ev, &admin_now);
	return ADMIN_DEFERRED;
}

/* One step, then back to the loop. */
static void
admin_backup_tick(evutil_socket_t fd, short what, void *arg)
{
	char	 err[PATH_MAX + 128];
	int64_t	 t;
	int	 rc;

	(void)fd;
	(void)what;
	(void)arg;
	t = admin_now_us();
	rc = store_backup_step(data.bk, ADMIN_BACKUP_PAGES, err, sizeof(err));
	t = admin_now_us() - t;
	if (t > data.longest_us)
		data.longest_us = t;
	data.steps++;
	if (rc == 1)
		evtimer_add(data.ev, &admin_now);
	else
		admin_backup_end(rc, err);
}

static void
admin_backup_end(int rc, const char *err)
{
	struct admin_req	*d = data.req;
	int			 done, total, status = 200;
	int64_t			 last;

	store_backup_progress(data.bk, &done, &total);
	last = store_backup_last_case(data.bk);
	if (store_backup_free(data.bk, rc == 0) == -1 && rc == 0) {
		rc = -1;
		err = "closing the copy failed";
	}
	data.bk = NULL;
	data.req = NULL;
	if (rc == 0) {
		log_info("admin backup done path=%s pages=%d steps=%d "
		    "longest-step-ms=%.1f last-case=%lld ms=%llu", data.path,
		    total, data.steps, data.longest_us / 1000.0,
		    (long long)last, (unsigned long long)(clock_mono_ms() -
		    data.t0));
		d->reply = json_pack("{s:s,s:i,s:i,s:f,s:I,s:s,s:s}", "path",
		    data.path, "pages", total, "steps", data.steps,
		    "longest_step_ms", data.longest_us / 1000.0,
		    "last_case_id", (json_int_t)last, "key_file",
		    data.key_file, "note", "the backup is unreadable without "
		    "the key file and its .database record: copy them with "
		    "it (hotlined(8) RECOVERY)");
	} else {
		log_warnx("admin backup failed path=%s: %s", data.path, err);
		status = admin_error(d, 500, "internal", "backup failed, "
		    "the partial copy was removed: %s", err);
	}
	admin_release(d, status);
}

/* --- audit verification ------------------------------------------------- */

int
admin_data_checking(void)
{
	return data.verifying != NULL;
}

/*
 * The chain is read whole (a MAC per event, the rows each names): a year
 * of data takes minutes, so a child process does it ("hotlined -A", as
 * db check does "-C") on a snapshot, and the loop keeps taking messages.
 */
int
admin_audit_verify(struct admin_req *r)
{
	struct admin_req	*d;
	char			 err[256];

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	if (data.verifying != NULL || dbcheck_running())
		return admin_error(r, 409, "busy", "a database check or "
		    "audit verification is running already");
	/* the batch still open is sealed and committed first */
	commit_flush(commit_default());
	if ((d = admin_hold(r)) == NULL)
		return 503;
	if (dbcheck_start_audit(hook_base(), store_path(r->store),
	    data.key_file, admin_audit_done, d, err, sizeof(err)) == -1) {
		admin_release(d, admin_error(d, 500, "internal", "%s", err));
		return ADMIN_DEFERRED;
	}
	data.verifying = d;
	return ADMIN_DEFERRED;
}

static void
admin_audit_done(void *arg, int status, const char *out)
{
	struct admin_req	*d = arg;
	const char		*p;
	long long		 bad = 0;
	int			 code = 200;

	data.verifying = NULL;
	if (status == 0)
		d->reply = json_pack("{s:b}", "intact", 1);
	else if (status == 1 && (p = strstr(out, "first_bad ")) != NULL &&
	    sscanf(p, "first_bad %lld", &bad) == 1) {
		log_warnx("admin audit chain broken first_bad=%lld", bad);
		d->reply = json_pack("{s:b,s:I}", "intact", 0, "first_bad",
		    (json_int_t)bad);
	} else
		code = admin_error(d, 500, "internal", "cannot read the audit "
		    "trail (status %d): %.200s", status, out);
	admin_release(d, code);
}

/* --- retention ------------------------------------------------------------ */

static const char *
admin_day(int64_t ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M",
	    &tm) == 0)
		strlcpy(buf, "?", len);
	return buf;
}

/*
 * POST /v1/retention {"dry_run": true}: how many closed cases are older
 * than retention-days; without dry_run, erase their texts and numbers (a
 * chunk of cases a batch, so intake goes on) and answer with what was
 * erased once the last chunk has committed.  409 without a period.
 */
int
admin_retention(struct admin_req *r)
{
	json_t		*dry;
	int64_t		 n;
	char		 day[32];

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open");
	dry = json_object_get(r->body, "dry_run");
	if (json_object_size(r->body) > (dry != NULL) ||
	    (dry != NULL && !json_is_boolean(dry)))
		return admin_error(r, 400, "bad_request", "the body is "
		    "{\"dry_run\": true|false}");
	if (data.retention_days <= 0)
		return admin_error(r, 409, "conflict", "no retention period: "
		    "set retention-days in hotlined.conf (hotlined.conf(5))");
	if (data.ret_req != NULL)
		return admin_error(r, 409, "busy", "a retention run is going "
		    "on already");
	data.ret_cutoff = (int64_t)clock_now_ms() -
	    (int64_t)data.retention_days * 86400000LL;
	admin_day(data.ret_cutoff, day, sizeof(day));
	if (json_is_true(dry)) {
		if ((n = store_retention_count(r->store, data.ret_cutoff)) ==
		    -1)
			return admin_error(r, 500, "internal", "cannot count "
			    "the cases");
		r->reply = json_pack("{s:b,s:i,s:s,s:I}", "dry_run", 1,
		    "retention_days", data.retention_days, "cutoff", day,
		    "cases", (json_int_t)n);
		return 200;
	}
	memset(&data.ret, 0, sizeof(data.ret));
	data.ret_chunks = 0;
	data.ret_size = ADMIN_RETENTION_CHUNK;
	data.ret_longest_us = 0;
	data.ret_store = r->store;
	strlcpy(data.ret_actor, r->token->name, sizeof(data.ret_actor));
	if (data.ret_ev == NULL && (data.ret_ev = evtimer_new(hook_base(),
	    admin_retention_tick, NULL)) == NULL)
		fatalx("admin evtimer_new");
	if ((data.ret_req = admin_hold(r)) == NULL)
		return 503;
	log_info("admin retention started days=%d cutoff=\"%s\" token=%s",
	    data.retention_days, day, data.ret_actor);
	evtimer_add(data.ret_ev, &admin_now);
	return ADMIN_DEFERRED;
}

/* One chunk in the open batch; the next once it has committed. */
static void
admin_retention_tick(evutil_socket_t fd, short what, void *arg)
{
	struct store	*st = data.ret_store;
	int64_t		 t;
	int		 rc;

	(void)fd;
	(void)what;
	(void)arg;
	t = admin_now_us();
	if (commit_unit_begin(commit_default()) == -1) {
		admin_retention_end(-1, "the database cannot take writes now");
		return;
	}
	rc = store_retention_chunk(st, data.ret_cutoff, data.ret_size,
	    data.ret_actor, &data.ret);
	if (commit_unit_end(commit_default(), rc >= 0) == -1 && rc >= 0)
		rc = -1;
	t = admin_now_us() - t;
	data.ret_size = slice_resize(data.ret_size, (uint64_t)t, 1,
	    ADMIN_RETENTION_CHUNK_MAX);
	if (t > data.ret_longest_us)
		data.ret_longest_us = t;
	data.ret_chunks++;
	if (rc < 0) {
		admin_retention_end(rc, rc == -2 ? "an audit event no longer "
		    "matches its rows: run hotlinectl audit verify; nothing "
		    "of this chunk was erased" : "store error; nothing of this "
		    "chunk was erased");
		return;
	}
	data.ret_more = rc;
	commit_after(commit_default(), admin_retention_committed, NULL);
}

static void
admin_retention_committed(void *arg, int ok)
{
	(void)arg;
	if (data.ret_req == NULL)
		return;			/* stopped meanwhile */
	if (!ok)
		admin_retention_end(-1, "the batch did not commit");
	else if (data.ret_more)
		evtimer_add(data.ret_ev, &admin_now);
	else
		admin_retention_end(0, NULL);
}

static void
admin_retention_end(int rc, const char *err)
{
	struct admin_req	*d = data.ret_req;
	int			 status = 200;
	char			 day[32];

	data.ret_req = NULL;
	log_info("admin retention %s cases=%lld inbound=%lld outbox=%lld "
	    "events=%lld chunks=%d longest-chunk-ms=%.1f%s%s",
	    rc == 0 ? "done" : "stopped", (long long)data.ret.cases,
	    (long long)data.ret.inbound, (long long)data.ret.outbox,
	    (long long)data.ret.events, data.ret_chunks,
	    data.ret_longest_us / 1000.0, err ? ": " : "", err ? err : "");
	if (rc == 0)
		d->reply = json_pack("{s:b,s:i,s:s,s:I,s:I,s:I,s:I,s:f}",
		    "dry_run", 0, "retention_days", data.retention_days,
		    "cutoff", admin_day(data.ret_cutoff, day, sizeof(day)),
		    "cases", (json_int_t)data.ret.cases, "inbound",
		    (json_int_t)data.ret.inbound, "outbox",
		    (json_int_t)data.ret.outbox, "events_attested",
		    (json_int_t)data.ret.events, "longest_chunk_ms",
		    data.ret_longest_us / 1000.0);
	else
		status = admin_error(d, rc == -2 ? 409 : 500, rc == -2 ?
		    "conflict" : "internal", "retention stopped after %lld "
		    "cases: %s", (long long)data.ret.cases, err);
	admin_release(d, status);
}

void
admin_data_stop(void)
{
	if (data.ret_ev != NULL) {
		event_free(data.ret_ev);
		data.ret_ev = NULL;
	}
	if (data.ret_req != NULL)
		admin_retention_end(-1, "hotlined is stopping");
	if (data.verifying != NULL) {
		dbcheck_abort();
		admin_release(data.verifying, admin_error(data.verifying, 503,
		    "unavailable", "hotlined is stopping"));
		data.verifying = NULL;
	}
	if (data.ev != NULL) {
		event_free(data.ev);
		data.ev = NULL;
	}
	if (data.bk != NULL) {
		log_warnx("admin backup path=%s abandoned at shutdown",
		    data.path);
		store_backup_free(data.bk, 0);
		data.bk = NULL;
		admin_release(data.req, admin_error(data.req, 503,
		    "unavailable", "hotlined is stopping; the partial copy "
		    "was removed"));
		data.req = NULL;
	}
}
