/*
 * The admin API's case routes: GET /v1/cases, /v1/cases/:number and its
 * citizen's number, and POST /v1/cases/:number/<op>, the lifecycle's
 * operations (lifecycle.h).
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "calendar.h"
#include "category.h"
#include "commit.h"
#include "gsm7.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "tokens.h"
#include "util.h"

/* A case as JSON, never with a phone number; full adds the detail. */
json_t *
admin_case_json(struct store *st, const struct store_case *c, int full)
{
	char	 co[LC_CO_MAX][STORE_UNIT_CODE_MAX], today[CAL_DATE_LEN];
	json_t	*o, *a;
	int	 n, i;

	admin_today(today);
	o = json_object();
	json_object_set_new(o, "number", json_string(c->number));
	admin_jstr(o, "category", c->category);
	admin_jstr(o, "state", c->state);
	json_object_set_new(o, "confidential", json_boolean(c->confidential));
	admin_jtime(o, "received_at", c->received_at);
	admin_jstr(o, "due", c->due);
	admin_jstr(o, "unit", c->unit);
	json_object_set_new(o, "supervised", json_boolean(c->supervised));
	json_object_set_new(o, "overdue", json_boolean(c->closed_at == 0 &&
	    c->due != NULL && strcmp(c->due, today) < 0));
	if (!full)
		return o;
	admin_jstr(o, "text", c->text);
	admin_case_origin(st, c->id, o);	/* admin_import.c */
	admin_jstr(o, "rule", c->rule);
	a = json_array();
	if (c->flags & STORE_CF_INCOMPLETE)
		json_array_append_new(a, json_string("incomplete"));
	if (c->flags & STORE_CF_REPEATED)
		json_array_append_new(a, json_string("repeated"));
	if (c->flags & STORE_CF_NOTIFY_FAILED)
		json_array_append_new(a, json_string("notify-failed"));
	json_object_set_new(o, "flags", a);
	admin_jstr(o, "result", c->result);
	admin_jtime(o, "closed_at", c->closed_at);
	json_object_set_new(o, "supplements", json_integer(c->nsupplements));
	a = json_array();
	if (st != NULL && (n = store_case_counits(st, c->id, co,
	    LC_CO_MAX)) > 0)
		for (i = 0; i < n; i++)
			json_array_append_new(a, json_string(co[i]));
	json_object_set_new(o, "co_units", a);
	if (st != NULL)
		admin_ext_case_json(st, c, o);	/* Art. 18, 19 (approve) */
	admin_jtime(o, "dispatched_at", c->dispatched_at);
	admin_jstr(o, "due_original", c->due_original);
	json_object_set_new(o, "extensions", json_integer(c->extensions));
	json_object_set_new(o, "late_returns", json_integer(c->late_returns));
	admin_jstr(o, "supervision", c->supervision);
	json_object_set_new(o, "rehandled", json_boolean(c->rehandled));
	json_object_set_new(o, "result_cut", json_integer(c->result_cut));
	admin_jtime(o, "updated_at", c->updated_at);
	json_object_set_new(o, "survey_score", c->survey_score > 0 ?
	    json_integer(c->survey_score) : json_null());
	admin_jstr(o, "survey_state", c->survey_state);
	return o;
}

/* A case's history as JSON: audit events, messages in and out. */
static json_t *
admin_history_json(const struct store_history *h)
{
	const struct store_event	*e;
	json_t				*o, *a, *ev, *d;
	size_t				 i;

	o = json_object();
	a = json_array();
	for (i = 0; i < h->naudit; i++) {
		e = &h->audit[i];
		ev = json_object();
		json_object_set_new(ev, "id", json_integer(e->id));
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "action", e->kind);
		admin_jstr(ev, "actor", e->actor);
		d = e->text != NULL ? json_loads(e->text, 0, NULL) : NULL;
		json_object_set_new(ev, "detail", d != NULL ? d : e->text ?
		    json_string(e->text) : json_null());
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "events", a);
	a = json_array();
	for (i = 0; i < h->nin; i++) {
		e = &h->in[i];
		ev = json_object();
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "kind", e->kind);
		admin_jstr(ev, "text", e->text);
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "in", a);
	a = json_array();
	for (i = 0; i < h->nout; i++) {
		e = &h->out[i];
		ev = json_object();
		json_object_set_new(ev, "id", json_integer(e->id));
		admin_jtime(ev, "at", e->at);
		admin_jstr(ev, "kind", e->kind);
		admin_jstr(ev, "text", e->text);
		admin_jstr(ev, "state", store_outbox_strstate(e->state));
		json_object_set_new(ev, "attempts", json_integer(e->attempts));
		admin_jstr(ev, "receipt", e->receipt);
		admin_jtime(ev, "receipt_at", e->receipt_at);
		json_array_append_new(a, ev);
	}
	json_object_set_new(o, "out", a);
	return o;
}

/* A case number (letters and digits) from s, upper-cased; 0 or -1. */
static int
admin_number(const char *s, char num[STORE_CASE_NUMBER_MAX])
{
	size_t	i, len = strlen(s);

	if (len == 0 || len >= STORE_CASE_NUMBER_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) ||
		    (unsigned char)s[i] >= 0x80)
			return -1;
		num[i] = (char)toupper((unsigned char)s[i]);
	}
	num[i] = '\0';
	return 0;
}

/* The case r->param[0] names, if r's token may see it; 0 or a status. */
int
admin_case_load(struct admin_req *r, struct store_case *c)
{
	char	num[STORE_CASE_NUMBER_MAX];
	int	rv;

	memset(c, 0, sizeof(*c));
	if (admin_number(r->param[0], num) == -1)
		return admin_error(r, 400, "bad_request", "not a case number "
		    "(letters and digits, at most %d)", STORE_CASE_NUMBER_MAX -
		    1);
	admin_log_case(r, num);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((rv = store_case_find(r->store, num, NULL, c)) == -1)
		return admin_error(r, 500, "internal", "cannot read the case");
	if (rv == 0 || !admin_case_visible(r, c)) {
		store_case_clear(c);
		return admin_error(r, 404, "not_found", "no case %s", num);
	}
	return 0;
}

int
admin_case_show(struct admin_req *r)
{
	struct store_case	c;
	struct store_history	h;
	int			st;

	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	memset(&h, 0, sizeof(h));
	if (store_case_history(r->store, c.id, &h) == -1) {
		store_case_clear(&c);
		return admin_error(r, 500, "internal", "cannot read the "
		    "case's history");
	}
	r->reply = admin_case_json(r->store, &c, 1);
	json_object_set_new(r->reply, "history", admin_history_json(&h));
	store_history_clear(&h);
	store_case_clear(&c);
	return 200;
}

/*
 * The value of a character a person may write a phone number with, or -1:
 * ASCII and full-width digits, Unicode's other decimal digit sets, circled,
 * parenthesised, dotted and super/subscript forms, and the Chinese
 * numerals (大写 too, and 幺 and 两 as read out in numbers).
 */
static int
admin_digit(uint32_t c)
{
	static const uint32_t	zeros[] = {	/* each set's 0; 1-9 follow */
		0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66,
		0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6,
		0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810,
		0x1946, 0x19d0, 0x2080, 0xff10, 0x1d7ce, 0x1d7d8, 0x1d7e2,
		0x1d7ec, 0x1d7f6, 0x1fbf0
	};
	static const uint32_t	ones[] = {	/* each set's 1; 2-9 follow */
		0x2460, 0x2474, 0x2488, 0x24f5, 0x2776, 0x2780, 0x278a
	};
	static const struct { uint32_t c; int v; } cjk[] = {
		{ 0x3007, 0 }, { 0x96f6, 0 }, { 0x4e00, 1 }, { 0x5e7a, 1 },
		{ 0x58f9, 1 }, { 0x4e8c, 2 }, { 0x4e24, 2 }, { 0x8d30, 2 },
		{ 0x4e09, 3 }, { 0x53c1, 3 }, { 0x56db, 4 }, { 0x8086, 4 },
		{ 0x4e94, 5 }, { 0x4f0d, 5 }, { 0x516d, 6 }, { 0x9646, 6 },
		{ 0x4e03, 7 }, { 0x67d2, 7 }, { 0x516b, 8 }, { 0x634c, 8 },
		{ 0x4e5d, 9 }, { 0x7396, 9 }, { 0x24ea, 0 }, { 0x24ff, 0 },
		{ 0x2070, 0 }, { 0x00b9, 1 }, { 0x00b2, 2 }, { 0x00b3, 3 },
	};
	size_t	i;

	for (i = 0; i < nitems(zeros); i++)
		if (c >= zeros[i] && c <= zeros[i] + 9)
			return (int)(c - zeros[i]);
	for (i = 0; i < nitems(ones); i++)
		if (c >= ones[i] && c <= ones[i] + 8)
			return (int)(c - ones[i]) + 1;
	if (c >= 0x2074 && c <= 0x2079)
		return (int)(c - 0x2070);		/* superscript 4-9 */
	for (i = 0; i < nitems(cjk); i++)
		if (c == cjk[i].c)
			return cjk[i].v;
	return -1;
}

/*
 * 1 when text holds the last 8 digits of msisdn, whatever lies between
 * and in whatever digits it is written (１３８, 一三八, ①③⑧...).
 */
static int
admin_holds_msisdn(const char *text, const char *msisdn)
{
	char		 d[LC_TEXT_MAX + 1], tail[16];
	size_t		 n = 0, m = 0, i, len = strlen(text), k;
	uint32_t	 c;
	int		 v;

	for (i = 0; msisdn[i] != '\0'; i++)
		if (isdigit((unsigned char)msisdn[i]) && m < sizeof(tail) - 1)
			tail[m++] = msisdn[i];
	if (m < 5)
		return 0;	/* too short to tell from other digits */
	tail[m] = '\0';
	for (i = 0; i < len && n < sizeof(d) - 1; i += k) {
		/* a byte that is not UTF-8 is skipped, never the rest */
		if ((k = gsm7_utf8_next(text + i, len - i, &c)) == 0) {
			k = 1;
			continue;
		}
		if ((v = admin_digit(c)) >= 0)
			d[n++] = (char)('0' + v);
	}
	d[n] = '\0';
	return strstr(d, tail + (m > 8 ? m - 8 : 0)) != NULL;
}

/*
 * The ?reason= a number read requires, into *reasonp (it points into q,
 * *np parameters, to free); 0, or a status with q freed.
 */
int
admin_reason(struct admin_req *r, struct admin_qparam *q, int *np,
    const char **reasonp)
{
	static const char *const allowed[] = { "reason", NULL };

	*reasonp = NULL;
	if ((*np = admin_query(r, allowed, q, ADMIN_QUERY_MAX)) == -1) {
		*np = 0;
		return 400;
	}
	if (*np == 1)
		*reasonp = q[0].value;
	if (*reasonp == NULL || **reasonp == '\0') {
		admin_query_free(q, (size_t)*np);
		*np = 0;
		return admin_error(r, 400, "bad_request", "a reason is "
		    "required: ?reason=why the citizen must be called (it "
		    "is audited)");
	}
	return 0;
}

int
admin_msisdn_read(struct admin_req *r, int64_t case_id, const char *msisdn,
    const char *reason, json_t *detail)
{
	char	*s = NULL;
	int	 st = 0;

	if (reason != NULL && admin_holds_msisdn(reason, msisdn))
		st = admin_error(r, 400, "bad_request", "the reason must not "
		    "hold the phone number (the audit trail keeps it forever)");
	else if (detail == NULL || (s = json_dumps(detail, JSON_COMPACT)) ==
	    NULL)
		st = admin_error(r, 400, "bad_request", "reason: not valid "
		    "UTF-8");
	else if (commit_unit_begin(commit_default()) == -1)
		st = admin_error(r, 503, "unavailable", "the database is busy; "
		    "retry");
	/* audited first: the number goes out only if this event commits */
	else if (store_audit(r->store, case_id, r->token->name, "msisdn-read",
	    s, (int64_t)clock_now_ms()) == -1)
		st = admin_error(r, 500, "internal", "cannot audit the read; "
		    "the number is not given");
	json_decref(detail);
	free(s);
	return st;
}

/*
 * GET /v1/cases/:number/citizen?reason=TEXT: the citizen's phone number,
 * for calling them back.  Who: the office; the lead unit (主办, Art. 11)
 * of a case dispatched to it now, unless the citizen asked for
 * confidentiality (Art. 19): then the office only.  Co-units and auditors
 * never.  The read is an audit event (Art. 22, 23(10)) with the reason,
 * and the number leaves only once that event has committed.
 */
int
admin_case_citizen(struct admin_req *r)
{
	struct admin_qparam	 q[ADMIN_QUERY_MAX];
	struct store_case	 c;
	char			 msisdn[STORE_ADDR_MAX], mask[LOG_MSISDN_MAX];
	const char		*reason;
	int			 n, st, rv;

	msisdn[0] = '\0';
	if ((st = admin_reason(r, q, &n, &reason)) != 0)
		return st;
	if ((st = admin_case_load(r, &c)) != 0)
		goto out;
	if (r->token->role == TOKEN_UNIT) {
		if (c.confidential)
			st = admin_error(r, 403, "forbidden", "case %s is "
			    "confidential (Art. 19): only the hotline office "
			    "may read the citizen's number", c.number);
		else if (c.unit == NULL || strcmp(c.unit, r->token->unit) != 0)
			st = admin_error(r, 403, "forbidden", "only the lead "
			    "unit of case %s may read the citizen's number",
			    c.number);
	}
	if (st == 0 && (rv = store_case_msisdn(r->store, c.id, msisdn,
	    sizeof(msisdn))) != 1)
		st = rv == 0 ? admin_error(r, 404, "not_found", "no number "
		    "stored for case %s", c.number) : admin_error(r, 500,
		    "internal", "cannot read the number");
	if (st == 0)
		st = admin_msisdn_read(r, c.id, msisdn, reason,
		    json_pack("{s:s,s:s,s:s?}", "reason", reason, "role",
		    tokens_strrole(r->token->role), "unit",
		    r->token->unit[0] != '\0' ? r->token->unit : NULL));
	if (st == 0) {
		log_info("admin msisdn-read case=%s token=%s msisdn=%s",
		    c.number, r->token->name, log_msisdn(msisdn, mask,
		    sizeof(mask)));
		r->reply = json_pack("{s:s,s:s,s:b}", "case", c.number,
		    "msisdn", msisdn, "confidential", c.confidential);
	}
	store_case_clear(&c);
	explicit_bzero(msisdn, sizeof(msisdn));
out:
	admin_query_free(q, (size_t)n);
	if (st != 0)
		return st;
	if (r->reply == NULL)
		return admin_error(r, 500, "internal",
		    "cannot build the reply");
	return admin_defer(r, 200);
}

/* A lifecycle result as the API's status and code. */
static int
admin_lc_error(struct admin_req *r, enum lc_result res, const char *err)
{
	switch (res) {
	case LC_BAD_STATE:
		return admin_error(r, 409, "conflict", "%s", err);
	case LC_FORBIDDEN:
		return admin_error(r, 403, "forbidden", "%s", err);
	case LC_INVALID:
		return admin_error(r, 400, "bad_request", "%s", err);
	case LC_NOT_FOUND:
		return admin_error(r, 404, "not_found", "no case %s",
		    r->case_number);
	default:
		return admin_error(r, 500, "internal", "%s", err[0] != '\0' ?
		    err : "store error");
	}
}

static int	 admin_op_result(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_approval(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_dispatch(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_reason(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_extend(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_supervise(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_note(struct admin_req *, struct lc_args *,
		    const char **);
static int	 admin_op_classify(struct admin_req *, struct lc_args *,
		    const char **);

static const struct admin_field f_result[] = {
	{ "result", AF_STR, 1 } };
static const struct admin_field f_close[] = {
	{ "result", AF_STR, 0 } };
static const struct admin_field f_approval[] = {
	{ "proposal", AF_STR, 1 } };
static const struct admin_field f_dispatch[] = {
	{ "lead", AF_CODE, 1 }, { "co", AF_CODES, 0 },
	{ "due", AF_STR, 0 }, { "approval", AF_STR, 0 } };
static const struct admin_field f_reason[] = {
	{ "reason", AF_STR, 1 } };
static const struct admin_field f_extend[] = {
	{ "days", AF_INT, 0 }, { "due", AF_STR, 0 },
	{ "reason", AF_STR, 1 } };
static const struct admin_field f_supervise[] = {
	{ "reason", AF_STR, 1 }, { "note", AF_STR, 0 } };
static const struct admin_field f_note[] = {
	{ "text", AF_STR, 1 } };
static const struct admin_field f_classify[] = {
	{ "category", AF_STR, 1 }, { "reason", AF_STR, 0 } };

/*
 * The case operations: the route's last word, the body's fields and the
 * function that turns the checked body into the lifecycle's arguments
 * (0, or a status).  Which states and roles may do what is lifecycle.c's
 * decision, not the API's.
 */
static const struct admin_case_opdef {
	const char			*name;
	enum lc_op			 op;
	const struct admin_field	*fields;
	size_t				 nfields;
	int				(*args)(struct admin_req *,
					    struct lc_args *, const char **);
} admin_case_ops[] = {
#define OP(n, o, f, a)	{ n, o, f, nitems(f), a }
	OP("answer", LC_OP_ANSWER, f_result, admin_op_result),
	OP("approval", LC_OP_APPROVAL, f_approval, admin_op_approval),
	OP("dispatch", LC_OP_DISPATCH, f_dispatch, admin_op_dispatch),
	OP("return", LC_OP_RETURN, f_reason, admin_op_reason),
	OP("extend", LC_OP_EXTEND, f_extend, admin_op_extend),
	OP("reply", LC_OP_REPLY, f_result, admin_op_result),
	OP("note", LC_OP_NOTE, f_note, admin_op_note),
	OP("supervise", LC_OP_SUPERVISE, f_supervise, admin_op_supervise),
	OP("close", LC_OP_CLOSE, f_close, admin_op_result),
	OP("reopen", LC_OP_REOPEN, f_reason, admin_op_reason),
	OP("classify", LC_OP_CLASSIFY, f_classify, admin_op_classify),
#undef OP
};

static int
admin_op_result(struct admin_req *r, struct lc_args *a, const char **co)
{
	a->text = admin_str(r, "result");
	return 0;
}

static int
admin_op_approval(struct admin_req *r, struct lc_args *a, const char **co)
{
	a->text = admin_str(r, "proposal");
	return 0;
}

/* co: room for LC_CO_MAX codes (admin_fields() checked the count) */
static int
admin_op_dispatch(struct admin_req *r, struct lc_args *a, const char **co)
{
	json_t	*v;
	size_t	 i;
	int	 date;

	a->unit = admin_str(r, "lead");
	a->approval = admin_str(r, "approval");
	a->due = admin_str(r, "due");
	if (a->due != NULL && cal_date_parse(a->due, &date) == -1)
		return admin_error(r, 400, "bad_request", "\"due\" "
		    "must be a date, YYYY-MM-DD");
	json_array_foreach(json_object_get(r->body, "co"), i, v)
		co[i] = json_string_value(v);
	a->co = co;
	a->nco = json_array_size(json_object_get(r->body, "co"));
	return 0;
}

static int
admin_op_reason(struct admin_req *r, struct lc_args *a, const char **co)
{
	a->text = admin_str(r, "reason");
	return 0;
}

/* the due date itself is worked out once the case is read */
static int
admin_op_extend(struct admin_req *r, struct lc_args *a, const char **co)
{
	if ((json_object_get(r->body, "days") == NULL) ==
	    (json_object_get(r->body, "due") == NULL))
		return admin_error(r, 400, "bad_request", "extend "
		    "takes \"days\" (working days) or \"due\" "
		    "(YYYY-MM-DD), one of them");
	return admin_op_reason(r, a, co);
}

static int
admin_op_supervise(struct admin_req *r, struct lc_args *a, const char **co)
{
	int	sup;

	sup = lifecycle_sup_parse(admin_str(r, "reason"));
	if (sup <= LC_SUP_NONE)
		return admin_error(r, 400, "bad_request", "\"reason\" "
		    "must be disputed-result, leader-instruction, "
		    "overdue or other");
	a->supervision = (enum lc_supervision)sup;
	a->text = admin_str(r, "note");
	return 0;
}

static int
admin_op_note(struct admin_req *r, struct lc_args *a, const char **co)
{
	a->text = admin_str(r, "text");
	return 0;
}

static int
admin_op_classify(struct admin_req *r, struct lc_args *a, const char **co)
{
	a->category = admin_str(r, "category");
	a->text = admin_str(r, "reason");
	return 0;
}

/* The new due date of an extension: "due", or "days" past the case's. */
static int
admin_extend_due(struct admin_req *r, const struct store_case *c,
    char due[CAL_DATE_LEN])
{
	int	date;

	if (admin_str(r, "due") != NULL) {
		if (cal_date_parse(admin_str(r, "due"), &date) == -1)
			return admin_error(r, 400, "bad_request",
			    "\"due\" must be a date, YYYY-MM-DD");
		strlcpy(due, admin_str(r, "due"), CAL_DATE_LEN);
	} else if (c->due == NULL || cal_date_parse(c->due, &date) ==
	    -1 || (date = cal_add_workdays(calendar_current(), date,
	    (int)json_integer_value(json_object_get(r->body,
	    "days")))) == -1)
		return admin_error(r, 409, "conflict", "case %s has no "
		    "due date to extend", c->number);
	else
		cal_date_format(date, due, CAL_DATE_LEN);
	return 0;
}

/*
 * POST /v1/cases/:number/<op>: validate the body, apply the operation in
 * the open group-commit batch, answer once that batch is durable.
 */
static int
admin_case_op(struct admin_req *r, const struct admin_case_opdef *d)
{
	struct store_case		 c;
	struct lc_args			 a;
	struct lc_actor			 actor;
	const char			*co[LC_CO_MAX];
	char				 err[256], due[CAL_DATE_LEN];
	char				 prev[32];
	enum lc_op			 op = d->op;
	int64_t				 id;
	int				 st;
	enum lc_result			 res;

	if ((st = admin_fields(r, d->fields, d->nfields)) != 0)
		return st;
	memset(&a, 0, sizeof(a));
	if ((st = d->args(r, &a, co)) != 0)
		return st;
	if ((st = admin_case_load(r, &c)) != 0)
		return st;
	if (op == LC_OP_EXTEND) {
		if ((st = admin_extend_due(r, &c, due)) != 0) {
			store_case_clear(&c);
			return st;
		}
		a.due = due;
	}
	memset(&actor, 0, sizeof(actor));
	actor.name = r->token->name;
	if (r->token->role == TOKEN_UNIT) {
		actor.role = LC_ROLE_UNIT;
		actor.unit = r->token->unit;
	} else
		actor.role = LC_ROLE_OFFICE;
	if (commit_unit_begin(commit_default()) == -1) {
		store_case_clear(&c);
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	}
	err[0] = '\0';
	strlcpy(prev, c.category != NULL ? c.category : "", sizeof(prev));
	res = lifecycle_apply(r->store, c.id, op, &a, &actor,
	    (int64_t)clock_now_ms(), err, sizeof(err));
	if (res != LC_OK) {
		store_case_clear(&c);
		return admin_lc_error(r, res, err);
	}
	id = c.id;
	store_case_clear(&c);		/* read it again, as changed */
	st = store_case_get(r->store, id, &c);
	if (st == 1) {
		r->reply = admin_case_json(r->store, &c, 1);
		json_object_set_new(r->reply, "operation",
		    json_string(lifecycle_strop(op)));
		if (op == LC_OP_CLASSIFY)
			json_object_set_new(r->reply, "confirmed",
			    json_boolean(strcmp(prev, c.category) == 0));
	}
	store_case_clear(&c);
	return admin_defer(r, 200);
}

/* The operation is the route's last word: /v1/cases/:number/<op>. */
int
admin_case_transition(struct admin_req *r)
{
	const char	*name = strrchr(r->route->pattern, '/') + 1;
	size_t		 i;

	for (i = 0; i < nitems(admin_case_ops); i++)
		if (strcmp(admin_case_ops[i].name, name) == 0)
			return admin_case_op(r, &admin_case_ops[i]);
	fatalx("admin route %s names no operation", r->route->pattern);
}

/* GET /v1/cases?filters: newest first, keyset pages by case number. */
int
admin_case_list(struct admin_req *r)
{
	static const char *const allowed[] = { "state", "category", "unit",
	    "overdue", "supervised", "confidential", "from", "to", "limit",
	    "before", NULL };
	struct admin_qparam		 q[ADMIN_QUERY_MAX];
	struct store_case_filter	 f;
	struct store_case		*cs = NULL, bc;
	const char			*k, *v, *errstr;
	char				 today[CAL_DATE_LEN];
	json_t				*a;
	int				 n, i, st = 0, rv, b;
	size_t				 limit = ADMIN_LIST_DEFAULT;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the case store is "
		    "not open");
	if ((n = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	store_case_filter_init(&f);
	for (i = 0; i < n && st == 0; i++) {
		k = q[i].key;
		v = q[i].value;
		if (strcmp(k, "state") == 0) {
			if (lifecycle_state_parse(v) == -1)
				st = admin_error(r, 400, "bad_request",
				    "state: not a case state (registered, "
				    "dispatched, ...)");
			f.state = v;
		} else if (strcmp(k, "category") == 0) {
			if (category_from_name(v) == -1)
				st = admin_error(r, 400, "bad_request",
				    "category: unknown category");
			f.category = v;
		} else if (strcmp(k, "unit") == 0) {
			if (!admin_code_ok(v))
				st = admin_error(r, 400, "bad_request", "unit: "
				    "not a unit code");
			f.unit = v;
		} else if (strcmp(k, "overdue") == 0) {
			if (admin_bool(v, &b) == -1)
				st = admin_error(r, 400, "bad_request",
				    "overdue: 0 or 1");
			else if (b) {
				admin_today(today);
				f.overdue_on = today;
			}
		} else if (strcmp(k, "supervised") == 0 ||
		    strcmp(k, "confidential") == 0) {
			if (admin_bool(v, k[0] == 's' ? &f.supervised :
			    &f.confidential) == -1)
				st = admin_error(r, 400, "bad_request",
				    "%s: 0 or 1", k);
		} else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			/* from inclusive, to inclusive: up to its midnight */
			if (k[0] == 'f')
				f.received_from = admin_day_ms(v, 0);
			else
				f.received_to = admin_day_ms(v, 1);
			if (f.received_from == -1 || f.received_to == -1)
				st = admin_error(r, 400, "bad_request", "%s: a "
				    "date, YYYY-MM-DD", k);
		} else if (strcmp(k, "limit") == 0) {
			limit = (size_t)strtonum(v, 1, ADMIN_LIST_MAX, &errstr);
			if (errstr != NULL)
				st = admin_error(r, 400, "bad_request",
				    "limit: 1 to %d", ADMIN_LIST_MAX);
		} else if (strcmp(k, "before") == 0) {
			char	num[STORE_CASE_NUMBER_MAX];

			memset(&bc, 0, sizeof(bc));
			if (admin_number(v, num) == -1 || (rv =
			    store_case_find(r->store, num, NULL, &bc)) == 0)
				st = admin_error(r, 400, "bad_request",
				    "before: not a case number");
			else if (rv == -1)
				st = admin_error(r, 500, "internal", "cannot "
				    "read the case");
			else
				f.before_id = bc.id;
			store_case_clear(&bc);
		}
	}
	if (st == 0 && f.received_from > 0 && f.received_to > 0 &&
	    f.received_to <= f.received_from)
		st = admin_error(r, 400, "bad_request", "to is before from");
	if (st != 0)
		goto out;
	/* a unit lists only the cases dispatched to it */
	if (r->token->role == TOKEN_UNIT) {
		if (f.unit != NULL && strcmp(f.unit, r->token->unit) != 0) {
			admin_query_free(q, (size_t)n);
			n = 0;
			goto reply;
		}
		f.unit = r->token->unit;
	}
	cs = xcalloc(limit, sizeof(*cs));
	if ((rv = store_case_search(r->store, &f, cs, limit)) == -1) {
		st = admin_error(r, 500, "internal", "cannot search the "
		    "cases");
		goto out;
	}
	admin_query_free(q, (size_t)n);
	n = rv;
reply:
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, admin_case_json(r->store, &cs[i], 0));
	r->reply = json_pack("{s:o,s:i,s:s?}", "cases", a, "count", n, "next",
	    (size_t)n == limit && n > 0 ? cs[n - 1].number : NULL);
	for (i = 0; i < n; i++)
		store_case_clear(&cs[i]);
	free(cs);
	return 200;
out:
	admin_query_free(q, (size_t)n);
	free(cs);
	return st;
}
