/*
 * ussd: USSD sessions in memory.  A bearer hands in each message with its
 * dialect already read (ussd.h); this file finds the session (a hash of
 * bearer, number and the dialect's session name), runs the menu
 * (ussd_menu.c), sends the screen back through the bearer and keeps the
 * idle timer.  The one write, an evaluation, goes through the group commit
 * like an SMS answer (HACKING.md, "The data path"): survey_reply() in its
 * own savepoint, the confirmation screen and the peer's answer after
 * COMMIT.  Sessions are not durable: a restart forgets them, and the
 * citizen dials again; what a session decided is in the store first.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <event2/event.h>

#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "log.h"
#include "util.h"
#include "commit.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "ussd.h"

#define USSD_BUCKETS	1024	/* hash chains; sessions are few hundred */

struct ussd_rating;

struct ussd_session {
	LIST_ENTRY(ussd_session) link;
	char			 bearer[32];
	struct ussd_ref		 ref;
	ussd_send_fn		 send;
	void			*ctx;
	struct ussd_menu	 menu;
	struct event		*ev_timeout;
	struct ussd_rating	*rating;	/* an evaluation being committed */
	char			 mask[LOG_MSISDN_MAX];
};

/* An evaluation waiting for its commit; s NULL once the session is gone. */
struct ussd_rating {
	struct ussd_session	*s;
	int			 r;		/* survey_reply() */
	int			 reopened;
	char			 number[32];
	int			 score;
};

LIST_HEAD(ussd_chain, ussd_session);

static uint32_t	ussd_hash(const char *, const struct ussd_ref *);
static struct ussd_session *ussd_find(const char *, const struct ussd_ref *);
static struct ussd_session *ussd_new(const struct ussd_msg *);
static void	ussd_end(struct ussd_session *, const char *);
static void	ussd_arm(struct ussd_session *);
static void	ussd_timeout_cb(evutil_socket_t, short, void *);
static void	ussd_step(struct ussd_session *, enum ussd_step, const char *);
static void	ussd_rate(struct ussd_session *, commit_fn, void *);
static void	ussd_rated(void *, int);
static void	ussd_expired(const struct ussd_msg *);

static struct event_base	*base;
static struct store		*store;		/* borrowed */
static struct ussd_chain	 chains[USSD_BUCKETS];
static struct timeval		 timeout_tv;
static size_t			 nsessions;
static uint64_t			 nbegun, nscreens, nrated;

void
ussd_init(struct event_base *b, struct store *st, int64_t timeout_ms)
{
	size_t	i;

	base = b;
	store = st;
	for (i = 0; i < USSD_BUCKETS; i++)
		LIST_INIT(&chains[i]);
	ussd_set_timeout(timeout_ms);
}

void
ussd_set_timeout(int64_t ms)
{
	timeout_tv.tv_sec = (time_t)(ms / 1000);
	timeout_tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

size_t
ussd_sessions(void)
{
	return nsessions;
}

void
ussd_stats(uint64_t *begun, uint64_t *screens, uint64_t *rated)
{
	*begun = nbegun;
	*screens = nscreens;
	*rated = nrated;
}

/* FNV-1a over bearer, number and session name. */
static uint32_t
ussd_hash(const char *bearer, const struct ussd_ref *ref)
{
	const char	*p;
	uint32_t	 h = 2166136261U;
	int		 k;

	for (p = bearer; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619U;
	for (p = ref->msisdn; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619U;
	for (k = 0; k < 32; k += 8)
		h = (h ^ (uint8_t)((uint32_t)ref->key >> k)) * 16777619U;
	return h;
}

static struct ussd_session *
ussd_find(const char *bearer, const struct ussd_ref *ref)
{
	struct ussd_session	*s;

	LIST_FOREACH(s, &chains[ussd_hash(bearer, ref) % USSD_BUCKETS], link)
		if (s->ref.key == ref->key &&
		    strcmp(s->ref.msisdn, ref->msisdn) == 0 &&
		    strcmp(s->bearer, bearer) == 0)
			return s;
	return NULL;
}

static struct ussd_session *
ussd_new(const struct ussd_msg *m)
{
	struct ussd_session	*s;

	s = xcalloc(1, sizeof(*s));
	strlcpy(s->bearer, m->bearer, sizeof(s->bearer));
	s->ref = m->ref;
	s->send = m->send;
	s->ctx = m->ctx;
	log_msisdn(s->ref.msisdn, s->mask, sizeof(s->mask));
	if ((s->ev_timeout = evtimer_new(base, ussd_timeout_cb, s)) == NULL)
		fatalx("ussd evtimer_new failed");
	LIST_INSERT_HEAD(&chains[ussd_hash(s->bearer, &s->ref) % USSD_BUCKETS],
	    s, link);
	nsessions++;
	nbegun++;
	log_info("ussd begin bearer=%s msisdn=%s session=%d", s->bearer,
	    s->mask, s->ref.key);
	return s;
}

/* Forget a session; an evaluation in flight still commits, unanswered. */
static void
ussd_end(struct ussd_session *s, const char *reason)
{
	log_info("ussd end bearer=%s msisdn=%s session=%d reason=%s",
	    s->bearer, s->mask, s->ref.key, reason);
	if (s->rating != NULL)
		s->rating->s = NULL;
	LIST_REMOVE(s, link);
	event_free(s->ev_timeout);
	explicit_bzero(s->ref.msisdn, sizeof(s->ref.msisdn));
	free(s);
	nsessions--;
}

static void
ussd_arm(struct ussd_session *s)
{
	evtimer_add(s->ev_timeout, &timeout_tv);
}

/* Idle for ussd-timeout: the gateway's abort value, if it has one. */
static void
ussd_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ussd_session	*s = arg;

	(void)s->send(s->ctx, &s->ref, NULL, 1);
	ussd_end(s, "timeout");
}

/* Send what the menu decided; the last screen ends the session. */
static void
ussd_step(struct ussd_session *s, enum ussd_step step, const char *text)
{
	char	err[TEMPLATE_OUT_MAX];

	switch (step) {
	case USSD_STEP_SCREEN:
		nscreens++;
		if (s->send(s->ctx, &s->ref, text, 0) == -1) {
			ussd_end(s, "send-failed");
			return;
		}
		ussd_arm(s);
		return;
	case USSD_STEP_END:
		nscreens++;
		(void)s->send(s->ctx, &s->ref, text, 1);
		ussd_end(s, "done");
		return;
	case USSD_STEP_ERROR:
	case USSD_STEP_RATE:		/* the caller's; never here */
		if (ussd_menu_screen("ussd_error", err, sizeof(err)) == 0) {
			nscreens++;
			(void)s->send(s->ctx, &s->ref, err, 1);
		}
		ussd_end(s, "error");
		return;
	}
}

/*
 * The evaluation, as the SMS survey writes it: the digit the citizen
 * chose is the raw reply (survey_reply() parses and stores it), in one
 * savepoint of the group commit; the confirmation waits for COMMIT.
 */
static void
ussd_rate(struct ussd_session *s, commit_fn done, void *arg)
{
	struct ussd_rating	*rt;
	struct survey_outcome	 out;
	const struct ussd_item	*it = &s->menu.item[s->menu.picked];
	char			 raw[2];
	int			 r;

	if (commit_unit_begin(commit_default()) == -1) {
		/* told on the screen, so the message itself is answered */
		ussd_step(s, USSD_STEP_ERROR, NULL);
		done(arg, 1);
		return;
	}
	raw[0] = (char)('0' + s->menu.score);
	raw[1] = '\0';
	memset(&out, 0, sizeof(out));
	r = survey_reply(store, it->id, raw, (int64_t)clock_now_ms(), &out);
	if (commit_unit_end(commit_default(), r != -1) == -1 || r == -1) {
		/* undone alone, with its commit_log() lines */
		r = -1;
	} else if (r == 0)
		commit_log(commit_default(), "ussd rated case=%s msisdn=%s "
		    "score=%d%s%s", it->number, s->mask, out.score,
		    out.reopened ? " reopened" : "", out.final ? " final" : "");
	rt = xcalloc(1, sizeof(*rt));
	rt->s = s;
	rt->r = r;
	rt->reopened = out.reopened;
	rt->score = s->menu.score;
	strlcpy(rt->number, it->number, sizeof(rt->number));
	s->rating = rt;
	commit_after(commit_default(), ussd_rated, rt);
	commit_after(commit_default(), done, arg);
}

/* After COMMIT: the confirmation, or the error screen if it failed. */
static void
ussd_rated(void *arg, int ok)
{
	struct ussd_rating	*rt = arg;
	struct ussd_session	*s = rt->s;
	char			 out[TEMPLATE_OUT_MAX];
	enum ussd_step		 step;

	if (ok && rt->r == 0)
		nrated++;
	if (s == NULL) {
		log_info("ussd rated case=%s committed=%d, session gone: no "
		    "confirmation", rt->number, ok && rt->r != -1);
		free(rt);
		return;
	}
	s->rating = NULL;
	step = ussd_menu_rated(&s->menu, ok ? rt->r : -1, rt->reopened, out,
	    sizeof(out));
	free(rt);
	ussd_step(s, step, out);
}

/* A choice for a session this daemon does not know (timed out, restart). */
static void
ussd_expired(const struct ussd_msg *m)
{
	char	out[TEMPLATE_OUT_MAX], mask[LOG_MSISDN_MAX];

	log_info("ussd unknown session bearer=%s msisdn=%s session=%d, "
	    "told it expired", m->bearer, log_msisdn(m->ref.msisdn, mask,
	    sizeof(mask)), m->ref.key);
	if (ussd_menu_screen("ussd_expired", out, sizeof(out)) == 0) {
		nscreens++;
		(void)m->send(m->ctx, &m->ref, out, 1);
	}
}

void
ussd_receive(const struct ussd_msg *m, commit_fn done, void *arg)
{
	struct ussd_session	*s;
	enum ussd_kind		 kind = m->kind;
	enum ussd_step		 step;
	char			 out[TEMPLATE_OUT_MAX];

	s = ussd_find(m->bearer, &m->ref);
	if (kind == USSD_AUTO)
		kind = s != NULL ? USSD_CONTINUE : USSD_BEGIN;
	switch (kind) {
	case USSD_ABORT:
		if (s != NULL)
			ussd_end(s, "abort");
		break;
	case USSD_BEGIN:
	case USSD_AUTO:
		if (s != NULL)
			ussd_end(s, "redial");
		s = ussd_new(m);
		ussd_step(s, ussd_menu_start(&s->menu, m->ucs2_max,
		    m->gsm_max, out, sizeof(out)), out);
		break;
	case USSD_CONTINUE:
		if (s == NULL) {
			ussd_expired(m);
			break;
		}
		if (s->rating != NULL)
			break;		/* a second key press while it commits */
		/* the gateway may name the dialog anew in each message */
		s->ref.dialog = m->ref.dialog;
		s->ref.umr = m->ref.umr;
		evtimer_del(s->ev_timeout);
		step = ussd_menu_input(&s->menu, store, s->ref.msisdn,
		    m->text, (int64_t)clock_now_ms(), out, sizeof(out));
		if (step == USSD_STEP_RATE) {
			ussd_rate(s, done, arg);
			return;
		}
		ussd_step(s, step, out);
		break;
	}
	done(arg, 1);
}

void
ussd_drop(const char *bearer)
{
	struct ussd_session	*s, *next;
	size_t			 i;

	for (i = 0; i < USSD_BUCKETS; i++)
		for (s = LIST_FIRST(&chains[i]); s != NULL; s = next) {
			next = LIST_NEXT(s, link);
			if (bearer == NULL || strcmp(s->bearer, bearer) == 0)
				ussd_end(s, "dropped");
		}
}

void
ussd_shutdown(void)
{
	if (base != NULL)
		ussd_drop(NULL);
}
