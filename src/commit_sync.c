/*
 * commit_sync: the commit's sync of the WAL on a thread of its own
 * (wal-sync thread, issue 17).
 *
 * A group commit's fdatasync(2) of the WAL is the event loop's longest
 * wait: ~30 % of its time at full load, during which no message is read
 * and no answer sent.  With wal-sync thread, commit.c has SQLite write the
 * batch's frames but leave their sync (store_vfs_defer_sync()), hands the
 * WAL to this thread, and goes on with the next batch; the batch's
 * answers (deliver_sm_resp, HTTP 2xx) and its log lines wait for this
 * thread to say the sync is made.  Nothing is acknowledged before it is
 * on the disk, as before; what changes is that the loop reads and stores
 * the next batch meanwhile.
 *
 * Syncs are made in the order asked; when several wait, only the last of
 * each file is made (it covers the frames written before it was asked
 * for).  A sync that fails is the end: the frames may be gone from the
 * page cache with nothing to say so (Linux marks them clean), so no later
 * sync could prove the batch durable, and the daemon exits
 * (commit.c) without answering it; the WAL on the disk is what the
 * restart recovers, and the SMSC resends what was not answered.
 *
 * The thread does no SQLite and no logging; it tells the loop through a
 * pipe, and the loop reads commit_sync_done().
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "commit_sync.h"
#include "util.h"

struct sync_req {
	uint64_t	 seq;
	uint64_t	 file;
	int		 fd;
};

struct commit_sync {
	pthread_t	 tid;
	pthread_mutex_t	 mtx;		/* everything below it */
	pthread_cond_t	 cond;		/* work for the thread */
	pthread_cond_t	 done_cond;	/* a round made (drain) */
	struct sync_req	*q;
	size_t		 nq, qsz;
	uint64_t	 asked, done;	/* seq last asked for, last made */
	int		 err;		/* errno of a failed sync, or 0 */
	int		 hold;		/* tests: the thread waits */
	int		 running;
	uint64_t	 made;		/* fdatasync(2)s made */
	int		 notified;	/* a byte is in the pipe */
	int		 pfd[2];
	struct event	*ev;
	void		(*cb)(void *);
	void		*arg;
};

/*
 * Tests only: HOTLINED_TEST_EIO_WALSYNC=PATH fails the thread's syncs
 * with EIO while a file exists at PATH (run-storage.sh).
 */
static const char	*sync_eio;

static void	*commit_sync_main(void *);
static void	 commit_sync_readable(evutil_socket_t, short, void *);

struct commit_sync *
commit_sync_new(struct event_base *base, void (*cb)(void *), void *arg,
    char *err, size_t errlen)
{
	struct commit_sync	*s;
	sigset_t		 all, old;
	int			 rc;

	s = xcalloc(1, sizeof(*s));
	s->cb = cb;
	s->arg = arg;
	s->pfd[0] = s->pfd[1] = -1;
	sync_eio = getenv("HOTLINED_TEST_EIO_WALSYNC");
	if (pipe(s->pfd) == -1 ||
	    fcntl(s->pfd[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(s->pfd[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(s->pfd[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(s->pfd[1], F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((s->ev = event_new(base, s->pfd[0], EV_READ | EV_PERSIST,
	    commit_sync_readable, s)) == NULL || event_add(s->ev, NULL) == -1) {
		snprintf(err, errlen, "event_new failed");
		goto fail;
	}
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->done_cond, NULL);
	s->running = 1;
	/* signals are the loop's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->tid, NULL, commit_sync_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		pthread_cond_destroy(&s->done_cond);
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mtx);
		goto fail;
	}
	return s;
fail:
	if (s->ev != NULL)
		event_free(s->ev);
	if (s->pfd[0] != -1)
		close(s->pfd[0]);
	if (s->pfd[1] != -1)
		close(s->pfd[1]);
	free(s);
	return NULL;
}

uint64_t
commit_sync_ask(struct commit_sync *s, int fd, uint64_t file)
{
	uint64_t	seq;

	pthread_mutex_lock(&s->mtx);
	seq = ++s->asked;
	/*
	 * The same file still waiting: one sync made later covers both, and
	 * a slow disk holds one descriptor, not one per batch.
	 */
	if (s->nq > 0 && s->q[s->nq - 1].file == file) {
		s->q[s->nq - 1].seq = seq;
		pthread_mutex_unlock(&s->mtx);
		close(fd);
		return seq;
	}
	if (s->nq == s->qsz) {
		s->qsz = s->qsz ? s->qsz * 2 : 16;
		s->q = xreallocarray(s->q, s->qsz, sizeof(*s->q));
	}
	s->q[s->nq].seq = seq;
	s->q[s->nq].file = file;
	s->q[s->nq].fd = fd;
	s->nq++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
	return seq;
}

uint64_t
commit_sync_done(struct commit_sync *s, int *err)
{
	uint64_t	done;

	pthread_mutex_lock(&s->mtx);
	done = s->done;
	*err = s->err;
	pthread_mutex_unlock(&s->mtx);
	return done;
}

int
commit_sync_drain(struct commit_sync *s)
{
	int	err;

	pthread_mutex_lock(&s->mtx);
	while (s->done < s->asked && s->err == 0)
		pthread_cond_wait(&s->done_cond, &s->mtx);
	err = s->err;
	pthread_mutex_unlock(&s->mtx);
	return err;
}

void
commit_sync_hold(struct commit_sync *s, int hold)
{
	pthread_mutex_lock(&s->mtx);
	s->hold = hold;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mtx);
}

uint64_t
commit_sync_made(struct commit_sync *s)
{
	uint64_t	made;

	pthread_mutex_lock(&s->mtx);
	made = s->made;
	pthread_mutex_unlock(&s->mtx);
	return made;
}

void
commit_sync_free(struct commit_sync *s)
{
	size_t	i;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mtx);
	s->running = 0;
	s->hold = 0;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mtx);
	pthread_join(s->tid, NULL);
	for (i = 0; i < s->nq; i++)	/* after an error: never made */
		close(s->q[i].fd);
	free(s->q);
	event_free(s->ev);
	close(s->pfd[0]);
	close(s->pfd[1]);
	pthread_cond_destroy(&s->done_cond);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mtx);
	free(s);
}

/* Make the syncs of q[0..n-1]: the last of each file; errno or 0. */
static int
commit_sync_make(struct sync_req *q, size_t n, uint64_t *made)
{
	size_t	i;
	int	err = 0;

	for (i = 0; i < n; i++) {
		if (err == 0 && (i + 1 == n || q[i + 1].file != q[i].file)) {
			if (sync_eio != NULL && access(sync_eio, F_OK) == 0)
				err = EIO;
			else if (fdatasync(q[i].fd) == -1)
				err = errno != 0 ? errno : EIO;
			(*made)++;
		}
		close(q[i].fd);
	}
	return err;
}

static void *
commit_sync_main(void *arg)
{
	struct commit_sync	*s = arg;
	struct sync_req		*q = NULL;
	size_t			 n, qsz = 0;
	uint64_t		 last, made;
	int			 err, tell;

	pthread_mutex_lock(&s->mtx);
	for (;;) {
		while (s->running && (s->nq == 0 || s->hold || s->err != 0))
			pthread_cond_wait(&s->cond, &s->mtx);
		if (!s->running)
			break;
		/* take every waiting one: the last of a file covers the rest */
		if (qsz < s->nq) {
			qsz = s->qsz;
			q = xreallocarray(q, qsz, sizeof(*q));
		}
		n = s->nq;
		memcpy(q, s->q, n * sizeof(*q));
		s->nq = 0;
		last = q[n - 1].seq;
		pthread_mutex_unlock(&s->mtx);

		made = 0;
		err = commit_sync_make(q, n, &made);

		pthread_mutex_lock(&s->mtx);
		s->made += made;
		if (err != 0)
			s->err = err;
		else
			s->done = last;
		pthread_cond_broadcast(&s->done_cond);
		tell = !s->notified;
		s->notified = 1;
		pthread_mutex_unlock(&s->mtx);
		/* a full pipe already holds a byte: the loop will look */
		while (tell && write(s->pfd[1], "s", 1) == -1 && errno == EINTR)
			;
		pthread_mutex_lock(&s->mtx);
	}
	pthread_mutex_unlock(&s->mtx);
	free(q);
	return NULL;
}

static void
commit_sync_readable(evutil_socket_t fd, short ev, void *arg)
{
	struct commit_sync	*s = arg;
	char			 buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&s->mtx);
	s->notified = 0;
	pthread_mutex_unlock(&s->mtx);
	s->cb(s->arg);
}
