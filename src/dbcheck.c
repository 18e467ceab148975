/*
 * dbcheck: one child at a time runs "hotlined -C|-Q DATABASE" (the same
 * binary, through /proc/self/exe, so a fresh process with a fresh SQLite:
 * a forked copy of the daemon's SQLite would share its lock bookkeeping);
 * its standard output comes back through a pipe read by the loop.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "crypto.h"
#include "dbcheck.h"
#include "store.h"
#include "log.h"
#include "util.h"

#define DBCHECK_FD_MAX	4096	/* the child closes descriptors below */

static void	dbcheck_read(evutil_socket_t, short, void *);
static int	dbcheck_reap(int);
static void	dbcheck_clear(void);
static int	dbcheck_run(struct event_base *, const char *, const char *,
		    const char *, dbcheck_fn, void *, char *, size_t);

static struct {
	pid_t		 pid;		/* 0: none running */
	struct event	*ev;
	struct evbuffer	*out;
	dbcheck_fn	 fn;
	void		*arg;
	int		 fd;
} chk = { .fd = -1 };

int
dbcheck_running(void)
{
	return chk.pid != 0;
}

int
dbcheck_start(struct event_base *base, const char *db, int full,
    dbcheck_fn fn, void *arg, char *err, size_t errlen)
{
	return dbcheck_run(base, full ? "-C" : "-Q", db, NULL, fn, arg, err,
	    errlen);
}

int
dbcheck_start_audit(struct event_base *base, const char *db,
    const char *key, dbcheck_fn fn, void *arg, char *err, size_t errlen)
{
	return dbcheck_run(base, "-A", db, key, fn, arg, err, errlen);
}

/* Start "hotlined FLAG db [key]" with its output on a pipe we watch. */
static int
dbcheck_run(struct event_base *base, const char *flag, const char *db,
    const char *key, dbcheck_fn fn, void *arg, char *err, size_t errlen)
{
	int	fds[2], fd;

	if (chk.pid != 0) {
		snprintf(err, errlen, "a database check is running already");
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	switch ((chk.pid = fork())) {
	case -1:
		chk.pid = 0;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	case 0:
		if (dup2(fds[1], STDOUT_FILENO) == -1 ||
		    dup2(fds[1], STDERR_FILENO) == -1)
			_exit(127);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		/* nothing of the daemon's: not its sockets, not the pid lock */
		for (fd = STDERR_FILENO + 1; fd < DBCHECK_FD_MAX; fd++)
			close(fd);
		execl("/proc/self/exe", "hotlined", flag, db, key,
		    (char *)NULL);
		dprintf(STDOUT_FILENO, "cannot run hotlined -C: %s\n",
		    strerror(errno));
		_exit(127);
	default:
		break;
	}
	close(fds[1]);
	chk.fd = fds[0];
	chk.fn = fn;
	chk.arg = arg;
	if ((chk.out = evbuffer_new()) == NULL ||
	    (chk.ev = event_new(base, chk.fd, EV_READ | EV_PERSIST,
	    dbcheck_read, NULL)) == NULL || event_add(chk.ev, NULL) == -1) {
		snprintf(err, errlen, "cannot watch the check");
		dbcheck_abort();
		return -1;
	}
	log_info("dbcheck started pid=%ld mode=%s", (long)chk.pid,
	    flag[1] == 'C' ? "integrity_check" : flag[1] == 'Q' ?
	    "quick_check" : "audit");
	return 0;
}

/* Wait for the child (it has closed its output, so it is ending). */
static int
dbcheck_reap(int kill_it)
{
	int	status;
	pid_t	r;

	if (kill_it)
		kill(chk.pid, SIGKILL);
	do
		r = waitpid(chk.pid, &status, 0);
	while (r == -1 && errno == EINTR);
	if (r == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
dbcheck_clear(void)
{
	if (chk.ev != NULL)
		event_free(chk.ev);
	if (chk.out != NULL)
		evbuffer_free(chk.out);
	if (chk.fd != -1)
		close(chk.fd);
	chk.ev = NULL;
	chk.out = NULL;
	chk.fd = -1;
	chk.pid = 0;
}

static void
dbcheck_read(evutil_socket_t fd, short ev, void *arg)
{
	char		 buf[4096], *text;
	dbcheck_fn	 fn = chk.fn;
	void		*fnarg = chk.arg;
	ssize_t		 n;
	size_t		 len;
	int		 status;

	n = read(fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		len = evbuffer_get_length(chk.out);
		if (len < DBCHECK_OUT_MAX)
			evbuffer_add(chk.out, buf, MINIMUM((size_t)n,
			    DBCHECK_OUT_MAX - len));
		return;
	}
	/* end of file: the child is ending; a read error: end it */
	status = dbcheck_reap(n == -1);
	len = evbuffer_get_length(chk.out);
	text = xmalloc(len + 1);
	evbuffer_remove(chk.out, text, len);
	text[len] = '\0';
	log_info("dbcheck done status=%d", status);
	dbcheck_clear();
	fn(fnarg, status, text);
	free(text);
}

void
dbcheck_abort(void)
{
	if (chk.pid == 0)
		return;
	dbcheck_reap(1);
	log_info("dbcheck aborted");
	dbcheck_clear();
}

int
dbcheck_audit(const char *db, const char *key, int64_t *badp,
    void (*progress)(void *, int64_t, int64_t), void *arg, char *err,
    size_t errlen)
{
	struct store_peek	 pk;
	struct store_opts	 opts;
	struct crypto		*crypto;
	struct store		*st;
	struct stat		 sb;
	int			 rv;

	/* never create: store_open() would make an empty database */
	if (stat(db, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", db, strerror(errno));
		return 2;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", db);
		return 2;
	}
	if (store_peek(db, &pk, err, errlen) == -1)
		return 2;
	if (!pk.exists) {
		snprintf(err, errlen, "%s: not a hotlined database", db);
		return 2;
	}
	/* never create either: crypto_open() would make a new key */
	if (stat(key, &sb) == -1) {
		snprintf(err, errlen, "key-file %s: %s", key, strerror(errno));
		return 2;
	}
	if ((crypto = crypto_open(key, err, errlen)) == NULL)
		return 2;
	memset(&opts, 0, sizeof(opts));
	if ((st = store_open(db, crypto, &opts, err, errlen)) == NULL) {
		crypto_free(crypto);
		return 2;
	}
	rv = store_audit_verify_progress(st, badp, progress, arg);
	if (rv == -1)
		snprintf(err, errlen, "%s: cannot read the audit trail", db);
	store_close(st);
	crypto_free(crypto);
	return rv == -1 ? 2 : rv;
}
