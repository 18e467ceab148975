/*
 * bench/fill: a realistic database of N cases, built fast, for benchmarks
 * that need years of data (bench/ingest BENCH_FILL=DIR, the query bench).
 *   bench/fill N DIR [YEARS]
 * writes DIR/hotlined.db and its key DIR/hotlined.key (64 bytes, 0600).
 *
 * Every row goes through the store's own functions, in transactions of
 * FILL_BATCH cases, so numbers are encrypted and keyed-hashed, dedupe keys
 * computed and the audit chain (events, message and case digests, sealed
 * tip) written exactly as the daemon writes them; "hotlinectl audit
 * verify" passes on the result.  Per case: the MO (inbound row with an
 * SMSC message id), the case, its acknowledgement (outbox row, part,
 * delivery receipt) and "case.registered"; a case older than a day is
 * also dispatched to a unit, one older than 10 days (its due date, so no
 * case is overdue) closed with a result SMS and surveyed (an SMS, then
 * answered or expired), with the audit events of each step, and the
 * units' notices the daemon records: "dispatch", and "due" a day before
 * the due date for a case still open then (so the daemon's first notice
 * scan finds the work of a minute, not years of it).
 * FILL_OVERDUE=P (percent, default 0) gives that share of the cases a
 * due date a day after they came: the open ones among them are overdue,
 * for the overdue scan's benchmark.  FILL_VERSION=V writes a database of
 * schema version V (at least 16, what the fill's rows need), to test an
 * upgrade on years of data (tests/run-fill-upgrade.sh).  FILL_SEAL=K
 * digests the messages and cases into their audit events every K cases,
 * as the daemon's commits of a few dozen do (default: once a transaction
 * of FILL_BATCH, whose "messages" events retention must hash again
 * whole, 15,000 rows each, to erase one case: bench/queries -r).
 * Cases are spread evenly over YEARS (default 3) up to an hour ago;
 * citizens write one to a few cases each (about 0.6 numbers a case, drawn
 * at random), and FILL_HEAVY numbers write 1 % of all cases.  Numbers are
 * 15xxxxxxxxx, never bench/ingest's 139xxxxxxxx.  In a build with the
 * test clock (--enable-test-clock) outbox rows are dated with their case;
 * otherwise their created_at is the time of the fill.
 * Prints rows/s while it runs and the database size per case at the end.
 *
 * Speed (5 M cases in minutes, not hours): the fill's own connection runs
 * without a WAL or fsync (journal in memory, synchronous OFF, 1 GiB of
 * cache), since a fill that fails is thrown away, not recovered.  After a
 * first FILL_PROBE cases, the indexes none of the statements it ran
 * searched (EXPLAIN QUERY PLAN of each, the UNIQUE ones always kept) are
 * dropped, and made again at the end from the SQL sqlite_master held:
 * one sort each instead of millions of inserts at random pages.  The
 * rows are the same; the file is put back in WAL mode.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_notice.h"
#include "util.h"

#define FILL_BATCH	5000		/* cases a transaction */
#define FILL_PROBE	500		/* cases before indexes are dropped */
#define FILL_INDEXES	256		/* indexes a schema may have */
#define FILL_HEAVY	50		/* numbers that write 1 % of cases */
#define FILL_OPEN_MS	(10LL * 86400000)	/* younger: still open */
#define DAY_MS		86400000LL
#define HOUR_MS		3600000LL

static const char *const categories[] = {
	"complaint", "complaint", "complaint", "request", "request",
	"consult", "report", "suggestion"
};
static const char *const units[] = {
	"city-housing", "city-env", "city-traffic", "city-market",
	"city-health", "district-a", "district-b", "district-c"
};
static const char *const places[] = {
	"幸福花园", "阳光小区", "河源大道", "东埔街道", "源城区", "江东新区",
	"新市区", "建设路"
};
static const char *const problems[] = {
	"楼下餐馆每晚噪音扰民", "小区路灯坏了一个月没人修",
	"路边井盖缺失很危险", "物业乱收停车费", "工地夜间施工",
	"垃圾清运不及时，气味很大", "公交站台被占用", "自来水发黄"
};

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;
static uint64_t	 overdue;	/* FILL_OVERDUE: percent */
static int64_t	 seal;		/* FILL_SEAL: cases an audit digest */
static uint64_t	 rows;

/* The indexes dropped for the bulk insert, to make again at the end. */
static struct {
	char	*name, *sql;
}		 dropped[FILL_INDEXES];
static size_t	 ndropped;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The citizen of a case: one of a few heavy numbers, or one at random. */
static void
citizen(char *out, size_t len, uint64_t ncitizens)
{
	uint64_t	r = rnd();

	if (r % 100 == 0)
		snprintf(out, len, "150%08u", (unsigned)((r >> 8) %
		    FILL_HEAVY));
	else
		snprintf(out, len, "15%09u", (unsigned)(1000 +
		    (r >> 8) % ncitizens % 900000000));
}

static void
msgid(char *out, size_t len)
{
	snprintf(out, len, "%016" PRIx64, rnd());
}

static void
date_of(int64_t ms, char *out, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* An SMS queued, handed to the SMSC and delivered: outbox, part, receipt. */
static void
sms(struct store *st, int64_t case_id, int64_t inbound, const char *kind,
    const char *to, const char *source, const char *text, int64_t at)
{
	struct store_outbox_new	 o;
	char			 id[32];
	int64_t			 oid;

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.inbound = inbound;
	o.kind = kind;
	o.msisdn = to;
	o.source = source;
	o.text = text;
	o.not_before = at;
	msgid(id, sizeof(id));
	if (store_outbox_add(st, &o, &oid) == -1 ||
	    store_outbox_inflight(st, oid, at) == -1 ||
	    store_outbox_submitted(st, oid, 1, 1, "smsc1", id, at + 200) ==
	    -1 || store_outbox_receipt(st, "smsc1", id, STORE_RCPT_DELIVERED,
	    "DELIVRD", "000", at + 5000, NULL, NULL) != 1)
		fatalx("fill: outbox row");
	rows += 2;
}

static void
event(struct store *st, int64_t case_id, const char *actor,
    const char *action, const char *detail, int64_t at)
{
	if (store_audit(st, case_id, actor, action, detail, at) == -1)
		fatalx("fill: audit %s", action);
	rows++;
}

/*
 * A notice to a unit, as notice.c records it (the fill's units have no
 * contact and no webhook, so nothing is sent): "dispatch" when the case
 * reached the unit, "due" when the units' notice scan found it due by the
 * next working day (a day before here).
 */
static void
notice(struct store *st, int64_t case_id, const char *unit, const char *kind,
    const char *ref, int64_t t)
{
	if (st->version < 19)		/* notices came with v19 */
		return;
	if (store_notice_once(st, case_id, unit, kind, ref, t, NULL) != 1)
		fatalx("fill: notice %s", kind);
	rows++;
}

/* A case dispatched to a unit two hours after it came, as lifecycle.c. */
static const char *
dispatch(struct store *st, int64_t case_id, int64_t t)
{
	struct store_case_change	 ch;
	const char			*unit = units[rnd() % nitems(units)];
	char				 ref[32];

	if (store_case_assign(st, case_id, unit, NULL, 0, t) == -1)
		fatalx("fill: assign");
	memset(&ch, 0, sizeof(ch));
	ch.from = "registered";
	ch.to = "dispatched";
	ch.unit = unit;
	ch.dispatched_at = t;
	ch.supervised = -1;
	ch.closed_at = -1;
	ch.rehandled = -1;
	ch.at = t;
	if (store_case_change(st, case_id, &ch) != 1)
		fatalx("fill: dispatch");
	event(st, case_id, "office:op1", "case.dispatch", unit, t);
	rows += 2;
	snprintf(ref, sizeof(ref), "%lld", (long long)t);
	notice(st, case_id, unit, "dispatch", ref, t);
	return unit;
}

/* A case closed and surveyed, as lifecycle.c and survey.c would. */
static void
lifecycle(struct store *st, int64_t case_id, const char *from,
    const char *number, int64_t at, const char *due, int64_t told)
{
	struct store_case_change	 ch;
	struct store_survey_new		 sn;
	char				 text[256], ext[STORE_SURVEY_EXT_MAX];
	char				 src[32];
	const char			*unit;
	int64_t				 t = at + 2 * HOUR_MS, sid;

	unit = dispatch(st, case_id, t);
	t += (int64_t)(1 + rnd() % 9) * DAY_MS;
	if (told < t)		/* still open the day before its due date */
		notice(st, case_id, unit, "due", due, told);
	memset(&ch, 0, sizeof(ch));
	ch.from = "dispatched";
	ch.to = "closed";
	ch.result = "经核查，已责成相关单位整改，问题已处理完毕。";
	ch.supervised = -1;
	ch.closed_at = t;
	ch.rehandled = -1;
	ch.at = t;
	if (store_case_change(st, case_id, &ch) != 1)
		fatalx("fill: close");
	event(st, case_id, "office:op1", "case.close", NULL, t);
	rows++;
	snprintf(text, sizeof(text), "您的诉求%s已办结：%s", number, ch.result);
	sms(st, case_id, 0, "result", from, "12345", text, t);

	memset(&sn, 0, sizeof(sn));
	sn.case_id = case_id;
	sn.round = 1;
	sn.ext_digits = 4;
	sn.sent_at = t + HOUR_MS;
	sn.remind_at = t + DAY_MS;
	sn.expire_at = t + 3 * DAY_MS;
	if (store_survey_add(st, &sn, &sid, ext) != 0)
		fatalx("fill: survey");
	event(st, case_id, "system:survey", "survey.scheduled", NULL, t);
	rows++;
	snprintf(src, sizeof(src), "12345%s", ext);
	snprintf(text, sizeof(text), "请对%s的办理评价：回复1满意，2基本满意，"
	    "3不满意。", number);
	sms(st, case_id, 0, "survey", from, src, text, sn.sent_at);
	if (rnd() % 10 < 7) {
		if (store_survey_reply(st, sid, 1 + (int)(rnd() % 3), "1",
		    NULL, sn.sent_at + HOUR_MS) != 1)
			fatalx("fill: survey reply");
		event(st, case_id, "system:survey", "survey.answered", NULL,
		    sn.sent_at + HOUR_MS);
	} else {
		if (store_survey_expire(st, sid, sn.expire_at) != 1)
			fatalx("fill: survey expire");
		event(st, case_id, "system:survey", "survey.expired", NULL,
		    sn.expire_at);
	}
}

/* One case and everything around it at time at. */
static void
one(struct store *st, int64_t i, int64_t at, uint64_t ncitizens,
    int64_t open_after)
{
	struct store_inbound	 in;
	struct store_case_new	 c;
	char			 from[16], text[256], id[32], due[16];
	char			 number[STORE_CASE_NUMBER_MAX], ack[256];
	const char		*unit;
	int64_t			 g, gid, case_id, due_ms, told;

	citizen(from, sizeof(from), ncitizens);
	snprintf(text, sizeof(text), "投诉：%s%d号楼%s，请尽快处理。(%" PRId64
	    ")", places[rnd() % nitems(places)], (int)(rnd() % 40 + 1),
	    problems[rnd() % nitems(problems)], i);
	msgid(id, sizeof(id));
	memset(&in, 0, sizeof(in));
	in.smsc = "smsc1";
	in.smsc_msgid = id;
	in.source = from;
	in.dest = "12345";
	in.data_coding = 8;
	in.raw = text;
	in.rawlen = strlen(text);
	in.text = text;
	in.concat_total = 1;
	in.received_at = at;
	in.resend_window = 2 * 60 * 1000;	/* inbound.c's defaults */
	in.msgid_window = HOUR_MS;
	if (store_inbound_add(st, &in, &gid, &g) != STORE_IN_COMPLETE)
		fatalx("fill: inbound");
	/* FILL_OVERDUE percent of the cases due after a day, not 10 */
	due_ms = (rnd() % 100 < overdue ? 1 : 10) * DAY_MS;
	date_of(at + due_ms, due, sizeof(due));
	told = at + due_ms - DAY_MS;	/* the "due" notice, if still open */
	memset(&c, 0, sizeof(c));
	c.msisdn = from;
	c.category = categories[rnd() % nitems(categories)];
	c.text = text;
	c.received_at = at;
	c.due = due;
	c.rule = "noise";
	c.inbound = g;
	if (store_case_add(st, &c, &case_id, number) == -1 ||
	    store_inbound_done(st, g, 0, case_id) == -1)
		fatalx("fill: case");
	rows += 2;
	event(st, case_id, "citizen", "case.registered", NULL, at);
	snprintf(ack, sizeof(ack), "您的诉求已受理，编号%s，请于%s前留意答复。",
	    number, due);
	sms(st, case_id, g, "ack", from, "12345", ack, at + 100);
	if (at < open_after)
		lifecycle(st, case_id, from, number, at, due, told);
	else if (at < open_after + FILL_OPEN_MS - DAY_MS) {
		unit = dispatch(st, case_id, at + 2 * HOUR_MS);
		if (told <= open_after + FILL_OPEN_MS)
			notice(st, case_id, unit, "due", due, told);
	}
}

static void
exec_or_die(struct store *st, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatalx("fill: %s: %s", sql, err);
}

/* Add to used the indexes the plan of a statement the fill ran names. */
static void
plan_indexes(struct store *st, sqlite3_stmt *q, char *used, size_t len)
{
	sqlite3_stmt	*e;
	char		*sql, name[256];
	const char	*d, *p;
	size_t		 n;

	sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(q));
	if (sql == NULL || sqlite3_prepare_v2(st->db, sql, -1, &e, NULL) !=
	    SQLITE_OK)
		fatalx("fill: plan: %s", sqlite3_errmsg(st->db));
	sqlite3_free(sql);
	while (sqlite3_step(e) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(e, 3);
		if (d == NULL || (p = strstr(d, " INDEX ")) == NULL)
			continue;
		p += strlen(" INDEX ");
		n = strcspn(p, " (");
		snprintf(name, sizeof(name), " %.*s ", (int)n, p);
		if (strstr(used, name) == NULL)
			strlcat(used, name + 1, len);
	}
	sqlite3_finalize(e);
}

/*
 * Drop the indexes no statement the fill has run so far searched: what
 * sqlite_master holds for them is kept to make them again.  UNIQUE ones
 * stay (they are constraints) and so do SQLite's own (no SQL).
 */
static void
indexes_drop(struct store *st)
{
	sqlite3_stmt	*s;
	char		 used[8192] = " ", *name, *sql;
	size_t		 i;
	int		 k;

	for (k = 0; k < STMT_MAX; k++)
		if (st->stmt[k] != NULL && sqlite3_stmt_status(st->stmt[k],
		    SQLITE_STMTSTATUS_RUN, 0) > 0)
			plan_indexes(st, st->stmt[k], used, sizeof(used));
	if (sqlite3_prepare_v2(st->db, "SELECT name, sql FROM sqlite_master "
	    "WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE "
	    "'CREATE UNIQUE %' ORDER BY name", -1, &s, NULL) != SQLITE_OK)
		fatalx("fill: indexes: %s", sqlite3_errmsg(st->db));
	while (sqlite3_step(s) == SQLITE_ROW && ndropped < FILL_INDEXES) {
		name = sqlite3_mprintf(" %s ", sqlite3_column_text(s, 0));
		if (name == NULL)
			fatalx("fill: out of memory");
		if (strstr(used, name) == NULL) {
			dropped[ndropped].name = xstrdup((const char *)
			    sqlite3_column_text(s, 0));
			dropped[ndropped++].sql = xstrdup((const char *)
			    sqlite3_column_text(s, 1));
		}
		sqlite3_free(name);
	}
	sqlite3_finalize(s);
	for (i = 0; i < ndropped; i++) {
		sql = sqlite3_mprintf("DROP INDEX \"%w\"", dropped[i].name);
		exec_or_die(st, sql);
		sqlite3_free(sql);
	}
	printf("fill: %zu indexes dropped until the end; kept:%s\n",
	    ndropped, used);
}

/* The dropped indexes made again, each in one sort over its table. */
static void
indexes_make(struct store *st)
{
	double	t = now_s();
	size_t	i;

	for (i = 0; i < ndropped; i++) {
		exec_or_die(st, dropped[i].sql);
		free(dropped[i].name);
		free(dropped[i].sql);
	}
	if (ndropped > 0)
		printf("fill: %zu indexes made in %.0f s\n", ndropped,
		    now_s() - t);
	ndropped = 0;
}

static void
write_key(const char *path)
{
	uint8_t	 key[CRYPTO_KEYFILE_LEN];
	size_t	 i;
	int	 fd;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(rnd() >> 11);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    close(fd) == -1)
		fatal("fill: %s", path);
}

int
main(int argc, char *argv[])
{
	struct crypto	*cr;
	struct store	*st;
	struct store_opts opts;
	struct stat	 sb;
	char		 db[512], kp[512], err[512];
	const char	*v;
	double		 t0, t, years = 3;
	int64_t		 n, i, j, end, start, step;
	uint64_t	 ncitizens;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "fill");
	if (argc < 3 || argc > 4 || (n = atoll(argv[1])) <= 0 ||
	    (argc == 4 && (years = atof(argv[3])) <= 0))
		fatalx("usage: fill N DIR [YEARS]");
	if (mkdir(argv[2], 0700) == -1 && errno != EEXIST)
		fatal("fill: %s", argv[2]);
	snprintf(db, sizeof(db), "%s/hotlined.db", argv[2]);
	snprintf(kp, sizeof(kp), "%s/hotlined.key", argv[2]);
	if (stat(db, &sb) == 0)
		fatalx("fill: %s exists (fill builds a new database)", db);
	rng ^= (uint64_t)time(NULL) * 0x2545f4914f6cdd1dULL;
	write_key(kp);
	/* FILL_VERSION=V: a database of an older schema, to upgrade */
	memset(&opts, 0, sizeof(opts));
	if ((v = getenv("FILL_VERSION")) != NULL)
		opts.max_version = atoi(v);
	if ((cr = crypto_open(kp, err, sizeof(err))) == NULL ||
	    (st = store_open(db, cr, &opts, err, sizeof(err))) == NULL)
		fatalx("fill: %s", err);
	/*
	 * A fill that fails is thrown away: no WAL, no fsync, and 1 GiB of
	 * cache for the indexes kept (the file goes back to WAL at the end)
	 */
	exec_or_die(st, "PRAGMA journal_mode = MEMORY");
	exec_or_die(st, "PRAGMA synchronous = OFF");
	st->wal_known = 0;	/* no WAL now: none to watch for deletion */
	exec_or_die(st, "PRAGMA cache_size = -1048576");
	for (i = 0; i < (int64_t)nitems(units); i++)
		if (store_unit_add(st, units[i], units[i], NULL,
		    (int64_t)clock_now_ms()) == -1)
			fatalx("fill: unit");
	if ((v = getenv("FILL_OVERDUE")) != NULL)
		overdue = (uint64_t)atoi(v);
	if ((v = getenv("FILL_SEAL")) != NULL)
		seal = atoi(v);
	ncitizens = (uint64_t)n * 6 / 10 + 1;
	end = (int64_t)clock_now_ms() - HOUR_MS;
	start = end - (int64_t)(years * 365 * DAY_MS);
	step = (end - start) / n;
	printf("fill: %" PRId64 " cases over %.1f years into %s\n", n, years,
	    db);
	t0 = now_s();
	for (i = 0; i < n; i = j) {
		int64_t	batch = i == 0 ? FILL_PROBE : FILL_BATCH;

#ifdef HOTLINED_TEST_CLOCK	/* the rows' times are the store's clock */
		clock_set_offset((start + i * step - end - HOUR_MS) / 1000);
#endif
		if (store_txn_begin(st) == -1)
			fatalx("fill: begin");
		for (j = i; j < i + batch && j < n; j++) {
			one(st, j, start + j * step, ncitizens,
			    end - FILL_OPEN_MS);
			if (seal > 0 && (j + 1) % seal == 0 &&
			    (store_cases_seal(st) == -1 ||
			    store_msgs_seal(st) == -1))
				fatalx("fill: seal");
		}
		if (store_txn_commit(st) == -1)
			fatalx("fill: commit");
		if (i == 0 && j < n)	/* what the statements need is known */
			indexes_drop(st);
		if (j % 100000 < batch || j == n) {
			t = now_s() - t0;
			printf("fill: %" PRId64 " cases, %" PRIu64 " rows, "
			    "%.0f s, %.0f rows/s, %.0f cases/s\n", j, rows, t,
			    rows / t, j / t);
			fflush(stdout);
		}
	}
#ifdef HOTLINED_TEST_CLOCK
	clock_set_offset(0);
#endif
	indexes_make(st);
	exec_or_die(st, "PRAGMA journal_mode = WAL");
	store_close(st);
	crypto_free(cr);
	t = now_s() - t0;
	if (stat(db, &sb) == -1)
		fatal("fill: %s", db);
	printf("fill: done: %" PRId64 " cases, %" PRIu64 " rows in %.0f s "
	    "(%.0f rows/s); %.1f MiB, %.0f bytes a case\n", n, rows, t,
	    rows / t, sb.st_size / 1048576.0, (double)sb.st_size / n);
	return 0;
}
