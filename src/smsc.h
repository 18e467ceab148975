/*
 * smsc: the daemon's direct SMPP bearers, one per "smsc NAME { }" block: the
 * sessions (one transceiver, or a transmitter + receiver pair), received
 * texts into inbound.c, receipts and submit results into outbox.c.
 */
#ifndef HOTLINED_SMSC_H
#define HOTLINED_SMSC_H

struct event_base;
struct hotlined_conf;

/* Create and start every configured SMSC; 0 or -1. */
int	 smsc_start(struct event_base *, const struct hotlined_conf *);
/* Unbind everything; done() runs when all sessions have closed. */
void	 smsc_stop(void (*done)(void *), void *arg);
/* How many SMSCs are bound now (for status). */
int	 smsc_bound(void);
/* Free what smsc_start() made. */
void	 smsc_free(void);

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
/* How many SMSCs are configured. */
size_t	 smsc_links(void);
/* Link i's state and counters; 0, or -1 past the last. */
int	 smsc_info(size_t i, struct smsc_info *);
/*
 * An operator stops (unbinds cleanly; it stays down across reloads until
 * started) or starts link name.  1 done, 0 already so, -1 no such link.
 */
int	 smsc_control(const char *name, int stop);

#endif /* HOTLINED_SMSC_H */
