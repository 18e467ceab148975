/*
 * store_checkpoint: the WAL's checkpoints, off the event loop (issue 17).
 *
 * SQLite's auto-checkpoint runs inside the COMMIT that crosses its
 * threshold: with a million cases that COMMIT writes thousands of
 * scattered pages of the database file and syncs it, and every message
 * waiting behind it on the loop waits too (p99 100 ms at 1,000 MO/s).
 * Here a thread of the store's own, with a connection of its own to the
 * same file, runs the PASSIVE checkpoints: the main connection's WAL hook
 * (store_ckpt_hook(), after each commit, on the loop) only wakes it.
 *
 * Durability is the commit's, as before: a commit is synced in the WAL
 * (synchronous=FULL; with wal-sync thread by commit_sync.c's thread, or
 * by the first checkpoint that copies it, whichever comes first) before
 * anything is acknowledged; a checkpoint syncs the WAL, then copies
 * committed frames into the database file, and the thread's connection is
 * synchronous=FULL too, so SQLite syncs the database file before it lets
 * a writer reuse the WAL.
 * A crash in the middle of a checkpoint is SQLite's ordinary case: the
 * frames are still in the WAL and are copied again.
 *
 * The thread copies each wake threshold's worth of frames (10,000, as
 * SQLite's auto-checkpoint: a page written often is copied once).  A
 * PASSIVE checkpoint copies the frames committed before it began, and
 * the WAL starts again from its head only after one that caught up,
 * which beside a writer that commits every few milliseconds the thread
 * rarely does; and catching up costs a sync of the database file between
 * two commits, a stall of the loop however few the frames (a device
 * flush: 36-458 ms on the loaded, shared disk of the README's figures).
 * So the WAL is let grow to 4 x the threshold (80 MiB
 * with 2 KiB pages); then the thread chases until at most
 * STORE_CKPT_TAIL frames, or twice what the last commit added, are left,
 * and the loop copies those itself: one stall per 40,000 frames where
 * the old way stalled per 10,000, each stall a short copy instead of
 * thousands of pages.  Should the thread fall behind for good (a slow
 * disk, an error), the WAL would grow without end: past the limit (8 x
 * the threshold) the hook stops the thread's round and checkpoints on the
 * loop itself (RESTART, as the old inline way, a stall rather than an
 * unbounded file).  The thread never
 * logs (log.c is the loop's): it leaves its news, which the loop logs at
 * the next commit or WAL check.  checkpoint inline (hotlined.conf) keeps
 * everything on the loop, as SQLite's auto-checkpoint did.
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_vfs.h"
#include "util.h"

static int	 store_ckpt_hook(void *, sqlite3 *, const char *, int);
static void	*store_ckpt_main(void *);
static int	 store_ckpt_connect(struct store_ckpt *, const char *,
		    char *, size_t);
static void	 store_ckpt_loop(struct store *, struct store_ckpt *, int);
static void	 store_ckpt_done(struct store_ckpt *, int, const char *);
static void	 store_ckpt_news(struct store_ckpt *);

#define STORE_CKPT_RETRY_S	1	/* after a failed checkpoint */
/*
 * The thread's pause after each 256 KiB it writes into the database file
 * (store_vfs_pace()), while the WAL is under the restart threshold: a
 * round of 10,000 pages (20 MiB) takes ~80 ms more, spread, and the
 * thread still copies over 100 MiB a second, twice what the sustained
 * intake writes.  Past the threshold it copies at full speed.  With 1 M
 * cases at 1,000 MO/s the paced p99 went from 14.3 to 7.5 ms (README).
 */
#define STORE_CKPT_PACE_US	1000

struct store_ckpt {
	int		 thread;	/* 1: a thread checkpoints */
	int		 wake;		/* frames: wake the thread */
	int		 restart;	/* frames: catch up, WAL anew */
	int		 limit;		/* frames: the loop checkpoints */
	int		 tail;		/* frames the loop copies itself */
	int		 tail_now;	/* or more: twice the last commit's */
	pthread_t	 tid;
	pthread_mutex_t	 mtx;		/* everything below */
	pthread_cond_t	 cond;
	sqlite3		*db;		/* the thread's own connection */
	int		 want;		/* a commit asked for a checkpoint */
	int		 hold;		/* the loop checkpoints: wait */
	int		 stop;
	int		 running;	/* inside sqlite3_wal_checkpoint_v2 */
	int		 frames;	/* in the WAL after the last commit */
	int		 backfilled;	/* frames copied by the last run */
	int		 forced_busy;	/* frames: a forced one met a reader */
	struct store_ckpt_stats stats;
	int		 news;		/* stats.failing changed: log it */
	int		 round_from, round_to;	/* the last round, for -v */
	uint64_t	 round_ms;		/* 0: said already */
	unsigned	 quiet;		/* failures not logged since */
};

/*
 * Checkpoints for st: on the loop (thread 0, SQLite's auto-checkpoint's
 * way at wake frames) or by a thread started here.  The thread needs
 * SQLite in multi-thread mode (store.c) and is started after any fork
 * (hotlined detaches before it opens the store).  0, or -1 with err: the
 * caller stays on the loop.
 */
int
store_ckpt_start(struct store *st, int thread, int wake, int limit,
    char *err, size_t errlen)
{
	struct store_ckpt	*c;
	sigset_t		 all, old;
	int			 rc;

	c = xcalloc(1, sizeof(*c));
	c->wake = wake > 0 ? wake : STORE_CKPT_WAKE;
	c->limit = limit > c->wake * 2 ? limit : c->wake * 8;
	c->restart = MINIMUM(c->wake * 4, c->limit / 2);
	c->tail = c->tail_now = MINIMUM(STORE_CKPT_TAIL, c->wake / 4);
	pthread_mutex_init(&c->mtx, NULL);
	pthread_cond_init(&c->cond, NULL);
	st->ckpt = c;
	/* replaces SQLite's auto-checkpoint, which is a WAL hook too */
	sqlite3_wal_hook(st->db, store_ckpt_hook, st);
	if (!thread)
		return 0;
	if (sqlite3_threadsafe() == 0 || !store_sqlite_mt()) {
		snprintf(err, errlen, "SQLite is not configured for threads");
		return -1;
	}
	if (store_ckpt_connect(c, sqlite3_db_filename(st->db, "main"), err,
	    errlen) == -1)
		return -1;
	/* signals are the loop's (libevent): the thread takes none */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->tid, NULL, store_ckpt_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	c->thread = c->stats.thread = 1;
	return 0;
}

/*
 * The thread's connection: through the VFS that gathers nothing (it
 * writes no WAL), synchronous=FULL (SQLite syncs the database file
 * before the WAL may be reused), no checkpoint of its own at close (the
 * main connection's close does it), and the WAL opened by a first read.
 */
static int
store_ckpt_connect(struct store_ckpt *c, const char *path, char *err,
    size_t errlen)
{
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, store_vfs_name(0)) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(c->db, STORE_BUSY_TIMEOUT);
	if (sqlite3_exec(c->db, "PRAGMA synchronous = FULL; "
	    "PRAGMA wal_autocheckpoint = 0; "
	    "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "checkpoint connection: %s", c->db != NULL ?
	    sqlite3_errmsg(c->db) : "out of memory");
	sqlite3_close(c->db);
	c->db = NULL;
	return -1;
}

/*
 * Stop the thread (a checkpoint under way is interrupted: its frames stay
 * in the WAL for the next one), close its connection, and leave the WAL
 * to SQLite's auto-checkpoint on the loop.  Before any checkpoint of the
 * loop's own that must not meet the thread (store_close(), a lost WAL).
 */
void
store_ckpt_stop(struct store *st)
{
	struct store_ckpt	*c = st->ckpt;

	if (c == NULL)
		return;
	if (c->thread) {
		pthread_mutex_lock(&c->mtx);
		c->stop = 1;
		if (c->running)
			sqlite3_interrupt(c->db);
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->mtx);
		pthread_join(c->tid, NULL);
		sqlite3_close(c->db);
		c->db = NULL;
		c->thread = 0;
	}
	store_ckpt_news(c);
	if (st->db != NULL)
		sqlite3_wal_autocheckpoint(st->db, c->wake);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->mtx);
	free(c);
	st->ckpt = NULL;
}

/*
 * After each commit, on the loop, with the WAL's frame count: wake the
 * thread, or checkpoint here: inline; the last few frames once the thread
 * is idle (a PASSIVE checkpoint between two of the loop's own commits is
 * the only one that catches up for sure, and the WAL starts again from
 * its head only after one has); everything when the thread is too far
 * behind.  Always SQLITE_OK: an error here would fail a COMMIT that
 * succeeded.
 */
static int
store_ckpt_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store		*st = arg;
	struct store_ckpt	*c = st->ckpt;
	uint64_t		 ms;
	int			 mode = -1, from, to;

	if (!c->thread) {
		c->stats.wal_frames = frames;
		if (frames >= c->wake)
			store_ckpt_loop(st, c, SQLITE_CHECKPOINT_PASSIVE);
		store_ckpt_news(c);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->mtx);
	/* a tail is what a commit or two adds: batches grow under load */
	c->tail_now = MAXIMUM(c->tail, 2 * (frames >= c->frames ?
	    frames - c->frames : frames));
	c->frames = c->stats.wal_frames = frames;
	if (frames < c->backfilled)	/* the WAL began again */
		c->backfilled = 0;
	if (frames < c->forced_busy)
		c->forced_busy = 0;
	/*
	 * Past the limit the loop forces a RESTART; one that met a reader
	 * (SQLITE_BUSY after the busy timeout) is tried again only once the
	 * WAL grew by another wake frames, not at every commit: a long reader
	 * (hotlined -C's integrity_check) would hold each commit that long.
	 */
	if (frames >= c->limit && (c->forced_busy == 0 ||
	    frames - c->forced_busy >= c->wake))
		mode = SQLITE_CHECKPOINT_RESTART;
	else if (frames >= c->restart && c->backfilled > 0 &&
	    frames - c->backfilled <= c->tail_now)
		mode = SQLITE_CHECKPOINT_PASSIVE;
	else if (!c->want && !c->running &&
	    (frames - c->backfilled >= c->wake ||
	    (frames >= c->restart && frames > c->backfilled))) {
		/* (a running round decides itself whether to go on) */
		c->want = 1;
		pthread_cond_signal(&c->cond);
	}
	if (mode == SQLITE_CHECKPOINT_RESTART && c->running) {
		/*
		 * The bound: stop the thread's round, it copies no more.  hold
		 * first, or the interrupted thread starts a new round at once
		 * and the loop waits for it to catch up after all.
		 */
		c->hold = 1;
		sqlite3_interrupt(c->db);
		while (c->running)
			pthread_cond_wait(&c->cond, &c->mtx);
	}
	if (mode != -1 && !c->running)
		c->hold = 1;	/* the thread waits until we are done */
	else
		mode = -1;	/* the next commit tries again */
	from = c->round_from;
	to = c->round_to;
	ms = c->round_ms;
	c->round_ms = 0;
	pthread_mutex_unlock(&c->mtx);
	if (ms > 0)
		log_debug("store checkpoint thread frames=%d-%d ms=%llu", from,
		    to, (unsigned long long)ms - 1);
	if (mode != -1)
		store_ckpt_loop(st, c, mode);
	store_ckpt_news(c);
	return SQLITE_OK;
}

/* strerror() is not the thread's to call: the loop calls it too. */
static const char *
store_ckpt_strerror(int e, char *buf, size_t len)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, len);		/* GNU's returns the text */
#else
	if (strerror_r(e, buf, len) != 0)
		snprintf(buf, len, "error %d", e);
	return buf;
#endif
}

/*
 * A checkpoint on the loop, between two commits: PASSIVE copies every
 * committed frame then (the loop is the only writer); RESTART, when the
 * WAL passed the limit, also waits for readers so that the next commit
 * starts the WAL from its head.
 */
static void
store_ckpt_loop(struct store *st, struct store_ckpt *c, int mode)
{
	uint64_t	t0 = clock_mono_ms();
	int		rc, log = 0, done = 0;

	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, mode, &log, &done);
	log_debug("store checkpoint %s frames=%d-%d ms=%llu", !c->thread ?
	    "inline" : mode == SQLITE_CHECKPOINT_RESTART ? "forced" : "tail",
	    c->backfilled, done, (unsigned long long)(clock_mono_ms() - t0));
	if (c->thread)
		pthread_mutex_lock(&c->mtx);
	store_ckpt_done(c, rc, rc == SQLITE_OK ? NULL :
	    sqlite3_errmsg(st->db));
	if (c->thread) {
		if (mode == SQLITE_CHECKPOINT_RESTART) {
			c->stats.forced++;
			c->forced_busy = (rc & 0xff) == SQLITE_BUSY ?
			    MAXIMUM(log, 1) : 0;
		}
		else
			c->stats.tail++;
		c->hold = 0;
		if (rc == SQLITE_OK)
			c->backfilled = done;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->mtx);
	}
	/* a failure is the news's (once, not at every commit) */
	if (mode == SQLITE_CHECKPOINT_RESTART && rc == SQLITE_OK)
		log_warnx("store checkpoint on the loop: the WAL reached %d "
		    "frames (limit %d), the checkpointer is behind", log,
		    c->limit);
}

/* Count a checkpoint's outcome (the caller holds the mutex if any). */
static void
store_ckpt_done(struct store_ckpt *c, int rc, const char *err)
{
	struct store_ckpt_stats	*s = &c->stats;

	if (rc == SQLITE_OK) {
		s->runs++;
		if (s->failing) {
			s->failing = 0;
			c->news = 1;
		}
		return;
	}
	if ((rc & 0xff) == SQLITE_BUSY) {
		s->busy++;
		return;
	}
	if ((rc & 0xff) == SQLITE_INTERRUPT)	/* ours: stop, limit */
		return;
	s->failed++;
	snprintf(s->error, sizeof(s->error), "%s (%d)", err != NULL ? err :
	    "?", rc);
	if (!s->failing) {
		s->failing = 1;
		c->news = 1;
	} else
		c->quiet++;
}

/*
 * The thread: a PASSIVE checkpoint when woken, on until it has caught up
 * to the tail the loop takes; after a failure, again a while later.
 */
static void *
store_ckpt_main(void *arg)
{
	struct store_ckpt	*c = arg;
	struct timespec		 until, now, t0;
	char			 why[96] = "", err[64];
	int			 rc, log, done, e, retry = 0;

	pthread_mutex_lock(&c->mtx);
	for (;;) {
		if (c->stop)
			break;
		if (c->hold || (!c->want && !retry)) {
			pthread_cond_wait(&c->cond, &c->mtx);
			continue;
		}
		if (retry) {
			clock_gettime(CLOCK_REALTIME, &now);
			if (now.tv_sec < until.tv_sec || (now.tv_sec ==
			    until.tv_sec && now.tv_nsec < until.tv_nsec)) {
				pthread_cond_timedwait(&c->cond, &c->mtx,
				    &until);
				continue;
			}
			retry = 0;
		}
		c->want = 0;
		c->running = 1;
		store_vfs_pace(c->frames < c->restart ? STORE_CKPT_PACE_US : 0);
		pthread_mutex_unlock(&c->mtx);
		log = done = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		clock_gettime(CLOCK_MONOTONIC, &now);
		e = rc == SQLITE_OK ? 0 : store_vfs_errno();
		if (rc != SQLITE_OK)
			snprintf(why, sizeof(why), "%s%s%s",
			    sqlite3_errmsg(c->db), e != 0 ? ": " : "",
			    e != 0 ? store_ckpt_strerror(e, err, sizeof(err)) :
			    "");
		pthread_mutex_lock(&c->mtx);
		c->running = 0;
		store_ckpt_done(c, rc, why);
		pthread_cond_broadcast(&c->cond);	/* !running */
		if ((rc & 0xff) == SQLITE_INTERRUPT)
			c->want = 1;	/* once the loop is done */
		else if (rc == SQLITE_OK) {
			/*
			 * Frames came meanwhile: on, until the tail is left,
			 * unless a reader's snapshot stopped this one short
			 * (the next commit wakes us again).
			 */
			if (done > c->backfilled && c->frames >= c->restart &&
			    c->frames - done > c->tail_now)
				c->want = 1;
			c->round_from = c->backfilled;
			c->round_to = done;
			c->round_ms = 1 + (uint64_t)(now.tv_sec - t0.tv_sec) *
			    1000 + (uint64_t)(now.tv_nsec / 1000000) -
			    (uint64_t)(t0.tv_nsec / 1000000);
			c->backfilled = done;
		} else if ((rc & 0xff) != SQLITE_BUSY) {
			retry = 1;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += STORE_CKPT_RETRY_S;
		}
	}
	pthread_mutex_unlock(&c->mtx);
	return NULL;
}

/* On the loop: log what changed since (the thread never logs). */
static void
store_ckpt_news(struct store_ckpt *c)
{
	struct store_ckpt_stats	s;
	unsigned		quiet;
	int			news;

	if (c->thread)
		pthread_mutex_lock(&c->mtx);
	news = c->news;
	c->news = 0;
	quiet = c->quiet;
	if (news)
		c->quiet = 0;
	s = c->stats;
	if (c->thread)
		pthread_mutex_unlock(&c->mtx);
	if (!news)
		return;
	if (s.failing)
		log_warnx("store checkpoint failed: %s; retried, the WAL "
		    "grows until it succeeds (frames=%d)", s.error,
		    s.wal_frames);
	else
		log_info("store checkpoint recovered failed=%llu "
		    "unlogged=%u", (unsigned long long)s.failed, quiet);
}

/* The loop's periodic look (store_wal_check()): news while idle. */
void
store_ckpt_poll(struct store *st)
{
	if (st->ckpt != NULL)
		store_ckpt_news(st->ckpt);
}

void
store_ckpt_stats(struct store *st, struct store_ckpt_stats *out)
{
	struct store_ckpt	*c = st->ckpt;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return;
	if (c->thread)
		pthread_mutex_lock(&c->mtx);
	*out = c->stats;
	if (c->thread)
		pthread_mutex_unlock(&c->mtx);
}
