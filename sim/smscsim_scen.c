/*
 * smscsim scenarios: parse `verb key=value ... text=...` lines from a file
 * or stdin, run them in order against the clock and the sessions (at=,
 * after=, wait-for=), and encode MOs as a phone would, once, so that a load
 * step (count=, rate=) only copies bytes and patches two fields.
 */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "smpp_log.h"
#include "smpp_pdu.h"
#include "smpp_ussd.h"
#include "gsm7.h"
#include "udh.h"
#include "smscsim.h"

enum scen_verb {
	V_MO,
	V_USSD,
	V_RESEND,
	V_WAIT,
	V_FAULT,
	V_RECEIPT,
	V_EXIT
};

enum scen_wait {
	W_NONE,
	W_ACK,		/* every queued deliver_sm acknowledged */
	W_BIND,		/* a receiving session is bound */
	W_UNBOUND,	/* no receiving session is bound */
	W_SUBMIT	/* n more submitted messages recorded */
};

struct scen_step {
	TAILQ_ENTRY(scen_step) entry;
	enum scen_verb	 verb;
	int		 line;
	int64_t		 at_ms;		/* after scenario start; -1 none */
	int64_t		 after_ms;	/* after the previous step; -1 none */
	enum scen_wait	 wait;
	uint64_t	 waitn;
	struct sim_mo	*mo;
	uint64_t	 count;
	double		 rate;
	int		 part;		/* resend: 0 all, else one part */
	char		*args;		/* fault, receipt: the words */
};

/* Options of one MO while it is parsed. */
struct mo_opts {
	char		 from[SIM_ADDR];
	char		 to[SIM_ADDR];
	const char	*text;
	size_t		 textlen;
	int		 coding;	/* -1 auto, else data_coding */
	enum sim_concat	 concat;
	int		 ref;		/* -1: per sender */
	int		 ussd_op;	/* -1: not USSD */
	int		 session;
	int		 dialog;	/* its_session_info dialog id, -1 */
	int		 umr;		/* user_message_reference, -1 */
	int		 end;
	int		 drop;		/* part never sent (a lost part), 0: none */
};

/* The scenario: its steps, the phones that send, and where it is. */
struct sim_scen {
	struct sim	*sim;
	TAILQ_HEAD(, scen_step) steps;
	TAILQ_HEAD(, sim_sender) senders;
	struct scen_step *cur;		/* the step running now */
	int		 cur_entered;
	int		 cur_execd;
	uint64_t	 cur_due;	/* monotonic ms; 0 none */
	uint64_t	 cur_base;	/* submit_msgs when entered */
	uint64_t	 gen_left;	/* load: messages still to queue */
	uint64_t	 gen_last_ms;
	double		 gen_tokens;
	struct sim_mo	*last_mo;
	uint16_t	 last_ref;
	struct event	*ev_scen;
	struct event	*ev_stdin;
	struct evbuffer	*stdin_buf;
	int		 stdin_line;
};

static int	 scen_line(struct sim_scen *, char *, int, const char *);
static int	 scen_words(struct sim_scen *, struct scen_step *,
		    struct mo_opts *, char *, char *, size_t);
static int	 scen_duration(const char *, int64_t *);
static int	 scen_ms(const char *, int64_t *);
static int	 scen_text(char *, size_t *);
static void	 scen_run(evutil_socket_t, short, void *);
static int	 scen_ready(struct sim_scen *, struct scen_step *);
static void	 scen_exec(struct sim_scen *, struct scen_step *);
static void	 scen_queue(struct sim_scen *, struct sim_mo *, int, int);
static void	 scen_stdin_read(evutil_socket_t, short, void *);
static int	 scen_receipt(struct sim_receipt *, const char *, char *,
		    size_t);
static struct sim_mo *mo_build(struct sim_scen *, struct mo_opts *, char *,
		    size_t);
static int	 mo_add_part(struct sim_mo *, struct smpp_pdu *, int);
static int	 mo_payload(struct sim_mo *, struct smpp_pdu *, const uint8_t *,
		    size_t);
static void	 mo_snippet(const char *, size_t, char *, size_t);
static struct sim_sender *sender_get(struct sim_scen *, const char *);
static uint32_t	 fnv1a(const char *);

static const char *verbs[] = {
	"mo", "ussd", "resend", "wait", "fault", "receipt", "exit"
};

/* The scenario's state; its steps come from scen_load() or scen_stdin(). */
int
scen_init(struct sim *sim)
{
	struct sim_scen	*sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return -1;
	sc->sim = sim;
	TAILQ_INIT(&sc->steps);
	TAILQ_INIT(&sc->senders);
	sim->scen = sc;
	return 0;
}

/* Load a scenario file; every line is checked before anything runs. */
int
scen_load(struct sim *sim, const char *path)
{
	struct sim_scen	*sc = sim->scen;
	FILE		*fp;
	char		*line = NULL;
	size_t		 sz = 0;
	ssize_t		 n;
	int		 lineno = 0, rv = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "smscsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &sz, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (scen_line(sc, line, lineno, path) == -1)
			rv = -1;
	}
	free(line);
	fclose(fp);
	if (sc->ev_scen == NULL)
		sc->ev_scen = evtimer_new(sim->base, scen_run, sc);
	return rv;
}

/* Read scenario lines from stdin as they come (-i). */
int
scen_stdin(struct sim *sim)
{
	struct sim_scen	*sc = sim->scen;

	sc->ev_scen = evtimer_new(sim->base, scen_run, sc);
	sc->stdin_buf = evbuffer_new();
	sc->ev_stdin = event_new(sim->base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    scen_stdin_read, sc);
	if (sc->ev_scen == NULL || sc->stdin_buf == NULL ||
	    sc->ev_stdin == NULL)
		return -1;
	event_add(sc->ev_stdin, NULL);
	return 0;
}

static void
scen_stdin_read(evutil_socket_t fd, short what, void *arg)
{
	struct sim_scen	*sc = arg;
	char		*line;
	size_t		 n;
	int		 r;

	r = evbuffer_read(sc->stdin_buf, fd, 65536);
	while ((line = evbuffer_readln(sc->stdin_buf, &n,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		scen_line(sc, line, ++sc->stdin_line, "stdin");
		free(line);
	}
	if (r <= 0) {
		event_del(sc->ev_stdin);
		sim_log(SMPP_LOG_DEBUG, "stdin closed");
	}
	scen_poke(sc->sim);
}

/* Parse one line into a step at the end of the list; -1 on error. */
static int
scen_line(struct sim_scen *sc, char *line, int lineno, const char *where)
{
	struct scen_step *s;
	struct mo_opts	 o;
	char		*p, err[160];
	size_t		 i;

	for (p = line; isspace((unsigned char)*p); p++)
		;
	if (*p == '\0' || *p == '#')
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->line = lineno;
	s->at_ms = s->after_ms = -1;
	s->count = 1;
	memset(&o, 0, sizeof(o));
	o.coding = -1;
	o.concat = sc->sim->concat;
	o.ref = -1;
	o.ussd_op = -1;
	o.dialog = -1;
	o.umr = -1;

	/* The verb is optional: a line of key=value is an MO. */
	s->verb = V_MO;
	if (strcspn(p, "= \t") == strcspn(p, " \t")) {
		size_t vl = strcspn(p, " \t");

		for (i = 0; i < nitems(verbs); i++)
			if (strlen(verbs[i]) == vl &&
			    strncmp(p, verbs[i], vl) == 0)
				break;
		if (i == nitems(verbs)) {
			snprintf(err, sizeof(err), "unknown verb \"%.*s\"",
			    (int)vl, p);
			goto fail;
		}
		s->verb = i;
		p += vl;
	}
	if (scen_words(sc, s, &o, p, err, sizeof(err)) == -1)
		goto fail;
	/* Only at=, after=, wait-for=: a wait. */
	if (s->verb == V_MO && o.from[0] == '\0' && o.to[0] == '\0' &&
	    o.text == NULL && s->count == 1 && s->rate == 0)
		s->verb = V_WAIT;
	if (s->verb == V_MO || s->verb == V_USSD) {
		if (o.from[0] == '\0' || o.to[0] == '\0' || o.text == NULL) {
			snprintf(err, sizeof(err), "%s needs from=, to= and "
			    "text=", verbs[s->verb]);
			goto fail;
		}
		if (s->verb == V_USSD && o.ussd_op == -1)
			o.ussd_op = 1;		/* PSSR indication */
		if ((s->mo = mo_build(sc, &o, err, sizeof(err))) == NULL)
			goto fail;
	}
	TAILQ_INSERT_TAIL(&sc->steps, s, entry);
	if (sc->cur == NULL) {
		sc->cur = s;
		sc->cur_entered = 0;
	}
	return 0;
fail:
	fprintf(stderr, "smscsim: %s:%d: %s\n", where, lineno, err);
	free(s->args);
	free(s);
	return -1;
}

/* The key=value words of a line; text= takes the rest of the line. */
static int
scen_words(struct sim_scen *sc, struct scen_step *s, struct mo_opts *o,
    char *p, char *err, size_t errlen)
{
	struct sim_fault scratch;
	struct sim_receipt rscratch;
	const char	*errstr;
	char		*w, *v, *rest;
	size_t		 n;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (strncmp(p, "text=", 5) == 0) {
			o->text = p + 5;
			n = strlen(o->text);
			if (scen_text(p + 5, &n) == -1) {
				snprintf(err, errlen, "bad escape in text");
				return -1;
			}
			o->textlen = n;
			break;
		}
		if (s->verb == V_FAULT || s->verb == V_RECEIPT) {
			/* Timing words first, then the rest are its own. */
			if (strncmp(p, "at=", 3) != 0 &&
			    strncmp(p, "after=", 6) != 0 &&
			    strncmp(p, "wait-for=", 9) != 0) {
				rest = p;
				if ((s->args = strdup(rest)) == NULL)
					return -1;
				for (w = strtok(rest, " \t"); w != NULL;
				    w = strtok(NULL, " \t")) {
					/* checked now, applied when it runs */
					memset(&scratch, 0, sizeof(scratch));
					rscratch = sc->sim->receipt;
					if (s->verb == V_FAULT ?
					    scen_fault(sc->sim, &scratch, w,
					    err, errlen) == -1 :
					    scen_receipt(&rscratch, w, err,
					    errlen) == -1)
						return -1;
				}
				break;
			}
		}
		w = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
		if ((v = strchr(w, '=')) == NULL) {
			/* "wait 1.5s" */
			if (s->verb == V_WAIT &&
			    scen_duration(w, &s->after_ms) == 0)
				continue;
			snprintf(err, errlen, "expected key=value: %s", w);
			return -1;
		}
		*v++ = '\0';
		errstr = NULL;
		if (strcmp(w, "at") == 0) {
			if (scen_duration(v, &s->at_ms) == -1)
				errstr = "bad duration";
		} else if (strcmp(w, "after") == 0 ||
		    (s->verb == V_WAIT && strcmp(w, "time") == 0)) {
			if (scen_duration(v, &s->after_ms) == -1)
				errstr = "bad duration";
		} else if (strcmp(w, "wait-for") == 0 ||
		    (s->verb == V_WAIT && strcmp(w, "for") == 0)) {
			s->waitn = 1;
			if (strcmp(v, "ack") == 0)
				s->wait = W_ACK;
			else if (strcmp(v, "bind") == 0)
				s->wait = W_BIND;
			else if (strcmp(v, "unbind") == 0 ||
			    strcmp(v, "unbound") == 0)
				s->wait = W_UNBOUND;
			else if (strncmp(v, "submit", 6) == 0) {
				s->wait = W_SUBMIT;
				if (v[6] == ':')
					s->waitn = strtonum(v + 7, 1,
					    1000000000, &errstr);
				else if (v[6] != '\0')
					errstr = "want submit or submit:N";
			} else
				errstr = "want ack, bind, unbound, submit[:N]";
		} else if (s->verb != V_MO && s->verb != V_USSD &&
		    !(s->verb == V_RESEND && strcmp(w, "part") == 0)) {
			errstr = "unknown key";
		} else if (strcmp(w, "part") == 0) {
			s->part = strtonum(v, 1, SIM_MAXPARTS, &errstr);
		} else if (strcmp(w, "from") == 0) {
			if (strlcpy(o->from, v, sizeof(o->from)) >=
			    sizeof(o->from))
				errstr = "longer than 20";
		} else if (strcmp(w, "to") == 0) {
			if (strlcpy(o->to, v, sizeof(o->to)) >= sizeof(o->to))
				errstr = "longer than 20";
		} else if (strcmp(w, "count") == 0) {
			s->count = strtonum(v, 1, 1000000000000LL, &errstr);
		} else if (strcmp(w, "rate") == 0) {
			s->rate = strtod(v, &rest);
			if (*rest != '\0' && strcmp(rest, "/s") != 0)
				errstr = "want N or N/s";
			if (s->rate < 0)
				errstr = "negative";
		} else if (strcmp(w, "coding") == 0) {
			if (strcmp(v, "auto") == 0)
				o->coding = -1;
			else if (strcmp(v, "gsm7") == 0)
				o->coding = 0;
			else if (strcmp(v, "ucs2") == 0)
				o->coding = 8;
			else if (strcmp(v, "latin1") == 0)
				o->coding = 3;
			else
				errstr = "want auto, gsm7, ucs2 or latin1";
		} else if (strcmp(w, "concat") == 0) {
			if (strcmp(v, "udh8") == 0)
				o->concat = CONCAT_UDH8;
			else if (strcmp(v, "udh16") == 0)
				o->concat = CONCAT_UDH16;
			else if (strcmp(v, "sar") == 0)
				o->concat = CONCAT_SAR;
			else if (strcmp(v, "payload") == 0)
				o->concat = CONCAT_PAYLOAD;
			else
				errstr = "want udh8, udh16, sar or payload";
		} else if (strcmp(w, "drop") == 0) {
			o->drop = strtonum(v, 1, SIM_MAXPARTS, &errstr);
		} else if (strcmp(w, "ref") == 0) {
			o->ref = strtonum(v, 0, 65535, &errstr);
		} else if (strcmp(w, "op") == 0 && s->verb == V_USSD) {
			o->ussd_op = strtonum(v, 0, 255, &errstr);
		} else if (strcmp(w, "session") == 0 && s->verb == V_USSD) {
			o->session = strtonum(v, 0, 255, &errstr);
		} else if (strcmp(w, "dialog") == 0 && s->verb == V_USSD) {
			o->dialog = strtonum(v, 0, SMPP_USSD_DIALOG_MAX,
			    &errstr);
		} else if (strcmp(w, "umr") == 0 && s->verb == V_USSD) {
			o->umr = strtonum(v, 0, 65535, &errstr);
		} else if (strcmp(w, "end") == 0 && s->verb == V_USSD) {
			o->end = strtonum(v, 0, 1, &errstr);
		} else
			errstr = "unknown key";
		if (errstr != NULL) {
			snprintf(err, errlen, "%s=%s: %s", w, v, errstr);
			return -1;
		}
	}
	return 0;
}

/* "1.5s", "+200ms", "2m", "3" (seconds) to milliseconds. */
static int
scen_duration(const char *s, int64_t *ms)
{
	char	*end;
	double	 d;

	if (*s == '+')
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	d = strtod(s, &end);
	if (strcmp(end, "ms") == 0)
		;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		d *= 1000;
	else if (strcmp(end, "m") == 0)
		d *= 60000;
	else
		return -1;
	if (d < 0 || d > 1e12)
		return -1;
	*ms = (int64_t)(d + 0.5);
	return 0;
}

/* A duration where a bare number means milliseconds (delay=200). */
static int
scen_ms(const char *s, int64_t *ms)
{
	if (scen_duration(s, ms) == -1)
		return -1;
	if (strpbrk(s, "sm") == NULL)
		*ms /= 1000;
	return 0;
}

/* Undo \n \t \r \\ in place. */
static int
scen_text(char *s, size_t *len)
{
	size_t	i, o = 0;

	for (i = 0; i < *len; i++) {
		if (s[i] != '\\') {
			s[o++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case 'n':
			s[o++] = '\n';
			break;
		case 'r':
			s[o++] = '\r';
			break;
		case 't':
			s[o++] = '\t';
			break;
		case '\\':
			s[o++] = '\\';
			break;
		default:
			return -1;
		}
	}
	s[o] = '\0';
	*len = o;
	return 0;
}

/*
 * One fault word, shared by -F and "fault" lines (f == NULL: a receipt
 * word for -r, into sim->receipt).  Actions (close, unbind, malformed=)
 * only make sense in a scenario; on the command line (f is sim->fault)
 * they are refused.
 */
int
scen_fault(struct sim *sim, struct sim_fault *f, const char *word, char *err,
    size_t errlen)
{
	const char	*errstr = NULL, *v;
	char		 key[32];
	int64_t		 ms;
	size_t		 kl;

	if (f == NULL)
		return scen_receipt(&sim->receipt, word, err, errlen);
	kl = strcspn(word, "=");
	v = word[kl] == '=' ? word + kl + 1 : NULL;
	if (kl >= sizeof(key)) {
		snprintf(err, errlen, "unknown fault");
		return -1;
	}
	memcpy(key, word, kl);
	key[kl] = '\0';
	if (strcmp(key, "clear") == 0)
		memset(f, 0, sizeof(*f));
	else if (strcmp(key, "close-after") == 0 && v != NULL)
		f->close_after = strtonum(v, 0, INT64_MAX, &errstr);
	else if (strcmp(key, "close-at") == 0 && v != NULL) {
		if (scen_duration(v, &ms) == -1)
			errstr = "bad duration";
		else
			f->close_at_ms = ms;
	} else if (strcmp(key, "delay") == 0 && v != NULL) {
		if (scen_ms(v, &ms) == -1)
			errstr = "bad duration";
		else
			f->delay_ms = ms;
	} else if (strcmp(key, "withhold") == 0)
		f->withhold = v == NULL || strcmp(v, "on") == 0;
	else if (strcmp(key, "noresend") == 0)
		f->noresend = v == NULL || strcmp(v, "on") == 0;
	else if (strcmp(key, "throttle-every") == 0 && v != NULL)
		f->throttle_every = strtonum(v, 0, UINT32_MAX, &errstr);
	else if (strcmp(key, "throttle-part") == 0 && v != NULL)
		f->throttle_part = strtonum(v, 1, 255, &errstr);
	else if (strcmp(key, "nack-every") == 0 && v != NULL)
		f->nack_every = strtonum(v, 0, UINT32_MAX, &errstr);
	else if (strcmp(key, "nack-status") == 0 && v != NULL) {
		char		*end;
		unsigned long	 n;

		f->nack_generic0 = strcmp(v, "generic0") == 0;
		if (!f->nack_generic0) {
			errno = 0;
			n = strtoul(v, &end, 0);
			if (*end != '\0' || end == v || errno != 0 ||
			    n == 0 || n > 0xffff)
				errstr = "want a status 0x1-0xffff or generic0";
			else
				f->nack_status = (uint32_t)n;
		}
	}
	else if (strcmp(key, "throttle") == 0 && v != NULL) {
		char *end;

		f->throttle_frac = strtod(v, &end);
		if (*end != '\0' || f->throttle_frac < 0 ||
		    f->throttle_frac > 1)
			errstr = "want a fraction 0..1";
	} else if (strcmp(key, "throttle-for") == 0 && v != NULL) {
		if (scen_duration(v, &ms) == -1)
			errstr = "bad duration";
		else
			f->throttle_until_ms = sim_now_ms() + ms;
	} else if ((strcmp(key, "close") == 0 && v == NULL) ||
	    (strcmp(key, "unbind") == 0 && v == NULL) ||
	    (strcmp(key, "malformed") == 0 && v != NULL &&
	    (strcmp(v, "badlen") == 0 || strcmp(v, "badcmd") == 0 ||
	    strcmp(v, "badtlv") == 0 || strcmp(v, "badsm") == 0 ||
	    strcmp(v, "huge") == 0))) {
		if (f == &sim->fault) {
			snprintf(err, errlen, "%s is a scenario action", key);
			return -1;
		}
	} else {
		snprintf(err, errlen, "unknown fault \"%s\"", word);
		return -1;
	}
	if (errstr != NULL) {
		snprintf(err, errlen, "%s", errstr);
		return -1;
	}
	return 0;
}

/* "UNDELIV", "UNDELIV/3", "stat=X", "every=N", "delay=MS". */
static int
scen_receipt(struct sim_receipt *r, const char *w, char *err, size_t errlen)
{
	static const char *stats[] = { "DELIVRD", "EXPIRED", "DELETED",
	    "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE" };
	const char	*errstr = NULL, *v;
	char		 st[16];
	size_t		 i, n;
	int64_t		 ms;

	if (strncmp(w, "delay=", 6) == 0) {
		if (scen_ms(w + 6, &ms) == -1)
			errstr = "bad duration";
		else
			r->delay_ms = ms;
		goto done;
	}
	if (strncmp(w, "every=", 6) == 0) {
		r->every = strtonum(w + 6, 0, UINT32_MAX, &errstr);
		goto done;
	}
	v = strncmp(w, "stat=", 5) == 0 ? w + 5 : w;
	n = strcspn(v, "/");
	if (n >= sizeof(st)) {
		errstr = "unknown status";
		goto done;
	}
	memcpy(st, v, n);
	st[n] = '\0';
	for (i = 0; i < nitems(stats); i++)
		if (strcmp(st, stats[i]) == 0)
			break;
	if (i == nitems(stats)) {
		errstr = "unknown status";
		goto done;
	}
	if (v[n] == '/') {
		strlcpy(r->every_stat, st, sizeof(r->every_stat));
		r->every = strtonum(v + n + 1, 1, UINT32_MAX, &errstr);
	} else if (r->every)
		strlcpy(r->every_stat, st, sizeof(r->every_stat));
	else
		strlcpy(r->stat, st, sizeof(r->stat));
done:
	if (errstr != NULL) {
		snprintf(err, errlen, "receipt %s: %s", w, errstr);
		return -1;
	}
	return 0;
}

void
scen_poke(struct sim *sim)
{
	struct sim_scen	*sc = sim->scen;

	if (sc != NULL && sc->ev_scen != NULL && sc->cur != NULL)
		event_active(sc->ev_scen, EV_TIMEOUT, 0);
}

/* Run steps until one has to wait (for time, an event or its load). */
static void
scen_run(evutil_socket_t fd, short what, void *arg)
{
	struct sim_scen	*sc = arg;
	struct sim	*sim = sc->sim;
	struct scen_step *cur;
	struct timeval	 tv;
	uint64_t	 now, due;

	while ((cur = sc->cur) != NULL && !sim->quitting) {
		now = sim_now_ms();
		if (!sc->cur_entered) {
			sc->cur_entered = 1;
			sc->cur_execd = 0;
			sc->cur_base = sim->st.submit_msgs;
			sc->cur_due = cur->after_ms >= 0 ? now + cur->after_ms :
			    0;
			sc->gen_left = 0;
		}
		if (!sc->cur_execd) {
			due = sc->cur_due;
			if (cur->at_ms >= 0) {
				if (sim->start_ms < 0)
					return;	/* runs from the first bind */
				if ((uint64_t)(sim->start_ms + cur->at_ms) >
				    due)
					due = sim->start_ms + cur->at_ms;
			}
			if (due > now) {
				tv.tv_sec = (due - now) / 1000;
				tv.tv_usec = (due - now) % 1000 * 1000;
				evtimer_add(sc->ev_scen, &tv);
				return;
			}
			if (!scen_ready(sc, cur))
				return;		/* poked when things happen */
			sc->cur_execd = 1;
			scen_exec(sc, cur);
		}
		if (sc->gen_left > 0 && cur->rate > 0) {
			/* Paced load: a token bucket topped every 10 ms. */
			sc->gen_tokens += cur->rate * (double)(now -
			    sc->gen_last_ms) / 1000.0;
			sc->gen_last_ms = now;
			while (sc->gen_tokens >= 1 && sc->gen_left > 0) {
				scen_queue(sc, cur->mo, -1, 0);
				sc->gen_left--;
				sc->gen_tokens -= 1;
			}
			sim_kick(sim);
			if (sc->gen_left > 0) {
				tv.tv_sec = 0;
				tv.tv_usec = 10000;
				evtimer_add(sc->ev_scen, &tv);
				return;
			}
		} else if (sc->gen_left > 0) {
			scen_fill(sim);
			sim_kick(sim);
			if (sc->gen_left > 0)
				return;			/* pulled by sessions */
		}
		sc->cur = TAILQ_NEXT(cur, entry);
		sc->cur_entered = 0;
	}
}

static int
scen_ready(struct sim_scen *sc, struct scen_step *s)
{
	struct sim	*sim = sc->sim;

	switch (s->wait) {
	case W_NONE:
		return 1;
	case W_ACK:
		return sim->q.len == 0 && sim_inflight(sim) == 0 &&
		    sc->gen_left == 0;
	case W_BIND:
		return sim_receivers(sim) > 0;
	case W_UNBOUND:
		return sim_receivers(sim) == 0;
	case W_SUBMIT:
		return sim->st.submit_msgs >= sc->cur_base + s->waitn;
	}
	return 1;
}

/* Do what a step says, once its time and condition have come. */
static void
scen_exec(struct sim_scen *sc, struct scen_step *s)
{
	struct sim	*sim = sc->sim;
	char		*words, *w, err[160];
	int		 i;

	switch (s->verb) {
	case V_MO:
	case V_USSD:
		if (s->count == 1 && s->rate == 0) {
			scen_queue(sc, s->mo, -1, 0);
			sim_kick(sim);
		} else {
			sc->gen_left = s->count;
			sc->gen_tokens = 0;
			sc->gen_last_ms = sim_now_ms();
		}
		break;
	case V_RESEND:
		if (sc->last_mo == NULL) {
			sim_log(SMPP_LOG_WARN, "line %d: resend: no MO yet",
			    s->line);
			break;
		}
		for (i = 0; i < sc->last_mo->nparts; i++) {
			if (s->part && s->part != i + 1)
				continue;
			scen_queue(sc, sc->last_mo, sc->last_ref, i + 1);
		}
		sim_log(SMPP_LOG_INFO, "scenario line %d resend ref=%u",
		    s->line, sc->last_ref);
		sim_kick(sim);
		break;
	case V_WAIT:
		break;
	case V_FAULT:
	case V_RECEIPT:
		if ((words = strdup(s->args)) == NULL)
			break;
		for (w = strtok(words, " \t"); w != NULL;
		    w = strtok(NULL, " \t")) {
			if (s->verb == V_RECEIPT) {
				scen_receipt(&sim->receipt, w, err,
				    sizeof(err));
				continue;
			}
			sim_log(SMPP_LOG_INFO, "scenario line %d fault %s",
			    s->line, w);
			if (strcmp(w, "close") == 0)
				sim_close_all(sim, "fault-close");
			else if (strcmp(w, "unbind") == 0)
				sim_unbind_all(sim);
			else if (strncmp(w, "malformed=", 10) == 0)
				sim_malformed_all(sim, w + 10);
			else
				scen_fault(sim, &sim->fault, w, err,
				    sizeof(err));
		}
		free(words);
		break;
	case V_EXIT:
		sim_log(SMPP_LOG_INFO, "scenario line %d exit", s->line);
		sim_quit(sim);
		break;
	}
}

/*
 * Queue the parts of one message.  ref -1: the sender's next reference (a
 * new message); part 0: every part, else only that one (a resend).
 */
static void
scen_queue(struct sim_scen *sc, struct sim_mo *mo, int ref, int part)
{
	struct sim_qent	q;
	int		i;

	if (ref < 0) {
		ref = 0;
		if (mo->fixed_ref >= 0)
			ref = mo->fixed_ref;
		else if (mo->sender != NULL && mo->nparts > 1)
			ref = mo->sender->next_ref++ &
			    (mo->ref16 ? 0xFFFF : 0xFF);
		if (sc->last_mo != mo) {
			if (sc->last_mo != NULL)
				mo_unref(sc->last_mo);
			sc->last_mo = mo;
			mo->refcnt++;
		}
		sc->last_ref = ref;
		sc->sim->st.mo_msgs++;
	}
	for (i = 0; i < mo->nparts; i++) {
		if (part && part != i + 1)
			continue;
		q.mo = mo;
		q.ref = ref;
		q.part = i;
		q.resend = part != 0;
		mo->refcnt++;
		ring_push(&sc->sim->q, &q);
	}
}

/* Top up the queue from a load step with no rate: one window at a time. */
void
scen_fill(struct sim *sim)
{
	struct sim_scen	*sc = sim->scen;
	uint32_t	 n = 0;

	if (sc->cur == NULL || sc->gen_left == 0 || sc->cur->rate > 0)
		return;
	while (sc->gen_left > 0 && n < sim->window) {
		scen_queue(sc, sc->cur->mo, -1, 0);
		n += sc->cur->mo->nparts;
		sc->gen_left--;
	}
	if (sc->gen_left == 0)
		scen_poke(sim);
}

void
mo_unref(struct sim_mo *mo)
{
	int	i;

	if (mo == NULL || --mo->refcnt > 0)
		return;
	for (i = 0; i < mo->nparts; i++)
		free(mo->pdu[i]);
	free(mo);
}

/* Copy one part with its reference and sequence_number in place. */
const uint8_t *
mo_part(struct sim_qent *q, uint32_t seq, uint8_t *buf, uint32_t *len)
{
	struct sim_mo	*mo = q->mo;
	uint32_t	 off = mo->refoff[q->part];

	*len = mo->len[q->part];
	memcpy(buf, mo->pdu[q->part], *len);
	sim_put32(buf + 12, seq);	/* sequence_number */
	if (off != 0) {
		if (mo->ref16) {
			buf[off] = q->ref >> 8;
			buf[off + 1] = q->ref & 0xFF;
		} else
			buf[off] = q->ref & 0xFF;
	}
	return buf;
}

/*
 * Encode an MO once, as a phone would: GSM 7-bit when every character
 * fits, else UCS-2, split per the concatenation style; the reference is
 * patched per message at send time (refoff).
 */
static struct sim_mo *
mo_build(struct sim_scen *sc, struct mo_opts *o, char *err, size_t errlen)
{
	static uint8_t		 buf[UDH_PAYLOAD_MAX + 1024];
	static struct udh_split	 split;
	struct udh_opts		 uo;
	struct gsm7_count	 gc;
	struct sim_mo		*mo;
	struct smpp_pdu		 pdu;
	struct smpp_deliver_sm	*sm = &pdu.u.deliver_sm;
	uint8_t			 op, info[2];
	size_t			 i, n;
	int			 rc;

	if ((mo = calloc(1, sizeof(*mo))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mo->refcnt = 1;
	mo->fixed_ref = o->ref;
	strlcpy(mo->src, o->from, sizeof(mo->src));
	strlcpy(mo->dst, o->to, sizeof(mo->dst));
	mo_snippet(o->text, o->textlen, mo->snippet, sizeof(mo->snippet));
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 0);
	sm->source_addr_ton = o->from[0] == '+' ? 1 : 0;
	sm->source_addr_npi = 1;
	strlcpy(sm->source_addr, o->from + (o->from[0] == '+'),
	    sizeof(sm->source_addr));
	sm->dest_addr_npi = 1;
	strlcpy(sm->destination_addr, o->to, sizeof(sm->destination_addr));
	if ((rc = gsm7_count(o->text, o->textlen, &gc)) < 0) {
		snprintf(err, errlen, "text: %s", gsm7_strerror(rc));
		goto fail;
	}

	if (o->ussd_op >= 0 || o->coding == 3) {
		/* USSD and Latin-1 go in one PDU (payload when long). */
		if (o->ussd_op >= 0) {
			mo->flags |= MO_F_USSD;
			strlcpy(sm->service_type, "USSD",
			    sizeof(sm->service_type));
			if (gc.chars > 182) {
				snprintf(err, errlen, "USSD text is at most "
				    "182 characters");
				goto fail;
			}
		}
		if (o->coding == 3)
			rc = gsm7_utf8_to_latin1(o->text, o->textlen, buf,
			    sizeof(buf), &n);
		else if (o->coding == 8 || (o->coding == -1 && !gc.gsm))
			rc = gsm7_utf8_to_ucs2(o->text, o->textlen, buf,
			    sizeof(buf), &n);
		else
			rc = gsm7_from_utf8(o->text, o->textlen, buf,
			    sizeof(buf), &n);
		if (rc < 0) {
			snprintf(err, errlen, "text: %s", gsm7_strerror(rc));
			goto fail;
		}
		sm->data_coding = o->coding == 3 ? 3 : (o->coding == 8 ||
		    (o->coding == -1 && !gc.gsm)) ? GSM7_DC_UCS2 :
		    GSM7_DC_DEFAULT;
		if (o->ussd_op >= 0) {
			/* its_session_info: session number, end bit (5.3.2.43) */
			op = o->ussd_op;
			info[0] = o->session;
			info[1] = o->end;
			if (o->dialog >= 0) {
				/* dialog id in the upper 15 bits */
				info[0] = (uint8_t)(o->dialog >> 7);
				info[1] = (uint8_t)(o->dialog << 1 | o->end);
			}
			smpp_tlv_add(&pdu, SMPP_TLV_ussd_service_op, &op, 1);
			smpp_tlv_add(&pdu, SMPP_TLV_its_session_info, info, 2);
			if (o->umr >= 0)
				smpp_tlv_add_int(&pdu,
				    SMPP_TLV_user_message_reference,
				    (uint32_t)o->umr);
		}
		if (n > 254) {
			snprintf(err, errlen, "text longer than 254 octets");
			goto fail;
		}
		sm->short_message = buf;
		sm->sm_length = n;
		if (mo_add_part(mo, &pdu, 0) == -1)
			goto fail;
		return mo;
	}

	memset(&uo, 0, sizeof(uo));
	uo.mode = o->concat == CONCAT_UDH16 ? UDH_MODE_UDH16 :
	    o->concat == CONCAT_SAR ? UDH_MODE_SAR :
	    o->concat == CONCAT_PAYLOAD ? UDH_MODE_PAYLOAD : UDH_MODE_UDH8;
	uo.ucs2 = o->coding == 8;
	if ((rc = udh_split(o->text, o->textlen, &uo, buf, sizeof(buf),
	    &split)) < 0) {
		snprintf(err, errlen, "text: %s", udh_strerror(rc));
		goto fail;
	}
	if (split.cut > 0) {
		snprintf(err, errlen, "text needs %zu parts, at most %d",
		    split.needed, UDH_MAX_PARTS);
		goto fail;
	}
	if (o->coding == 0 && split.data_coding != GSM7_DC_DEFAULT) {
		snprintf(err, errlen, "coding=gsm7 but the text does not fit "
		    "GSM 7-bit");
		goto fail;
	}
	sm->data_coding = split.data_coding;
	sm->esm_class = split.udhi ? UDH_ESM_UDHI : 0;
	mo->ref16 = uo.mode == UDH_MODE_UDH16 || uo.mode == UDH_MODE_SAR;
	for (i = 0; i < split.nparts; i++) {
		struct udh_part *pt = &split.part[i];

		if (o->drop == (int)i + 1 && split.nparts > 1)
			continue;	/* lost on the way: never delivered */
		pdu.ntlv = 0;
		if (uo.mode == UDH_MODE_PAYLOAD || pt->len > 254) {
			/* message_payload: the text as a TLV, no sm. */
			if (mo_payload(mo, &pdu, buf + pt->off, pt->len) == -1)
				goto fail;
			continue;
		}
		if (split.sar) {
			/* the reference (first TLV) is patched at send time */
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_msg_ref_num, 0);
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_total_segments,
			    split.sar_total_segments);
			smpp_tlv_add_int(&pdu, SMPP_TLV_sar_segment_seqnum,
			    pt->sar_segment_seqnum);
		}
		sm->short_message = buf + pt->off;
		sm->sm_length = pt->len;
		if (mo_add_part(mo, &pdu, split.nparts > 1 ?
		    (split.sar ? -1 : 3) : 0) == -1)
			goto fail;
	}
	if (split.nparts > 1)
		mo->sender = sender_get(sc, mo->src);
	return mo;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "cannot encode");
	mo->refcnt = 1;
	mo_unref(mo);
	return NULL;
}

/*
 * Encode one deliver_sm (sequence_number 0, patched at send time) and
 * append it.  refat: 0 nothing to patch, > 0 the reference sits refat
 * octets into short_message (UDH), -1 it is the first TLV's value (SAR).
 */
static int
mo_add_part(struct sim_mo *mo, struct smpp_pdu *pdu, int refat)
{
	static uint8_t	buf[SIM_MAXPDU];
	size_t		len, tlvlen, i;

	if (mo->nparts >= SIM_MAXPARTS)
		return -1;
	if (smpp_pdu_encode(pdu, buf, sizeof(buf), &len) == -1)
		return -1;
	/* The TLVs close the PDU; short_message comes just before them. */
	for (tlvlen = 0, i = 0; i < pdu->ntlv; i++)
		tlvlen += 4 + pdu->tlv[i].len;
	if ((mo->pdu[mo->nparts] = malloc(len)) == NULL)
		return -1;
	memcpy(mo->pdu[mo->nparts], buf, len);
	mo->len[mo->nparts] = len;
	mo->refoff[mo->nparts] = refat > 0 ? len - tlvlen -
	    pdu->u.deliver_sm.sm_length + refat : refat < 0 ?
	    len - tlvlen + 4 : 0;
	mo->nparts++;
	return 0;
}

/* One deliver_sm whose text travels in message_payload, no sm. */
static int
mo_payload(struct sim_mo *mo, struct smpp_pdu *pdu, const uint8_t *p,
    size_t n)
{
	if (n > UINT16_MAX)
		return -1;
	pdu->u.deliver_sm.short_message = NULL;
	pdu->u.deliver_sm.sm_length = 0;
	pdu->ntlv = 0;
	if (smpp_tlv_add(pdu, SMPP_TLV_message_payload, p, n) == -1)
		return -1;
	return mo_add_part(mo, pdu, 0);
}

/* A delivery receipt: from the phone, to the service number. */
struct sim_mo *
mo_receipt(const char *src, const char *dst, const char *text,
    const char *msgid, int state, int err)
{
	struct sim_mo		*mo;
	struct smpp_pdu		 pdu;
	struct smpp_deliver_sm	*sm = &pdu.u.deliver_sm;
	uint8_t			 nec[3];

	if ((mo = calloc(1, sizeof(*mo))) == NULL)
		return NULL;
	mo->refcnt = 1;
	mo->flags = MO_F_RECEIPT;
	mo->fixed_ref = -1;
	smpp_pdu_init(&pdu, SMPP_deliver_sm, 0);
	sm->source_addr_npi = sm->dest_addr_npi = 1;
	strlcpy(sm->source_addr, src, sizeof(sm->source_addr));
	strlcpy(sm->destination_addr, dst, sizeof(sm->destination_addr));
	sm->esm_class = 0x04;		/* SMSC delivery receipt, 5.2.12 */
	sm->short_message = (const uint8_t *)text;
	sm->sm_length = MINIMUM(strlen(text), 254);
	smpp_tlv_add_cstr(&pdu, SMPP_TLV_receipted_message_id, msgid);
	smpp_tlv_add_int(&pdu, SMPP_TLV_message_state, state);
	if (err) {
		nec[0] = 3;			/* GSM (5.3.2.31) */
		nec[1] = err >> 8;
		nec[2] = err;
		smpp_tlv_add(&pdu, SMPP_TLV_network_error_code, nec, 3);
	}
	if (mo_add_part(mo, &pdu, 0) == -1) {
		free(mo);
		return NULL;
	}
	strlcpy(mo->src, src, sizeof(mo->src));
	strlcpy(mo->dst, dst, sizeof(mo->dst));
	return mo;
}

/* The start of a text for logs, cut on a character boundary. */
static void
mo_snippet(const char *t, size_t len, char *buf, size_t sz)
{
	size_t	i = 0, o = 0, cl;

	while (i < len) {
		unsigned char ch = t[i];

		cl = ch < 0x80 ? 1 : (ch & 0xE0) == 0xC0 ? 2 :
		    (ch & 0xF0) == 0xE0 ? 3 : 4;
		if (i + cl > len || o + cl + 4 > sz)
			break;
		if (cl == 1)
			buf[o++] = ch == '"' || ch < 0x20 ? '.' : ch;
		else
			memcpy(buf + o, t + i, cl), o += cl;
		i += cl;
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

static struct sim_sender *
sender_get(struct sim_scen *sc, const char *addr)
{
	struct sim_sender *s;

	TAILQ_FOREACH(s, &sc->senders, entry)
		if (strcmp(s->addr, addr) == 0)
			return s;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	strlcpy(s->addr, addr, sizeof(s->addr));
	/* Each phone starts somewhere else, as real ones do. */
	s->next_ref = fnv1a(addr) & 0xFFFF;
	TAILQ_INSERT_TAIL(&sc->senders, s, entry);
	return s;
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t	h = 2166136261U;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619U;
	return h;
}

void
scen_free(struct sim *sim)
{
	struct sim_scen		*sc = sim->scen;
	struct scen_step	*s;
	struct sim_sender	*d;

	if (sc == NULL)
		return;
	while ((s = TAILQ_FIRST(&sc->steps)) != NULL) {
		TAILQ_REMOVE(&sc->steps, s, entry);
		mo_unref(s->mo);
		free(s->args);
		free(s);
	}
	mo_unref(sc->last_mo);
	sc->last_mo = NULL;
	while ((d = TAILQ_FIRST(&sc->senders)) != NULL) {
		TAILQ_REMOVE(&sc->senders, d, entry);
		free(d);
	}
	if (sc->ev_scen != NULL)
		event_free(sc->ev_scen);
	if (sc->ev_stdin != NULL)
		event_free(sc->ev_stdin);
	if (sc->stdin_buf != NULL)
		evbuffer_free(sc->stdin_buf);
	free(sc);
	sim->scen = NULL;
}
