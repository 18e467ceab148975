/*
 * bench/queries: the citizen-facing and admin queries, the scans and the
 * audit verification on a database of any size (issue 17).
 *   bench/queries [-asvz] [-e DAYS] [-n ITER] [-r CHUNKS] DIR
 * DIR holds hotlined.db and hotlined.key (bench/fill N DIR makes them;
 * an empty DIR gets a new database).  Prints p50/p99/max in microseconds
 * for each query, through the store's own functions, ITER times each
 * (default 500) on random cases and citizens, after the open's time
 * (it reads the rows above citizens' mark again, v24):
 *   cx             a citizen's CX: their open cases (store_case_list_open)
 *   cx-heavy       the same for the numbers with the most cases
 *   cx-number      CX with a case number (store_case_find)
 *   list ...       hotlinectl case list / GET /v1/cases, 50 a page, with
 *                  each filter the API takes
 *   case+history   one case and its history (store_case_get + _history)
 * -s  the scans, which WRITE: the units' notice scan, the overdue scan
 *     and the survey tick (2,000 surveys made due first), each slice in
 *     its own transaction as the daemon's units; per slice p50/p99/max
 *     (the longest is the event loop's longest stall) and the whole
 *     scan; then each scan again, with nothing left to do.  The overdue
 *     scan also counts the page statement's VM steps a slice (what it
 *     read to find its page).
 * -e DAYS  escalate-after for the overdue scan (lifecycle_set_escalate):
 *     overdue cases younger than DAYS working days are looked at and
 *     left in its index.
 * -r CHUNKS  retention, which ERASES: CHUNKS chunks sized by time as the
 *     daemon's (8 cases at first, slice_resize() after each), each in its
 *     own transaction, of the closed cases older than a year; p50/p99/max
 *     a chunk.
 * -a  audit verify: events/s over the whole chain.
 * -v  the store's own lines at the open (its quick check, the citizens
 *     read again above their mark, with their times).
 * -z  size and retention, which ERASES: bytes a case, the largest tables
 *     and indexes, closed cases older than a year erased as retention
 *     does (store_retention_chunk(), 500 a transaction), then VACUUM and
 *     incremental vacuum timed and the size after each.
 * Timings are wall clock on whatever else the machine is doing.
 */
#include "compat.h"

#include <sys/stat.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commit.h"
#include "crypto.h"
#include "lifecycle.h"
#include "log.h"
#include "notice.h"
#include "store.h"
#include "store_int.h"
#include "survey.h"
#include "util.h"

#define LIST_PAGE	50		/* ADMIN_LIST_DEFAULT */
#define CX_MAX		5		/* MO_LIST_MAX */
#define DAY_MS		86400000LL
#define RET_CHUNK	8		/* ADMIN_RETENTION_CHUNK, at first */
#define RET_CHUNK_MAX	64		/* ADMIN_RETENTION_CHUNK_MAX */

struct samples {
	double	*v;
	size_t	 n, cap;
};

static struct store	*st;
static uint64_t		 rng = 0x2545f4914f6cdd1dULL;
static int64_t		 max_id;
static char		 dbpath[512];

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void
add(struct samples *s, double us)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = us;
}

static int
cmpd(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(struct samples *s, double p)
{
	size_t	i;

	if (s->n == 0)
		return 0;
	i = (size_t)(p * (double)(s->n - 1) + 0.5);
	return s->v[i];
}

/* One line of the table, and the samples forgotten. */
static void
row(const char *name, struct samples *s, const char *note)
{
	if (s->n > 0)
		qsort(s->v, s->n, sizeof(*s->v), cmpd);
	printf("| %-38s | %6zu | %9.0f | %9.0f | %9.0f | %s\n", name, s->n,
	    pct(s, 0.5), pct(s, 0.99), s->n ? s->v[s->n - 1] : 0, note);
	fflush(stdout);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static long long
one_int(const char *sql)
{
	sqlite3_stmt	*s;
	long long	 v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fatalx("queries: %s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int64_t
rnd_id(void)
{
	return max_id > 0 ? 1 + (int64_t)(rnd() % (uint64_t)max_id) : 1;
}

/* The number of a random case; 0 when none. */
static int
rnd_citizen(char *out, size_t len)
{
	int	i;

	for (i = 0; i < 10; i++)
		if (store_case_msisdn(st, rnd_id(), out, len) == 1)
			return 1;
	return 0;
}

static void
bench_cx(int iter)
{
	struct samples		 s = { 0 }, h = { 0 }, nb = { 0 };
	struct store_case	 c[CX_MAX], one;
	char			 msisdn[STORE_ADDR_MAX];
	double			 t;
	int			 i, n, k;
	int64_t			 id;

	for (i = 0; i < iter; i++) {
		if (!rnd_citizen(msisdn, sizeof(msisdn)))
			break;
		t = now_us();
		if ((n = store_case_list_open(st, msisdn, c, CX_MAX)) == -1)
			fatalx("queries: cx");
		add(&s, now_us() - t);
		for (k = 0; k < n; k++)
			store_case_clear(&c[k]);
	}
	row("cx (a citizen's open cases)", &s, "");
	for (i = 0; i < iter; i++) {
		/* bench/fill's heavy numbers: 1 % of all cases among 50 */
		snprintf(msisdn, sizeof(msisdn), "150%08d", i % 50);
		t = now_us();
		if ((n = store_case_list_open(st, msisdn, c, CX_MAX)) == -1)
			fatalx("queries: cx");
		add(&h, now_us() - t);
		for (k = 0; k < n; k++)
			store_case_clear(&c[k]);
	}
	row("cx, a citizen with 1/5000 of cases", &h, "");
	for (i = 0; i < iter && max_id > 0; i++) {
		id = rnd_id();
		if (store_case_get(st, id, &one) != 1 ||
		    store_case_msisdn(st, id, msisdn, sizeof(msisdn)) != 1) {
			store_case_clear(&one);
			continue;
		}
		char	number[STORE_CASE_NUMBER_MAX];

		strlcpy(number, one.number, sizeof(number));
		store_case_clear(&one);
		t = now_us();
		if (store_case_find(st, number, msisdn, &one) != 1)
			fatalx("queries: cx number");
		add(&nb, now_us() - t);
		store_case_clear(&one);
	}
	row("cx with a case number", &nb, "");
}

static void
list_one(const char *name, struct store_case_filter *f, int iter,
    int paged)
{
	struct samples		 s = { 0 };
	struct store_case	*c;
	double			 t, found = 0;
	char			 note[64];
	int			 i, n, k;

	c = xcalloc(LIST_PAGE, sizeof(*c));
	for (i = 0; i < iter; i++) {
		if (paged)	/* a page further down: ?before=NUMBER */
			f->before_id = rnd_id();
		t = now_us();
		if ((n = store_case_search(st, f, c, LIST_PAGE)) == -1)
			fatalx("queries: list %s", name);
		add(&s, now_us() - t);
		found += n;
		for (k = 0; k < n; k++)
			store_case_clear(&c[k]);
	}
	free(c);
	snprintf(note, sizeof(note), "%.0f rows", iter ? found / iter : 0);
	row(name, &s, note);
}

static void
bench_list(int iter)
{
	struct store_case_filter	f;
	char				today[16];
	time_t				tt = time(NULL);
	struct tm			tm;
	int64_t				now = (int64_t)clock_now_ms();

	localtime_r(&tt, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
#define LIST(name, set, paged) do {			\
	store_case_filter_init(&f);			\
	set;						\
	list_one(name, &f, iter, paged);		\
} while (0)
	LIST("list (no filter)", (void)0, 0);
	LIST("list before=N (a page down)", (void)0, 1);
	LIST("list state=registered", f.state = "registered", 0);
	LIST("list state=closed", f.state = "closed", 0);
	LIST("list state=dispatched", f.state = "dispatched", 0);
	LIST("list state=returned", f.state = "returned", 0);
	LIST("list category=suggestion", f.category = "suggestion", 0);
	LIST("list category=suggestion before=N", f.category = "suggestion",
	    1);
	LIST("list unit=city-env", f.unit = "city-env", 0);
	LIST("list unit=city-env before=N", f.unit = "city-env", 1);
	LIST("list overdue=1", f.overdue_on = today, 0);
	LIST("list supervised=1", f.supervised = 1, 0);
	LIST("list supervised=0", f.supervised = 0, 0);
	LIST("list confidential=1", f.confidential = 1, 0);
	LIST("list from/to (a month, a year ago)",
	    (f.received_from = now - 395 * DAY_MS,
	    f.received_to = now - 365 * DAY_MS), 0);
	LIST("list from (the last week)",
	    f.received_from = now - 7 * DAY_MS, 0);
	LIST("list state=closed category=suggestion",
	    (f.state = "closed", f.category = "suggestion"), 0);
#undef LIST
}

static void
bench_history(int iter)
{
	struct samples		s = { 0 };
	struct store_case	c;
	struct store_history	h;
	double			t, ev = 0;
	int			i, r;

	for (i = 0; i < iter; i++) {
		t = now_us();
		if ((r = store_case_get(st, rnd_id(), &c)) == -1)
			fatalx("queries: case get");
		if (r == 1 && store_case_history(st, c.id, &h) == -1)
			fatalx("queries: history");
		add(&s, now_us() - t);
		if (r == 1) {
			ev += (double)(h.naudit + h.nin + h.nout);
			store_history_clear(&h);
			store_case_clear(&c);
		}
	}
	{
		char	note[64];

		snprintf(note, sizeof(note), "%.1f events a case",
		    iter ? ev / iter : 0);
		row("case + history", &s, note);
	}
}

/* A scan's slices, each in a transaction of its own; the whole time. */
static void
scan_overdue(const char *name)
{
	struct samples		s = { 0 }, w = { 0 }, vm = { 0 };
	struct lc_overdue	o;
	double			t0 = now_us(), t, tw;
	char			note[96];
	int			n;

	if (lifecycle_overdue_begin(&o, (int64_t)clock_now_ms()) == -1)
		fatalx("queries: overdue begin");
	sqlite3_stmt_status(st->stmt[STMT_CASE_OVERDUE_PAGE],
	    SQLITE_STMTSTATUS_VM_STEP, 1);
	while (!o.done) {
		t = now_us();
		if (commit_txn_begin(st) == -1)
			fatalx("queries: begin");
		n = lifecycle_overdue_slice(st, &o, LC_OVERDUE_SLICE, NULL,
		    NULL);
		tw = now_us();
		if (commit_txn_end(st, n != -1) == -1 || n == -1)
			fatalx("queries: overdue slice");
		add(&w, tw - t);
		add(&s, now_us() - t);
		add(&vm, sqlite3_stmt_status(st->stmt[STMT_CASE_OVERDUE_PAGE],
		    SQLITE_STMTSTATUS_VM_STEP, 1));
	}
	snprintf(note, sizeof(note), "%d supervised, %zu slices, whole %.0f "
	    "ms", o.count, s.n, (now_us() - t0) / 1e3);
	row(name, &w, note);
	row("  page statement, VM steps", &vm, "a slice, not us");
	snprintf(note, sizeof(note), "the same with each slice's COMMIT");
	row("  + commit", &s, note);
}

static void
scan_survey(const char *name)
{
	struct samples		s = { 0 }, w = { 0 };
	struct survey_conf	sc;
	struct survey_scan	scan;
	double			t0 = now_us(), t, tw;
	char			note[96];
	int			n;

	memset(&sc, 0, sizeof(sc));
	sc.enabled = 1;
	survey_scan_begin(&scan, (int64_t)clock_now_ms());
	while (!scan.done) {
		t = now_us();
		if (commit_txn_begin(st) == -1)
			fatalx("queries: begin");
		n = survey_tick_slice(st, &sc, &scan, SURVEY_SLICE, NULL,
		    NULL);
		tw = now_us();
		if (commit_txn_end(st, n != -1) == -1 || n == -1)
			fatalx("queries: survey slice");
		add(&w, tw - t);
		add(&s, now_us() - t);
	}
	snprintf(note, sizeof(note), "%d reminded, %zu slices, whole %.0f ms",
	    scan.count, s.n, (now_us() - t0) / 1e3);
	row(name, &w, note);
	row("  + commit", &s, "the same with each slice's COMMIT");
}

/*
 * The units' notice scan the overdue scan begins with (notify.c), in
 * slices as the daemon runs it.  No calendar loaded: weekends only.
 */
static void
scan_notices(const char *name)
{
	struct samples		s = { 0 }, w = { 0 };
	struct notice_scan	ns;
	double			t0 = now_us(), t, tw;
	char			note[96];
	int			n;

	if (notice_scan_begin(&ns, (int64_t)clock_now_ms()) == -1)
		fatalx("queries: notice scan begin");
	while (!ns.done) {
		t = now_us();
		if (commit_txn_begin(st) == -1)
			fatalx("queries: begin");
		n = notice_scan_slice(st, &ns, NOTICE_SLICE);
		tw = now_us();
		if (commit_txn_end(st, n != -1) == -1 || n == -1)
			fatalx("queries: notice slice");
		add(&w, tw - t);
		add(&s, now_us() - t);
	}
	snprintf(note, sizeof(note), "%d notices, %zu slices, whole %.0f ms",
	    ns.count, s.n, (now_us() - t0) / 1e3);
	row(name, &w, note);
	row("  + commit", &s, "the same with each slice's COMMIT");
}

/* 2,000 open cases surveyed a day ago, their reminders due now. */
static void
surveys_due(void)
{
	struct store_survey_new	 sn;
	sqlite3_stmt		*s;
	char			 ext[STORE_SURVEY_EXT_MAX];
	int64_t			 now = (int64_t)clock_now_ms(), sid;
	int			 n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id FROM cases WHERE closed_at "
	    "IS NULL AND id NOT IN (SELECT case_id FROM surveys) ORDER BY id "
	    "DESC LIMIT 2000", -1, &s, NULL) != SQLITE_OK)
		fatalx("queries: %s", sqlite3_errmsg(st->db));
	if (commit_txn_begin(st) == -1)
		fatalx("queries: begin");
	while (sqlite3_step(s) == SQLITE_ROW) {
		memset(&sn, 0, sizeof(sn));
		sn.case_id = sqlite3_column_int64(s, 0);
		sn.round = 1;
		sn.ext_digits = 4;
		sn.sent_at = now - DAY_MS - (n % 600) * 1000;
		sn.remind_at = sn.sent_at + DAY_MS - 60000;
		sn.expire_at = sn.sent_at + 3 * DAY_MS;
		if (store_survey_add(st, &sn, &sid, ext) != 0)
			fatalx("queries: survey add");
		n++;
	}
	sqlite3_finalize(s);
	if (commit_txn_end(st, 1) == -1)
		fatalx("queries: commit");
	printf("(%d surveys made due)\n", n);
}

static void
bench_scans(void)
{
	scan_notices("notice scan, a slice (first)");
	scan_notices("notice scan, a slice (again)");
	scan_overdue("overdue scan, a slice (first)");
	scan_overdue("overdue scan, a slice (again)");
	surveys_due();
	scan_survey("survey tick, a slice (2,000 due)");
	scan_survey("survey tick, a slice (again)");
}

static void
verify_progress(void *arg, int64_t ev, int64_t last)
{
	(void)arg;
	(void)ev;
	(void)last;
}

static void
bench_audit(void)
{
	long long	n = one_int("SELECT COUNT(*) FROM audit");
	int64_t		bad = 0;
	double		t = now_us();
	int		r;

	r = store_audit_verify_progress(st, &bad, verify_progress, NULL);
	t = (now_us() - t) / 1e6;
	printf("audit verify: %lld events in %.1f s: %.0f events/s (%s)\n",
	    n, t, t > 0 ? (double)n / t : 0, r == 0 ? "intact" : "BROKEN");
}

static long long
file_size(const char *p)
{
	struct stat	sb;

	return stat(p, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void
sizes(const char *when)
{
	sqlite3_stmt	*s;
	long long	 cases = one_int("SELECT COUNT(*) FROM cases");
	long long	 pages = one_int("PRAGMA page_count");
	long long	 psz = one_int("PRAGMA page_size");
	long long	 fl = one_int("PRAGMA freelist_count");

	printf("%s: %lld cases, file %.1f MiB, %lld pages of %lld, %lld "
	    "free; %.0f bytes a case (used pages)\n", when, cases,
	    file_size(dbpath) / 1048576.0, pages, psz, fl,
	    cases ? (double)(pages - fl) * psz / cases : 0);
	if (sqlite3_prepare_v2(st->db, "SELECT name, SUM(pgsize) FROM dbstat "
	    "GROUP BY name ORDER BY 2 DESC LIMIT 12", -1, &s, NULL) !=
	    SQLITE_OK) {
		printf("  (no dbstat: %s)\n", sqlite3_errmsg(st->db));
		return;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		printf("  %-28s %8.1f MiB %6.0f bytes a case\n",
		    sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1) / 1048576.0, cases ?
		    (double)sqlite3_column_int64(s, 1) / cases : 0);
	sqlite3_finalize(s);
	fflush(stdout);
}

static void
exec_timed(const char *sql)
{
	double	t = now_us();
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatalx("queries: %s: %s", sql, err);
	printf("%s: %.1f s\n", sql, (now_us() - t) / 1e6);
	fflush(stdout);
}

static void
retention_run(int64_t cutoff)
{
	struct store_retention	r;
	struct samples		s = { 0 };
	double			t0, t;
	int			rc;

	printf("retention: %lld closed cases closed before a year ago\n",
	    (long long)store_retention_count(st, cutoff));
	memset(&r, 0, sizeof(r));
	t0 = now_us();
	do {
		t = now_us();
		if (commit_txn_begin(st) == -1)
			fatalx("queries: begin");
		rc = store_retention_chunk(st, cutoff, 500, "bench", &r);
		if (commit_txn_end(st, rc >= 0) == -1 || rc < 0)
			fatalx("queries: retention chunk %d", rc);
		add(&s, now_us() - t);
	} while (rc == 1);
	printf("retention: %lld cases, %lld inbound, %lld outbox erased in "
	    "%.0f s\n", (long long)r.cases, (long long)r.inbound,
	    (long long)r.outbox, (now_us() - t0) / 1e6);
	row("retention, a chunk of 500 cases", &s, "with its commit");
}

/* CHUNKS chunks sized by time as the daemon does, each with its commit. */
static void
bench_retention(int chunks)
{
	struct store_retention	r;
	struct samples		s = { 0 }, w = { 0 };
	int64_t			cutoff = (int64_t)clock_now_ms() - 365 * DAY_MS;
	double			t, tw;
	char			note[128];
	int			i, rc = 1, size = RET_CHUNK, lo = 0, hi = 0;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < chunks && rc == 1; i++) {
		t = now_us();
		if (commit_txn_begin(st) == -1)
			fatalx("queries: begin");
		rc = store_retention_chunk(st, cutoff, size, "bench", &r);
		tw = now_us();
		lo = i == 0 || size < lo ? size : lo;
		hi = size > hi ? size : hi;
		size = slice_resize(size, (uint64_t)(tw - t), 1, RET_CHUNK_MAX);
		if (commit_txn_end(st, rc >= 0) == -1 || rc < 0)
			fatalx("queries: retention chunk %d", rc);
		add(&w, tw - t);
		add(&s, now_us() - t);
	}
	snprintf(note, sizeof(note), "%lld cases, %lld inbound, %lld outbox, "
	    "%d-%d cases a chunk", (long long)r.cases, (long long)r.inbound,
	    (long long)r.outbox, lo, hi);
	row("retention, a chunk sized by time", &w, note);
	row("  + commit", &s, "the same with each chunk's COMMIT");
}

static void
bench_size(void)
{
	struct samples	iv = { 0 };
	int64_t		cutoff = (int64_t)clock_now_ms() - 365 * DAY_MS;
	double		t;
	int		i;

	sizes("filled");
	/* incremental vacuum needs auto_vacuum set, which takes a VACUUM */
	exec_timed("PRAGMA auto_vacuum = INCREMENTAL");
	exec_timed("VACUUM");
	exec_timed("PRAGMA wal_checkpoint(TRUNCATE)");
	sizes("after VACUUM (auto_vacuum incremental)");
	retention_run(cutoff);
	t = now_us();
	retention_run(cutoff);	/* a later run walks the erased ones */
	printf("retention again, nothing left: %.0f ms\n",
	    (now_us() - t) / 1e3);
	exec_timed("PRAGMA wal_checkpoint(TRUNCATE)");
	sizes("after retention");
	for (i = 0; i < 100000 && one_int("PRAGMA freelist_count") > 0;
	    i++) {
		t = now_us();
		if (sqlite3_exec(st->db, "PRAGMA incremental_vacuum(256)",
		    NULL, NULL, NULL) != SQLITE_OK)
			fatalx("queries: incremental_vacuum: %s",
			    sqlite3_errmsg(st->db));
		add(&iv, now_us() - t);
	}
	row("incremental_vacuum(256), 512 KiB", &iv, "a step");
	exec_timed("PRAGMA wal_checkpoint(TRUNCATE)");
	sizes("after incremental vacuum");
	exec_timed("VACUUM");
	exec_timed("PRAGMA wal_checkpoint(TRUNCATE)");
	sizes("after VACUUM");
}

int
main(int argc, char *argv[])
{
	struct crypto			*cr;
	struct store_citmap_stats	 cs;
	char				 kp[512], err[512];
	int				 ch, iter = 500, audit = 0, scans = 0;
	int				 size = 0, chunks = 0;
	long long			 cases;
	double				 t0;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "queries");
	while ((ch = getopt(argc, argv, "ae:n:r:svz")) != -1) {
		switch (ch) {
		case 'a':
			audit = 1;
			break;
		case 'v':
			log_setlevel(LOG_L_INFO);	/* the open's steps */
			break;
		case 'e':
			lifecycle_set_escalate(atoi(optarg));
			break;
		case 'r':
			chunks = atoi(optarg);
			break;
		case 'n':
			iter = atoi(optarg);
			break;
		case 's':
			scans = 1;
			break;
		case 'z':
			size = 1;
			break;
		default:
			fatalx("usage: queries [-asvz] [-e DAYS] [-n ITER] "
			    "[-r CHUNKS] DIR");
		}
	}
	if (argc - optind != 1 || iter <= 0)
		fatalx("usage: queries [-asvz] [-e DAYS] [-n ITER] [-r CHUNKS] "
		    "DIR");
	snprintf(dbpath, sizeof(dbpath), "%s/hotlined.db", argv[optind]);
	snprintf(kp, sizeof(kp), "%s/hotlined.key", argv[optind]);
	if (access(kp, R_OK) == -1) {
		uint8_t	key[CRYPTO_KEYFILE_LEN];
		FILE	*fp;

		memset(key, 0x5a, sizeof(key));
		if ((fp = fopen(kp, "wx")) == NULL ||
		    fwrite(key, sizeof(key), 1, fp) != 1 || fclose(fp) != 0)
			fatal("queries: %s", kp);
		chmod(kp, 0600);
	}
	rng ^= (uint64_t)time(NULL);
	t0 = now_us();
	if ((cr = crypto_open(kp, err, sizeof(err))) == NULL ||
	    (st = store_open(dbpath, cr, NULL, err, sizeof(err))) == NULL)
		fatalx("queries: %s", err);
	t0 = now_us() - t0;
	store_citmap_stats(st, &cs);
	lifecycle_set_notify(NULL, NULL);
	max_id = one_int("SELECT COALESCE(MAX(id), 0) FROM cases");
	cases = one_int("SELECT COUNT(*) FROM cases");
	printf("bench/queries: %lld cases, %lld open, in %s (%.0f MiB)\n",
	    cases, one_int("SELECT COUNT(*) FROM cases WHERE closed_at IS "
	    "NULL"), dbpath, file_size(dbpath) / 1048576.0);
	/* the open reads the rows above citizens' mark again (v24) */
	printf("open: %.0f ms, %zu numbers above citizens' mark\n",
	    t0 / 1000.0, cs.lagging);
	printf("| %-38s | %6s | %9s | %9s | %9s | %s\n", "query", "n",
	    "p50 us", "p99 us", "max us", "");
	printf("|%s|--------|-----------|-----------|-----------|\n",
	    "----------------------------------------");
	bench_cx(iter);
	bench_list(iter / 5 > 0 ? iter / 5 : 1);
	bench_history(iter);
	if (scans)
		bench_scans();
	if (audit)
		bench_audit();
	if (chunks > 0)
		bench_retention(chunks);
	if (size)
		bench_size();
	store_close(st);
	crypto_free(cr);
	return 0;
}
