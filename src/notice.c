/*
 * notice: telling the units (notice.h).  Every notice is one row of
 * "notices" (once per case, unit, kind and reference), its SMS outbox
 * rows of kind "unit", and a webhook delivery when the unit has a
 * webhook, all in the unit of work of what caused it.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "calendar.h"
#include "category.h"
#include "commit.h"
#include "config.h"
#include "extension.h"
#include "intake.h"
#include "lifecycle.h"
#include "log.h"
#include "notice.h"
#include "notify.h"
#include "outbox.h"
#include "store.h"
#include "store_notice.h"
#include "survey.h"
#include "template.h"
#include "util.h"
#include "webhook.h"

/* What one notice is: its kind, template and audience. */
struct notice_kind {
	const char	*kind;	/* notices.kind, the webhook's "notice" */
	const char	*tpl;		/* templates/NAME.txt */
	int		 leaders;	/* the leaders are told too */
};

static const struct notice_kind nk_dispatch = { "dispatch", "unit_dispatch",
    0 };
static const struct notice_kind nk_due = { "due", "unit_due", 0 };
static const struct notice_kind nk_overdue = { "overdue", "unit_overdue", 1 };
static const struct notice_kind nk_supervised = { "supervised",
    "unit_supervised", 1 };
static const struct notice_kind nk_rehandle = { "rehandle", "unit_rehandle",
    1 };
static const struct notice_kind nk_escalated = { "escalated",
    "unit_escalated", 0 };
/* one kind, two texts: the webhook's "extension" says which */
static const struct notice_kind nk_ext_approved = { "extension",
    "unit_extension_approved", 0 };
static const struct notice_kind nk_ext_refused = { "extension",
    "unit_extension_refused", 0 };

/*
 * The office's reason for a refusal is cut to fit the SMS: at most this
 * many characters before the fit below, then one at a time from the end
 * (with "…") until the whole text is one SMS part.  The whole reason
 * stays in the request (hotlinectl ext show, the API, the webhook).
 */
#define NOTICE_NOTE_CHARS	70	/* one UCS-2 SMS holds no more */
#define NOTICE_ELLIPSIS		"\xe2\x80\xa6"	/* U+2026 */

/* One notice being made. */
struct notice_msg {
	const struct notice_kind *k;
	const struct store_case	*c;
	const char		*unit;		/* code; "": the office */
	const char		*role;	/* "lead", "co": the webhook's */
	const char		*ref;
	const char		*reason;	/* supervision, or NULL */
	const struct store_ext	*ext;		/* extension decided */
	const char		*lead_name;	/* escalated: the late unit */
	int			 days;		/* escalated: days overdue */
	int64_t			 at;
};

static int	 notice_send(struct store *, const struct notice_msg *);
static int	 notice_sms(struct store *, const struct notice_msg *,
		    const char *, int64_t);
static int	 notice_render(const struct notice_msg *, const char *,
		    char *, size_t);
static int	 notice_render_note(const struct notice_msg *, const char *,
		    const char *, char *, size_t);
static int	 notice_fit(const struct notice_msg *, const char *, char *,
		    size_t);
static int	 notice_hook(struct store *, const struct notice_msg *,
		    int64_t);
static int	 notice_hook_ext(json_t *, const struct store_ext *);
static const char *notice_reason_zh(const char *);
static int	 notice_with_unit(const struct store_case *);
static int	 notice_today(int64_t, int *);
static int	 notice_escalate(struct store *, const struct store_case *,
		    int64_t);
static int	 notice_dispatch(struct store *, const struct store_case *,
		    const struct lc_event *, const char *);

static struct {
	const char	*service;	/* borrowed from conf */
	int		 escalate_after;
	int		 quiet_start;	/* the survey block's quiet hours */
	int		 quiet_end;
} nt = { "12345", 0, 0, 0 };

int
notice_role_ok(const char *role, int office)
{
	if (role == NULL)
		return 0;
	if (office)
		return strcmp(role, "duty") == 0;
	return strcmp(role, "handler") == 0 || strcmp(role, "leader") == 0 ||
	    strcmp(role, "discipline") == 0;
}

void
notice_setup(const struct hotlined_conf *conf)
{
	nt.service = conf->service_number;
	nt.escalate_after = conf->escalate_after;
	nt.quiet_start = conf->survey.quiet_start;
	nt.quiet_end = conf->survey.quiet_end;
	lifecycle_set_escalate(conf->escalate_after);
	extension_set_notify(notice_extension, NULL);
}

/*
 * Art. 13's reasons as a unit reads them.  Values, like category_label_zh()
 * for {category}: the sentence around them is the template's.
 */
static const char *
notice_reason_zh(const char *reason)
{
	static const struct { const char *name, *zh; } tab[] = {
		{ "disputed-result", "结果有异议" },
		{ "leader-instruction", "领导批示" },
		{ "overdue", "超期未办结" },
		{ "other", "其他情形" },
	};
	size_t	i;

	for (i = 0; reason != NULL && i < nitems(tab); i++)
		if (strcmp(reason, tab[i].name) == 0)
			return tab[i].zh;
	return "其他情形";
}

/* A case a unit holds now: dispatched to it, or back for re-handling. */
static int
notice_with_unit(const struct store_case *c)
{
	return c->unit != NULL && c->state != NULL &&
	    (strcmp(c->state, "dispatched") == 0 ||
	    strcmp(c->state, "rehandling") == 0);
}

/* The local date of now (ms) as YYYYMMDD; 0 or -1. */
static int
notice_today(int64_t now, int *today)
{
	int	min;

	return cal_date_local((time_t)(now / 1000), today, &min);
}

/* Render m's template for the unit named name into out; 0 or -1. */
static int
notice_render(const struct notice_msg *m, const char *name, char *out,
    size_t outlen)
{
	if (m->ext != NULL && m->ext->decision != NULL &&
	    strcmp(m->ext->state, "refused") == 0)
		return notice_fit(m, name, out, outlen);
	return notice_render_note(m, name, NULL, out, outlen);
}

/*
 * A refusal's text with as much of the office's reason as one SMS holds
 * (NOTICE_NOTE_CHARS): control characters become spaces, bytes that are
 * not UTF-8 "?", a cut reason ends in "…".  0 or -1.
 */
static int
notice_fit(const struct notice_msg *m, const char *name, char *out,
    size_t outlen)
{
	char		 note[NOTICE_NOTE_CHARS * 4 + sizeof(NOTICE_ELLIPSIS)];
	const unsigned char *s = (const unsigned char *)m->ext->decision;
	size_t		 slen = strlen(m->ext->decision), i = 0, at;
	size_t		 len = 0, chars = 0, cut;
	uint32_t	 cp;

	for (; i < slen && chars < NOTICE_NOTE_CHARS; chars++) {
		at = i;
		cp = intake_utf8_next(s, slen, &i);
		if (cp == 0xfffd)
			note[len++] = '?';
		else if (cp < 0x20 || cp == 0x7f)
			note[len++] = ' ';
		else {
			memcpy(note + len, s + at, i - at);
			len += i - at;
		}
	}
	note[len] = '\0';
	if (i < slen)
		strlcat(note, NOTICE_ELLIPSIS, sizeof(note));
	for (;;) {
		if (notice_render_note(m, name, note, out, outlen) == -1)
			return -1;
		if (template_parts(out) <= 1 || len == 0)
			return 0;
		/* one character less, and the ellipsis */
		for (cut = len - 1; cut > 0 &&
		    ((unsigned char)note[cut] & 0xc0) == 0x80; cut--)
			;
		len = cut;
		note[len] = '\0';
		strlcat(note, NOTICE_ELLIPSIS, sizeof(note));
	}
}

/* notice_render() with note as {reason} (NULL: the supervision's). */
static int
notice_render_note(const struct notice_msg *m, const char *name,
    const char *note, char *out, size_t outlen)
{
	struct template_var	 v[7];
	char			 days[16];
	size_t			 n = 0;

	snprintf(days, sizeof(days), "%d", m->days);
	v[n++] = (struct template_var){ "case", m->c->number };
	v[n++] = (struct template_var){ "category",
	    category_label_zh(category_from_name(m->c->category)) };
	v[n++] = (struct template_var){ "due", m->c->due != NULL ?
	    m->c->due : "" };
	v[n++] = (struct template_var){ "unit", m->lead_name != NULL ?
	    m->lead_name : name };
	v[n++] = (struct template_var){ "service", nt.service };
	if (note != NULL)
		v[n++] = (struct template_var){ "reason", note };
	else if (m->reason != NULL)
		v[n++] = (struct template_var){ "reason",
		    notice_reason_zh(m->reason) };
	if (m->lead_name != NULL)
		v[n++] = (struct template_var){ "days", days };
	return template_render(template_current(), m->k->tpl, v, n, out,
	    outlen);
}

/* Queue text to the contacts of m->unit in role; the count, or -1. */
static int
notice_sms(struct store *st, const struct notice_msg *m, const char *text,
    int64_t notice_id)
{
	char	 nums[NOTICE_CONTACTS_MAX][STORE_ADDR_MAX];
	char	 mask[LOG_MSISDN_MAX];
	int	 n, i, total = 0, r;
	const char *roles[3];
	int	 nroles = 0;
	/* people, not machines: no SMS in the quiet hours (the webhook goes) */
	int64_t	 at = survey_next_allowed(m->at, nt.quiet_start, nt.quiet_end);

	if (m->unit[0] == '\0')
		roles[nroles++] = "duty";
	else {
		/* Art. 10: an efficiency complaint is the discipline's */
		roles[nroles++] = category_from_name(m->c->category) ==
		    CAT_EFFICIENCY ? "discipline" : "handler";
		if (m->k->leaders)
			roles[nroles++] = "leader";
	}
	for (r = 0; r < nroles; r++) {
		if ((n = store_contact_numbers(st, m->unit, roles[r], nums,
		    nitems(nums))) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			if (notify_queue(outbox_default(), st, m->c->id,
			    "unit", nums[i], nt.service, text, at, 0) == -1)
				return -1;
			commit_log(commit_default(), "notice sms case=%s "
			    "unit=%s kind=%s role=%s msisdn=%s", m->c->number,
			    m->unit[0] != '\0' ? m->unit : "office", m->k->kind,
			    roles[r], log_msisdn(nums[i], mask, sizeof(mask)));
			total++;
		}
		if (n == 0)
			commit_log(commit_default(), "notice case=%s unit=%s "
			    "kind=%s role=%s no contact", m->c->number,
			    m->unit[0] != '\0' ? m->unit : "office", m->k->kind,
			    roles[r]);
	}
	explicit_bzero(nums, sizeof(nums));
	if (total > 0 && store_notice_sms(st, notice_id, total) == -1)
		return -1;
	return total;
}

/*
 * An extension notice's "extension" object into o; a note that is not
 * UTF-8 (JSON cannot carry it) is left out.  0 or -1.
 */
static int
notice_hook_ext(json_t *o, const struct store_ext *e)
{
	json_t	*x;

	if ((x = json_pack("{s:I,s:s,s:s?,s:s?}", "request",
	    (json_int_t)e->id, "decision", e->state, "asked", e->due,
	    "due_before", e->due_before)) == NULL)
		return -1;
	if (e->decision != NULL)
		json_object_set_new(x, "note", json_string(e->decision));
	return json_object_set_new(o, "extension", x);
}

/*
 * The webhook body: what the unit's own system needs to find the case.
 * The text goes to the lead unit alone and never when confidential.
 */
static int
notice_hook(struct store *st, const struct notice_msg *m, int64_t notice_id)
{
	char	 url[STORE_URL_MAX], secret[STORE_SECRET_MAX], key[48];
	char	*body;
	json_t	*o;
	int	 rv;

	if (m->unit[0] == '\0')
		return 0;
	rv = store_hook_get(st, m->unit, url, sizeof(url), secret,
	    sizeof(secret));
	explicit_bzero(secret, sizeof(secret));
	if (rv != 1)
		return rv;
	snprintf(key, sizeof(key), "hotlined-notice-%lld",
	    (long long)notice_id);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I}",
	    "id", key, "notice", m->k->kind, "case", m->c->number,
	    "category", m->c->category != NULL ? m->c->category : "",
	    "unit", m->unit, "role", m->role, "state", m->c->state,
	    "confidential", m->c->confidential != 0, "at", (json_int_t)m->at);
	if (o == NULL)
		return -1;
	if (m->c->due != NULL)
		json_object_set_new(o, "due", json_string(m->c->due));
	if (m->reason != NULL)
		json_object_set_new(o, "supervision", json_string(m->reason));
	if (m->ext != NULL && notice_hook_ext(o, m->ext) == -1) {
		json_decref(o);
		return -1;
	}
	if (strcmp(m->role, "lead") == 0 && !m->c->confidential &&
	    m->c->text != NULL)
		json_object_set_new(o, "text", json_string(m->c->text));
	body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (body == NULL)
		return -1;
	rv = store_webhook_add(st, notice_id, m->unit, body, m->at);
	free(body);
	if (rv == 0)
		webhook_kick_after_commit();
	return rv;
}

/* Record m once and send it; 1 sent, 0 sent before, -1. */
static int
notice_send(struct store *st, const struct notice_msg *m)
{
	struct store_unit	 u;
	char			 text[NOTIFY_TEXT_MAX];
	int64_t			 id;
	int			 rv;

	if ((rv = store_notice_once(st, m->c->id, m->unit, m->k->kind,
	    m->ref, m->at, &id)) != 1)
		return rv;
	memset(&u, 0, sizeof(u));
	if (m->unit[0] != '\0' && (rv = store_unit_get(st, m->unit, &u)) !=
	    1) {
		store_unit_clear(&u);
		return rv == 0 ? 0 : -1;
	}
	if (template_current() == NULL || notice_render(m, m->unit[0] !=
	    '\0' ? u.name : "市热线办", text, sizeof(text)) == -1) {
		log_warnx("notice case=%s kind=%s not rendered, the unit is "
		    "not told by SMS", m->c->number, m->k->kind);
		text[0] = '\0';
	}
	store_unit_clear(&u);
	if ((text[0] != '\0' && notice_sms(st, m, text, id) == -1) ||
	    notice_hook(st, m, id) == -1)
		return -1;
	commit_log(commit_default(), "notice case=%s unit=%s kind=%s "
	    "id=%lld", m->c->number, m->unit[0] != '\0' ? m->unit : "office",
	    m->k->kind, (long long)id);
	return 1;
}

/* dispatch: the lead unit and each co-unit, each its own notice. */
static int
notice_dispatch(struct store *st, const struct store_case *c,
    const struct lc_event *ev, const char *ref)
{
	struct notice_msg	 m;
	char			 co[LC_CO_MAX][STORE_UNIT_CODE_MAX];
	int			 n, i;

	memset(&m, 0, sizeof(m));
	m.k = &nk_dispatch;
	m.c = c;
	m.ref = ref;
	m.at = ev->at;
	m.unit = c->unit;
	m.role = "lead";
	if (notice_send(st, &m) == -1)
		return -1;
	if ((n = store_case_counits(st, c->id, co, nitems(co))) == -1)
		return -1;
	m.role = "co";
	for (i = 0; i < n; i++) {
		m.unit = co[i];
		if (notice_send(st, &m) == -1)
			return -1;
	}
	return 0;
}

/* The office's duty numbers: the daemon supervised an overdue case. */
static int
notice_escalate(struct store *st, const struct store_case *c, int64_t now)
{
	struct notice_msg	 m;
	struct store_unit	 u;
	int			 today, due, rv;

	memset(&m, 0, sizeof(m));
	memset(&u, 0, sizeof(u));
	if (c->unit == NULL || store_unit_get(st, c->unit, &u) != 1) {
		store_unit_clear(&u);
		return 0;
	}
	if (notice_today(now, &today) == 0 && c->due != NULL &&
	    cal_date_parse(c->due, &due) == 0)
		m.days = cal_workdays_between(calendar_current(), due, today);
	if (m.days < 1)
		m.days = 1;
	m.k = &nk_escalated;
	m.c = c;
	m.unit = "";
	m.role = "office";
	m.ref = c->due != NULL ? c->due : "-";
	m.lead_name = u.name;
	m.at = now;
	rv = notice_send(st, &m);
	store_unit_clear(&u);
	return rv == -1 ? -1 : 0;
}

int
notice_case(struct store *st, const struct store_case *c,
    const struct lc_event *ev)
{
	struct notice_msg	 m;
	char			 ref[32];

	if (c->unit == NULL)
		return 0;
	snprintf(ref, sizeof(ref), "%lld", (long long)ev->at);
	memset(&m, 0, sizeof(m));
	m.c = c;
	m.unit = c->unit;
	m.role = "lead";
	m.ref = ref;
	m.at = ev->at;
	switch (ev->op) {
	case LC_OP_DISPATCH:
		return notice_dispatch(st, c, ev, ref);
	case LC_OP_SUPERVISE:
		m.k = &nk_supervised;
		m.reason = c->supervision;
		if (notice_send(st, &m) == -1)
			return -1;
		if (ev->actor != NULL && ev->actor->role == LC_ROLE_SYSTEM &&
		    ev->args != NULL && ev->args->supervision ==
		    LC_SUP_OVERDUE)
			return notice_escalate(st, c, ev->at);
		return 0;
	case LC_OP_REOPEN:
		m.k = &nk_rehandle;
		return notice_send(st, &m) == -1 ? -1 : 0;
	default:
		return 0;
	}
}

int
notice_extension(void *arg, struct store *st, const struct store_ext *e,
    const struct store_case *c)
{
	struct notice_msg	 m;
	char			 ref[32];

	(void)arg;
	if (e->unit == NULL || e->state == NULL)
		return 0;
	snprintf(ref, sizeof(ref), "%lld", (long long)e->id);
	memset(&m, 0, sizeof(m));
	m.k = strcmp(e->state, "approved") == 0 ? &nk_ext_approved :
	    &nk_ext_refused;
	m.c = c;
	m.ext = e;
	m.unit = e->unit;
	m.role = "lead";
	m.ref = ref;
	m.at = e->decided_at;
	return notice_send(st, &m) == -1 ? -1 : 0;
}

int
notice_due(struct store *st, const struct store_case *c, int today,
    int64_t now)
{
	struct notice_msg	 m;
	int			 due, next;

	if (!notice_with_unit(c) || c->due == NULL ||
	    cal_date_parse(c->due, &due) == -1)
		return 0;
	memset(&m, 0, sizeof(m));
	m.c = c;
	m.unit = c->unit;
	m.role = "lead";
	m.ref = c->due;		/* an extension's new date: told again */
	m.at = now;
	if (due < today)
		m.k = &nk_overdue;
	else if ((next = cal_next_workday(calendar_current(),
	    cal_date_add(today, 1))) != -1 && due <= next)
		m.k = &nk_due;
	else
		return 0;
	return notice_send(st, &m);
}

int
notice_scan_begin(struct notice_scan *ns, int64_t now)
{
	int	next;

	memset(ns, 0, sizeof(*ns));
	ns->now = now;
	ns->budget_us = SLICE_BUDGET_US;
	if (notice_today(now, &ns->today) == -1 || (next =
	    cal_next_workday(calendar_current(), cal_date_add(ns->today, 1))) ==
	    -1)
		return -1;
	/* due before the day after the next working day */
	cal_date_format(cal_date_add(next, 1), ns->until, sizeof(ns->until));
	return 0;
}

/* Like lifecycle_overdue_slice(), it stops after ns->budget_us. */
int
notice_scan_slice(struct store *st, struct notice_scan *ns, size_t max)
{
	struct store_case	c[NOTICE_SLICE];
	uint64_t		t0 = clock_mono_us();
	int			n, i, rv = 0, told = 0, cut = 0, looked;

	if (ns->done)
		return 0;
	if (max == 0 || max > nitems(c))
		max = nitems(c);
	if ((n = store_case_notice_page(st, ns->until, ns->due, ns->id, c,
	    max)) == -1)
		return -1;
	for (i = 0; i < n && rv != -1; i++) {
		if (i > 0 && clock_mono_us() - t0 >= (uint64_t)ns->budget_us) {
			cut = 1;	/* the cursor is on c[i - 1] */
			break;
		}
		if (c[i].due != NULL)
			strlcpy(ns->due, c[i].due, sizeof(ns->due));
		ns->id = c[i].id;
		if ((rv = notice_due(st, &c[i], ns->today, ns->now)) == 1)
			told++;
	}
	looked = i;
	for (i = 0; i < n; i++)
		store_case_clear(&c[i]);
	if (rv == -1)
		return -1;
	ns->count += told;
	if ((size_t)n < max && !cut)
		ns->done = 1;
	return looked;
}

int
notice_scan(struct store *st, int64_t now)
{
	struct notice_scan	ns;

	if (notice_scan_begin(&ns, now) == -1)
		return -1;
	while (!ns.done)
		if (notice_scan_slice(st, &ns, NOTICE_SLICE) == -1)
			return -1;
	return ns.count;
}
