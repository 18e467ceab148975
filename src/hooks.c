/*
 * hooks: the registries through which every room takes part in the
 * daemon's life -- SIGHUP reloads, graceful shutdown, and the exit after
 * the loop -- and the event_base they run on.  The log lines keep the
 * word "hotlined" ("hotlined reload templates failed"): operators and
 * scripts know them by it.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "log.h"
#include "util.h"

#define HOOKS_MAX	32

struct hook {
	const char	*name;
	int		(*fn)(void *);		/* reload, shutdown */
	void		(*vfn)(void *);		/* exit */
	void		*arg;
	int		 pending;		/* shutdown: waiting for done */
};

static void	 hook_add(struct hook *, size_t *, const char *,
		    int (*)(void *), void (*)(void *), void *);
static void	 hook_force(evutil_socket_t, short, void *);
static void	 hook_check_done(void);

static struct hook	 reload_hooks[HOOKS_MAX];
static size_t		 nreload;
static struct hook	 shutdown_hooks[HOOKS_MAX];
static size_t		 nshutdown;
static struct hook	 exit_hooks[HOOKS_MAX];
static size_t		 nexit;

static struct event_base *base;
static struct event	*ev_force;
static long long	 shutdown_ms = 10000;
static int		 stopping;
static int		 exited;


static void
hook_add(struct hook *h, size_t *n, const char *name, int (*fn)(void *),
    void (*vfn)(void *), void *arg)
{
	if (*n >= HOOKS_MAX)
		fatalx("hotlined too many hooks (%s)", name);
	h[*n].name = name;
	h[*n].fn = fn;
	h[*n].vfn = vfn;
	h[*n].arg = arg;
	h[*n].pending = 0;
	(*n)++;
}

void
hook_on_reload(const char *name, int (*fn)(void *), void *arg)
{
	hook_add(reload_hooks, &nreload, name, fn, NULL, arg);
}

void
hook_on_shutdown(const char *name, int (*fn)(void *), void *arg)
{
	hook_add(shutdown_hooks, &nshutdown, name, fn, NULL, arg);
}

void
hook_on_exit(const char *name, void (*fn)(void *), void *arg)
{
	hook_add(exit_hooks, &nexit, name, NULL, fn, arg);
}

struct event_base *
hook_base(void)
{
	return base;
}

void
hook_set_base(struct event_base *b, long long ms)
{
	base = b;
	shutdown_ms = ms;
}

int
hook_reload(void)
{
	size_t	i;
	int	failed = 0;

	daemon_notify("RELOADING=1");
	for (i = 0; i < nreload; i++) {
		if (reload_hooks[i].fn(reload_hooks[i].arg) == -1) {
			log_warnx("hotlined reload %s failed, old version kept",
			    reload_hooks[i].name);
			failed++;
		} else
			log_debug("hotlined reload %s done",
			    reload_hooks[i].name);
	}
	log_info("hotlined reloaded hooks=%zu failed=%d", nreload, failed);
	daemon_notify("READY=1");
	return failed;
}

int
hook_is_stopping(void)
{
	return stopping;
}

/* End the loop once no shutdown hook is pending. */
static void
hook_check_done(void)
{
	size_t	i;

	for (i = 0; i < nshutdown; i++)
		if (shutdown_hooks[i].pending)
			return;
	if (base != NULL)
		event_base_loopexit(base, NULL);
}

void
hook_shutdown(const char *reason)
{
	struct timeval	 tv;
	char		 d[32];
	size_t		 i;

	if (stopping) {
		log_warnx("hotlined stop reason=%s during shutdown, "
		    "exiting now", reason);
		if (base != NULL)
			event_base_loopbreak(base);
		return;
	}
	stopping = 1;
	daemon_notify("STOPPING=1");
	log_info("hotlined shutting down reason=%s timeout=%s", reason,
	    conf_fmt_duration(shutdown_ms, d, sizeof(d)));
	if (base != NULL) {
		tv.tv_sec = shutdown_ms / 1000;
		tv.tv_usec = (shutdown_ms % 1000) * 1000;
		ev_force = evtimer_new(base, hook_force, NULL);
		if (ev_force != NULL)
			evtimer_add(ev_force, &tv);
	}
	for (i = nshutdown; i-- > 0; )
		shutdown_hooks[i].pending =
		    shutdown_hooks[i].fn(shutdown_hooks[i].arg) == 1;
	hook_check_done();
}

void
hook_shutdown_done(const char *name)
{
	size_t	i;

	for (i = 0; i < nshutdown; i++)
		if (strcmp(shutdown_hooks[i].name, name) == 0)
			shutdown_hooks[i].pending = 0;
	log_debug("hotlined shutdown %s done", name);
	if (stopping)
		hook_check_done();
}

/* The shutdown bound has passed: leave the loop with work pending. */
static void
hook_force(evutil_socket_t fd, short ev, void *arg)
{
	char	pending[256] = "";
	size_t	i;

	for (i = 0; i < nshutdown; i++)
		if (shutdown_hooks[i].pending) {
			if (pending[0] != '\0')
				strlcat(pending, ",", sizeof(pending));
			strlcat(pending, shutdown_hooks[i].name,
			    sizeof(pending));
		}
	log_warnx("hotlined shutdown timeout, forcing exit pending=%s",
	    pending[0] ? pending : "-");
	event_base_loopbreak(base);
}

void
hook_exit(void)
{
	size_t	i;

	if (exited)
		return;
	exited = 1;
	if (ev_force != NULL) {
		event_free(ev_force);
		ev_force = NULL;
	}
	for (i = nexit; i-- > 0; )
		exit_hooks[i].vfn(exit_hooks[i].arg);
}

