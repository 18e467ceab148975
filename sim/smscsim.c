/*
 * smscsim: main(), the listener and the server-side SMPP sessions.  Each
 * session frames whole PDUs, answers binds, enquire_link, unbind and
 * submit_sm (through the faults), and keeps a window of deliver_sm (MOs and
 * receipts) taken from one shared queue; unacknowledged ones go back to it.
 * Every PDU is read and written with the shared codec (smpp_pdu.h).
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smscsim.h"

enum sim_state {
	SIM_S_OPEN,		/* connected, not bound */
	SIM_S_BOUND,
	SIM_S_UNBINDING,	/* we sent unbind */
	SIM_S_CLOSING		/* flush the output, then close */
};

/* A response held back by the delay fault. */
struct sim_delayed {
	TAILQ_ENTRY(sim_delayed) entry;
	uint64_t	 due;
	uint32_t	 len;
	uint8_t		 buf[];
};

/* One deliver_sm in flight, keyed by sequence_number (open addressing). */
struct sim_fl {
	uint32_t	 seq;
	uint32_t	 used;
	uint64_t	 due;		/* monotonic ms; 0: no timeout */
	struct sim_qent	 q;
};

struct sim_conn {
	TAILQ_ENTRY(sim_conn) entry;
	struct sim	*sim;
	int		 id;
	struct bufferevent *bev;
	enum sim_state	 state;
	int		 can_tx;	/* may submit (transmitter, transceiver) */
	int		 can_rx;	/* gets deliver_sm (receiver, transceiver) */
	int		 flags;
#define CF_FREE		0x01
	char		 peer[64];
	char		 system_id[SIM_SYSID + 1];
	uint32_t	 seq;
	uint64_t	 npdu;
	struct event	*ev_enquire;
	struct event	*ev_delay;
	struct event	*ev_deliver;	/* deliver_sm_resp timeout */
	TAILQ_HEAD(, sim_delayed) delayq;
	struct sim_fl	*fl;
	uint32_t	 flmask;
	uint32_t	 nfl;
	uint32_t	 nfldisp;	/* entries not in their home slot */
};

static const char *sim_strstate(enum sim_state);
static void	 usage(void) __attribute__((noreturn));
static void	 sim_logfn(int, const char *);
static void	 sim_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	 sim_accept_error(struct evconnlistener *, void *);
static void	 conn_read(struct bufferevent *, void *);
static void	 conn_write(struct bufferevent *, void *);
static void	 conn_event(struct bufferevent *, short, void *);
static void	 conn_enter(struct sim_conn *, enum sim_state);
static void	 conn_dispatch(struct sim_conn *, const uint8_t *, uint32_t);
static int	 conn_bad(struct sim_conn *, const struct smpp_pdu *, uint32_t);
static void	 conn_bind(struct sim_conn *, const struct smpp_pdu *);
static void	 conn_submit(struct sim_conn *, const struct smpp_pdu *);
static void	 conn_deliver_resp(struct sim_conn *, uint32_t, uint32_t);
static int	 conn_encode(const struct smpp_pdu *, uint8_t *, size_t,
		    size_t *);
static void	 conn_send(struct sim_conn *, const struct smpp_pdu *);
static void	 conn_simple(struct sim_conn *, uint32_t, uint32_t, uint32_t);
static void	 conn_respond(struct sim_conn *, const struct smpp_pdu *);
static void	 conn_fill(struct sim_conn *);
static void	 conn_enquire(evutil_socket_t, short, void *);
static void	 conn_delayed(evutil_socket_t, short, void *);
static void	 conn_deliver_timeout(evutil_socket_t, short, void *);
static void	 conn_deliver_arm(struct sim_conn *, uint64_t);
static void	 conn_free(struct sim_conn *, const char *);
static int	 conn_malformed(struct sim_conn *, const char *);
static struct sim_fl *fl_find(struct sim_conn *, uint32_t);
static void	 fl_insert(struct sim_conn *, uint32_t, struct sim_qent *,
		    uint64_t);
static void	 fl_delete(struct sim_conn *, struct sim_fl *);
static int	 requeue(struct sim *, struct sim_qent *, int);
static void	 sim_signal(evutil_socket_t, short, void *);
static void	 sim_tick(evutil_socket_t, short, void *);
static void	 sim_closeat(evutil_socket_t, short, void *);

/* The log's own setting, as in hotlined's log.c: set once by main(). */
static int	 log_verbose;

static const char *
sim_strstate(enum sim_state st)
{
	switch (st) {
	case SIM_S_OPEN:
		return "open";
	case SIM_S_BOUND:
		return "bound";
	case SIM_S_UNBINDING:
		return "unbinding";
	case SIM_S_CLOSING:
		return "closing";
	}
	return "?";
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: smscsim -p port [-v] [-l addr] [-u system_id] [-P password]\n"
	    "\t[-s scenario | -i] [-o submits.jsonl] [-d receipt-delay-ms]\n"
	    "\t[-r stat[/N]] [-m idstyle[:start]] [-c concat] [-w window]\n"
	    "\t[-e enquire-s] [-T deliver-timeout-ms] [-S seed] "
	    "[-F fault] ...\n");
	exit(2);
}

/* Milliseconds on the monotonic clock. */
uint64_t
sim_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One log line on stderr, formatted as hotlined's log: time level module. */
void
sim_log_init(int verbose)
{
	log_verbose = verbose;
}

void
sim_log(int level, const char *fmt, ...)
{
	static const char *names[] = { "warn ", "info ", "debug", "trace" };
	char		 ts[40], tz[8];
	struct timespec	 now;
	struct tm	 tm;
	va_list		 ap;

	if (level > SMPP_LOG_INFO + log_verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(tz, sizeof(tz), "%z", &tm);
	fprintf(stderr, "%s.%03ld%.3s:%s %s smscsim ", ts,
	    now.tv_nsec / 1000000, tz, tz + 3,
	    names[level < 0 ? 0 : level > 3 ? 3 : level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
sim_logfn(int level, const char *msg)
{
	sim_log(level, "%s", msg);
}

double
sim_random(struct sim *sim)
{
	/* xorshift64*: reproducible with -S. */
	sim->rng ^= sim->rng >> 12;
	sim->rng ^= sim->rng << 25;
	sim->rng ^= sim->rng >> 27;
	return (double)((sim->rng * 2685821657736338717ULL) >> 11) /
	    (double)(1ULL << 53);
}

void
ring_push(struct sim_ring *r, struct sim_qent *e)
{
	struct sim_qent	*nv;
	size_t		 i;

	if (r->len == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 1024;

		if ((nv = calloc(ncap, sizeof(*nv))) == NULL) {
			sim_log(SMPP_LOG_WARN, "out of memory");
			abort();
		}
		for (i = 0; i < r->len; i++)
			nv[i] = r->v[(r->head + i) % r->cap];
		free(r->v);
		r->v = nv;
		r->cap = ncap;
		r->head = 0;
	}
	r->v[(r->head + r->len) % r->cap] = *e;
	r->len++;
}

void
ring_push_front(struct sim_ring *r, struct sim_qent *e)
{
	ring_push(r, e);	/* makes room */
	r->len--;
	r->head = (r->head + r->cap - 1) % r->cap;
	r->v[r->head] = *e;
	r->len++;
}

int
ring_pop(struct sim_ring *r, struct sim_qent *e)
{
	if (r->len == 0)
		return -1;
	*e = r->v[r->head];
	r->head = (r->head + 1) % r->cap;
	r->len--;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sim		*sim;
	struct sim_qent		 q;
	struct evconnlistener	*lst;
	struct sockaddr_in	 sin;
	struct event		*ev_term, *ev_int, *ev_usr1;
	const char		*addr = "127.0.0.1", *scenario = NULL;
	const char		*outpath = NULL, *errstr;
	char			*p, err[128];
	int			 ch, port = -1, fromstdin = 0;
	struct timeval		 tv;

	if ((sim = calloc(1, sizeof(*sim))) == NULL) {
		fprintf(stderr, "smscsim: out of memory\n");
		exit(1);
	}
	TAILQ_INIT(&sim->conns);
	sim->system_id = "hotline";
	sim->password = "secret";
	sim->window = 100;
	sim->enquire_s = 30;
	sim->deliver_ms = 10000;
	sim->next_id = 1000000;
	sim->start_ms = -1;
	sim->fault.close_at_ms = -1;
	sim->receipt.delay_ms = 500;
	strlcpy(sim->receipt.stat, "DELIVRD", sizeof(sim->receipt.stat));
	sim->rng = 0x9E3779B97F4A7C15ULL;

	while ((ch = getopt(argc, argv, "c:d:e:F:hil:m:o:P:p:r:S:s:T:u:vw:")) !=
	    -1) {
		switch (ch) {
		case 'c':
			if (strcmp(optarg, "udh8") == 0)
				sim->concat = CONCAT_UDH8;
			else if (strcmp(optarg, "udh16") == 0)
				sim->concat = CONCAT_UDH16;
			else if (strcmp(optarg, "sar") == 0)
				sim->concat = CONCAT_SAR;
			else if (strcmp(optarg, "payload") == 0)
				sim->concat = CONCAT_PAYLOAD;
			else
				usage();
			break;
		case 'd':
			sim->receipt.delay_ms = strtonum(optarg, 0, 86400000,
			    &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'e':
			sim->enquire_s = strtonum(optarg, 0, 86400, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'F':
			if (scen_fault(sim, &sim->fault, optarg, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "smscsim: -F %s: %s\n", optarg,
				    err);
				exit(2);
			}
			break;
		case 'i':
			fromstdin = 1;
			break;
		case 'l':
			addr = optarg;
			break;
		case 'm':
			if ((p = strchr(optarg, ':')) != NULL) {
				*p++ = '\0';
				sim->next_id = strtonum(p, 0, INT64_MAX,
				    &errstr);
				if (errstr != NULL)
					usage();
			}
			if (strcmp(optarg, "dec") == 0)
				sim->idstyle = ID_DEC;
			else if (strcmp(optarg, "hex") == 0)
				sim->idstyle = ID_HEX;
			else if (strcmp(optarg, "hexdec") == 0)
				sim->idstyle = ID_HEXDEC;
			else if (strcmp(optarg, "zpad") == 0)
				sim->idstyle = ID_ZPAD;
			else if (strcmp(optarg, "case") == 0)
				sim->idstyle = ID_CASE;
			else if (strcmp(optarg, "uuid") == 0)
				sim->idstyle = ID_UUID;
			else
				usage();
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'P':
			sim->password = optarg;
			break;
		case 'p':
			port = strtonum(optarg, 1, 65535, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'r':
			if (scen_fault(sim, NULL, optarg, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "smscsim: -r %s: %s\n", optarg,
				    err);
				exit(2);
			}
			break;
		case 'S':
			sim->rng = strtonum(optarg, 1, INT64_MAX, &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 's':
			scenario = optarg;
			break;
		case 'T':
			sim->deliver_ms = strtonum(optarg, 0, 86400000,
			    &errstr);
			if (errstr != NULL)
				usage();
			break;
		case 'u':
			sim->system_id = optarg;
			break;
		case 'v':
			sim->verbose++;
			break;
		case 'w':
			sim->window = strtonum(optarg, 1, 100000, &errstr);
			if (errstr != NULL)
				usage();
			break;
		default:
			usage();
		}
	}
	if (port == -1 || optind != argc || (scenario && fromstdin))
		usage();
	if (strlen(sim->system_id) > SIM_SYSID - 1 ||
	    strlen(sim->password) > SIM_PASS - 1) {
		fprintf(stderr, "smscsim: system_id at most 15, password at "
		    "most 8 characters (SMPP 3.4, 4.1)\n");
		exit(2);
	}
	sim_log_init(sim->verbose);
	smpp_set_log(sim_logfn);
	signal(SIGPIPE, SIG_IGN);
	if (outpath != NULL) {
		if (strcmp(outpath, "-") == 0)
			sim->out = stdout;
		else if ((sim->out = fopen(outpath, "a")) == NULL) {
			fprintf(stderr, "smscsim: %s: %s\n", outpath,
			    strerror(errno));
			exit(1);
		}
	}
	if ((sim->base = event_base_new()) == NULL) {
		fprintf(stderr, "smscsim: event_base_new failed\n");
		exit(1);
	}
	if (scen_init(sim) == -1 || rec_init(sim) == -1) {
		fprintf(stderr, "smscsim: out of memory\n");
		exit(1);
	}
	if (scenario != NULL && scen_load(sim, scenario) == -1)
		exit(1);
	if (fromstdin && scen_stdin(sim) == -1)
		exit(1);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "smscsim: bad address %s\n", addr);
		exit(2);
	}
	lst = evconnlistener_new_bind(sim->base, sim_accept, sim,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 64,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (lst == NULL) {
		fprintf(stderr, "smscsim: listen %s:%d: %s\n", addr, port,
		    strerror(errno));
		exit(1);
	}
	evconnlistener_set_error_cb(lst, sim_accept_error);

	ev_term = evsignal_new(sim->base, SIGTERM, sim_signal, sim);
	ev_int = evsignal_new(sim->base, SIGINT, sim_signal, sim);
	ev_usr1 = evsignal_new(sim->base, SIGUSR1, sim_signal, sim);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_usr1, NULL);
	sim->ev_tick = event_new(sim->base, -1, EV_PERSIST, sim_tick, sim);
	if (sim->verbose) {
		tv.tv_sec = 10;
		tv.tv_usec = 0;
		evtimer_add(sim->ev_tick, &tv);
	}
	sim->ev_closeat = evtimer_new(sim->base, sim_closeat, sim);

	sim_log(SMPP_LOG_INFO, "listening addr=%s port=%d system_id=%s "
	    "window=%u", addr, port, sim->system_id, sim->window);
	event_base_dispatch(sim->base);

	rec_flush_incomplete(sim);
	sim_stats_print(sim, "exit");
	while (!TAILQ_EMPTY(&sim->conns))
		conn_free(TAILQ_FIRST(&sim->conns), "exit");
	while (ring_pop(&sim->q, &q) == 0)
		mo_unref(q.mo);
	free(sim->q.v);
	scen_free(sim);
	rec_free(sim);
	evconnlistener_free(lst);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_usr1);
	event_free(sim->ev_tick);
	event_free(sim->ev_closeat);
	event_base_free(sim->base);
	if (sim->out != NULL && sim->out != stdout)
		fclose(sim->out);
	free(sim);
	return 0;
}

static void
sim_signal(evutil_socket_t sig, short what, void *arg)
{
	struct sim	*sim = arg;

	if (sig == SIGUSR1) {
		sim_stats_print(sim, "stats");
		return;
	}
	sim_log(SMPP_LOG_INFO, "stopping signal=%d", (int)sig);
	sim_quit(sim);
}

/* Periodic counters at -v. */
static void
sim_tick(evutil_socket_t fd, short what, void *arg)
{
	sim_stats_print(arg, "stats");
}

/* The close-at fault's timer. */
static void
sim_closeat(evutil_socket_t fd, short what, void *arg)
{
	sim_close_all(arg, "fault-close-at");
}

void
sim_quit(struct sim *sim)
{
	sim->quitting = 1;
	event_base_loopbreak(sim->base);
}

/* All counters on one line, key=value, to stderr. */
void
sim_stats_print(struct sim *sim, const char *what)
{
	struct sim_stats *s = &sim->st;
	uint64_t	 span;
	double		 rate = 0;

	span = s->last_ack_ms > s->first_mo_ms ? s->last_ack_ms -
	    s->first_mo_ms : 0;
	if (span > 0)
		rate = (double)s->mo_acked * 1000.0 / (double)span;
	sim_log(SMPP_LOG_WARN, "%s binds=%llu bind_fail=%llu unbind_rx=%llu "
	    "unbind_tx=%llu submit_sm=%llu submits=%llu throttled=%llu "
	    "withheld=%llu nacked=%llu delayed=%llu enquire_rx=%llu "
	    "enquire_tx=%llu mo=%llu deliver_sm=%llu acked=%llu "
	    "deliver_nack=%llu resent=%llu dropped=%llu timeouts=%llu "
	    "receipts=%llu "
	    "malformed=%llu closes=%llu bad_rx=%llu generic_nack=%llu "
	    "queued=%zu mo_per_s=%.0f", what,
	    (unsigned long long)s->binds, (unsigned long long)s->bind_fail,
	    (unsigned long long)s->unbinds_rx,
	    (unsigned long long)s->unbinds_tx,
	    (unsigned long long)s->submits, (unsigned long long)s->submit_msgs,
	    (unsigned long long)s->throttled, (unsigned long long)s->withheld,
	    (unsigned long long)s->nacked, (unsigned long long)s->delayed,
	    (unsigned long long)s->enquire_rx,
	    (unsigned long long)s->enquire_tx,
	    (unsigned long long)s->mo_msgs, (unsigned long long)s->mo_sent,
	    (unsigned long long)s->mo_acked, (unsigned long long)s->mo_nacked,
	    (unsigned long long)s->mo_resent,
	    (unsigned long long)s->mo_dropped,
	    (unsigned long long)s->mo_timeout,
	    (unsigned long long)s->receipts,
	    (unsigned long long)s->malformed_tx,
	    (unsigned long long)s->closes, (unsigned long long)s->bad_rx,
	    (unsigned long long)s->generic_nack_tx, sim->q.len, rate);
}

static void
sim_accept(struct evconnlistener *lst, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct sim		*sim = arg;
	struct sim_conn		*c;
	struct sockaddr_in	*sin = (struct sockaddr_in *)sa;
	char			 ip[INET_ADDRSTRLEN];
	uint32_t		 cap;
	int			 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	for (cap = 16; cap < sim->window * 2; cap *= 2)
		;
	if ((c->fl = calloc(cap, sizeof(*c->fl))) == NULL) {
		free(c);
		evutil_closesocket(fd);
		return;
	}
	c->flmask = cap - 1;
	c->sim = sim;
	c->id = ++sim->conn_ids;
	c->seq = 1;
	TAILQ_INIT(&c->delayq);
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(c->peer, sizeof(c->peer), "%s:%d", ip, ntohs(sin->sin_port));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->bev = bufferevent_socket_new(sim->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->ev_enquire = evtimer_new(sim->base, conn_enquire, c);
	c->ev_delay = evtimer_new(sim->base, conn_delayed, c);
	c->ev_deliver = evtimer_new(sim->base, conn_deliver_timeout, c);
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, 16384, 0);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&sim->conns, c, entry);
	sim_log(SMPP_LOG_INFO, "session %d connected peer=%s", c->id, c->peer);
	conn_enter(c, SIM_S_OPEN);
}

static void
sim_accept_error(struct evconnlistener *lst, void *arg)
{
	sim_log(SMPP_LOG_WARN, "accept: %s",
	    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

/* Enter a state and do its work. */
static void
conn_enter(struct sim_conn *c, enum sim_state st)
{
	struct sim	*sim = c->sim;
	struct timeval	 tv;

	if (st != c->state)
		sim_log(SMPP_LOG_DEBUG, "session %d %s -> %s", c->id,
		    sim_strstate(c->state), sim_strstate(st));
	c->state = st;
	switch (c->state) {
	case SIM_S_OPEN:
		break;
	case SIM_S_BOUND:
		if (sim->enquire_s > 0) {
			tv.tv_sec = sim->enquire_s;
			tv.tv_usec = 0;
			evtimer_add(c->ev_enquire, &tv);
		}
		if (c->can_rx) {
			if (sim->start_ms < 0) {
				sim->start_ms = (int64_t)sim_now_ms();
				if (sim->fault.close_at_ms >= 0) {
					tv.tv_sec = sim->fault.close_at_ms /
					    1000;
					tv.tv_usec = sim->fault.close_at_ms %
					    1000 * 1000;
					evtimer_add(sim->ev_closeat, &tv);
				}
			}
			scen_poke(sim);
			conn_fill(c);
		}
		break;
	case SIM_S_UNBINDING:
		sim->st.unbinds_tx++;
		conn_simple(c, SMPP_unbind, ESME_ROK, c->seq++);
		break;
	case SIM_S_CLOSING:
		evtimer_del(c->ev_enquire);
		bufferevent_disable(c->bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			c->flags |= CF_FREE;
		break;
	}
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	static uint8_t	 rxbuf[SIM_MAXPDU];	/* scratch, one PDU at a time */
	struct sim_conn	*c = arg;
	struct sim	*sim = c->sim;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint32_t	 len;
	uint8_t		 hdr[16];

	while (evbuffer_get_length(in) >= 4 && c->state != SIM_S_CLOSING) {
		evbuffer_copyout(in, hdr, 4);
		len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 |
		    hdr[3];
		if (len < SMPP_HDR_LEN || len > sizeof(rxbuf)) {
			/* Framing is lost: say so and close (SMPP 3.4, 5.1.3). */
			sim->st.bad_rx++;
			sim_log(SMPP_LOG_WARN, "session %d bad command_length=%u",
			    c->id, len);
			sim->st.generic_nack_tx++;
			conn_simple(c, SMPP_generic_nack, ESME_RINVCMDLEN, 0);
			conn_enter(c, SIM_S_CLOSING);
			break;
		}
		if (evbuffer_get_length(in) < len)
			break;
		evbuffer_remove(in, rxbuf, len);
		conn_dispatch(c, rxbuf, len);
		if (c->flags & CF_FREE)
			break;
	}
	if (c->flags & CF_FREE) {
		conn_free(c, c->state == SIM_S_CLOSING ? "closed" : "fault");
		return;
	}
	if (c->state == SIM_S_BOUND && c->can_rx)
		conn_fill(c);
}

static void
conn_write(struct bufferevent *bev, void *arg)
{
	struct sim_conn	*c = arg;

	if (c->state == SIM_S_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_free(c, "closed");
		return;
	}
	if (c->state == SIM_S_BOUND && c->can_rx)
		conn_fill(c);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct sim_conn	*c = arg;

	if (what & BEV_EVENT_EOF)
		conn_free(c, "eof");
	else if (what & BEV_EVENT_ERROR)
		conn_free(c, evutil_socket_error_to_string(
		    EVUTIL_SOCKET_ERROR()));
}

/* One whole PDU: decode it, then answer it or hand it to its handler. */
static void
conn_dispatch(struct sim_conn *c, const uint8_t *buf, uint32_t len)
{
	struct sim	*sim = c->sim;
	struct smpp_pdu	 pdu;
	uint32_t	 status, seq;

	status = smpp_pdu_decode(&pdu, buf, len, SIM_MAXPDU);
	seq = pdu.sequence_number;
	c->npdu++;
	if (sim->fault.close_after && c->npdu >= sim->fault.close_after) {
		sim->st.closes++;
		sim_log(SMPP_LOG_INFO, "session %d fault close after=%llu",
		    c->id, (unsigned long long)c->npdu);
		c->flags |= CF_FREE;
		return;
	}
	if (sim->verbose > 1)
		sim_log(SMPP_LOG_DEBUG, "session %d rx %s seq=%u status=0x%08x "
		    "len=%u", c->id, smpp_strcmd(pdu.command_id), seq,
		    pdu.command_status, len);
	if (status != ESME_ROK && conn_bad(c, &pdu, status) == -1)
		return;

	switch (pdu.command_id) {
	case SMPP_bind_transmitter:
	case SMPP_bind_receiver:
	case SMPP_bind_transceiver:
		conn_bind(c, &pdu);
		break;
	case SMPP_enquire_link:
		sim->st.enquire_rx++;
		conn_simple(c, SMPP_enquire_link_resp, ESME_ROK, seq);
		break;
	case SMPP_enquire_link_resp:
		break;
	case SMPP_unbind:
		sim->st.unbinds_rx++;
		sim_log(SMPP_LOG_INFO, "session %d unbind", c->id);
		conn_simple(c, SMPP_unbind_resp, ESME_ROK, seq);
		conn_enter(c, SIM_S_CLOSING);
		break;
	case SMPP_unbind_resp:
		if (c->state == SIM_S_UNBINDING)
			conn_enter(c, SIM_S_CLOSING);
		break;
	case SMPP_submit_sm:
		conn_submit(c, &pdu);
		break;
	case SMPP_deliver_sm_resp:
		conn_deliver_resp(c, seq, pdu.command_status);
		break;
	case SMPP_generic_nack:
		sim_log(SMPP_LOG_INFO, "session %d generic_nack seq=%u "
		    "status=0x%08x", c->id, seq, pdu.command_status);
		conn_deliver_resp(c, seq, pdu.command_status ?
		    pdu.command_status : ESME_RSYSERR);
		break;
	default:
		/* Known to the codec, not served here: query_sm, data_sm... */
		sim->st.bad_rx++;
		sim->st.generic_nack_tx++;
		sim_log(SMPP_LOG_INFO, "session %d unsupported command_id="
		    "0x%08x", c->id, pdu.command_id);
		conn_simple(c, SMPP_generic_nack, ESME_RINVCMDID, seq);
		break;
	}
}

/*
 * A PDU the codec refused with status: answer as smpp_pdu_reply_id()
 * says, generic_nack for a bad header or command_id, else the request's
 * _resp (SMPP 3.4, 5.1.3).  A malformed response still ends its request,
 * as in smpp_session.c: 0, dispatch it; -1, done with it.
 */
static int
conn_bad(struct sim_conn *c, const struct smpp_pdu *pdu, uint32_t status)
{
	struct sim	*sim = c->sim;
	uint32_t	 reply;

	sim->st.bad_rx++;
	reply = smpp_pdu_reply_id(pdu, status);
	sim_log(SMPP_LOG_INFO, "session %d bad pdu command_id=0x%08x (%s) "
	    "seq=%u status=%s answer=%s", c->id, pdu->command_id,
	    smpp_strcmd(pdu->command_id), pdu->sequence_number,
	    smpp_strstatus(status), reply ? smpp_strcmd(reply) : "none");
	switch (reply) {
	case 0:
		return smpp_cmd_is_resp(pdu->command_id) ? 0 : -1;
	case SMPP_generic_nack:
		sim->st.generic_nack_tx++;
		break;
	case SMPP_bind_transmitter_resp:
	case SMPP_bind_receiver_resp:
	case SMPP_bind_transceiver_resp:
		sim->st.bind_fail++;
		break;
	case SMPP_submit_sm_resp:
		/* counted, and delayed by the delay fault, as any submit */
		sim->st.submits++;
		sim->st.nacked++;
		break;
	}
	if (reply == SMPP_submit_sm_resp) {
		struct smpp_pdu	r;

		smpp_pdu_init(&r, reply, pdu->sequence_number);
		r.command_status = status;
		conn_respond(c, &r);
	} else
		conn_simple(c, reply, status, pdu->sequence_number);
	return -1;
}

static void
conn_bind(struct sim_conn *c, const struct smpp_pdu *pdu)
{
	struct sim	*sim = c->sim;
	struct smpp_pdu	 r;
	const char	*kind, *sysid, *pass;
	char		*rsid;
	uint32_t	 cmd = pdu->command_id, status = ESME_ROK;

	smpp_pdu_init(&r, smpp_cmd_resp(cmd), pdu->sequence_number);
	switch (cmd) {
	case SMPP_bind_receiver:
		kind = "receiver";
		sysid = pdu->u.bind_receiver.system_id;
		pass = pdu->u.bind_receiver.password;
		rsid = r.u.bind_receiver_resp.system_id;
		break;
	case SMPP_bind_transmitter:
		kind = "transmitter";
		sysid = pdu->u.bind_transmitter.system_id;
		pass = pdu->u.bind_transmitter.password;
		rsid = r.u.bind_transmitter_resp.system_id;
		break;
	default:
		kind = "transceiver";
		sysid = pdu->u.bind_transceiver.system_id;
		pass = pdu->u.bind_transceiver.password;
		rsid = r.u.bind_transceiver_resp.system_id;
		break;
	}
	if (c->state != SIM_S_OPEN)
		status = ESME_RALYBND;
	else if (strcmp(sysid, sim->system_id) != 0)
		status = ESME_RINVSYSID;
	else if (strcmp(pass, sim->password) != 0)
		status = ESME_RINVPASWD;
	r.command_status = status;
	if (status == ESME_ROK)
		strlcpy(rsid, "smscsim", SIM_SYSID);
	conn_send(c, &r);
	if (status != ESME_ROK) {
		sim->st.bind_fail++;
		sim_log(SMPP_LOG_INFO, "session %d bind %s refused status=0x%08x",
		    c->id, kind, status);
		return;
	}
	sim->st.binds++;
	strlcpy(c->system_id, sysid, sizeof(c->system_id));
	c->can_tx = cmd != SMPP_bind_receiver;
	c->can_rx = cmd != SMPP_bind_transmitter;
	sim_log(SMPP_LOG_INFO, "session %d bound %s system_id=%s queued=%zu",
	    c->id, kind, c->system_id, sim->q.len);
	conn_enter(c, SIM_S_BOUND);
}

/* submit_sm through the faults: withhold, throttle, nack, delay. */
static void
conn_submit(struct sim_conn *c, const struct smpp_pdu *pdu)
{
	struct sim	*sim = c->sim;
	struct sim_fault *f = &sim->fault;
	struct smpp_pdu	 r;
	char		 msgid[SIM_MSGID];
	uint32_t	 status = ESME_ROK, seq = pdu->sequence_number;
	int		 withhold = 0;

	sim->st.submits++;
	if (c->state != SIM_S_BOUND || !c->can_tx) {
		conn_simple(c, SMPP_submit_sm_resp, ESME_RINVBNDSTS, seq);
		return;
	}
	if (f->withhold)
		withhold = 1;
	else if ((f->throttle_every &&
	    sim->st.submits % f->throttle_every == 0) ||
	    (f->throttle_frac > 0 && sim_random(sim) < f->throttle_frac) ||
	    (f->throttle_until_ms && (int64_t)sim_now_ms() <
	    f->throttle_until_ms))
		status = ESME_RTHROTTLED;
	else if (f->nack_every && sim->st.submits % f->nack_every == 0)
		/* generic_nack status 0 is recorded as 0xffffffff */
		status = f->nack_generic0 ? 0xffffffffU : f->nack_status ?
		    f->nack_status : ESME_RSYSERR;
	status = rec_submit(sim, c->system_id, pdu, msgid, sizeof(msgid),
	    status, withhold);
	if (withhold) {
		sim->st.withheld++;
		return;
	}
	if (status == ESME_RTHROTTLED)
		sim->st.throttled++;
	else if (status != ESME_ROK)
		sim->st.nacked++;
	if (status == 0xffffffffU) {
		/* a broken SMSC: refuses, but says status 0 */
		conn_simple(c, SMPP_generic_nack, ESME_ROK, seq);
		scen_poke(sim);
		return;
	}
	smpp_pdu_init(&r, SMPP_submit_sm_resp, seq);
	r.command_status = status;
	if (status == ESME_ROK)
		strlcpy(r.u.submit_sm_resp.message_id, msgid,
		    sizeof(r.u.submit_sm_resp.message_id));
	conn_respond(c, &r);
	scen_poke(sim);
}

/* The ESME answered a deliver_sm: done, or back in the queue. */
static void
conn_deliver_resp(struct sim_conn *c, uint32_t seq, uint32_t status)
{
	struct sim	*sim = c->sim;
	struct sim_fl	*f;
	struct sim_qent	 q;

	if ((f = fl_find(c, seq)) == NULL) {
		sim_log(SMPP_LOG_INFO, "session %d answer to unknown or "
		    "malformed seq=%u status=0x%08x", c->id, seq, status);
		return;
	}
	q = f->q;
	fl_delete(c, f);
	if (status == 0) {
		sim->st.mo_acked++;
		if (q.mo->flags & MO_F_RECEIPT)
			sim->st.receipts_acked++;
		sim->st.last_ack_ms = sim_now_ms();
		mo_unref(q.mo);
		scen_poke(sim);
		return;
	}
	sim->st.mo_nacked++;
	sim_log(SMPP_LOG_INFO, "session %d deliver_sm_resp seq=%u "
	    "status=0x%08x: will resend", c->id, seq, status);
	requeue(sim, &q, 0);
}

/*
 * An unacknowledged deliver_sm goes back to the queue, at the front or
 * the back, to be sent again; with the noresend fault it is dropped.
 * 1 if queued, 0 if dropped.
 */
static int
requeue(struct sim *sim, struct sim_qent *q, int front)
{
	if (sim->fault.noresend) {
		sim->st.mo_dropped++;
		mo_unref(q->mo);
		return 0;
	}
	q->resend = 1;
	if (front)
		ring_push_front(&sim->q, q);
	else
		ring_push(&sim->q, q);
	return 1;
}

/* Encode a PDU of ours; 0, or -1 (logged: an impossible state). */
static int
conn_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t size,
    size_t *len)
{
	if (smpp_pdu_encode(pdu, buf, size, len) == 0)
		return 0;
	sim_log(SMPP_LOG_WARN, "cannot encode %s seq=%u",
	    smpp_strcmd(pdu->command_id), pdu->sequence_number);
	return -1;
}

/* Send one PDU now. */
static void
conn_send(struct sim_conn *c, const struct smpp_pdu *pdu)
{
	uint8_t	buf[SMPP_HDR_LEN + 256];
	size_t	len;

	if (conn_encode(pdu, buf, sizeof(buf), &len) == 0)
		bufferevent_write(c->bev, buf, len);
}

/* Send a PDU without a body (or a response without one) now. */
static void
conn_simple(struct sim_conn *c, uint32_t cmd, uint32_t status, uint32_t seq)
{
	struct smpp_pdu	pdu;

	smpp_pdu_init(&pdu, cmd, seq);
	pdu.command_status = status;
	conn_send(c, &pdu);
}

/* Send a response, or hold it back for the delay fault. */
static void
conn_respond(struct sim_conn *c, const struct smpp_pdu *pdu)
{
	struct sim		*sim = c->sim;
	struct sim_delayed	*d;
	struct timeval		 tv;
	uint8_t			 buf[SMPP_HDR_LEN + 256];
	size_t			 len;

	if (sim->fault.delay_ms == 0 && TAILQ_EMPTY(&c->delayq)) {
		conn_send(c, pdu);
		return;
	}
	if (conn_encode(pdu, buf, sizeof(buf), &len) == -1 ||
	    (d = malloc(sizeof(*d) + len)) == NULL)
		return;
	sim->st.delayed++;
	d->due = sim_now_ms() + sim->fault.delay_ms;
	d->len = len;
	memcpy(d->buf, buf, len);
	TAILQ_INSERT_TAIL(&c->delayq, d, entry);
	if (!evtimer_pending(c->ev_delay, NULL)) {
		tv.tv_sec = sim->fault.delay_ms / 1000;
		tv.tv_usec = sim->fault.delay_ms % 1000 * 1000;
		evtimer_add(c->ev_delay, &tv);
	}
}

static void
conn_delayed(evutil_socket_t fd, short what, void *arg)
{
	struct sim_conn		*c = arg;
	struct sim_delayed	*d, *next;
	struct timeval		 tv;
	uint64_t		 now = sim_now_ms();

	/* next read before the free: the analyzer cannot follow tqe_prev */
	for (d = TAILQ_FIRST(&c->delayq); d != NULL && d->due <= now;
	    d = next) {
		next = TAILQ_NEXT(d, entry);
		TAILQ_REMOVE(&c->delayq, d, entry);
		bufferevent_write(c->bev, d->buf, d->len);
		free(d);
	}
	if (d != NULL) {
		tv.tv_sec = (d->due - now) / 1000;
		tv.tv_usec = (d->due - now) % 1000 * 1000;
		evtimer_add(c->ev_delay, &tv);
	}
}

/* Fill the window of outstanding deliver_sm from the shared queue. */
static void
conn_fill(struct sim_conn *c)
{
	struct sim	*sim = c->sim;
	static uint8_t	 buf[SIM_MAXPDU];
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct sim_qent	 q;
	const uint8_t	*p;
	uint64_t	 due;
	uint32_t	 len, seq, sent = 0;

	if (sim->quitting || c->nfl >= sim->window)
		return;
	due = sim->deliver_ms ? sim_now_ms() + sim->deliver_ms : 0;
	while (c->nfl < sim->window) {
		if (evbuffer_get_length(out) > 256 * 1024)
			break;
		if (sim->q.len == 0)
			scen_fill(sim);
		if (ring_pop(&sim->q, &q) == -1)
			break;
		seq = c->seq++;
		if (c->seq > 0x7FFFFFFF)
			c->seq = 1;
		p = mo_part(&q, seq, buf, &len);
		evbuffer_add(out, p, len);
		fl_insert(c, seq, &q, due);
		sent++;
		sim->st.mo_sent++;
		if (q.resend)
			sim->st.mo_resent++;
		if (sim->st.first_mo_ms == 0)
			sim->st.first_mo_ms = sim_now_ms();
		if (q.part == 0 && !q.resend && !(q.mo->flags & MO_F_RECEIPT))
			rec_mo_sent(sim, q.mo->src);
		if (sim->verbose > 0 && !(q.mo->flags & MO_F_RECEIPT))
			sim_log(SMPP_LOG_DEBUG, "session %d deliver_sm seq=%u "
			    "part=%d/%d ref=%u%s text=\"%s\"", c->id, seq,
			    q.part + 1, q.mo->nparts, q.ref,
			    q.resend ? " resend" : "", q.mo->snippet);
	}
	if (sent > 0 && due != 0 && !evtimer_pending(c->ev_deliver, NULL))
		conn_deliver_arm(c, sim->deliver_ms);
}

/*
 * deliver_sm the ESME has left unanswered for -T ms leave the window and
 * go back to the front of the queue, to be sent again at once (on this
 * session or another), as a closed session's do.  One scan of the window
 * per firing; the timer is re-armed for the oldest one still waiting.
 */
static void
conn_deliver_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct sim_conn	*c = arg;
	struct sim	*sim = c->sim;
	struct sim_fl	*f;
	struct sim_qent	 q;
	uint64_t	 now = sim_now_ms(), next = 0;
	uint32_t	 i, back = 0, first = 0;

	/*
	 * fl_delete() shifts later entries of the cluster into slot i, so
	 * look at i again after a delete; entries only move towards slots
	 * already looked at, or to i itself.
	 */
	for (i = 0; i <= c->flmask; ) {
		f = &c->fl[i];
		if (!f->used || f->due == 0 || f->due > now) {
			if (f->used && f->due != 0 && (next == 0 ||
			    f->due < next))
				next = f->due;
			i++;
			continue;
		}
		if (back++ == 0)
			first = f->seq;
		q = f->q;
		fl_delete(c, f);
		sim->st.mo_timeout++;
		requeue(sim, &q, 1);
	}
	if (back > 0) {
		sim_log(SMPP_LOG_INFO, "session %d deliver_sm timeout seq=%u "
		    "n=%u after_ms=%u: %s", c->id, first, back,
		    sim->deliver_ms, sim->fault.noresend ? "dropped" :
		    "will resend");
		sim_kick(sim);	/* may refill the window and arm for -T */
	}
	if (next != 0)		/* older ones are due sooner: re-arm */
		conn_deliver_arm(c, next - now);
}

/* Arm the deliver_sm timeout in ms, but no sooner than -T/10 from now. */
static void
conn_deliver_arm(struct sim_conn *c, uint64_t ms)
{
	struct sim	*sim = c->sim;
	struct timeval	 tv;

	if (ms < sim->deliver_ms / 10)
		ms = sim->deliver_ms / 10;
	if (ms == 0)
		ms = 1;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = ms % 1000 * 1000;
	evtimer_add(c->ev_deliver, &tv);
}

static void
conn_enquire(evutil_socket_t fd, short what, void *arg)
{
	struct sim_conn	*c = arg;
	struct sim	*sim = c->sim;
	struct timeval	 tv;

	if (c->state != SIM_S_BOUND)
		return;
	sim->st.enquire_tx++;
	conn_simple(c, SMPP_enquire_link, ESME_ROK, c->seq++);
	tv.tv_sec = sim->enquire_s;
	tv.tv_usec = 0;
	evtimer_add(c->ev_enquire, &tv);
}

/* Close a session; what it had in flight goes back to the queue. */
static void
conn_free(struct sim_conn *c, const char *why)
{
	struct sim		*sim;
	struct sim_delayed	*d;
	uint32_t		 i, back = 0;

	if (c == NULL)
		return;
	sim = c->sim;
	for (i = 0; i <= c->flmask; i++) {
		if (c->fl[i].used)
			back += requeue(sim, &c->fl[i].q, 1);
	}
	sim_log(SMPP_LOG_INFO, "session %d closed reason=%s unacked=%u",
	    c->id, why, back);
	while ((d = TAILQ_FIRST(&c->delayq)) != NULL) {
		TAILQ_REMOVE(&c->delayq, d, entry);
		free(d);
	}
	TAILQ_REMOVE(&sim->conns, c, entry);
	event_free(c->ev_enquire);
	event_free(c->ev_delay);
	event_free(c->ev_deliver);
	bufferevent_free(c->bev);
	free(c->fl);
	free(c);
	if (back > 0)
		sim_kick(sim);
}

static struct sim_fl *
fl_find(struct sim_conn *c, uint32_t seq)
{
	uint32_t	i;

	for (i = seq & c->flmask; c->fl[i].used; i = (i + 1) & c->flmask)
		if (c->fl[i].seq == seq)
			return &c->fl[i];
	return NULL;
}

static void
fl_insert(struct sim_conn *c, uint32_t seq, struct sim_qent *q, uint64_t due)
{
	uint32_t	i;

	for (i = seq & c->flmask; c->fl[i].used; i = (i + 1) & c->flmask)
		;
	if (i != (seq & c->flmask))
		c->nfldisp++;
	c->fl[i].used = 1;
	c->fl[i].seq = seq;
	c->fl[i].due = due;
	c->fl[i].q = *q;
	c->nfl++;
}

/*
 * Linear-probing delete: shift later entries of the cluster back.
 * sequence_numbers are consecutive, so the window is one long cluster of
 * entries in their home slots; with none displaced nothing can move, and
 * the walk (the simulator's hottest loop) is skipped.
 */
static void
fl_delete(struct sim_conn *c, struct sim_fl *f)
{
	uint32_t	i, j, k;

	i = (uint32_t)(f - c->fl);
	if (i != (f->seq & c->flmask))
		c->nfldisp--;
	c->fl[i].used = 0;
	c->nfl--;
	for (j = (i + 1) & c->flmask; c->nfldisp > 0 && c->fl[j].used;
	    j = (j + 1) & c->flmask) {
		k = c->fl[j].seq & c->flmask;
		/* Move j to i unless its home k lies cyclically in (i, j]. */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			if (k == i)
				c->nfldisp--;	/* home again */
			c->fl[i] = c->fl[j];
			c->fl[j].used = 0;
			i = j;
		}
	}
}

void
sim_kick(struct sim *sim)
{
	struct sim_conn	*c;

	TAILQ_FOREACH(c, &sim->conns, entry)
		if (c->state == SIM_S_BOUND && c->can_rx)
			conn_fill(c);
}

int
sim_inflight(struct sim *sim)
{
	struct sim_conn	*c;
	int		 n = 0;

	TAILQ_FOREACH(c, &sim->conns, entry)
		n += c->nfl;
	return n;
}

int
sim_receivers(struct sim *sim)
{
	struct sim_conn	*c;
	int		 n = 0;

	TAILQ_FOREACH(c, &sim->conns, entry)
		if (c->state == SIM_S_BOUND && c->can_rx)
			n++;
	return n;
}

void
sim_close_all(struct sim *sim, const char *why)
{
	struct sim_conn	*c;

	while ((c = TAILQ_FIRST(&sim->conns)) != NULL) {
		sim->st.closes++;
		conn_free(c, why);
	}
}

void
sim_unbind_all(struct sim *sim)
{
	struct sim_conn	*c;

	TAILQ_FOREACH(c, &sim->conns, entry)
		if (c->state == SIM_S_BOUND)
			conn_enter(c, SIM_S_UNBINDING);
}

int
sim_malformed_all(struct sim *sim, const char *kind)
{
	struct sim_conn	*c;

	TAILQ_FOREACH(c, &sim->conns, entry)
		if (c->state == SIM_S_BOUND &&
		    conn_malformed(c, kind) == -1)
			return -1;
	return 0;
}

/*
 * Defects a peer must survive (SMPP 3.4, 5.1.3 and 3.3): an unknown
 * command_id wants generic_nack, a deliver_sm with a TLV or sm_length
 * running past the PDU wants a deliver_sm_resp with an error; a
 * command_length below 16 or absurdly large loses the framing.  The
 * deliver_sm ones are encoded good by the codec, then broken.
 */
static int
conn_malformed(struct sim_conn *c, const char *kind)
{
	struct sim		*sim = c->sim;
	struct smpp_pdu		 pdu;
	struct smpp_deliver_sm	*sm = &pdu.u.deliver_sm;
	uint8_t			 buf[96];
	uint32_t		 seq = c->seq++;
	size_t			 n = SMPP_HDR_LEN;
	int			 tlv = strcmp(kind, "badtlv") == 0;

	memset(buf, 0, sizeof(buf));
	if (strcmp(kind, "badcmd") == 0) {
		sim_put32(buf, SMPP_HDR_LEN);
		sim_put32(buf + 4, 0x000000AA);
	} else if (strcmp(kind, "badlen") == 0) {
		sim_put32(buf, 8);
		sim_put32(buf + 4, SMPP_enquire_link);
	} else if (strcmp(kind, "huge") == 0) {
		sim_put32(buf, 0x7FFFFFF0);
		sim_put32(buf + 4, SMPP_deliver_sm);
	} else if (tlv || strcmp(kind, "badsm") == 0) {
		smpp_pdu_init(&pdu, SMPP_deliver_sm, seq);
		sm->source_addr_ton = sm->source_addr_npi = 1;
		strlcpy(sm->source_addr, "13800138000",
		    sizeof(sm->source_addr));
		strlcpy(sm->destination_addr, "12345",
		    sizeof(sm->destination_addr));
		sm->short_message = (const uint8_t *)"hi";
		sm->sm_length = 2;
		if (tlv)
			smpp_tlv_add(&pdu, SMPP_TLV_message_payload, "x", 1);
		if (conn_encode(&pdu, buf, sizeof(buf), &n) == -1)
			return -1;
		if (tlv)
			buf[n - 2] = 200;	/* TLV length past the end */
		else
			buf[n - 3] = 40;	/* sm_length past the end */
	} else
		return -1;
	sim_put32(buf + 12, seq);
	bufferevent_write(c->bev, buf, n);
	sim->st.malformed_tx++;
	sim_log(SMPP_LOG_INFO, "session %d fault malformed=%s seq=%u", c->id,
	    kind, seq);
	return 0;
}
