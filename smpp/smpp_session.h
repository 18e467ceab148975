/*
 * smpp_session: the ESME side of one SMPP 3.4 connection on libevent, over
 * TCP or TLS: connect, bind, keep the bind alive with enquire_link, a window
 * of outstanding submits with per-request timeouts, a token-bucket
 * throttle, and reconnection with exponential backoff and full jitter.
 *
 * The caller decides what a received deliver_sm means and when it is
 * answered: the deliver callback gets the PDU and its sequence_number, and
 * the caller answers later with smpp_session_respond() (hotlined answers
 * only after its commit).  Every submit ends in exactly one submit_done
 * call: ESME_ROK with the SMSC's message_id, the SMSC's error status, or
 * SMPP_SESSION_TIMEOUT / SMPP_SESSION_DOWN when no answer came.  The
 * library never resends a submit itself: the caller's durable queue does,
 * which keeps per-recipient order in one place.  ESME_RTHROTTLED and
 * ESME_RMSGQFUL also pause this session's sending for a growing interval.
 *
 * Full window: smpp_session_submit() returns -1 and queues nothing; the
 * writable callback says when to try again.  Resend and order policy: a
 * submit ended by a temporary status (smpp_status_is_temporary(), or
 * SMPP_SESSION_TIMEOUT / SMPP_SESSION_DOWN) is the caller's to send again,
 * and the caller must not send a later message to the same recipient
 * before it: the library keeps no retry queue, so nothing is reordered
 * behind the caller's back.  A timed-out submit may still have reached
 * the SMSC; a resend may duplicate it.
 *
 * SMPP_BIND_PAIR runs a transmitter and a receiver as one session: a
 * second connection binds as receiver; submits go on the transmitter,
 * deliver_sm from either reach the deliver callback with this session,
 * bound/down report the transmitter, close and free take both.
 *
 * Outbind (SMPP 3.4, 2.2.1): hand a connection the SMSC opened to
 * smpp_session_accept(); the session waits for outbind, asks the outbind
 * function (if set), binds on that connection and never redials it.
 *
 * Callbacks may call smpp_session_free() or smpp_session_close() on their
 * own session: the free is deferred (SF_FREE) until the library's frame
 * returns, and no callback follows it.
 *
 * A peer that sends but does not read cannot grow memory: once more than
 * max_output bytes wait to be written, the session stops reading (and
 * offers no room for submits) until half of them have gone; when nothing
 * at all could be written for write_ms, the peer has stopped reading and
 * the link is dropped ("peer-not-reading"), however busy it keeps the
 * other direction.
 */
#ifndef SMPP_SESSION_H
#define SMPP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>

#include "smpp_pdu.h"

struct event_base;
struct smpp_session;

/* Pseudo statuses for submits that got no answer (never sent on the wire). */
#define SMPP_SESSION_TIMEOUT	0xFFFF0001U	/* no submit_sm_resp in time */
#define SMPP_SESSION_DOWN	0xFFFF0002U	/* the link dropped first */
#define SMPP_SESSION_NACK	0xFFFF0003U	/* generic_nack with status 0 */
/* 1 for the pseudo statuses above: no real answer, worth sending again. */
#define SMPP_SESSION_IS_PSEUDO(st)	((st) >= 0xFFFF0000U)

enum smpp_bind_type {
	SMPP_BIND_TRX = 0,	/* bind_transceiver */
	SMPP_BIND_TX,		/* bind_transmitter */
	SMPP_BIND_RX,		/* bind_receiver */
	SMPP_BIND_PAIR		/* bind_transmitter + bind_receiver */
};

enum smpp_state {
	SMPP_S_DISCONNECTED = 0,	/* waiting to (re)connect */
	SMPP_S_CONNECTING,
	SMPP_S_BINDING,
	SMPP_S_BOUND,
	SMPP_S_UNBINDING,	/* our unbind sent, waiting for its resp */
	SMPP_S_CLOSED		/* smpp_session_close() finished */
};

struct smpp_session_conf {
	const char	*name;		/* for the log: smsc=name */
	const char	*host;		/* numeric, or a name (evdns) */
	int		 port;
	int		 tls;
	const char	*tls_ca;	/* NULL: system store */
	const char	*tls_cert;	/* NULL: no client certificate */
	const char	*tls_key;
	const char	*tls_verify_name;	/* NULL: host */
	const char	*system_id;
	const char	*password;
	const char	*system_type;
	int		 bind_type;	/* enum smpp_bind_type (TRX) */
	uint8_t		 addr_ton;
	uint8_t		 addr_npi;
	const char	*address_range;
	int		 window;	/* submits in flight; 0: 10 */
	int		 throughput;	/* submits per second; 0: no limit */
	int64_t		 enquire_ms;	/* idle interval; 0: 30 s */
	int64_t		 response_ms;	/* per request; 0: 10 s */
	int64_t		 bind_ms;	/* connect + bind; 0: 10 s */
	int64_t		 reconnect_min_ms;	/* 0: 1 s */
	int64_t		 reconnect_max_ms;	/* 0: 60 s */
	size_t		 max_pdu;	/* 0: SMPP_PDU_MAX_DEFAULT */
	size_t		 max_output;	/* queued bytes; 0: 1 MiB */
	int64_t		 write_ms;	/* no write progress; 0: response_ms */
};

struct smpp_session_cb {
	/* The bind succeeded: submits may go. */
	void	(*bound)(struct smpp_session *, void *arg);
	/* The link is gone (it will reconnect unless closing). */
	void	(*down)(struct smpp_session *, const char *reason, void *arg);
	/* A deliver_sm or data_sm: answer with smpp_session_respond(seq). */
	void	(*deliver)(struct smpp_session *, const struct smpp_pdu *,
		    void *arg);
	/* A submit ended (see the top of this file). */
	void	(*submit_done)(struct smpp_session *, void *cookie,
		    uint32_t status, const char *message_id, void *arg);
	/* Room opened in the window or the throttle: submit more. */
	void	(*writable)(struct smpp_session *, void *arg);
};

/* An SMSC's outbind: return 0 to bind on its connection, -1 to close it. */
typedef int (*smpp_outbind_fn)(struct smpp_session *, const char *system_id,
	    const char *password, void *arg);

/* A session (copying conf's strings); start it with smpp_session_start(). */
struct smpp_session *smpp_session_new(struct event_base *,
	    const struct smpp_session_conf *, const struct smpp_session_cb *,
	    void *arg);
/* Connect and bind now, and keep doing so until closed. */
void	 smpp_session_start(struct smpp_session *);
/* Serve the SMSC's connection fd (outbind); 0, or -1 (fd is then closed). */
int	 smpp_session_accept(struct smpp_session *, evutil_socket_t);
/* Check an SMSC's outbind with fn (NULL: bind on any outbind). */
void	 smpp_session_set_outbind(struct smpp_session *, smpp_outbind_fn);
/* How many submits it takes now: 0 unless bound, window and bucket allow. */
int	 smpp_session_room(struct smpp_session *);
/*
 * Send submit_sm (or data_sm) pdu; its sequence_number is assigned here.
 * 0 sent (submit_done follows), -1 no room or not bound (nothing sent).
 */
int	 smpp_session_submit(struct smpp_session *, struct smpp_pdu *,
	    void *cookie);
/* Answer this link's deliver_sm or data_sm (a dropped link's: nothing). */
void	 smpp_session_respond(struct smpp_session *, uint32_t command_id,
	    uint32_t sequence_number, uint32_t status);
/*
 * Unbind, wait for outstanding responses (at most the response timeout),
 * close and call done(arg); the session may then be freed.
 */
void	 smpp_session_close(struct smpp_session *,
	    void (*done)(struct smpp_session *, void *), void *arg);
/* Free the session now (no unbind); NULL is fine. */
void	 smpp_session_free(struct smpp_session *);
/* The state (a pair's transmitter's); smpp_strstate() names it. */
int	 smpp_session_state(const struct smpp_session *);
/* The name given in conf. */
const char *smpp_session_name(const struct smpp_session *);
/* A state's name for logs and status lines: "bound", ... */
const char *smpp_strstate(int);

/* Counters for status lines and tests. */
struct smpp_session_stats {
	uint64_t	binds;		/* successful binds */
	uint64_t	connects;	/* connection attempts */
	uint64_t	submits;
	uint64_t	delivers;
	uint64_t	throttled;	/* THROTTLED / MSGQFUL answers */
	uint64_t	timeouts;
	uint64_t	bad_pdus;	/* answered with an error status */
	uint64_t	read_pauses;	/* output over max_output: reading stopped */
	uint64_t	stalls;		/* links dropped: the peer stopped reading */
	size_t		out_peak;	/* most output bytes queued at once */
};
/* The counters (both links of a pair, added). */
void	 smpp_session_stats(const struct smpp_session *,
	    struct smpp_session_stats *);

#endif /* SMPP_SESSION_H */
