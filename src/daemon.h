/*
 * The daemon's life: start-up refusals (database directory, secret file
 * modes, pid file) and detaching.  The hooks through which every room takes
 * part in SIGHUP reloads and graceful shutdown are hooks.h's.
 */
#ifndef HOTLINED_DAEMON_H
#define HOTLINED_DAEMON_H

#include <stddef.h>

struct event_base;
struct hotlined_conf;
struct conf_errors;

/* Every start-up refusal except the pid file, into errs; 0 or -1. */
int	 daemon_preflight(const struct hotlined_conf *, struct conf_errors *);
/*
 * Error unless a secret file exists (or may not, with !must) mode 0600,
 * or 0640 owned by root (root chose the group that reads it: the
 * package's root:hotlined), except the key-file (0600 only).
 */
int	 daemon_check_secret(const char *what, const char *path, int must,
	    char *err, size_t errlen);
/* Read the first line of a secret file into *out (malloc'd); 0 or -1. */
int	 daemon_read_secret(const char *path, char **out, char *err,
	    size_t errlen);
/* Open and flock the pid file; refuse a live owner, replace a stale one. */
int	 daemon_pidfile_open(const char *path, char *err, size_t errlen);
/* Write our pid into the locked pid file; 0 or -1. */
int	 daemon_pidfile_write(void);
/* Remove the pid file if we hold it. */
void	 daemon_pidfile_remove(void);
/* Fork into the background; the parent exits once daemon_ready() runs. */
int	 daemon_detach(char *err, size_t errlen);
/* Tell the waiting parent that start-up has succeeded. */
void	 daemon_ready(void);

/*
 * systemd (Type=notify): sd_notify(3) when built with libsystemd and
 * NOTIFY_SOCKET is set, else nothing.  "READY=1" after start-up,
 * "RELOADING=1" ... "READY=1" around a reload, "STOPPING=1" at shutdown.
 */
void	 daemon_notify(const char *state);
/* Send WATCHDOG=1 from the loop every half WatchdogSec, if systemd asks. */
void	 daemon_watchdog_start(struct event_base *);
/* The log file that hotlined_log_reopen() reopens. */
void	 hotlined_set_log_file(const char *path);
/* Reopen the log file (SIGUSR1, hotlinectl log reopen); 0 or -1. */
int	 hotlined_log_reopen(const char *by);

#endif /* HOTLINED_DAEMON_H */
