/*
 * health: the checks behind /v1/health, one function each, every one
 * cheap enough to run at every request (partial-index counts, statvfs).
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/statvfs.h>

#include <jansson.h>
#include <libgen.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "util.h"
#include "calendar.h"
#include "commit.h"
#include "health.h"
#include "smpp_session.h"
#include "smsc.h"
#include "store.h"

static void	 health_add(json_t *, enum health_status *, enum health_status,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static void	 health_links(json_t *, enum health_status *);
static void	 health_store(struct store *, const struct store_obs_outbox *,
		    json_t *, enum health_status *);
static void	 health_disk(struct store *, json_t *, enum health_status *);
static void	 health_calendar(json_t *, enum health_status *);

#define HEALTH_LINK_GRACE	(60 * 1000)	/* ms down before failing */

static int64_t	 outbox_age = 10 * 60 * 1000;
static size_t	 disk_min = 512 * 1024 * 1024;
static int	 via_kannel;

void
health_conf(int64_t age, size_t disk, int kannel)
{
	outbox_age = age;
	disk_min = disk;
	via_kannel = kannel;
}

const char *
health_strstatus(int s)
{
	switch (s) {
	case HEALTH_OK:		return "ok";
	case HEALTH_DEGRADED:	return "degraded";
	default:		return "failing";
	}
}

/* One reason; the overall status is the worst of them. */
static void
health_add(json_t *reasons, enum health_status *worst, enum health_status st,
    const char *check, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(reasons, json_pack("{s:s,s:s,s:s}", "check",
	    check, "status", health_strstatus(st), "message", msg));
	if (st > *worst)
		*worst = st;
}

/*
 * No link bound and no Kannel: nothing reaches a citizen.  A link that
 * has been down less than HEALTH_LINK_GRACE is reconnecting (a restart,
 * an SMSC's maintenance minute): degraded until then, failing after.
 */
static void
health_links(json_t *reasons, enum health_status *worst)
{
	struct smsc_info	 in;
	size_t			 i, n = smsc_links(smsc_default()), bound = 0;
	int64_t			 now = (int64_t)clock_now_ms(), down = 0;

	for (i = 0; i < n && smsc_info(smsc_default(), i, &in) == 0; i++) {
		if (in.state == SMPP_S_BOUND) {
			bound++;
			continue;
		}
		if (in.down_since > 0 && (down == 0 || now - in.down_since <
		    down))
			down = now - in.down_since;
		health_add(reasons, worst, HEALTH_DEGRADED, "link", "smsc %s "
		    "is %s%s for %llds", in.name, in.stopped ? "stopped by an "
		    "operator, " : "", smpp_strstate(in.state),
		    (long long)(in.down_since > 0 ? (now - in.down_since) /
		    1000 : 0));
	}
	if (n > 0 && bound == 0 && !via_kannel && down >= HEALTH_LINK_GRACE)
		health_add(reasons, worst, HEALTH_FAILING, "link", "no SMSC "
		    "link is bound: no text comes in, no SMS goes out");
	if (n == 0 && !via_kannel)
		health_add(reasons, worst, HEALTH_FAILING, "link", "no smsc "
		    "block and no kannel block: no way in or out");
}

/* The store: writable, committing, its queue moving. */
static void
health_store(struct store *st, const struct store_obs_outbox *known,
    json_t *reasons, enum health_status *worst)
{
	struct store_obs_outbox	 o;
	struct store_ckpt_stats	 ck;
	uint64_t		 refused, undone;
	int64_t			 age;
	int			 failing;

	if (st == NULL) {
		health_add(reasons, worst, HEALTH_FAILING, "database",
		    "the database is not open");
		return;
	}
	if (store_failed(st) != NULL)
		health_add(reasons, worst, HEALTH_FAILING, "database",
		    "the database refuses writes (lost, read-only or full; "
		    "the log says which)");
	store_ckpt_stats(st, &ck);
	if (ck.failing)
		health_add(reasons, worst, HEALTH_DEGRADED, "checkpoint",
		    "the WAL checkpoint fails (%llu times): %s; it is retried "
		    "and the WAL grows until it succeeds",
		    (unsigned long long)ck.failed, ck.error);
	commit_health(commit_default(), &failing, &refused, &undone);
	if (failing)
		health_add(reasons, worst, HEALTH_FAILING, "commit",
		    "commits are failing: texts are refused with a pause "
		    "(refused=%llu undone=%llu)", (unsigned long long)refused,
		    (unsigned long long)undone);
	if (known != NULL)
		o = *known;
	else if (store_obs_outbox(st, &o) == -1) {
		health_add(reasons, worst, HEALTH_FAILING, "database",
		    "the outbox cannot be read");
		return;
	}
	age = o.oldest > 0 ? (int64_t)clock_now_ms() - o.oldest : 0;
	if (o.oldest > 0 && age > outbox_age)
		health_add(reasons, worst, HEALTH_DEGRADED, "outbox", "the "
		    "oldest of %lld queued SMS has waited %llds "
		    "(health-outbox-age %llds)", (long long)o.queued,
		    (long long)(age / 1000), (long long)(outbox_age / 1000));
}

/* Free space on the database's filesystem. */
static void
health_disk(struct store *st, json_t *reasons, enum health_status *worst)
{
	struct statvfs	 sv;
	const char	*path;
	char		*copy;
	uint64_t	 avail;
	int		 r;

	if (st == NULL || (path = store_obs_path(st)) == NULL || *path == '\0')
		return;
	copy = xstrdup(path);
	r = statvfs(dirname(copy), &sv);
	free(copy);
	if (r == -1)
		return;		/* the store's own checks will say */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail < disk_min)
		health_add(reasons, worst, HEALTH_DEGRADED, "disk", "%llu MiB "
		    "free for the database (health-disk-min %llu MiB)",
		    (unsigned long long)(avail >> 20),
		    (unsigned long long)(disk_min >> 20));
}

int
health_calendar_late(int today, int *year)
{
	*year = today / 10000 + 1;
	return today / 100 % 100 >= 11 &&
	    !cal_has_year(calendar_current(), *year);
}

/* From November on, next year's holidays must be in the calendar. */
static void
health_calendar(json_t *reasons, enum health_status *worst)
{
	int	today, year;

	if (cal_date_local(clock_now(), &today, NULL) == -1)
		return;
	if (!cal_has_year(calendar_current(), today / 10000))
		health_add(reasons, worst, HEALTH_DEGRADED, "calendar",
		    "the calendar lacks this year (%d): deadlines count "
		    "weekends only", today / 10000);
	else if (health_calendar_late(today, &year))
		health_add(reasons, worst, HEALTH_DEGRADED, "calendar",
		    "the calendar lacks next year (%d): add the State "
		    "Council's holidays before January", year);
}

enum health_status
health_report(struct store *st, json_t **out)
{
	return health_report_with(st, NULL, out);
}

enum health_status
health_report_with(struct store *st, const struct store_obs_outbox *known,
    json_t **out)
{
	enum health_status	 worst = HEALTH_OK;
	json_t			*reasons = json_array();
	char			 t[32];
	struct tm		 tm;
	time_t			 now = clock_now();

	health_store(st, known, reasons, &worst);
	health_links(reasons, &worst);
	health_disk(st, reasons, &worst);
	health_calendar(reasons, &worst);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		strlcpy(t, "?", sizeof(t));
	*out = json_pack("{s:s,s:s,s:o}", "status", health_strstatus(worst),
	    "checked_at", t, "reasons", reasons);
	return worst;
}
