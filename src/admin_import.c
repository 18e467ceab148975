/*
 * POST /v1/cases: a case taken by phone, on the web, by WeChat, letter or
 * visit enters as an SMS case does (Art. 5(1)): a case number of the day
 * it was received, the working-day deadline counted from that time, an
 * acknowledgement SMS when asked, and later the same result SMS and
 * survey (Art. 15).  Idempotent on (channel, external_id): sent again, it
 * answers 200 with the case it made the first time.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "category.h"
#include "commit.h"
#include "import.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "mo.h"
#include "outbox.h"
#include "store.h"
#include "template.h"
#include "tokens.h"
#include "util.h"

#define IMPORT_SMS_MAX	2048

static int	 admin_import_refuse(struct admin_req *, const char *,
		    const char *);
static int	 admin_import_found(struct admin_req *,
		    const struct import_case *, int64_t);
static int	 admin_import_new(struct admin_req *,
		    const struct import_case *, int64_t);
static int	 admin_import_ack(struct admin_req *,
		    const struct import_case *, int64_t, const char *,
		    const char *);
static json_t	*admin_import_reply(const char *, const char *,
		    const char *, const struct import_case *, int);

/* 400 naming the field at fault ("field" in the error object). */
static int
admin_import_refuse(struct admin_req *r, const char *field, const char *err)
{
	int	st;

	st = admin_error(r, 400, "bad_request", "%s", err);
	if (field != NULL)
		json_object_set_new(json_object_get(r->reply, "error"),
		    "field", json_string(field));
	return st;
}

/* The answer: the case's number and deadline, and whether it is new. */
static json_t *
admin_import_reply(const char *number, const char *due, const char *cat,
    const struct import_case *ic, int created)
{
	json_t	*o;

	o = json_pack("{s:s,s:s?,s:s,s:s,s:s,s:b}", "case", number, "due",
	    due, "channel", ic->channel, "external_id", ic->external_id,
	    "category", cat, "created", created);
	if (o != NULL && created)
		admin_jtime(o, "received_at", ic->received_at);
	return o;
}

int
admin_case_import(struct admin_req *r)
{
	struct import_case	 ic;
	const char		*field;
	char			 err[256];
	int64_t			 now = (int64_t)clock_now_ms(), id;
	int			 rv;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the database is "
		    "not open yet; retry");
	if (import_parse(r->body, now, &ic, &field, err, sizeof(err)) == -1)
		return admin_import_refuse(r, field, err);
	if (commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the database is "
		    "busy; retry");
	rv = store_import_find(r->store, ic.channel, ic.external_id, &id);
	if (rv == -1)
		return admin_error(r, 500, "internal", "cannot read imports");
	if (rv == 1)
		return admin_import_found(r, &ic, id);
	return admin_import_new(r, &ic, now);
}

/*
 * Imported before: the case it made, 200, nothing written.  Answered
 * after the open batch, which may hold that first import still.
 */
static int
admin_import_found(struct admin_req *r, const struct import_case *ic,
    int64_t id)
{
	struct store_case	c;

	if (store_case_get(r->store, id, &c) != 1)
		return admin_error(r, 500, "internal", "cannot read the case "
		    "of an earlier import");
	admin_log_case(r, c.number);
	r->reply = admin_import_reply(c.number, c.due, c.category, ic, 0);
	store_case_clear(&c);
	if (r->reply == NULL)
		return admin_error(r, 500, "internal", "cannot build the "
		    "reply");
	return admin_defer(r, 200);
}

/* A new case in the open unit: the row, its audit event, the ack. */
static int
admin_import_new(struct admin_req *r, const struct import_case *ic,
    int64_t now)
{
	struct store_case_new	 c;
	const char		*cat = category_name(ic->category);
	char			 number[STORE_CASE_NUMBER_MAX], due[16];
	char			 mask[LOG_MSISDN_MAX], *detail = NULL;
	json_t			*d;
	int64_t			 id;
	int			 repeats, rv;

	if (mo_deadline(mo_default(), cat, ic->received_at, due,
	    sizeof(due)) == -1)
		return admin_error(r, 500, "internal", "no deadline for %s "
		    "received then (calendar?)", cat);
	/* Art. 23(8) counts a matter from every channel */
	if ((repeats = lifecycle_repeat_count(r->store, ic->msisdn, cat,
	    ic->text, ic->received_at)) == -1)
		return admin_error(r, 500, "internal", "cannot read the "
		    "citizen's cases");
	memset(&c, 0, sizeof(c));
	c.msisdn = ic->msisdn;
	c.category = cat;
	c.text = ic->text;
	c.confidential = ic->confidential;
	c.received_at = ic->received_at;
	c.due = due;
	c.flags = repeats >= LC_REPEAT_FLAG - 1 ? STORE_CF_REPEATED : 0;
	if (store_import_add(r->store, &c, ic->channel, ic->external_id, now,
	    &id, number) == -1)
		return admin_error(r, 500, "internal", "cannot store the "
		    "case");
	d = json_pack("{s:s,s:s,s:I,s:b}", "channel", ic->channel,
	    "external_id", ic->external_id, "received_at",
	    (json_int_t)ic->received_at, "ack", ic->ack);
	if (d != NULL)
		detail = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	rv = detail != NULL ? store_audit(r->store, id, r->token->name,
	    "case.imported", detail, now) : -1;
	free(detail);
	if (rv == -1)
		return admin_error(r, 500, "internal", "cannot audit the "
		    "import; nothing was stored");
	if (ic->ack && admin_import_ack(r, ic, id, number, due) == -1)
		return admin_error(r, 500, "internal", "cannot queue the "
		    "acknowledgement; nothing was stored");
	metrics_add(MF_CASES, cat, 1);
	admin_log_case(r, number);
	commit_log(commit_default(), "admin import case=%s channel=%s "
	    "msisdn=%s cat=%s due=%s%s%s%s", number, ic->channel,
	    log_msisdn(ic->msisdn, mask, sizeof(mask)), cat, due,
	    ic->confidential ? " confidential" : "",
	    c.flags & STORE_CF_REPEATED ? " repeated" : "",
	    ic->ack ? " ack" : "");
	if ((r->reply = admin_import_reply(number, due, cat, ic, 1)) ==
	    NULL)
		return admin_error(r, 500, "internal", "cannot build the "
		    "reply");
	return admin_defer(r, 201);
}

/*
 * The acknowledgement SMS: ack_channel (or ack_channel_confidential),
 * which names the channel the citizen used ("您通过电话反映的诉求"), or
 * the SMS case's ack when a template set lacks it.  A template that fails
 * to render sends nothing (the case stands), as for SMS cases.
 */
static int
admin_import_ack(struct admin_req *r, const struct import_case *ic,
    int64_t id, const char *number, const char *due)
{
	const struct template_set *ts = template_current();
	struct store_outbox_new	 o;
	struct template_var	 vars[4];
	char			 text[IMPORT_SMS_MAX];
	int64_t			 oid;

	vars[0] = (struct template_var){ "case", number };
	vars[1] = (struct template_var){ "due", due };
	vars[2] = (struct template_var){ "category",
	    category_label_zh(ic->category) };
	vars[3] = (struct template_var){ "channel",
	    import_channel_zh(ic->channel) };
	if (template_render(ts, ic->confidential ? "ack_channel_confidential" :
	    "ack_channel", vars, 4, text, sizeof(text)) == -1 &&
	    template_render(ts, ic->confidential ? "ack_confidential" : "ack",
	    vars, 3, text, sizeof(text)) == -1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.case_id = id;
	o.kind = "ack";
	o.msisdn = ic->msisdn;
	o.source = mo_service_number(mo_default());
	o.text = text;
	if (store_outbox_add(r->store, &o, &oid) == -1)
		return -1;
	outbox_kick(outbox_default());
	return 0;
}

void
admin_case_origin(struct store *st, int64_t id, json_t *o)
{
	char	channel[IMPORT_CHANNEL_MAX], ext[IMPORT_ID_MAX + 1];

	if (st == NULL || store_case_origin(st, id, channel, sizeof(channel),
	    ext, sizeof(ext)) != 1)
		return;
	admin_jstr(o, "channel", channel);
	admin_jstr(o, "external_id", ext[0] != '\0' ? ext : NULL);
}
