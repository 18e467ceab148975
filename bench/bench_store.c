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

#include "crypto.h"
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
