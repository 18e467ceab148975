/*
 * outbox: durable rows of the store -> bearers.  The store holds the truth
 * (state, attempts, next attempt); outbox.c only pumps due rows to a bearer
 * that has room, and writes back what the bearer reports.
 *
 * Resend policy: a row in flight when the daemon dies goes out again at the
 * next start (a duplicate SMS beats a lost one).  Temporary errors
 * (throttling, queue full, SMSC busy, timeouts, a dropped link) retry with
 * exponential backoff; permanent ones mark the row failed.  The store never
 * hands out a row while an older one to the same number is pending, so each
 * citizen receives messages in order, whatever the retries.
 *
 * Routing: a row goes out through the bearer its citizen wrote through
 * (store_outmsg.via), waiting while that one is full; a retry, a row
 * waiting over 30 s, or one whose bearer is gone takes any bearer.
 */
#ifndef HOTLINED_OUTBOX_H
#define HOTLINED_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"

struct commit;
struct event_base;
struct outbox;
struct store;

/*
 * A delivery receipt's state, as the bearers read it off the wire and the
 * store records it (the name is the column's).  Here, not in store.h, so
 * that a bearer needs no store to report one.
 */
enum store_receipt {
	STORE_RCPT_INTERIM = 0,		/* ACCEPTD, ENROUTE, UNKNOWN */
	STORE_RCPT_DELIVERED,		/* DELIVRD */
	STORE_RCPT_FAILED,		/* UNDELIV, REJECTD, DELETED */
	STORE_RCPT_EXPIRED		/* EXPIRED */
};

/* One SMS to send, borrowed for the duration of bearer_ops.send(). */
struct outbox_job {
	int64_t		 id;
	const char	*to;		/* plaintext recipient */
	const char	*from;		/* 12345, or 12345 + extension code */
	const char	*text;		/* UTF-8, whole: the bearer splits it */
	int		 attempt;	/* 1 for the first */
	/*
	 * Parts an earlier attempt got accepted (issue 14): when the bearer
	 * splits the text into done_nparts parts, it sends only those whose
	 * bit (i for part i + 1) is clear, with the same reference, and
	 * reports the others with a NULL id.  0: send every part.
	 */
	int		 done_nparts;
	uint32_t	 done;
};

/* What a way out (an SMPP bind, Kannel's sendsms) offers the outbox. */
struct bearer_ops {
	/* How many SMS it can take now (0: not bound, window full). */
	int	(*room)(void *ctx);
	/* Start sending; 0 accepted (the outcome comes later), -1 not now. */
	int	(*send)(void *ctx, const struct outbox_job *);
};

/*
 * An outbox over st, writing in c's batches (both borrowed); a row is
 * tried max_attempts times (0: 10).
 */
struct outbox	*outbox_new(struct event_base *, struct store *st,
		    struct commit *c, int max_attempts);
/* Free the timers and forget the bearers; NULL does nothing. */
void	 outbox_free(struct outbox *);
/*
 * The daemon's outbox, for the bearers and rooms that do not hold one yet
 * (kannel, kannel_send, admin): set by engine.c (or a test), NULL before.
 */
struct outbox	*outbox_default(void);
void	 outbox_set_default(struct outbox *);
/* Offer a way out; name is recorded with receipts. */
void	 outbox_add_bearer(struct outbox *, const char *name,
	    const struct bearer_ops *, void *ctx);
/* Something was queued or a bearer gained room: pump soon (NULL: none). */
void	 outbox_kick(struct outbox *);
/* Kick once the open batch (joined now) has committed; NULL: none. */
void	 outbox_kick_after(struct outbox *);

/*
 * Every part of job id was accepted; msgids[i] is part i+1's SMSC id, NULL
 * for a part an earlier attempt delivered (outbox_job.done).
 */
void	 outbox_sent(struct outbox *, int64_t id, const char *bearer,
	    const char **msgids, int nparts);
/* The job failed: temporary (retry with backoff) or permanent. */
void	 outbox_failed(struct outbox *, int64_t id, int temporary,
	    const char *error);
/*
 * The same, after the SMSC accepted some parts (msgids[i] not NULL): they
 * are kept, so that the retry sends only the others and their receipts
 * are matched.
 */
void	 outbox_failed_parts(struct outbox *, int64_t id, int temporary,
	    const char *error, const char *bearer, const char **msgids,
	    int nparts);
/*
 * A delivery receipt for (bearer, msgid), the id already normalised by the
 * bearer; alt, when not NULL, is a second reading of an ambiguous id (hex or
 * decimal); shown is the id as the peer sent it, for the log.  done(arg, ok)
 * runs once it is durable.  A receipt for an id not known yet (it raced
 * submit_sm_resp) is acknowledged at once, so that it holds no slot of the
 * peer's window, and matched again for a few seconds.
 */
void	 outbox_receipt(struct outbox *, const char *bearer,
	    const char *msgid, const char *alt, const char *shown,
	    enum store_receipt, const char *stat, const char *err,
	    commit_fn done, void *arg);
void	 outbox_stats(const struct outbox *, uint64_t *sent,
	    uint64_t *failed, uint64_t *retried, uint64_t *receipts);

#endif /* HOTLINED_OUTBOX_H */
