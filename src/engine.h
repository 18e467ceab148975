/*
 * engine: starts the rooms of the daemon in dependency order (keys, store,
 * rules, calendar, templates, group commit, inbound, outbox, surveys, SMSC
 * sessions) and registers their reload, shutdown and exit hooks.
 */
#ifndef HOTLINED_ENGINE_H
#define HOTLINED_ENGINE_H

#include <stddef.h>

struct commit;
struct crypto;
struct event;
struct event_base;
struct hotlined_conf;
struct inbound;
struct mo;
struct notify;
struct outbox;
struct smsc_set;
struct store;

/*
 * The daemon: the store and the core path's rooms, one of each, made by
 * engine_start() and freed by its exit hook (hook_exit()).  Each room
 * borrows what it needs from here when it is made (HACKING.md, "The
 * data path"); nothing else holds these but the *_default() pointers of
 * the rooms outside the core path.
 */
struct hotline {
	struct event_base		*base;		/* borrowed */
	const struct hotlined_conf	*conf;		/* borrowed */
	struct crypto			*crypto;
	struct store			*store;
	struct commit			*commit;
	struct outbox			*outbox;
	struct mo			*mo;
	struct inbound			*inbound;
	struct notify			*notify;
	struct smsc_set			*smsc;
	struct event			*ev_wal;
	int				 smsc_stopped;
};

/*
 * Start everything: the daemon, or NULL with a one-line reason in err
 * (hook_exit() frees what was made either way).
 */
struct hotline	*engine_start(struct event_base *,
		    const struct hotlined_conf *, char *err, size_t errlen);
/* The open store (for the admin API). */
struct store	*engine_store(const struct hotline *);

#endif /* HOTLINED_ENGINE_H */
