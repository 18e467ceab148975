/*
 * inbound: where every bearer (an SMPP bind, Kannel's smsbox) hands in what
 * a citizen sent.  A part is stored, reassembled with its siblings, and the
 * whole text goes to mo_process(), all in the current group commit; the
 * bearer's done callback (deliver_sm_resp, HTTP answer) runs after it.
 */
#ifndef HOTLINED_INBOUND_H
#define HOTLINED_INBOUND_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"

struct commit;
struct event_base;
struct inbound;
struct mo;
struct store;

/* One received part, all borrowed for the duration of inbound_receive(). */
struct inbound_msg {
	const char	*bearer;	/* smsc name, or "kannel" */
	const char	*msgid;		/* the bearer's MO id, NULL: none */
	const char	*source;	/* the citizen's number, plaintext */
	const char	*dest;		/* 12345, or 12345 + extension code */
	int		 data_coding;
	int		 esm_class;
	const uint8_t	*raw;		/* short_message without UDH */
	size_t		 rawlen;
	const char	*text;		/* this part as UTF-8 */
	int		 concat_ref;
	int		 concat_total;	/* 1: a single SMS */
	int		 concat_seq;
	int		 ussd;		/* came as USSD (service_type "USSD") */
};

/*
 * The reception into st, in c's batches, whole texts to mo (all
 * borrowed); concat_timeout_ms bounds the wait for missing parts, and a
 * one-part text repeated within retransmit_ms is the SMSC's resend.
 */
struct inbound	*inbound_new(struct event_base *, struct store *st,
		    struct commit *c, struct mo *mo, int64_t concat_timeout_ms,
		    int64_t retransmit_ms);
/* Stop the sweep and free; NULL does nothing. */
void	 inbound_free(struct inbound *);
/*
 * The daemon's, for the bearers that do not hold one yet (kannel): set by
 * engine.c (or a test), NULL before.
 */
struct inbound	*inbound_default(void);
void	 inbound_set_default(struct inbound *);
/*
 * Take one part.  done(arg, 1) runs once it (and all it caused) is
 * committed: answer ESME_ROK; done(arg, 0) means nothing was kept: answer
 * a temporary error (ESME_RX_T_APPN) so the sender tries again.
 */
void	 inbound_receive(struct inbound *, const struct inbound_msg *,
	    commit_fn done, void *arg);
/* Process groups left complete by a crash, and timed-out partial ones. */
void	 inbound_sweep(struct inbound *);
/* Counters for the status line. */
void	 inbound_stats(const struct inbound *, uint64_t *parts,
	    uint64_t *dups, uint64_t *texts);

#endif /* HOTLINED_INBOUND_H */
