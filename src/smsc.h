/*
 * smsc: the daemon's direct SMPP bearers, one per "smsc NAME { }" block: the
 * sessions (one transceiver, or a transmitter + receiver pair), received
 * texts into inbound.c, receipts and submit results into outbox.c.
 */
#ifndef HOTLINED_SMSC_H
#define HOTLINED_SMSC_H

struct event_base;
struct hotlined_conf;
struct inbound;
struct outbox;
struct smsc_set;

/*
 * Create and start every SMSC conf configures (none: an empty set),
 * received texts into ib, each link a bearer of ob (all borrowed); NULL
 * when one cannot be set up.
 */
struct smsc_set	*smsc_new(struct event_base *,
		    const struct hotlined_conf *conf, struct inbound *ib,
		    struct outbox *ob);
/* Unbind everything; done() runs when all sessions have closed. */
void	 smsc_stop(struct smsc_set *, void (*done)(void *), void *arg);
/* How many SMSCs are bound now (for status). */
int	 smsc_bound(const struct smsc_set *);
/* Free what smsc_new() made; NULL does nothing. */
void	 smsc_free(struct smsc_set *);
/*
 * The daemon's, for the rooms that do not hold it (admin_obs, health):
 * set by engine.c, NULL before.
 */
struct smsc_set	*smsc_default(void);
void	 smsc_set_default(struct smsc_set *);

/* One link as /metrics, the status page and "smsc list" show it. */
struct smsc_info {
	const char	*name;			/* borrowed */
	int		 state;			/* enum smpp_state */
	int		 stopped;		/* by an operator */
	int		 throughput;		/* configured, per second */
	int		 window;
	int64_t		 down_since;		/* clock_now_ms(); 0: bound */
	uint64_t	 binds, connects, submits, delivers, throttled;
};
/* How many SMSCs are configured (a NULL set: none). */
size_t	 smsc_links(const struct smsc_set *);
/* Link i's state and counters; 0, or -1 past the last. */
int	 smsc_info(const struct smsc_set *, size_t i, struct smsc_info *);
/*
 * An operator stops (unbinds cleanly; it stays down across reloads until
 * started) or starts link name.  1 done, 0 already so, -1 no such link.
 */
int	 smsc_control(struct smsc_set *, const char *name, int stop);

#endif /* HOTLINED_SMSC_H */
