/*
 * mo: carries out what intake.c decided about a citizen's whole text: a new
 * case (Art. 9) with its working-day deadline (Art. 18), a refusal with the
 * right channel (Art. 8), a status query, a supplement, an opt-out, help,
 * or a survey reply (Art. 15) -- and queues the answer from templates/.
 * Everything happens inside the caller's message savepoint.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "calendar.h"
#include "category.h"
#include "commit.h"
#include "disclose.h"
#include "classify.h"
#include "config.h"
#include "deadline.h"
#include "intake.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "mo.h"
#include "outbox.h"
#include "screen.h"
#include "store.h"
#include "survey.h"
#include "template.h"
#include "util.h"

#define MO_REPLY_MAX	2048		/* rendered reply, bytes */
#define MO_LIST_MAX	5		/* open cases listed in a status reply */
#define MO_HOUR_MS	(3600 * 1000)
/* Art. 23(9): an answer not reviewed for this long is not sent by itself */
#define MO_KB_STALE_MS	(180LL * 86400 * 1000)

/* intake's verdict, as mo.c acts on it (filled by mo_decide()). */
enum mo_kind {
	MO_NEW_CASE,
	MO_REFUSE,
	MO_QUERY,
	MO_SUPPLEMENT,
	MO_HELP,
	MO_OPTOUT,
	MO_SURVEY,
	MO_CONFIDENTIAL
};

struct mo_verdict {
	enum mo_kind	 kind;
	int		 category;	/* enum category */
	int		 confidential;
	char		 rule[64];	/* the rule that decided, "" none */
	char		 number[STORE_CASE_NUMBER_MAX];	/* query, supplement */
	char		 reason[32];	/* refusal: emergency, military, ... */
	char		 channel[16];	/* refusal: 110 119 120 122 selfharm */
	char		 template[40];	/* refusal template */
	const char	*body;		/* supplement text */
	int		 screen;	/* enum screen_verdict */
	const char	*screen_channel; /* screen: "119"..., static */
	char		 screen_word[100];
	int		 unsure;	/* new case: CAT_UNCLASSIFIED */
	double		 score, margin;	/* classify.c's, 0-1 */
};

/* A case's deadline, remembered for the minute (mo_due()). */
struct mo_due_memo {
	int		 valid;
	unsigned	 gen;
	int64_t		 minute;
	int		 days;
	char		 due[11];
};

/*
 * What mo.c acts with: the store and the configuration, the group commit
 * its lines are logged in and the outbox its replies are kicked in, and
 * the rules and model it loads.
 */
struct mo {
	struct store			*store;		/* borrowed */
	const struct hotlined_conf	*conf;		/* borrowed */
	struct commit			*commit;	/* borrowed */
	struct outbox			*outbox;	/* borrowed, or NULL */
	struct rules			*rules;
	struct model			*model;		/* NULL: "model none" */
	struct classify_opts		 copts;		/* the thresholds */
	char				 norm[INTAKE_NORM_MAX];	/* the text */
	struct mo_due_memo		 memo[CAT_MAX];
};

/* What the rest of the file needs to know about one text. */
struct mo_ctx {
	struct mo		*mo;			/* borrowed */
	const struct store_group *g;		/* borrowed */
	const char		*msisdn;	/* g->source */
	const char		*text;		/* normalised, whole */
	int64_t			 now;
	int			 timed_out;
	char			 mask[LOG_MSISDN_MAX];
	int64_t			 case_id;	/* the case the text led to */
	char			 number[STORE_CASE_NUMBER_MAX]; /* its number */
	int64_t			 refusal_id;	/* or the refusal */
	char			 advice[40];	/* template that begins every
						   reply (possible emergency) */
	int			 registered;	/* a case was registered now */
};

static int	mo_reply(struct mo_ctx *, const char *kind, const char *tmpl,
		    const struct template_var *, size_t, int64_t case_id);
static int	mo_alert(struct mo_ctx *, const struct mo_verdict *);
static int	mo_is_machine(const struct mo_ctx *);
static int	mo_unclassified(const struct store_case *);
static const char *mo_after_number(const char *);
static int	mo_over_limit(struct mo_ctx *, int);
static int	mo_survey_closed(struct mo_ctx *, const char *);
static void	mo_log(const struct mo_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static const char *mo_body_raw(const struct mo_ctx *,
		    const struct mo_verdict *);

static struct mo	*mo_dflt;	/* borrowed: mo_default() */

/* A line about this text, logged once its batch commits (commit_log()). */
static void
mo_log(const struct mo_ctx *m, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	if (log_getlevel() < LOG_L_INFO)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	commit_log(m->mo->commit, "%s", line);
}

/*
 * Never answer machines: alphanumeric senders (banks, operators' own
 * notices), short service codes (10086, 95588: shorter than any phone
 * number, MO_PHONE_MIN digits) and the service number itself, or two
 * auto-responders would text each other forever (FIELD-NOTES 10).
 */
#define MO_PHONE_MIN	7
static int
mo_is_machine(const struct mo_ctx *m)
{
	struct mo	*mo = m->mo;
	const char	*p = m->msisdn;
	size_t		 n;

	if (*p == '+')
		p++;
	for (n = 0; p[n] != '\0'; n++)
		if (!isdigit((unsigned char)p[n]))
			return 1;
	if (n < MO_PHONE_MIN)
		return 1;
	return strncmp(m->msisdn, mo->conf->service_number,
	    strlen(mo->conf->service_number)) == 0;
}

/* Render template tmpl and queue it to the sender; 0 or -1. */
static int
mo_reply(struct mo_ctx *m, const char *kind, const char *tmpl,
    const struct template_var *vars, size_t nvars, int64_t case_id)
{
	struct mo		*mo = m->mo;
	struct store_outbox_new	 o;
	char			 text[MO_REPLY_MAX];
	int64_t			 id;
	size_t			 pre = 0;
	int			 n;

	/*
	 * max-replies-per-hour stops loops (an auto-responder answering our
	 * answers) and floods.  Art. 9: it never silences what a citizen must
	 * know: a person possibly in danger is answered, the acknowledgement
	 * of a case registered now goes (the case limit bounds those), and
	 * so does the one notice an hour that a matter was not registered.
	 */
	if (mo->conf->max_replies_per_hour > 0 && m->advice[0] == '\0' &&
	    strncmp(tmpl, "refuse_emergency_", 17) != 0 && !m->registered &&
	    strcmp(kind, "limit") != 0) {
		n = store_count_replies(mo->store, m->msisdn, m->now -
		    MO_HOUR_MS);
		if (n == -1)
			return -1;
		if (n >= mo->conf->max_replies_per_hour) {
			log_warnx("mo reply limit msisdn=%s kind=%s replies=%d, "
			    "not answered", m->mask, kind, n);
			return 0;
		}
	}
	/* the emergency advice first, then the usual answer, in one text */
	if (m->advice[0] != '\0') {
		if (template_render(template_current(), m->advice, NULL, 0,
		    text, sizeof(text)) == -1)
			log_warnx("mo reply template=%s msisdn=%s failed to "
			    "render, the reply goes without it", m->advice,
			    m->mask);
		pre = strlen(text);
	}
	if (template_render(template_current(), tmpl, vars, nvars, text + pre,
	    sizeof(text) - pre) == -1) {
		log_warnx("mo reply not sent template=%s msisdn=%s kind=%s: "
		    "template failed to render", tmpl, m->mask, kind);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.inbound = m->g->group;
	o.kind = kind;
	o.msisdn = m->msisdn;
	o.source = mo->conf->service_number;
	o.text = text;
	o.priority = strcmp(kind, "refusal") == 0 ? 10 : 0;
	if (store_outbox_add(mo->store, &o, &id) == -1)
		return -1;
	outbox_kick(mo->outbox);
	return 0;
}

/* --- the rooms mo.c consults: rules, calendar, templates -------------- */

/*
 * (Re)load the rules and the model file: both or neither, so that a
 * failed reload keeps the old pair in force.
 */
static int
mo_load(struct mo *mo, char *err, size_t errlen)
{
	struct rules	*nr;
	struct model	*nm = NULL;

	if ((nr = rules_load(mo->conf->rules, err, errlen)) == NULL)
		return -1;
	if (mo->conf->model != NULL &&
	    (nm = model_load(mo->conf->model, err, errlen)) == NULL) {
		rules_free(nr);
		return -1;
	}
	rules_free(mo->rules);
	mo->rules = nr;
	model_free(mo->model);
	mo->model = nm;
	mo->copts.min_score = mo->conf->classify_min_score < 0 ? -1 :
	    mo->conf->classify_min_score / 100.0;
	mo->copts.min_margin = mo->conf->classify_min_margin < 0 ? -1 :
	    mo->conf->classify_min_margin / 100.0;
	return 0;
}

/* The log's words for the model in force. */
static void
mo_log_model(const struct mo *mo, const char *what)
{
	const struct model_info	*mi;

	if (mo->model == NULL) {
		log_info("mo %s rules=%s model=none", what, mo->conf->rules);
		return;
	}
	mi = model_info(mo->model);
	log_info("mo %s rules=%s model=%s version=%s date=%s features=%zu",
	    what, mo->conf->rules, mo->conf->model, mi->version, mi->date,
	    mi->nfeature);
}

/* SIGHUP: the rules (calendar and templates reload on their own). */
int
mo_reload(void *arg)
{
	struct mo	*mo = arg;
	char		 err[1024];

	if (mo_load(mo, err, sizeof(err)) == -1) {
		log_warnx("mo reload failed, old rules and model kept: %s",
		    err);
		return -1;
	}
	mo_log_model(mo, "reloaded");
	return 0;
}

struct mo *
mo_new(struct store *st, const struct hotlined_conf *conf, struct commit *c,
    struct outbox *o, char *err, size_t errlen)
{
	struct mo	*mo;

	mo = xcalloc(1, sizeof(*mo));
	mo->store = st;
	mo->conf = conf;
	mo->commit = c;
	mo->outbox = o;
	if (mo_load(mo, err, errlen) == -1) {
		free(mo);
		return NULL;
	}
	mo_log_model(mo, "loaded");
	return mo;
}

void
mo_free(struct mo *mo)
{
	if (mo == NULL)
		return;
	rules_free(mo->rules);
	model_free(mo->model);
	if (mo_dflt == mo)
		mo_dflt = NULL;
	free(mo);
}

struct mo *
mo_default(void)
{
	return mo_dflt;
}

void
mo_set_default(struct mo *mo)
{
	mo_dflt = mo;
}

/*
 * The working-day deadline of a case of cat received at ms (Art. 18).  An
 * unclassified case has no category limit: it is due classify-days
 * working days after receipt (day 0 as for every deadline), the date the
 * acknowledgement promises the office will have classified it by; the
 * overdue scan supervises it when that passes.  Classifying it replaces
 * that date by the category's, counted from the same receipt (lifecycle
 * classify, mo_deadline()).  Texts of one minute share their deadlines
 * (the counting rule looks at the date and the minute of the day): a memo
 * per category, until the calendar or the limit changes.
 */
static int
mo_due(struct mo *mo, int cat, int64_t ms, char *due, size_t len)
{
	struct mo_due_memo	*memo = mo->memo;
	unsigned	 gen = calendar_generation();
	int64_t		 minute = ms / 60000;
	int		 days;

	if (cat < 0 || cat >= CAT_MAX)
		return -1;
	days = cat == CAT_UNCLASSIFIED ? mo->conf->classify_days :
	    deadline_limit(mo->conf->deadline_profile, cat,
	    mo->conf->efficiency_days);
	if (days < 0)
		return -1;
	if (!memo[cat].valid || memo[cat].gen != gen ||
	    memo[cat].minute != minute || memo[cat].days != days) {
		memo[cat].valid = 0;
		if (deadline_due_days(calendar_current(), days,
		    (time_t)(ms / 1000), memo[cat].due) == -1)
			return -1;
		memo[cat].gen = gen;
		memo[cat].minute = minute;
		memo[cat].days = days;
		memo[cat].valid = 1;
	}
	strlcpy(due, memo[cat].due, len);
	return 0;
}

int
mo_deadline(void *arg, const char *category, int64_t received_at, char *due,
    size_t len)
{
	int	c = category_from_name(category);

	return c == -1 ? -1 : mo_due(arg, c, received_at, due, len);
}

/* The service number replies go out from (hotlined.conf). */
const char *
mo_service_number(const struct mo *mo)
{
	return mo->conf->service_number;
}

/* The Chinese label of a stored category name. */
const char *
mo_category_zh(const char *name)
{
	int	c = category_from_name(name);

	return c == -1 ? name : category_label_zh(c);
}

/* 1 when the office has yet to classify the case. */
static int
mo_unclassified(const struct store_case *c)
{
	return c->category != NULL && category_from_name(c->category) ==
	    CAT_UNCLASSIFIED;
}

/* How a citizen reads a case's state. */
const char *
mo_state_zh(const char *state)
{
	static const struct {
		const char	*state, *zh;
	} names[] = {
		{ "registered", "已受理" },
		{ "pending_approval", "待审批" },
		{ "dispatched", "办理中" },
		{ "returned", "重新派单中" },
		{ "replied", "已答复待审核" },
		{ "answered", "已办结" },
		{ "closed", "已办结" },
		{ "rehandling", "重新办理中" },
		{ "final", "已办结" },
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++)
		if (strcmp(names[i].state, state) == 0)
			return names[i].zh;
	return "办理中";
}

/* intake.c's verdict on the whole text, in mo's terms. */
static int
mo_decide(struct mo_ctx *m, struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct intake_ctx	ctx;
	struct intake_verdict	iv;
	struct store_survey	open;
	size_t			svc = strlen(mo->conf->service_number);

	memset(&ctx, 0, sizeof(ctx));
	memset(v, 0, sizeof(*v));
	ctx.case_prefix = mo->conf->case_prefix;
	ctx.to_extension = strncmp(m->g->dest, mo->conf->service_number, svc) ==
	    0 && strlen(m->g->dest) > svc;
	/*
	 * Whether the citizen has a survey open is asked only of a text that
	 * reads as an answer to one: classified as if one were open, a text
	 * that is not a survey reply gets the verdict it would get anyway.
	 */
	ctx.survey_pending = 1;
	ctx.model = mo->model;
	ctx.classify = &mo->copts;
	/* one text at a time: the normalised text lives until the next */
	if (intake_classify(mo->rules, m->g->text ? m->g->text : "", &ctx, &iv,
	    mo->norm, sizeof(mo->norm)) == -1)
		return -1;
	if (iv.kind == INTAKE_SURVEY && !ctx.to_extension &&
	    store_survey_open(mo->store, m->msisdn, &open, 1) <= 0) {
		ctx.survey_pending = 0;
		if (intake_classify(mo->rules, m->g->text ? m->g->text : "",
		    &ctx, &iv, mo->norm, sizeof(mo->norm)) == -1)
			return -1;
	}
	m->text = mo->norm;
	if (iv.truncated)
		mo_log(m, "mo text longer than %d bytes, the rest was cut "
		    "msisdn=%s", INTAKE_TEXT_MAX, m->mask);
	v->category = iv.category;
	v->confidential = iv.confidential;
	strlcpy(v->rule, iv.rule, sizeof(v->rule));
	strlcpy(v->number, iv.number, sizeof(v->number));
	strlcpy(v->reason, iv.reason, sizeof(v->reason));
	strlcpy(v->channel, iv.channel, sizeof(v->channel));
	strlcpy(v->template, iv.template, sizeof(v->template));
	v->body = iv.body ? iv.body : "";
	v->screen = iv.screen;
	v->screen_channel = iv.screen_channel;
	strlcpy(v->screen_word, iv.screen_word, sizeof(v->screen_word));
	/* possible: every reply to this text begins with the advice */
	if (iv.screen == SCREEN_POSSIBLE)
		snprintf(m->advice, sizeof(m->advice), "advice_%s",
		    iv.screen_channel);
	v->unsure = iv.unsure;
	v->score = iv.score;
	v->margin = iv.margin;
	if (iv.kind == INTAKE_NEW_CASE)
		log_debug("mo classified msisdn=%s guess=%s score=%.2f "
		    "margin=%.2f%s rule=%s", m->mask,
		    classify_label_name(iv.guess), iv.score, iv.margin,
		    iv.unsure ? " unsure" : "", iv.rule[0] ? iv.rule : "-");
	switch (iv.kind) {
	case INTAKE_NEW_CASE:
		v->kind = MO_NEW_CASE;
		break;
	case INTAKE_REFUSE:
		v->kind = MO_REFUSE;
		break;
	case INTAKE_QUERY:
		v->kind = MO_QUERY;
		break;
	case INTAKE_SUPPLEMENT:
		v->kind = MO_SUPPLEMENT;
		break;
	case INTAKE_OPTOUT:
		v->kind = MO_OPTOUT;
		break;
	case INTAKE_SURVEY:
		v->kind = MO_SURVEY;
		break;
	case INTAKE_CONFIDENTIAL:
		v->kind = MO_CONFIDENTIAL;
		break;
	case INTAKE_HELP:
	case INTAKE_EMPTY:
		v->kind = MO_HELP;
		break;
	}
	return 0;
}

/*
 * Art. 6, 9: a consultation the knowledge base answers confidently is
 * answered at once and the case closed as answered; the notify hook sends
 * the answer as the result SMS.  1 answered, 0 not, -1 store failure.
 */
static int
mo_kb_answer(struct mo_ctx *m, const char *number)
{
	struct mo	*mo = m->mo;
	struct store_kb	 kb;
	struct lc_args	 a;
	struct lc_actor	 actor;
	double		 score;
	char		 err[256];
	int		 r;

	memset(&kb, 0, sizeof(kb));
	r = lifecycle_kb_match(mo->store, m->text, m->now - MO_KB_STALE_MS, &kb,
	    &score);
	if (r != 1)
		return r;
	if (score < LC_KB_CONFIDENT) {
		store_kb_clear(&kb, 1);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.text = kb.answer;
	memset(&actor, 0, sizeof(actor));
	actor.role = LC_ROLE_SYSTEM;
	actor.name = "kb";
	r = lifecycle_apply(mo->store, m->case_id, LC_OP_ANSWER, &a, &actor,
	    m->now, err, sizeof(err));
	if (r == LC_OK)
		mo_log(m, "mo answered case=%s from kb=%lld score=%.2f",
		    number, (long long)kb.id, score);
	else
		log_warnx("mo case=%s kb=%lld not answered: %s", number,
		    (long long)kb.id, err);
	store_kb_clear(&kb, 1);
	return r == LC_OK ? 1 : r == LC_ERROR ? -1 : 0;
}

/*
 * The same text again within the hour, after the retransmit window (an
 * SMSC's resend never gets this far): the citizen sends it again because
 * no answer came or to be sure.  One matter, one case: answer with the
 * case's acknowledgement again, register nothing.
 */
static int
mo_resent(struct mo_ctx *m, int64_t case_id)
{
	struct mo		*mo = m->mo;
	struct store_case	c;
	struct template_var	vars[3];
	int			r;

	memset(&c, 0, sizeof(c));
	if (store_case_get(mo->store, case_id, &c) != 1)
		return -1;
	mo_log(m, "mo resent case=%s msisdn=%s, same text within the hour: "
	    "acknowledged again", c.number, m->mask);
	m->case_id = case_id;
	vars[0] = (struct template_var){ "case", c.number };
	vars[1] = (struct template_var){ "category",
	    mo_category_zh(c.category) };
	vars[2] = (struct template_var){ "due", c.due };
	r = mo_reply(m, "ack", c.confidential ? "ack_confidential" : "ack",
	    vars, 3, case_id);
	store_case_clear(&c);
	return r;
}

/*
 * A new matter over max-new-cases-per-hour (a flood, or a loop the machine
 * test missed): not registered, and the citizen is told so, with how to get
 * it registered (rate_limited: send it again after the hour, or call), once
 * an hour whatever max-replies-per-hour says.  Later ones in that hour are
 * kept (the inbound row, the log line) and not answered: that notice
 * covers them, and a loop gets one SMS an hour.
 */
static int
mo_over_limit(struct mo_ctx *m, int cases)
{
	struct mo	*mo = m->mo;
	int		 n;

	if ((n = store_count_limited(mo->store, m->msisdn,
	    m->now - MO_HOUR_MS)) == -1)
		return -1;
	mo_log(m, "mo case limit msisdn=%s cases=%d in the last hour, not "
	    "registered%s", m->mask, cases, n > 0 ? ", told already" : "");
	if (n > 0)
		return 0;
	return mo_reply(m, "limit", "rate_limited", NULL, 0, 0);
}

/* A new matter: register a case, or refuse a repeat (Art. 14). */
static int
mo_new_case(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_case_new	 c;
	struct store_case	 old;
	struct template_var	 vars[4];
	char			 number[STORE_CASE_NUMBER_MAX], due[16];
	const char		*cat = category_name(v->category);
	int64_t			 old_id, resent_id;
	int			 n, repeats, flags = 0;

	if (mo->conf->max_new_cases_per_hour > 0) {
		n = store_count_cases(mo->store, m->msisdn, m->now -
		    MO_HOUR_MS);
		if (n == -1)
			return -1;
		if (n >= mo->conf->max_new_cases_per_hour)
			return mo_over_limit(m, n);
	}
	/*
	 * Art. 14: the same matter, re-handled and confirmed, is not
	 * re-taken; Art. 23(8): a third complaint on the same unresolved
	 * matter is flagged.  One read of the citizen's cases serves both.
	 * Both compare within the category: an unclassified text only with
	 * the citizen's other unclassified cases; the count of Art. 23(8) is
	 * made again when a person classifies it (lifecycle classify).
	 */
	if (lifecycle_matter_history(mo->store, m->msisdn, cat, m->text, m->now,
	    &old_id, &repeats, &resent_id) == -1)
		return -1;
	if (resent_id != 0)
		return mo_resent(m, resent_id);
	if (old_id != 0) {
		memset(&old, 0, sizeof(old));
		if (store_case_get(mo->store, old_id, &old) != 1)
			return -1;
		mo_log(m, "mo repeat case=%s msisdn=%s, not accepted again "
		    "(Art. 14)", old.number, m->mask);
		metrics_add(MF_MO_REFUSED, "repeat", 1);
		vars[0] = (struct template_var){ "case", old.number };
		n = store_audit(mo->store, old_id, "citizen", "intake.repeat",
		    "same matter after re-handling", m->now);
		if (n != -1)
			n = mo_reply(m, "refusal", "refuse_repeat", vars, 1,
			    old_id);
		store_case_clear(&old);	/* after the reply: vars borrow it */
		return n;
	}
	if (repeats >= LC_REPEAT_FLAG - 1)
		flags |= STORE_CF_REPEATED;
	if (m->timed_out)
		flags |= STORE_CF_INCOMPLETE;

	if (mo_due(mo, v->category, m->g->first_at, due, sizeof(due)) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.msisdn = m->msisdn;
	c.category = cat;
	c.text = m->g->text ? m->g->text : m->text;	/* as written */
	c.confidential = v->confidential;
	c.received_at = m->g->first_at;
	c.due = due;
	c.rule = v->rule[0] != '\0' ? v->rule : NULL;
	c.flags = flags;
	c.inbound = m->g->group;
	if (store_case_add(mo->store, &c, &m->case_id, number) == -1)
		return -1;
	m->registered = 1;
	strlcpy(m->number, number, sizeof(m->number));
	if (store_audit(mo->store, m->case_id, "citizen", "case.registered",
	    cat, m->now) == -1)
		return -1;
	metrics_add(MF_CASES, cat, 1);
	mo_log(m, "intake case=%s msisdn=%s cat=%s due=%s%s%s%s rule=%s",
	    number, m->mask, cat, due, v->confidential ? " confidential" : "",
	    flags & STORE_CF_REPEATED ? " repeated" : "",
	    m->timed_out ? " incomplete" : "", c.rule ? c.rule : "-");
	vars[0] = (struct template_var){ "case", number };
	vars[1] = (struct template_var){ "due", due };
	vars[2] = (struct template_var){ "category",
	    category_label_zh(v->category) };
	/* a possible emergency is not answered by the knowledge base */
	if (v->category == CAT_CONSULTATION && v->screen == SCREEN_NONE &&
	    (n = mo_kb_answer(m, number)) != 0) {
		if (n == -1)
			return -1;	/* the answer is the reply */
	} else if (v->category == CAT_UNCLASSIFIED) {
		/* unsure: no category and no category deadline is promised */
		if (mo_reply(m, "ack", v->confidential ?
		    "ack_unclassified_confidential" : "ack_unclassified",
		    vars, 2, m->case_id) == -1)
			return -1;
	} else if (mo_reply(m, "ack", v->confidential ? "ack_confidential" :
	    "ack", vars, 3, m->case_id) == -1)
		return -1;
	/* a long SMS given up with parts missing: say so, and how to add */
	if (m->timed_out)
		return mo_reply(m, "ack", "incomplete_note", vars, 1,
		    m->case_id);
	return 0;
}

/* Art. 8: not for the hotline; say where to turn, record it, no case. */
static int
mo_refuse(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_refusal	r;
	int64_t			id;

	memset(&r, 0, sizeof(r));
	r.msisdn = m->msisdn;
	r.inbound = m->g->group;
	r.reason = v->reason;
	r.rule = v->rule[0] != '\0' ? v->rule : NULL;
	r.channel = v->channel[0] != '\0' ? v->channel : NULL;
	r.text = m->g->text ? m->g->text : m->text;
	r.at = m->now;
	if (store_refusal_add(mo->store, &r, &id) == -1)
		return -1;
	m->refusal_id = id;
	if (store_audit(mo->store, 0, "citizen", "intake.refused", v->reason,
	    m->now) == -1)
		return -1;
	metrics_add(MF_MO_REFUSED, v->reason, 1);
	mo_log(m, "intake refused msisdn=%s reason=%s channel=%s rule=%s",
	    m->mask, v->reason, r.channel ? r.channel : "-",
	    r.rule ? r.rule : "-");
	return mo_reply(m, "refusal", v->template, NULL, 0, 0);
}

/*
 * The safety screen found a life possibly in danger: an alert row in this
 * text's savepoint (with its case or refusal), logged once committed.
 */
static int
mo_alert(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_alert_new	a;

	memset(&a, 0, sizeof(a));
	a.at = m->now;
	a.verdict = screen_verdict_name(v->screen);
	a.channel = v->screen_channel;
	a.word = v->screen_word[0] != '\0' ? v->screen_word : NULL;
	a.msisdn = m->msisdn;
	a.mask = m->mask;
	a.inbound = m->g->group;
	a.case_id = m->case_id;
	a.refusal_id = m->refusal_id;
	return alert_raise(mo->commit, mo->store, &a, m->number[0] != '\0' ?
	    m->number : NULL);
}

/* 查询/CX: one of the sender's own cases, or all open ones. */
static int
mo_query(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_case	 c[MO_LIST_MAX];
	struct template_var	 vars[4];
	char			 list[512], count[16];
	int			 n, i;

	memset(c, 0, sizeof(c));
	if (v->number[0] != '\0') {
		/* another's case reads as not found, never as "not yours" */
		n = store_case_find(mo->store, v->number, m->msisdn, &c[0]);
		if (n == -1)
			return -1;
		vars[0] = (struct template_var){ "case", v->number };
		if (n == 0) {
			mo_log(m, "mo query case=%s msisdn=%s not found",
			    v->number, m->mask);
			return mo_reply(m, "status", "status_notfound",
			    vars, 1, 0);
		}
		vars[1] = (struct template_var){ "state",
		    mo_state_zh(c[0].state) };
		vars[2] = (struct template_var){ "due", c[0].due };
		vars[3] = (struct template_var){ "category",
		    mo_category_zh(c[0].category) };
		mo_log(m, "mo query case=%s msisdn=%s state=%s", c[0].number,
		    m->mask, c[0].state);
		n = mo_reply(m, "status", mo_unclassified(&c[0]) ?
		    "status_unclassified" : "status", vars,
		    mo_unclassified(&c[0]) ? 3 : 4, c[0].id);
		store_case_clear(&c[0]);
		return n;
	}
	n = store_case_list_open(mo->store, m->msisdn, c, MO_LIST_MAX);
	if (n == -1)
		return -1;
	mo_log(m, "mo query msisdn=%s open=%d", m->mask, n);
	if (n == 0)
		return mo_reply(m, "status", "status_none", NULL, 0, 0);
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		char	line[128];

		/* an unclassified case has no deadline to show yet */
		snprintf(line, sizeof(line), "%s%s %s %s", i ? "；" : "",
		    c[i].number, mo_state_zh(c[i].state),
		    mo_unclassified(&c[i]) ? category_label_zh(
		    CAT_UNCLASSIFIED) : c[i].due);
		strlcat(list, line, sizeof(list));
		store_case_clear(&c[i]);
	}
	snprintf(count, sizeof(count), "%d", n);
	vars[0] = (struct template_var){ "count", count };
	vars[1] = (struct template_var){ "cases", list };
	return mo_reply(m, "status", "status_list", vars, 2, 0);
}

/* 补充/BC: more text for the sender's own case. */
/*
 * A supplement's body as the citizen wrote it (full-width punctuation and
 * all, as the survey's raw reply): the text after the case number, not
 * intake's normalised copy, which only says whether there is one.
 */
static const char *
mo_body_raw(const struct mo_ctx *m, const struct mo_verdict *v)
{
	const char	*raw;

	if (m->g->text == NULL)
		return v->body;
	raw = mo_after_number(m->g->text);
	return raw != m->g->text && raw[0] != '\0' ? raw : v->body;
}

static int
mo_supplement(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_case	c;
	struct template_var	vars[1];
	int			n;

	vars[0] = (struct template_var){ "case", v->number };
	memset(&c, 0, sizeof(c));
	if ((n = store_case_find(mo->store, v->number, m->msisdn, &c)) == -1)
		return -1;
	if (n == 0 || v->body[0] == '\0') {
		mo_log(m, "mo supplement case=%s msisdn=%s not found",
		    v->number, m->mask);
		return mo_reply(m, "status", "supplement_notfound", vars, 1, 0);
	}
	m->case_id = c.id;
	store_case_clear(&c);
	if (store_case_supplement(mo->store, m->case_id, m->g->group,
	    mo_body_raw(m, v), m->now) == -1 ||
	    store_audit(mo->store, m->case_id, "citizen", "case.supplement",
	    NULL, m->now) == -1)
		return -1;
	mo_log(m, "mo supplement case=%s msisdn=%s", v->number, m->mask);
	return mo_reply(m, "status", "supplement_ok", vars, 1, m->case_id);
}

/*
 * 保密 HY…: the citizen's own case made confidential (Art. 19), from now
 * on and for good; more text after the number is added to the case as a
 * supplement.  Another's case reads as not found.
 */
static int
mo_confidential(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct store_case	c;
	struct template_var	vars[1];
	int			n;

	vars[0] = (struct template_var){ "case", v->number };
	memset(&c, 0, sizeof(c));
	if ((n = store_case_find(mo->store, v->number, m->msisdn, &c)) == -1)
		return -1;
	if (n == 0) {
		mo_log(m, "mo confidential case=%s msisdn=%s not found",
		    v->number, m->mask);
		return mo_reply(m, "status", "confidential_notfound", vars, 1,
		    0);
	}
	m->case_id = c.id;
	store_case_clear(&c);
	/* the citizen's from now on, also when the office had set it */
	if ((n = disclose_citizen(mo->store, m->case_id, m->now)) == -1)
		return -1;
	n = !n;		/* already theirs */
	if (v->body[0] != '\0' && (store_case_supplement(mo->store, m->case_id,
	    m->g->group, mo_body_raw(m, v), m->now) == -1 ||
	    store_audit(mo->store, m->case_id, "citizen", "case.supplement",
	    NULL, m->now) == -1))
		return -1;
	mo_log(m, "mo confidential case=%s msisdn=%s%s%s", v->number, m->mask,
	    n ? " already" : "", v->body[0] != '\0' ? " supplement" : "");
	return mo_reply(m, "status", "confidential_ok", vars, 1, m->case_id);
}

/*
 * The citizen's text as written after the case number that opens it
 * ("ＨＹ２６１１２６０００１，满意" -> "满意"): the first run of digits,
 * full- or half-width, then separators.  The whole text when none.
 */
static const char *
mo_after_number(const char *raw)
{
	const char	*p = raw, *q;
	char		 one[8], f[8];
	size_t		 k;
	int		 n, digits = 0, after = 0;

	while (*p != '\0') {
		n = (unsigned char)*p;
		k = n < 0x80 ? 1 : (n & 0xe0) == 0xc0 ? 2 :
		    (n & 0xf0) == 0xe0 ? 3 : (n & 0xf8) == 0xf0 ? 4 : 0;
		if (k == 0 || strnlen(p, k) < k || k >= sizeof(one))
			return raw;
		memcpy(one, p, k);
		one[k] = '\0';
		if ((n = lc_fold(one, f, sizeof(f), 0)) <= 0)
			return raw;
		q = p + k;
		if (!after && n == 1 && f[0] >= '0' && f[0] <= '9')
			digits++;
		else if (digits > 0) {
			if (n == 1 && (f[0] == ' ' || ispunct((unsigned char)
			    f[0]) || f[0] == '\t')) {
				after = 1;	/* separators after the number */
				p = q;
				continue;
			}
			return p;
		}
		p = q;
	}
	return digits > 0 ? p : raw;
}

/* The citizen's open survey for case number, or SURVEY_M_NONE. */
static enum survey_match
mo_survey_for(struct mo_ctx *m, const char *number, struct store_survey *sv)
{
	struct mo		*mo = m->mo;
	struct store_survey	open[MO_LIST_MAX];
	int			n, i;

	if ((n = store_survey_open(mo->store, m->msisdn, open, nitems(open))) ==
	    -1)
		return SURVEY_M_ERROR;
	for (i = 0; i < n; i++)
		if (strcasecmp(open[i].number, number) == 0) {
			*sv = open[i];
			return SURVEY_M_FOUND;
		}
	return SURVEY_M_NONE;
}

/* survey_which_case: which of several open surveys?  List their cases. */
static int
mo_survey_which(struct mo_ctx *m)
{
	struct mo		*mo = m->mo;
	struct store_survey	open[MO_LIST_MAX];
	struct template_var	vars[1];
	char			list[256];
	int			n, i;

	if ((n = store_survey_open(mo->store, m->msisdn, open, nitems(open))) ==
	    -1)
		return -1;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(list, "、", sizeof(list));
		strlcat(list, open[i].number, sizeof(list));
	}
	mo_log(m, "survey reply msisdn=%s open=%d, asked which case", m->mask,
	    n);
	vars[0] = (struct template_var){ "cases", list };
	return mo_reply(m, "survey", "survey_which_case", vars, 1, 0);
}

/*
 * A score sent to the extension of a survey that is closed (answered, or
 * expired): the citizen is told it was not counted (survey_closed), not
 * handed a new case for "1".  Anything else there is read as a new matter
 * (-2), as is a reply to an extension nobody gave them.
 */
static int
mo_survey_closed(struct mo_ctx *m, const char *raw)
{
	struct mo		*mo = m->mo;
	struct store_survey	sv;
	struct template_var	vars[1];
	size_t			svc = strlen(mo->conf->service_number);
	int			score, n;

	if (strncmp(m->g->dest, mo->conf->service_number, svc) != 0 ||
	    m->g->dest[svc] == '\0' || survey_parse(raw, &score, NULL, 0) != 1)
		return -2;
	if ((n = store_survey_last_ext(mo->store, m->msisdn, m->g->dest + svc,
	    &sv)) != 1)
		return n == -1 ? -1 : -2;
	m->case_id = sv.case_id;
	mo_log(m, "survey closed case=%s msisdn=%s, the reply is not counted",
	    sv.number, m->mask);
	vars[0] = (struct template_var){ "case", sv.number };
	return mo_reply(m, "survey", "survey_closed", vars, 1, sv.case_id);
}

/*
 * A reply to a survey (Art. 15): matched by extension code, by the case
 * number it names, or alone.  The reply is stored as written (m->g->text,
 * not the normalised text): survey_parse() folds it itself.
 */
static int
mo_survey(struct mo_ctx *m, const struct mo_verdict *v)
{
	struct mo		*mo = m->mo;
	struct survey_conf	sc;
	struct store_survey	sv;
	struct survey_outcome	out;
	struct template_var	vars[1];
	const char		*raw = m->g->text != NULL ? m->g->text : "";
	int			r;

	survey_conf_init(&sc, mo->conf);
	memset(&sv, 0, sizeof(sv));
	if (v->number[0] != '\0') {
		r = mo_survey_for(m, v->number, &sv);
		raw = mo_after_number(raw);
	} else
		r = survey_match(mo->store, &sc, m->msisdn, m->g->dest, &sv);
	if (r == SURVEY_M_ERROR)
		return -1;
	if (r == SURVEY_M_WHICH)
		return mo_survey_which(m);
	if (r == SURVEY_M_FOUND && sv.expire_at > 0 && sv.expire_at <= m->now) {
		/* past its expiry, the tick not come yet: it is closed */
		if (survey_expire(mo->store, &sv, m->now) == -1)
			return -1;
		mo_log(m, "survey expired case=%s msisdn=%s at the reply",
		    sv.number, m->mask);
		r = SURVEY_M_NONE;
	}
	if (r == SURVEY_M_NONE)
		return mo_survey_closed(m, raw);
	m->case_id = sv.case_id;
	memset(&out, 0, sizeof(out));
	if ((r = survey_reply(mo->store, sv.id, raw, m->now, &out)) == -1)
		return -1;
	metrics_add(MF_SURVEYS, out.score == 1 ? "satisfied" : out.score == 2 ?
	    "basically-satisfied" : out.score == 3 ? "dissatisfied" : "unclear",
	    1);
	vars[0] = (struct template_var){ "case", sv.number };
	if (r == 1)
		return mo_reply(m, "survey", "survey_thanks", vars, 1,
		    sv.case_id);
	mo_log(m, "survey reply case=%s msisdn=%s score=%d%s%s",
	    sv.number, m->mask, out.score,
	    out.reopened ? " reopened" : "", out.final ? " final" : "");
	if (out.score == 0)
		return out.send_options ? mo_reply(m, "survey",
		    "survey_unclear", vars, 1, sv.case_id) : 0;
	return mo_reply(m, "survey", "survey_thanks", vars, 1, sv.case_id);
}

int
mo_process(struct mo *mo, const struct store_group *g, int timed_out)
{
	struct mo_ctx		 m;
	struct mo_verdict	 v;
	int			 r = -1;

	memset(&m, 0, sizeof(m));
	m.mo = mo;
	m.g = g;
	m.msisdn = g->source;
	m.now = (int64_t)clock_now_ms();
	m.timed_out = timed_out;
	log_msisdn(m.msisdn, m.mask, sizeof(m.mask));

	if (mo_is_machine(&m)) {
		/* not a citizen: nothing to register and nobody to answer */
		mo_log(&m, "mo ignored machine sender msisdn=%s", m.mask);
		metrics_add(MF_MO_IGNORED, NULL, 1);
		r = store_inbound_done_group(mo->store, g, timed_out, 0);
		goto done;
	}
	if (mo_decide(&m, &v) == -1) {
		r = -1;
		goto done;
	}
	switch (v.kind) {
	case MO_SURVEY:
		if ((r = mo_survey(&m, &v)) != -2)
			break;
		/* no open survey after all: read it as a new matter */
		v.kind = MO_NEW_CASE;
		/* FALLTHROUGH */
	case MO_NEW_CASE:
		r = mo_new_case(&m, &v);
		break;
	case MO_REFUSE:
		r = mo_refuse(&m, &v);
		break;
	case MO_QUERY:
		r = mo_query(&m, &v);
		break;
	case MO_SUPPLEMENT:
		r = mo_supplement(&m, &v);
		break;
	case MO_CONFIDENTIAL:
		r = mo_confidential(&m, &v);
		break;
	case MO_OPTOUT:
		if ((r = store_optout_set(mo->store, m.msisdn, 1, m.now)) ==
		    0) {
			mo_log(&m, "mo optout msisdn=%s", m.mask);
			r = mo_reply(&m, "optout", "optout_ok", NULL, 0, 0);
		}
		break;
	case MO_HELP:
		mo_log(&m, "mo help msisdn=%s", m.mask);
		r = mo_reply(&m, "help", "help", NULL, 0, 0);
		break;
	}
	if (r == 0 && v.screen != SCREEN_NONE)
		r = mo_alert(&m, &v);
	if (r == 0)
		r = store_inbound_done_group(mo->store, g, timed_out,
		    m.case_id);
	if (r == 0)
		metrics_add(MF_MO_RECEIVED, NULL, 1);
 done:
	return r == 0 ? 0 : -1;
}
