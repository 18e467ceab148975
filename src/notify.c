/*
 * notify: the lifecycle notify hook (result SMS, extension notice, survey
 * scheduling) and the survey and overdue timers.  Everything the hook
 * queues joins the transaction of the transition that caused it, and the
 * outbox is kicked only after that transaction commits.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "category.h"
#include "commit.h"
#include "config.h"
#include "lifecycle.h"
#include "log.h"
#include "notice.h"
#include "notify.h"
#include "outbox.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "util.h"
#include "webhook.h"

struct notify_scan;

static int	notify_survey(struct notify *, struct store *,
		    const struct store_case *, int64_t);
static int	notify_remind(void *, struct store *,
		    const struct store_survey *, int64_t);
static void	notify_overdue_each(void *, const struct store_case *);
static int	notify_classified(struct notify *, struct store *,
		    const struct store_case *, const char *);
static void	notify_overdue_timer(evutil_socket_t, short, void *);
static void	notify_survey_timer(evutil_socket_t, short, void *);
static void	notify_slice(evutil_socket_t, short, void *);
static int	notify_overdue_slice(struct notify *, int *, int *);
static int	notify_survey_slice(struct notify *, int *, int *);
static int	notify_notice_slice(struct notify *, int *, int *);
static int	notify_overdue_begin(struct notify *);
static int	notify_overdue_start(struct notify *);
static int	notify_overdue_step(struct notify *);
static int	notify_survey_begin(struct notify *);
static int	notify_step(struct notify *, struct notify_scan *);
static int	notify_begin(struct notify *, struct notify_scan *);
static int64_t	notify_us(void);
static size_t	notify_utf8_len(const char *, size_t);
static size_t	notify_utf8_prefix(const char *, size_t);
static void	notify_join(char *, const char *, size_t, const char *,
		    size_t);
static size_t	notify_sentence_end(const char *, size_t);

/* A scan under way, a slice at a time (issue 17). */
struct notify_scan {
	const char	*name;		/* log words */
	const char	*counted;
	int		(*slice)(struct notify *, int *done, int *count);
	int		 on;		/* under way */
	int		 slices;
	int64_t		 longest;	/* us, the longest slice */
};

/* A slice's successor runs after the loop has polled its sockets. */
static const struct timeval	notify_next_turn = { 0, 0 };

/*
 * The daemon's own doings over one store: the scans and their timers,
 * the survey settings.  engine.c's struct hotline owns it.
 */
struct notify {
	struct store			*store;		/* borrowed */
	const struct hotlined_conf	*conf;		/* borrowed */
	struct commit			*commit;	/* borrowed */
	struct outbox			*outbox;	/* borrowed, or NULL */
	struct survey_conf		 sc;
	struct event			*ev_survey;
	struct event			*ev_overdue;
	struct event			*ev_slice;	/* the next slice */
	struct lc_overdue		 overdue;	/* the scans' cursors */
	struct survey_scan		 survey;
	struct notice_scan		 notice;
	struct notify_scan		 scan_overdue;
	struct notify_scan		 scan_survey;
	struct notify_scan		 scan_notice;
	int				 overdue_next;	/* after notices */
};

/* Characters (UTF-8 lead bytes) in the first n bytes of s. */
static size_t
notify_utf8_len(const char *s, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Bytes of the first n characters of s. */
static size_t
notify_utf8_prefix(const char *s, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == n)
			break;
	return i;
}

int
notify_result_text(const char *number, const char *result,
    const char *service, int max, char *out, size_t outlen, int *cutp)
{
	struct template_var	 v[3];
	char			*buf, more[TEMPLATE_OUT_MAX];
	size_t			 len = strlen(result), lo, hi, mid, keep;
	size_t			 nch, bytes, mlen;
	int			 parts;

	*cutp = 0;
	v[0] = (struct template_var){ "case", number };
	v[1] = (struct template_var){ "result", result };
	v[2] = (struct template_var){ "service", service };
	if (template_render(template_current(), "result", v, nitems(v), out,
	    outlen) == 0 && (parts = template_parts(out)) > 0 &&
	    (max <= 0 || parts <= max))
		return 0;
	/*
	 * Too long: the longest prefix that fits with result_more after it
	 * (bisecting over characters), then back to the end of a sentence
	 * when one ends in the second half, so the citizen reads whole
	 * sentences and is told that more exists and where to get it.
	 */
	if (template_render(template_current(), "result_more", v, nitems(v),
	    more, sizeof(more)) == -1)
		return -1;
	mlen = strlen(more);
	buf = xmalloc(len + mlen + 1);
	nch = notify_utf8_len(result, len);
	lo = 1;
	hi = nch;
	keep = 0;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		bytes = notify_utf8_prefix(result, mid);
		notify_join(buf, result, bytes, more, mlen);
		v[1].value = buf;
		if (template_render(template_current(), "result", v,
		    nitems(v), out, outlen) == 0 &&
		    (parts = template_parts(out)) > 0 && parts <= max) {
			keep = bytes;
			lo = mid + 1;
		} else
			hi = mid - 1;
	}
	keep = notify_sentence_end(result, keep);
	notify_join(buf, result, keep, more, mlen);
	v[1].value = buf;
	if (keep == 0 || template_render(template_current(), "result", v,
	    nitems(v), out, outlen) == -1) {
		free(buf);
		return -1;
	}
	*cutp = (int)(nch - notify_utf8_len(result, keep));
	free(buf);
	return 0;
}

/* buf = the first n bytes of s, then more (mlen bytes), NUL-terminated. */
static void
notify_join(char *buf, const char *s, size_t n, const char *more,
    size_t mlen)
{
	memcpy(buf, s, n);
	memcpy(buf + n, more, mlen);
	buf[n + mlen] = '\0';
}

/*
 * The byte length of s[0..n) shortened to just after its last sentence
 * end (。！？；!?; or a newline) when that lies in the second half; n when
 * none does (a cut at a character is better than half the text lost).
 */
static size_t
notify_sentence_end(const char *s, size_t n)
{
	static const char *ends[] = { "。", "！", "？", "；", "!", "?", ";",
	    "\n" };
	size_t	i, k, e, best = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < nitems(ends); k++) {
			e = strlen(ends[k]);
			if (i + e <= n && memcmp(s + i, ends[k], e) == 0 &&
			    i + e > best)
				best = i + e;
		}
	return best * 2 >= n ? best : n;
}

int
notify_queue(struct outbox *ob, struct store *st, int64_t case_id,
    const char *kind, const char *msisdn, const char *source,
    const char *text, int64_t not_before, int64_t expire_at)
{
	struct store_outbox_new	o;
	int64_t			id;

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.kind = kind;
	o.msisdn = msisdn;
	o.source = source;
	o.text = text;
	o.not_before = not_before;
	o.expire_at = expire_at;
	if (store_outbox_add(st, &o, &id) == -1)
		return -1;
	outbox_kick_after(ob);
	return 0;
}

/* Schedule and queue the survey of a closed case; 0 or -1. */
static int
notify_survey(struct notify *nt, struct store *st, const struct store_case *c,
    int64_t at)
{
	struct store_survey	 sv;
	struct template_var	 v[3];
	char			 text[NOTIFY_TEXT_MAX], src[STORE_ADDR_MAX];
	char			 mask[LOG_MSISDN_MAX];
	enum survey_sched	 r;

	switch ((r = survey_schedule(st, c->id, &nt->sc, at, &sv))) {
	case SURVEY_S_ERROR:
		return -1;
	case SURVEY_S_SCHEDULED:
		break;
	default:
		log_debug("notify survey case=%s not scheduled (%d)",
		    c->number, r);
		return 0;
	}
	v[0] = (struct template_var){ "case", c->number };
	v[1] = (struct template_var){ "service", nt->sc.service };
	v[2] = (struct template_var){ "code", sv.ext };
	if (template_render(template_current(), "survey", v, nitems(v), text,
	    sizeof(text)) == -1) {
		log_warnx("notify template survey failed to render, case=%s "
		    "not surveyed", c->number);
		return -1;
	}
	snprintf(src, sizeof(src), "%s%s", nt->sc.service, sv.ext);
	if (notify_queue(nt->outbox, st, c->id, "survey", sv.msisdn, src,
	    text, sv.sent_at, sv.expire_at) == -1)
		return -1;
	log_info("notify survey case=%s msisdn=%s round=%d ext=%s",
	    c->number, log_msisdn(sv.msisdn, mask, sizeof(mask)), sv.round,
	    sv.ext[0] != '\0' ? sv.ext : "-");
	return 0;
}

int
notify_case(void *arg, struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	struct notify		*nt = arg;
	struct template_var	 v[2];
	char			 msisdn[STORE_ADDR_MAX], text[NOTIFY_TEXT_MAX];
	char			 mask[LOG_MSISDN_MAX];
	int			 cut, rv;

	if (notice_case(st, c, ev) == -1)	/* the units (notice.h) */
		return -1;
	if (ev->op != LC_OP_ANSWER && ev->op != LC_OP_CLOSE &&
	    ev->op != LC_OP_EXTEND && ev->op != LC_OP_CLASSIFY)
		return 0;
	if (template_current() == NULL) {
		log_warnx("notify no templates loaded, case=%s not notified",
		    c->number);
		return 0;
	}
	if ((rv = store_case_msisdn(st, c->id, msisdn, sizeof(msisdn))) != 1)
		return rv == 0 ? 0 : -1;
	if (ev->op == LC_OP_EXTEND) {
		v[0] = (struct template_var){ "case", c->number };
		v[1] = (struct template_var){ "due", c->due };
		if (template_render(template_current(), "extended", v,
		    nitems(v), text, sizeof(text)) == -1)
			return 0;	/* logged by template.c */
		return notify_queue(nt->outbox, st, c->id, "extended",
		    msisdn, nt->sc.service, text, 0, 0);
	}
	if (ev->op == LC_OP_CLASSIFY)	/* a confirmation: nothing */
		return ev->confirmed ? 0 : notify_classified(nt, st, c, msisdn);
	if (c->result == NULL || notify_result_text(c->number, c->result,
	    nt->sc.service, nt->conf->max_result_parts, text, sizeof(text),
	    &cut) == -1) {
		log_warnx("notify case=%s result not rendered", c->number);
		return -1;
	}
	if (notify_queue(nt->outbox, st, c->id, "result", msisdn,
	    nt->sc.service, text, 0, 0) == -1)
		return -1;
	if (cut > 0) {
		if (store_case_set_result_cut(st, c->id, cut) == -1)
			return -1;
		log_warnx("notify result case=%s cut=%d characters (more than "
		    "%d parts)", c->number, cut, nt->conf->max_result_parts);
	}
	log_info("notify result case=%s msisdn=%s state=%s", c->number,
	    log_msisdn(msisdn, mask, sizeof(mask)), c->state);
	return notify_survey(nt, st, c, ev->at);
}

/*
 * classify: the category a person chose and its due date, counted from
 * receipt -- one SMS each time the office sets or corrects the category,
 * since the citizen was promised another (or none) before.
 */
static int
notify_classified(struct notify *nt, struct store *st,
    const struct store_case *c, const char *msisdn)
{
	struct template_var	 v[4];
	char			 text[NOTIFY_TEXT_MAX];
	char			 mask[LOG_MSISDN_MAX];
	int			 cat = category_from_name(c->category);

	v[0] = (struct template_var){ "case", c->number };
	v[1] = (struct template_var){ "category", category_label_zh(cat) };
	v[2] = (struct template_var){ "due", c->due };
	v[3] = (struct template_var){ "service", nt->sc.service };
	if (template_render(template_current(), "classified", v, nitems(v),
	    text, sizeof(text)) == -1) {
		log_warnx("notify case=%s classification not rendered, the "
		    "citizen is not told", c->number);
		return -1;
	}
	log_info("notify classified case=%s msisdn=%s cat=%s due=%s",
	    c->number, log_msisdn(msisdn, mask, sizeof(mask)), c->category,
	    c->due);
	return notify_queue(nt->outbox, st, c->id, "classified", msisdn,
	    nt->sc.service, text, 0, 0);
}

/* survey_tick()'s reminder: the survey_remind SMS from service + ext. */
static int
notify_remind(void *arg, struct store *st, const struct store_survey *sv,
    int64_t send_at)
{
	struct notify		*nt = arg;
	struct template_var	 v[3];
	char			 text[NOTIFY_TEXT_MAX], src[STORE_ADDR_MAX];

	v[0] = (struct template_var){ "case", sv->number };
	v[1] = (struct template_var){ "service", nt->sc.service };
	v[2] = (struct template_var){ "code", sv->ext };
	if (template_render(template_current(), "survey_remind", v,
	    nitems(v), text, sizeof(text)) == -1)
		return -1;
	snprintf(src, sizeof(src), "%s%s", nt->sc.service, sv->ext);
	log_info("notify survey reminder case=%s", sv->number);
	return notify_queue(nt->outbox, st, sv->case_id, "survey", sv->msisdn,
	    src, text, send_at, sv->expire_at);
}

static void
notify_overdue_each(void *arg, const struct store_case *c)
{
	log_info("notify overdue case=%s due=%s", c->number,
	    c->due != NULL ? c->due : "-");
}

/* Monotonic microseconds: how long a slice held the loop. */
static int64_t
notify_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The scans run in slices (issue 17): a timer begins a scan, each slice
 * is one unit of its own (LC_OVERDUE_SLICE cases, SURVEY_SLICE surveys)
 * and the next slice waits for the next turn of the loop, so SMPP, the
 * outbox and the admin API are served between them however many cases
 * the database holds.  A slice that fails ends its scan (the next timer
 * begins another); its cases are found again then.
 */
static int
notify_overdue_slice(struct notify *nt, int *done, int *count)
{
	int	n;

	n = lifecycle_overdue_slice(nt->store, &nt->overdue,
	    LC_OVERDUE_SLICE, notify_overdue_each, NULL);
	*done = nt->overdue.done;
	*count = nt->overdue.count;
	return n;
}

static int
notify_notice_slice(struct notify *nt, int *done, int *count)
{
	int	n;

	n = notice_scan_slice(nt->store, &nt->notice, NOTICE_SLICE);
	*done = nt->notice.done;
	*count = nt->notice.count;
	return n;
}

static int
notify_survey_slice(struct notify *nt, int *done, int *count)
{
	int	n;

	n = survey_tick_slice(nt->store, &nt->sc, &nt->survey,
	    SURVEY_SLICE, notify_remind, nt);
	*done = nt->survey.done;
	*count = nt->survey.count;
	return n;
}

/* One slice of scan sc in a unit of its own: 1 more to do, 0 done, -1. */
static int
notify_step(struct notify *nt, struct notify_scan *sc)
{
	int64_t	t0 = notify_us(), dt;
	int	n, done, count;

	if (commit_unit_begin(nt->commit) == -1) {
		sc->on = 0;
		return -1;
	}
	n = sc->slice(nt, &done, &count);
	if (commit_unit_end(nt->commit, n != -1) == -1) {
		log_warnx("notify %s failed, undone", sc->name);
		sc->on = 0;
		return -1;
	}
	sc->slices++;
	if ((dt = notify_us() - t0) > sc->longest)
		sc->longest = dt;
	if (!done)
		return 1;
	sc->on = 0;
	(count > 0 ? log_info : log_debug)("notify %s %s=%d slices=%d "
	    "longest=%lldus", sc->name, sc->counted, count, sc->slices,
	    (long long)sc->longest);
	return 0;
}

/* Begin scan sc unless it is under way (1); its first slice. */
static int
notify_begin(struct notify *nt, struct notify_scan *sc)
{
	if (sc->on)
		return 1;
	sc->on = 1;
	sc->slices = 0;
	sc->longest = 0;
	return notify_step(nt, sc);
}

/*
 * The units' reminders (notice.h) before the overdue scan: the notice
 * scan runs first, a slice a turn, each slice a unit of its own (what a
 * unit is told does not wait for, nor undo, supervision), and the overdue
 * scan begins a turn after its last slice (or after it failed: a notice
 * not sent is sent by a later scan, once).
 */
static int
notify_overdue_begin(struct notify *nt)
{
	if (nt->scan_notice.on || nt->overdue_next ||
	    nt->scan_overdue.on)
		return 1;
	if (notice_scan_begin(&nt->notice, (int64_t)clock_now_ms()) == -1)
		return notify_overdue_start(nt);
	if (notify_begin(nt, &nt->scan_notice) != 1)
		nt->overdue_next = 1;
	return 1;
}

static int
notify_overdue_start(struct notify *nt)
{
	nt->overdue_next = 0;
	if (lifecycle_overdue_begin(&nt->overdue,
	    (int64_t)clock_now_ms()) == -1)
		return -1;
	return notify_begin(nt, &nt->scan_overdue);
}

/* The next slice: of the notice scan, or the overdue scan after it. */
static int
notify_overdue_step(struct notify *nt)
{
	if (nt->scan_notice.on) {
		if (notify_step(nt, &nt->scan_notice) != 1)
			nt->overdue_next = 1;
		return 1;
	}
	if (nt->overdue_next)
		return notify_overdue_start(nt);
	if (nt->scan_overdue.on)
		return notify_step(nt, &nt->scan_overdue);
	return 0;
}

static int
notify_survey_begin(struct notify *nt)
{
	if (!nt->sc.enabled)
		return 0;
	if (!nt->scan_survey.on)
		survey_scan_begin(&nt->survey, (int64_t)clock_now_ms());
	return notify_begin(nt, &nt->scan_survey);
}

int
notify_overdue_now(struct notify *nt)
{
	int	r;

	if ((r = notify_overdue_begin(nt)) == -1)
		return -1;
	while (r == 1)
		if ((r = notify_overdue_step(nt)) == -1)
			return -1;
	return nt->overdue.count;
}

int
notify_survey_now(struct notify *nt)
{
	int	r;

	if (!nt->sc.enabled)
		return 0;
	if ((r = notify_survey_begin(nt)) == -1)
		return -1;
	while (r == 1)
		if ((r = notify_step(nt, &nt->scan_survey)) == -1)
			return -1;
	return nt->survey.count;
}

static void
notify_overdue_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct notify	*nt = arg;

	if (notify_overdue_begin(nt) == 1 && nt->ev_slice != NULL)
		evtimer_add(nt->ev_slice, &notify_next_turn);
}

static void
notify_survey_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct notify	*nt = arg;

	if (notify_survey_begin(nt) == 1 && nt->ev_slice != NULL)
		evtimer_add(nt->ev_slice, &notify_next_turn);
}

/* The next slice of whichever scan is under way, a turn of the loop each. */
static void
notify_slice(evutil_socket_t fd, short ev, void *arg)
{
	struct notify	*nt = arg;
	int		 more = 0;

	if (notify_overdue_step(nt) == 1)
		more = 1;
	if (nt->scan_survey.on && notify_step(nt, &nt->scan_survey) == 1)
		more = 1;
	if (more)
		evtimer_add(nt->ev_slice, &notify_next_turn);
}

struct notify *
notify_new(struct event_base *base, struct store *st,
    const struct hotlined_conf *conf, struct commit *c, struct outbox *o)
{
	struct timeval	 tv_s = { NOTIFY_SURVEY_TICK / 1000, 0 };
	struct timeval	 tv_o = { NOTIFY_OVERDUE_TICK / 1000, 0 };
	struct timeval	 tv_first = { 1, 0 };
	struct notify	*nt;

	nt = xcalloc(1, sizeof(*nt));
	nt->store = st;
	nt->conf = conf;
	nt->commit = c;
	nt->outbox = o;
	nt->scan_overdue = (struct notify_scan){ .name = "overdue scan",
	    .counted = "count", .slice = notify_overdue_slice };
	nt->scan_notice = (struct notify_scan){ .name = "notice scan",
	    .counted = "notices", .slice = notify_notice_slice };
	nt->scan_survey = (struct notify_scan){ .name = "survey tick",
	    .counted = "handled", .slice = notify_survey_slice };
	survey_conf_init(&nt->sc, conf);
	lifecycle_set_notify(notify_case, nt);
	notice_setup(conf);
	webhook_start(base, st);
	if (base == NULL)
		return nt;
	nt->ev_survey = event_new(base, -1, EV_PERSIST, notify_survey_timer,
	    nt);
	nt->ev_overdue = event_new(base, -1, EV_PERSIST, notify_overdue_timer,
	    nt);
	nt->ev_slice = event_new(base, -1, 0, notify_slice, nt);
	if (nt->ev_survey == NULL || nt->ev_overdue == NULL ||
	    nt->ev_slice == NULL)
		fatalx("notify event_new failed");
	evtimer_add(nt->ev_survey, &tv_s);
	evtimer_add(nt->ev_overdue, &tv_o);
	/*
	 * One scan of each soon after start: a daemon down overnight
	 * catches up (overdue cases, and the surveys, reminders and
	 * expiries that fell due while it was down, not a tick later).
	 */
	event_base_once(base, -1, EV_TIMEOUT, notify_overdue_timer, nt,
	    &tv_first);
	event_base_once(base, -1, EV_TIMEOUT, notify_survey_timer, nt,
	    &tv_first);
	log_info("notify started survey=%s ext-digits=%d max-result-parts=%d",
	    nt->sc.enabled ? "on" : "off", nt->sc.ext_digits,
	    conf->max_result_parts);
	return nt;
}

void
notify_free(struct notify *nt)
{
	if (nt == NULL)
		return;
	lifecycle_set_notify(NULL, NULL);
	if (nt->ev_survey != NULL)
		event_free(nt->ev_survey);
	if (nt->ev_overdue != NULL)
		event_free(nt->ev_overdue);
	if (nt->ev_slice != NULL)
		event_free(nt->ev_slice);
	free(nt);
}

