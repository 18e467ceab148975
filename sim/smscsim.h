/*
 * smscsim: an SMSC simulator (the server side of SMPP 3.4) for the demo, the
 * tests and operators.  smscsim.c holds main(), the listener and the
 * sessions; smscsim_scen.c the scenario runner and MO encoding;
 * smscsim_rec.c the JSON record of submit_sm and the delivery receipts.
 */
#ifndef SMSCSIM_H
#define SMSCSIM_H

#include <sys/queue.h>
#include <stdint.h>
#include <stdio.h>

#include <event2/event.h>

#include "smpp_pdu.h"

#define SIM_MAXPDU	70000	/* message_payload may hold 64 KB */
#define SIM_ADDR	21	/* source_addr / destination_addr, with NUL */
#define SIM_SYSID	16
#define SIM_PASS	9
#define SIM_MSGID	65
#define SIM_MAXPARTS	255

/* One pre-encoded deliver_sm message: an MO (1..n parts) or a receipt. */
struct sim_mo {
	int		 refcnt;	/* queue entries + scenario + last MO */
	int		 flags;
#define MO_F_RECEIPT	0x01
#define MO_F_USSD	0x02
	struct sim_sender *sender;	/* borrowed; NULL: no reference */
	int		 ref16;		/* reference is 16 bits */
	int		 fixed_ref;	/* -1: the sender's counter */
	int		 nparts;
	uint8_t		*pdu[SIM_MAXPARTS];
	uint32_t	 len[SIM_MAXPARTS];
	uint32_t	 refoff[SIM_MAXPARTS];	/* 0: nothing to patch */
	char		 src[SIM_ADDR];
	char		 dst[SIM_ADDR];
	char		 snippet[48];	/* for -v logs */
};

/* A sender (phone): its next concatenation reference. */
struct sim_sender {
	TAILQ_ENTRY(sim_sender) entry;
	char		 addr[SIM_ADDR];
	uint16_t	 next_ref;
};

/* One deliver_sm PDU waiting to go out or in flight: 16 bytes, no malloc. */
struct sim_qent {
	struct sim_mo	*mo;
	uint16_t	 ref;
	uint8_t		 part;
	uint8_t		 resend;	/* delivered before, not acknowledged */
};

/* The deliver queue: a ring that grows by doubling (rarely). */
struct sim_ring {
	struct sim_qent	*v;
	size_t		 cap, head, len;
};

/* Faults, from -F options or scenario "fault" lines. */
struct sim_fault {
	uint64_t	 close_after;	/* PDUs received on a session; 0 off */
	int64_t		 close_at_ms;	/* after scenario start; -1 off */
	uint32_t	 delay_ms;	/* delay every response */
	int		 withhold;	/* never answer submit_sm */
	uint32_t	 throttle_every;	/* every Nth submit_sm */
	double		 throttle_frac;	/* fraction of submit_sm */
	int64_t		 throttle_until_ms;	/* monotonic; 0 off */
	uint32_t	 throttle_part;	/* the next part K of a long SMS, once */
	uint32_t	 nack_every;	/* answer every Nth submit with SYSERR */
	uint32_t	 nack_status;	/* instead of SYSERR; 0: SYSERR */
	int		 nack_generic0;	/* instead: generic_nack, status 0 */
	int		 noresend;	/* drop unacknowledged MOs */
};

/* Receipt policy. */
struct sim_receipt {
	uint32_t	 delay_ms;
	char		 stat[8];	/* the usual status, DELIVRD */
	char		 every_stat[8];	/* every Nth receipt gets this */
	uint32_t	 every;
	uint64_t	 n;
};

/* What the simulator did; printed at exit and every 10 s with -v. */
struct sim_stats {
	uint64_t	 binds, bind_fail, unbinds_rx, unbinds_tx;
	uint64_t	 submits, submit_msgs, throttled, withheld, nacked;
	uint64_t	 delayed, enquire_rx, enquire_tx;
	uint64_t	 mo_msgs, mo_sent, mo_acked, mo_nacked, mo_resent, mo_dropped;
	uint64_t	 mo_timeout;
	uint64_t	 receipts, receipts_acked;
	uint64_t	 malformed_tx, closes, bad_rx, generic_nack_tx;
	uint64_t	 first_mo_ms, last_ack_ms;
};

enum sim_idstyle {
	ID_DEC,		/* 1000001 in both */
	ID_HEX,		/* F4241 in both */
	ID_HEXDEC,	/* hex in submit_sm_resp, decimal in the receipt */
	ID_ZPAD,	/* 0001000001 in the resp, 1000001 in the receipt */
	ID_CASE,	/* f4241 in the resp, F4241 in the receipt */
	ID_UUID		/* 36-character UUID in both */
};

enum sim_concat {
	CONCAT_UDH8,
	CONCAT_UDH16,
	CONCAT_SAR,
	CONCAT_PAYLOAD
};

struct sim_conn;		/* smscsim.c: one SMPP session */
struct sim_scen;		/* smscsim_scen.c: the steps and the load */
struct sim_rec;			/* smscsim_rec.c: records and receipts */

/*
 * The simulator: made in main() and passed to every function that needs
 * more than its arguments.  smscsim.c owns the settings, the counters, the
 * deliver queue and the sessions; smscsim_scen.c and smscsim_rec.c own
 * what sits behind scen and rec (scen_init/scen_free, rec_init/rec_free).
 */
struct sim {
	struct event_base *base;
	const char	*system_id;
	const char	*password;
	int		 verbose;
	uint32_t	 window;
	uint32_t	 enquire_s;	/* our enquire_link interval */
	uint32_t	 deliver_ms;	/* wait for a deliver_sm_resp; 0 forever */
	enum sim_idstyle idstyle;
	uint64_t	 next_id;
	enum sim_concat	 concat;
	struct sim_fault fault;
	struct sim_receipt receipt;
	struct sim_stats st;
	struct sim_ring	 q;
	FILE		*out;		/* -o submits.jsonl, or NULL */
	int64_t		 start_ms;	/* first receiver bind; -1 before */
	uint64_t	 rng;
	int		 quitting;
	TAILQ_HEAD(, sim_conn) conns;
	int		 conn_ids;
	struct event	*ev_tick;	/* counters every 10 s with -v */
	struct event	*ev_closeat;	/* the close-at fault */
	struct sim_scen	*scen;
	struct sim_rec	*rec;
};

/* smscsim.c */
uint64_t	 sim_now_ms(void);
/* Log lines up to info, or debug and trace with -v, -vv. */
void		 sim_log_init(int);
void		 sim_log(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Wake every receiving session: the queue has new entries. */
void		 sim_kick(struct sim *);
/* Number of bound sessions that can receive deliver_sm. */
int		 sim_receivers(struct sim *);
/* deliver_sm in flight on all sessions. */
int		 sim_inflight(struct sim *);
/* Close every session (fault "close"). */
void		 sim_close_all(struct sim *, const char *);
/* Send a malformed PDU of the given kind to every bound session. */
int		 sim_malformed_all(struct sim *, const char *);
/* Ask every bound session to unbind (SMSC-initiated). */
void		 sim_unbind_all(struct sim *);
/* Print the counters to stderr. */
void		 sim_stats_print(struct sim *, const char *);
/* Stop the event loop after the counters are printed. */
void		 sim_quit(struct sim *);
/* A random number in [0, 1). */
double		 sim_random(struct sim *);
void		 ring_push(struct sim_ring *, struct sim_qent *);
void		 ring_push_front(struct sim_ring *, struct sim_qent *);
int		 ring_pop(struct sim_ring *, struct sim_qent *);

/* smscsim_scen.c */
/*
 * Parse one scenario/fault option word like "close-after=10" into f; 0/-1.
 * f NULL: a receipt word for -r, into sim->receipt.  f &sim->fault (-F):
 * the actions (close, unbind, malformed=) are refused.
 */
int		 scen_fault(struct sim *, struct sim_fault *, const char *,
		    char *, size_t);
int		 scen_init(struct sim *);
int		 scen_load(struct sim *, const char *path);
int		 scen_stdin(struct sim *);
/* An event the scenario may wait for happened. */
void		 scen_poke(struct sim *);
/* Top up the deliver queue from the running load step. */
void		 scen_fill(struct sim *);
struct sim_mo	*mo_receipt(const char *src, const char *dst,
		    const char *text, const char *msgid, int state, int err);
void		 mo_unref(struct sim_mo *);
/* Bytes of one queue entry with reference and sequence_number patched. */
const uint8_t	*mo_part(struct sim_qent *, uint32_t seq, uint8_t *buf,
		    uint32_t *len);
void		 scen_free(struct sim *);

/* smscsim_rec.c */
int		 rec_init(struct sim *);
/* Handle one decoded submit_sm; fills the message id; returns the status. */
uint32_t	 rec_submit(struct sim *, const char *system_id,
		    const struct smpp_pdu *, char *msgid, size_t idlen,
		    uint32_t status, int withheld);
void		 rec_flush_incomplete(struct sim *);
/* A citizen's MO went out now (for the latency of the answer). */
void		 rec_mo_sent(struct sim *, const char *src);
void		 rec_free(struct sim *);
/* Mask a phone number: 13800138000 -> 138****8000. */
const char	*sim_mask(const char *, char *, size_t);

/* Big-endian 32-bit write, for patching pre-encoded PDUs. */
static inline void
sim_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

#endif /* SMSCSIM_H */
