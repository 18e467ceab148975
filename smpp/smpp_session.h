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
 * For a transmitter + receiver pair, run two sessions (bind_type TX, RX).
 */
#ifndef SMPP_SESSION_H
#define SMPP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "smpp_pdu.h"

struct event_base;
struct smpp_session;

/* Pseudo statuses for submits that got no answer (never sent on the wire). */
#define SMPP_SESSION_TIMEOUT	0xFFFF0001U	/* no submit_sm_resp in time */
#define SMPP_SESSION_DOWN	0xFFFF0002U	/* the link dropped first */

enum smpp_bind_type {
	SMPP_BIND_TRX = 0,	/* bind_transceiver */
	SMPP_BIND_TX,		/* bind_transmitter */
	SMPP_BIND_RX		/* bind_receiver */
};

enum smpp_state {
	SMPP_S_IDLE = 0,	/* waiting to (re)connect */
	SMPP_S_CONNECTING,
	SMPP_S_BINDING,
	SMPP_S_BOUND,
	SMPP_S_UNBINDING,	/* our unbind sent, waiting for its resp */
	SMPP_S_CLOSED		/* smpp_session_close() finished */
};

struct smpp_session_conf {
	const char	*name;		/* for the log: smsc=name */
	const char	*host;		/* numeric or a name */
	int		 port;
	int		 tls;
	const char	*tls_ca;	/* NULL: system store */
	const char	*tls_cert;	/* NULL: no client certificate */
	const char	*tls_key;
	const char	*tls_verify_name;	/* NULL: host */
	const char	*system_id;
	const char	*password;
	const char	*system_type;
	int		 bind_type;	/* enum smpp_bind_type */
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

/* A session (copying conf's strings); start it with smpp_session_start(). */
struct smpp_session *smpp_session_new(struct event_base *,
	    const struct smpp_session_conf *, const struct smpp_session_cb *,
	    void *arg);
/* Connect and bind now, and keep doing so until closed. */
void	 smpp_session_start(struct smpp_session *);
/* How many submits it takes now: 0 unless bound, window and bucket allow. */
int	 smpp_session_room(struct smpp_session *);
/*
 * Send submit_sm (or data_sm) pdu; its sequence_number is assigned here.
 * 0 sent (submit_done follows), -1 no room or not bound (nothing sent).
 */
int	 smpp_session_submit(struct smpp_session *, struct smpp_pdu *,
	    void *cookie);
/* Answer the deliver_sm or data_sm with this sequence_number. */
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
int	 smpp_session_state(const struct smpp_session *);
const char *smpp_session_name(const struct smpp_session *);
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
};
void	 smpp_session_stats(const struct smpp_session *,
	    struct smpp_session_stats *);

#endif /* SMPP_SESSION_H */
