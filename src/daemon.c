/*
 * The daemon's life around main(): start-up refusals (database directory,
 * secret file modes, pid file with flock), detaching with a readiness pipe,
 * (the reload / shutdown / exit hooks every room uses are hooks.c's).
 */
#include "compat.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "log.h"
#include "util.h"

#ifdef HAVE_LIBSYSTEMD
static void	 daemon_watchdog(evutil_socket_t, short, void *);
static void	 daemon_watchdog_stop(void *);
#endif

static int		 pid_fd = -1;
static char		 pid_path[PATH_MAX];
static int		 ready_fd = -1;

static char		*log_path;	/* hotlined_log_reopen() */
#ifdef HAVE_LIBSYSTEMD
static struct event	*ev_watchdog;
#endif
int
daemon_check_secret(const char *what, const char *path, int must, char *err,
    size_t errlen)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT && !must)
			return 0;
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", what, path);
		return -1;
	}
	/*
	 * root:hotlined 0640, the package's layout: root chose the group.
	 * Not the key: the daemon's own, made 0600 beside the database with
	 * its record (crypto.c refuses any other mode).
	 */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 && !(st.st_uid == 0 &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) == S_IRGRP &&
	    strcmp(what, "key-file") != 0)) {
		snprintf(err, errlen, "%s %s is accessible by group or others "
		    "(mode %04o; chmod 600 it, or 640 owned by root)", what,
		    path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int
daemon_read_secret(const char *path, char **out, char *err, size_t errlen)
{
	char	 buf[1024];
	ssize_t	 n;
	size_t	 len;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* The directory part of path, in buf. */
static const char *
daemon_dirname(const char *path, char *buf, size_t len)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		strlcpy(buf, ".", len);
	else if (slash == path)
		strlcpy(buf, "/", len);
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return buf;
}

int
daemon_preflight(const struct hotlined_conf *conf, struct conf_errors *errs)
{
	struct stat		 st;
	const struct conf_smsc	*s;
	char			 dir[PATH_MAX], err[PATH_MAX + 128];
	size_t			 i;
	int			 n0 = errs->n;

	/* SQLite needs to create its -wal and -shm files beside the db */
	daemon_dirname(conf->database, dir, sizeof(dir));
	if (stat(dir, &st) == -1)
		conf_error(errs, conf->path, conf_line(conf, "database"),
		    "database directory %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		conf_error(errs, conf->path, conf_line(conf, "database"),
		    "database directory %s: not a directory", dir);
	else if (access(dir, W_OK | X_OK) == -1)
		conf_error(errs, conf->path, conf_line(conf, "database"),
		    "database directory %s is not writable", dir);

	/* the key file may not exist yet: it is created 0600 on first start */
	if (daemon_check_secret("key-file", conf->key_file, 0, err,
	    sizeof(err)) == -1)
		conf_error(errs, conf->path, conf_line(conf, "key-file"),
		    "%s", err);
	for (i = 0; i < conf->nsmsc; i++) {
		s = &conf->smsc[i];
		if (s->password_file != NULL && daemon_check_secret(
		    "password-file", s->password_file, 1, err,
		    sizeof(err)) == -1)
			conf_error(errs, conf->path, s->line, "smsc %s: %s",
			    s->name, err);
		if (s->tls_key != NULL && daemon_check_secret("tls-key",
		    s->tls_key, 1, err, sizeof(err)) == -1)
			conf_error(errs, conf->path, s->line, "smsc %s: %s",
			    s->name, err);
		/* an inline password makes the file itself a secret */
		if (s->password != NULL && s->password[0] != '\0' &&
		    daemon_check_secret("configuration file", conf->path, 1,
		    err, sizeof(err)) == -1)
			conf_error(errs, conf->path, s->line, "smsc %s has an "
			    "inline password and %s", s->name, err);
	}
	if (daemon_check_secret("tokens-file", conf->admin.tokens_file, 0,
	    err, sizeof(err)) == -1)
		conf_error(errs, conf->path, 0, "admin: %s", err);
	if (conf->admin.tls_key != NULL && daemon_check_secret("tls-key",
	    conf->admin.tls_key, 1, err, sizeof(err)) == -1)
		conf_error(errs, conf->path, 0, "admin: %s", err);
	if (conf->kannel.enabled) {
		if (conf->kannel.secret_file != NULL && daemon_check_secret(
		    "secret-file", conf->kannel.secret_file, 1, err,
		    sizeof(err)) == -1)
			conf_error(errs, conf->path, 0, "kannel: %s", err);
		if (conf->kannel.sendsms_password_file != NULL &&
		    daemon_check_secret("sendsms-password-file",
		    conf->kannel.sendsms_password_file, 1, err,
		    sizeof(err)) == -1)
			conf_error(errs, conf->path, 0, "kannel: %s", err);
	}
	return errs->n == n0 ? 0 : -1;
}

/*
 * The lock, not the file's existence, says a daemon runs: flock() is
 * released when its holder dies, so a stale file is simply taken over.  A
 * file whose pid is alive although nobody holds the lock is refused too.
 */
int
daemon_pidfile_open(const char *path, char *err, size_t errlen)
{
	char	 buf[32];
	ssize_t	 n;
	long	 old = 0;
	int	 fd;

	if (strlcpy(pid_path, path, sizeof(pid_path)) >= sizeof(pid_path)) {
		snprintf(err, errlen, "pid file %s: name too long", path);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	old = strtol(buf, NULL, 10);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "pid file %s is held by running "
			    "process %ld", path, old);
		else
			snprintf(err, errlen, "pid file %s: flock: %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	if (old > 0 && old != (long)getpid()) {
		if (kill((pid_t)old, 0) == 0 || errno == EPERM) {
			snprintf(err, errlen, "pid file %s names running "
			    "process %ld", path, old);
			close(fd);
			return -1;
		}
		log_info("hotlined stale pid file replaced path=%s old_pid=%ld",
		    path, old);
	}
	pid_fd = fd;
	return 0;
}

int
daemon_pidfile_write(void)
{
	char	buf[32];
	int	n;

	if (pid_fd == -1)
		return -1;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pid_fd, 0) == -1 ||
	    pwrite(pid_fd, buf, (size_t)n, 0) != n) {
		log_warn("hotlined cannot write pid file path=%s", pid_path);
		return -1;
	}
	return 0;
}

void
daemon_pidfile_remove(void)
{
	if (pid_fd == -1)
		return;
	unlink(pid_path);
	close(pid_fd);
	pid_fd = -1;
}

/*
 * Double fork, so the daemon is no session leader and can never regain a
 * terminal.  The first parent waits on a pipe: it exits 0 when the daemon
 * calls daemon_ready(), 1 when the daemon dies first.
 */
int
daemon_detach(char *err, size_t errlen)
{
	ssize_t	n;
	int	fds[2], fd;
	char	c;

	if (pipe(fds) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	switch (fork()) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	case 0:
		break;
	default:
		close(fds[1]);
		c = '\0';
		do
			n = read(fds[0], &c, 1);
		while (n == -1 && errno == EINTR);
		if (n == 1 && c == 'R')
			_exit(0);
		fprintf(stderr, "hotlined: the daemon failed to start, "
		    "see its log file\n");
		_exit(1);
	}
	close(fds[0]);
	if (setsid() == -1)
		fatal("hotlined setsid");
	switch (fork()) {
	case -1:
		fatal("hotlined fork");
	case 0:
		break;
	default:
		_exit(0);
	}
	if (chdir("/") == -1)
		fatal("hotlined chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	ready_fd = fds[1];
	return 0;
}

void
daemon_ready(void)
{
	if (ready_fd == -1)
		return;
	(void)!write(ready_fd, "R", 1);
	close(ready_fd);
	ready_fd = -1;
}

void
daemon_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	int	rc;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	if ((rc = sd_notify(0, state)) < 0)
		log_warnx("hotlined sd_notify %s failed: %s", state,
		    strerror(-rc));
	else
		log_debug("hotlined sd_notify %s", state);
#else
	(void)state;
#endif
}

#ifdef HAVE_LIBSYSTEMD
static void
daemon_watchdog(evutil_socket_t fd, short ev, void *arg)
{
	/* from the loop: a loop that hangs stops the pings, systemd kills */
	(void)sd_notify(0, "WATCHDOG=1");
}

static void
daemon_watchdog_stop(void *arg)
{
	if (ev_watchdog != NULL)
		event_free(ev_watchdog);
	ev_watchdog = NULL;
}
#endif

void
daemon_watchdog_start(struct event_base *b)
{
#ifdef HAVE_LIBSYSTEMD
	struct timeval	tv;
	uint64_t	usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	ev_watchdog = event_new(b, -1, EV_PERSIST, daemon_watchdog, NULL);
	if (ev_watchdog == NULL || event_add(ev_watchdog, &tv) == -1)
		fatalx("hotlined cannot arm the systemd watchdog");
	hook_on_exit("watchdog", daemon_watchdog_stop, NULL);
	log_info("hotlined systemd watchdog every=%llums",
	    (unsigned long long)(usec / 1000));
#else
	(void)b;
#endif
}

void
hotlined_set_log_file(const char *path)
{
	free(log_path);
	log_path = path != NULL ? xstrdup(path) : NULL;
}

/*
 * Log rotation: reopen the file and nothing else, so that a rules file
 * half-way through an edit never goes live because logrotate ran.
 */
int
hotlined_log_reopen(const char *by)
{
	if (log_path == NULL)
		return -1;
	if (log_reopen(log_path) == -1) {
		log_warn("hotlined cannot reopen log file path=%s by=%s, "
		    "keeping the old one", log_path, by);
		return -1;
	}
	log_info("hotlined log reopened path=%s by=%s", log_path, by);
	return 0;
}
