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

#endif /* HOTLINED_SMSC_H */
