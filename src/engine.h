/*
 * engine: starts the rooms of the daemon in dependency order (keys, store,
 * rules, calendar, templates, group commit, inbound, outbox, surveys, SMSC
 * sessions) and registers their reload, shutdown and exit hooks.
 */
#ifndef HOTLINED_ENGINE_H
#define HOTLINED_ENGINE_H

#include <stddef.h>

struct event_base;
struct hotlined_conf;
struct store;

/* Start everything; 0, or -1 with a one-line reason in err. */
int		 engine_start(struct event_base *, const struct hotlined_conf *,
		    char *err, size_t errlen);
/* The open store (for the admin API), NULL before engine_start(). */
struct store	*engine_store(void);

#endif /* HOTLINED_ENGINE_H */
