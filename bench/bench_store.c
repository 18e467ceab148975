/*
 * What group commit buys: insert N inbound + case + outbox triples (each
 * in its own savepoint, as inbound.c will) in batches of 1, 10 and 100
 * under synchronous=FULL, and print one table of triples/s.
 * Usage: bench_store [N [directory]]; the directory's disk is measured.
 * 5,000 cases a day, so the 4-digit daily sequence never overflows.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>

#include <sqlite3.h>

#include "commit.h"
#include "crypto.h"
#include "dbcheck.h"
#include "log.h"
#include "store.h"
#include "util.h"

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
triple(struct store *st, int i, int64_t at)
{
	struct store_inbound	in;
	struct store_case_new	c;
	struct store_outbox_new	o;
	char			text[128], from[16];
	char			number[STORE_CASE_NUMBER_MAX];
	int64_t			id, g, case_id;

	snprintf(from, sizeof(from), "1380013%04d", i % 10000);
	snprintf(text, sizeof(text), "楼下烧烤店每晚噪音扰民，请有关部门处理 %d",
	    i);
	memset(&in, 0, sizeof(in));
	in.smsc = "bench";
	in.source = from;
	in.dest = "12345";
	in.data_coding = 8;
	in.raw = text;
	in.rawlen = strlen(text);
	in.text = text;
	in.concat_total = 1;
	in.received_at = at;
	in.resend_window = 2 * 60 * 1000;	/* as inbound.c sets them */
	in.msgid_window = 3600 * 1000;
	if (store_inbound_add(st, &in, &id, &g) != STORE_IN_COMPLETE)
		return -1;
	memset(&c, 0, sizeof(c));
	c.msisdn = from;
	c.category = "complaint";
	c.text = text;
	c.received_at = at;
	c.due = "2026-12-10";
	c.inbound = g;
	if (store_case_add(st, &c, &case_id, number) == -1 ||
	    store_inbound_done(st, g, 0, case_id) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.inbound = g;
	o.kind = "ack";
	o.msisdn = from;
	o.source = "12345";
	o.text = "您的诉求已受理，编号HY2611260001，请于12月10日前留意答复。";
	return store_outbox_add(st, &o, NULL);
}

static void	retention(const char *, const char *);

static double
count_events(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	double		 n = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT count(*) FROM audit",
	    -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = (double)sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

/*
 * BENCH_STORE_KEEP=1: keep the batch-10 database (and its key, all 0x42)
 * and time what "Keep the data" does with it: a backup in the daemon's
 * steps (the longest is how long intake would wait) and the offline
 * audit verification (events/s).
 */
static void
keep(struct store *st, const char *dir, const char *path)
{
	struct store_backup	*b;
	uint8_t			 key[CRYPTO_KEYFILE_LEN];
	char			 copy[512], kp[512], err[512];
	double			 t0, t, longest = 0, total;
	int64_t			 bad = 0;
	int			 rc, steps = 0, done, pages, fd;

	snprintf(copy, sizeof(copy), "%s/bench-copy.db", dir);
	unlink(copy);
	if ((b = store_backup_start(st, copy, err, sizeof(err))) == NULL)
		fatalx("bench backup: %s", err);
	total = now_s();
	do {
		t0 = now_s();
		rc = store_backup_step(b, 1024, err, sizeof(err));
		if ((t = now_s() - t0) > longest)
			longest = t;
		steps++;
	} while (rc == 1);
	if (rc == -1)
		fatalx("bench backup: %s", err);
	store_backup_progress(b, &done, &pages);
	t0 = now_s();
	store_backup_free(b, 1);
	printf("backup: %d pages in %d steps, %.2f s; longest step %.1f ms, "
	    "close (sync) %.1f ms\n", pages, steps, now_s() - total,
	    longest * 1000, (now_s() - t0) * 1000);
	store_close(st);
	snprintf(kp, sizeof(kp), "%s/bench.key", dir);
	memset(key, 0x42, sizeof(key));
	if ((fd = open(kp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, key, sizeof(key)) != (ssize_t)sizeof(key))
		fatal("bench %s", kp);
	close(fd);
	t0 = now_s();
	rc = dbcheck_audit(path, kp, &bad, NULL, NULL, err, sizeof(err));
	t = now_s() - t0;
	printf("audit verify: %s in %.2f s, %.0f events/s (%s kept, key "
	    "%s)\n", rc == 0 ? "intact" : "NOT intact", t,
	    count_events(path) / t, path, kp);
	retention(path, kp);
}

/*
 * Then retention over the oldest tenth of the cases, closed by hand (the
 * chain does not vouch for that change, which retention does not check:
 * it checks the message rows it blanks): the longest chunk of 8 cases (as
 * admin_data.c's ADMIN_RETENTION_CHUNK)
 * is how long intake would wait.
 */
static void
retention(const char *path, const char *kp)
{
	struct store_retention	 r;
	struct crypto		*cr;
	struct store		*st;
	sqlite3			*db;
	char			 err[512];
	double			 t0, t, longest = 0, total;
	int			 rc, chunks = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db,
	    "UPDATE cases SET state = 'closed', closed_at = 1 WHERE id <= "
	    "(SELECT max(id) / 10 FROM cases)", NULL, NULL, NULL) != SQLITE_OK)
		fatalx("bench retention: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	if ((cr = crypto_open(kp, err, sizeof(err))) == NULL ||
	    (st = store_open(path, cr, NULL, err, sizeof(err))) == NULL)
		fatalx("bench retention: %s", err);
	memset(&r, 0, sizeof(r));
	total = now_s();
	do {
		t0 = now_s();
		if (commit_txn_begin(st) == -1)
			fatalx("bench begin");
		rc = store_retention_chunk(st, 2, 8, "bench", &r);
		if (commit_txn_end(st, rc >= 0) == -1 || rc < 0)
			fatalx("bench retention chunk %d", rc);
		if ((t = now_s() - t0) > longest)
			longest = t;
		chunks++;
	} while (rc == 1);
	printf("retention: %lld cases, %lld events attested again, %d chunks "
	    "in %.2f s; longest chunk (with its commit) %.1f ms\n",
	    (long long)r.cases, (long long)r.events, chunks, now_s() - total,
	    longest * 1000);
	store_close(st);
	crypto_free(cr);
}

static double
run(struct crypto *cr, const char *dir, int batch, int n)
{
	struct store	*st;
	char		 path[512], err[256];
	double		 t0, t;
	int64_t		 at = (int64_t)clock_now_ms();
	int		 i, j;

	snprintf(path, sizeof(path), "%s/bench-%d.db", dir, batch);
	if ((st = store_open(path, cr, NULL, err, sizeof(err))) == NULL)
		fatalx("bench %s", err);
	t0 = now_s();
	for (i = 0; i < n; i += batch) {
		if (store_txn_begin(st) == -1)
			fatalx("bench begin");
		for (j = i; j < i + batch && j < n; j++) {
			if (store_unit_begin(st) == -1 ||
			    store_unit_end(st, triple(st, j, at +
			    (int64_t)(j / 5000) * 86400000) == 0) == -1)
				fatalx("bench triple %d", j);
		}
		if (store_txn_commit(st) == -1)
			fatalx("bench commit");
	}
	t = now_s() - t0;
	if (batch == 10 && getenv("BENCH_STORE_KEEP") != NULL) {
		keep(st, dir, path);
		return t;
	}
	store_close(st);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench-%d.db-wal", dir, batch);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bench-%d.db-shm", dir, batch);
	unlink(path);
	return t;
}

int
main(int argc, char *argv[])
{
	static const int batches[] = { 1, 10, 100 };
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	struct crypto	*cr;
	char		 tmpl[] = "/tmp/bench_store.XXXXXX";
	const char	*dir;
	double		 t;
	size_t		 i;
	int		 n = 20000, m;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "bench_store");
	if (argc > 1 && (n = atoi(argv[1])) <= 0)
		fatalx("usage: bench_store [N [directory]]");
	if (argc > 2)
		dir = argv[2];
	else if ((dir = mkdtemp(tmpl)) == NULL)
		fatal("bench mkdtemp");
	memset(key, 0x42, sizeof(key));
	if ((cr = crypto_new(key)) == NULL)
		fatalx("bench crypto");

	printf("store: inbound + case + outbox per message, "
	    "synchronous=FULL, WAL, %s\n", dir);
	printf("%6s %8s %9s %12s %10s\n", "batch", "messages", "seconds",
	    "messages/s", "ms/commit");
	for (i = 0; i < nitems(batches); i++) {
		/* a commit a message is slow: cap it so the run stays short */
		m = batches[i] == 1 && n > 2000 ? 2000 : n;
		t = run(cr, dir, batches[i], m);
		printf("%6d %8d %9.3f %12.0f %10.3f\n", batches[i], m, t,
		    m / t, t * 1000 / ((m + batches[i] - 1) / batches[i]));
	}
	crypto_free(cr);
	if (argc <= 2)
		rmdir(dir);
	return 0;
}
