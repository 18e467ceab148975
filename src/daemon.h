/*
 * The daemon's life: start-up refusals (database directory, secret file
 * modes, pid file) and detaching.  The hooks through which every room takes
 * part in SIGHUP reloads and graceful shutdown are hooks.h's.
 */
#ifndef HOTLINED_DAEMON_H
#define HOTLINED_DAEMON_H

#include <stddef.h>

struct hotlined_conf;
struct conf_errors;

/* Every start-up refusal except the pid file, into errs; 0 or -1. */
int	 daemon_preflight(const struct hotlined_conf *, struct conf_errors *);
/* Error unless a secret file exists (or may not, with !must) mode 0600. */
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

#endif /* HOTLINED_DAEMON_H */
