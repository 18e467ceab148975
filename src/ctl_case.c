/*
 * hotlinectl's case commands: show, list, the lifecycle operations
 * (answer, dispatch, extend, supervise, close...), the citizen's number,
 * and the office's classification (classify, queue, labels).
 */
#include "compat.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "ctl.h"
#include "util.h"

static void	 ctl_case_line(json_t *);
static int	 ctl_case_op(struct ctl *, const char *, const char *,
		    json_t *);
static void	 ctl_case_list_table(json_t *);
static void	 ctl_case_table(json_t *);
static void	 ctl_queue_table(json_t *);

int
cmd_case_show(struct ctl *c, char **argv)
{
	char	path[96];

	ctl_case_path(path, sizeof(path), argv[0], NULL);
	return ctl_output(c, ctl_request(c, EVHTTP_REQ_GET, path, NULL),
	    ctl_case_table);
}

/* Usage error unless s is a case number; the path /v1/cases/NUMBER[/op]. */
void
ctl_case_path(char *buf, size_t len, const char *number, const char *op)
{
	ctl_check_arg(N_("NUMBER"), number);
	if (strspn(number, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(number) ||
	    strlen(number) > 31)
		ctl_die(CTL_USAGE, _("NUMBER: a case number is letters and "
		    "digits, at most 31 (e.g. HY2611260001)"));
	snprintf(buf, len, "/v1/cases/%s%s%s", number, op != NULL ? "/" : "",
	    op != NULL ? op : "");
}

/* One line about a case after an operation. */
static void
ctl_case_line(json_t *o)
{
	json_t	*v;

	printf("%s: %s", json_string_value(json_object_get(o, "number")),
	    ctl_state(json_string_value(json_object_get(o, "state"))));
	if (json_is_string(v = json_object_get(o, "unit"))) {
		printf(_(", unit "));
		ctl_print_value(v);
	}
	if (json_is_string(v = json_object_get(o, "due"))) {
		printf(_(", due "));
		ctl_print_value(v);
	}
	if (json_is_true(json_object_get(o, "supervised"))) {
		printf(_(", supervised ("));
		ctl_print_value(json_object_get(o, "supervision"));
		putchar(')');
	}
	if (json_integer_value(json_object_get(o, "result_cut")) > 0)
		printf(_(", result cut by %lld characters"),
		    json_integer_value(json_object_get(o, "result_cut")));
	putchar('\n');
}

/* A case operation with body; prints the case's new state. */
static int
ctl_case_op(struct ctl *c, const char *number, const char *op, json_t *body)
{
	char	 path[96];
	json_t	*reply;

	ctl_case_path(path, sizeof(path), number, op);
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_case_line(reply);
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* "case OP NUMBER TEXT": the ops whose body is one text field. */
int
cmd_case_text(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	if (argv[1] != NULL)
		json_object_set_new(body, ctl_cur->field,
		    ctl_jstr(ctl_cur->field, argv[1]));
	return ctl_case_op(c, argv[0], ctl_cur->op, body);
}

/* case dispatch NUMBER LEAD [CO ...] [--due DATE] [--approval TEXT] */
int
cmd_case_dispatch(struct ctl *c, char **argv)
{
	json_t	*body = json_object(), *co = json_array();
	int	 i;

	for (i = 1; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--due") == 0 && argv[i + 1] != NULL) {
			ctl_check_arg("--due", argv[++i]);
			json_object_set_new(body, "due", json_string(argv[i]));
		} else if (strcmp(argv[i], "--approval") == 0 &&
		    argv[i + 1] != NULL) {
			i++;
			json_object_set_new(body, "approval",
			    ctl_jstr("--approval", argv[i]));
		} else if (argv[i][0] == '-')
			ctl_die(CTL_USAGE, _("case dispatch: unknown option"));
		else {
			ctl_check_arg(N_("UNIT"), argv[i]);
			if (json_object_get(body, "lead") == NULL)
				json_object_set_new(body, "lead",
				    json_string(argv[i]));
			else
				json_array_append_new(co, json_string(argv[i]));
		}
	}
	if (json_object_get(body, "lead") == NULL)
		ctl_die(CTL_USAGE, _("case dispatch: missing LEAD unit"));
	if (json_array_size(co) > 0)
		json_object_set(body, "co", co);
	json_decref(co);
	return ctl_case_op(c, argv[0], "dispatch", body);
}

/* case extend NUMBER DAYS|YYYY-MM-DD REASON */
int
cmd_case_extend(struct ctl *c, char **argv)
{
	json_t		*body = json_object();
	const char	*errstr;
	long long	 days;

	ctl_check_arg(N_("DAYS"), argv[1]);
	if (strchr(argv[1], '-') != NULL)
		json_object_set_new(body, "due", json_string(argv[1]));
	else {
		days = strtonum(argv[1], 1, 60, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, _("DAYS: working days, 1 to 60, "
			    "or a date YYYY-MM-DD"));
		json_object_set_new(body, "days", json_integer(days));
	}
	json_object_set_new(body, "reason", ctl_jstr(N_("REASON"), argv[2]));
	return ctl_case_op(c, argv[0], "extend", body);
}

/* case supervise NUMBER REASON [NOTE] */
int
cmd_case_supervise(struct ctl *c, char **argv)
{
	json_t	*body = json_object();

	ctl_check_arg(N_("REASON"), argv[1]);
	if (strcmp(argv[1], "disputed-result") != 0 && strcmp(argv[1],
	    "leader-instruction") != 0 && strcmp(argv[1], "overdue") != 0 &&
	    strcmp(argv[1], "other") != 0)
		ctl_die(CTL_USAGE, _("REASON: disputed-result, "
		    "leader-instruction, overdue or other"));
	json_object_set_new(body, "reason", json_string(argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "note", ctl_jstr(N_("NOTE"),
		    argv[2]));
	return ctl_case_op(c, argv[0], "supervise", body);
}

static void
ctl_case_list_table(json_t *o)
{
	static const char *const keys[] = { "number", "state", "category",
	    "unit", "due", "overdue", "supervised" };
	static const char *const heads[] = { NC_("column", "NUMBER"),
	    NC_("column", "STATE"), NC_("column", "CATEGORY"),
	    NC_("column", "UNIT"), NC_("column", "DUE"),
	    NC_("column", "OVERDUE"), NC_("column", "SUPERVISED") };

	ctl_columns(json_object_get(o, "cases"), keys, heads, nitems(keys));
	if (json_is_string(json_object_get(o, "next")))
		printf(_("(more: --before %s)\n"), json_string_value(
		    json_object_get(o, "next")));
}

/* case list [--state S] [--category C] [--unit U] [--overdue] ... */
int
cmd_case_list(struct ctl *c, char **argv)
{
	static const char *const valued[] = { "state", "category", "unit",
	    "from", "to", "limit", "before", NULL };
	static const char *const flags[] = { "overdue", "supervised",
	    "confidential", NULL };
	char	*q = xstrdup("");
	size_t	 j;
	int	 i, done;

	for (i = 0; argv[i] != NULL; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			ctl_die(CTL_USAGE, _("case list: filters are --NAME "
			    "[VALUE] (see hotlinectl(8))"));
		done = 0;
		for (j = 0; valued[j] != NULL && !done; j++)
			if (strcmp(argv[i] + 2, valued[j]) == 0) {
				if (argv[i + 1] == NULL)
					ctl_die(CTL_USAGE,
					    _("%s: missing value"), argv[i]);
				ctl_check_arg(argv[i], argv[i + 1]);
				ctl_query_add(&q, valued[j], argv[++i]);
				done = 1;
			}
		for (j = 0; flags[j] != NULL && !done; j++)
			if (strcmp(argv[i] + 2, flags[j]) == 0) {
				ctl_query_add(&q, flags[j], "1");
				done = 1;
			}
		if (!done)
			ctl_die(CTL_USAGE, _("case list: unknown filter"));
	}
	return ctl_get(c, "/v1/cases", q, ctl_case_list_table);
}

/*
 * case citizen NUMBER [--reason] REASON: the citizen's phone number; the
 * server records the read and the reason in the audit trail first.
 */
int
cmd_case_citizen(struct ctl *c, char **argv)
{
	const char	*reason = argv[1];
	char		 path[96];

	if (strcmp(argv[1], "--reason") == 0) {
		if ((reason = argv[2]) == NULL)
			ctl_die(CTL_USAGE, _("--reason: missing value"));
	} else if (argv[2] != NULL)
		ctl_die(CTL_USAGE, _("too many arguments: %s"),
		    _(ctl_cur->usage));
	ctl_reason(reason);
	ctl_case_path(path, sizeof(path), argv[0], "citizen");
	return ctl_get_reason(c, path, reason);
}

/* case show: the case's fields, then its history as lines. */
static void
ctl_case_table(json_t *o)
{
	static const char *const ek[] = { "id", "at", "actor", "action" };
	static const char *const eh[] = { NC_("column", "EVENT"),
	    NC_("column", "AT"), NC_("column", "ACTOR"),
	    NC_("column", "ACTION") };
	static const char *const ik[] = { "at", "kind", "text" };
	static const char *const ih[] = { NC_("column", "AT"),
	    NC_("column", "KIND"), NC_("column", "TEXT") };
	static const char *const ok[] = { "id", "at", "kind", "state",
	    "receipt", "text" };
	static const char *const oh[] = { NC_("column", "SMS"),
	    NC_("column", "AT"), NC_("column", "KIND"), NC_("column", "STATE"),
	    NC_("column", "RECEIPT"), NC_("column", "TEXT") };
	json_t	*h;

	h = json_incref(json_object_get(o, "history"));
	json_object_del(o, "history");
	ctl_table(o);
	if (h != NULL) {
		printf(_("\nhistory:\n"));
		ctl_columns(json_object_get(h, "events"), ek, eh, nitems(ek));
		printf(_("\nmessages in:\n"));
		ctl_columns(json_object_get(h, "in"), ik, ih, nitems(ik));
		printf(_("\nmessages out:\n"));
		ctl_columns(json_object_get(h, "out"), ok, oh, nitems(ok));
	}
	json_decref(h);
}

/* case classify NUMBER CATEGORY [REASON]: prints the category and due. */
int
cmd_case_classify(struct ctl *c, char **argv)
{
	json_t	*body = json_object(), *reply;
	char	 path[96];

	ctl_check_arg(N_("CATEGORY"), argv[1]);
	json_object_set_new(body, "category", json_string(argv[1]));
	if (argv[2] != NULL)
		json_object_set_new(body, "reason", ctl_jstr(N_("REASON"),
		    argv[2]));
	ctl_case_path(path, sizeof(path), argv[0], "classify");
	reply = ctl_request(c, EVHTTP_REQ_POST, path, body);
	if (c->json)
		return ctl_output(c, reply, ctl_table);
	ctl_print_value(json_object_get(reply, "number"));
	printf(": ");
	ctl_print_value(json_object_get(reply, "category"));
	printf(_(", due "));
	ctl_print_value(json_object_get(reply, "due"));
	printf("%s\n", json_is_true(json_object_get(reply, "confirmed")) ?
	    _(" (confirmed)") : "");
	json_decref(reply);
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}

/* The queue: waited as working hours and minutes, the text cut short. */
static void
ctl_queue_table(json_t *o)
{
	static const char *const keys[] = { "number", "received_at",
	    "waited", "due", "overdue", "text" };
	static const char *const heads[] = { NC_("column", "NUMBER"),
	    NC_("column", "RECEIVED"), NC_("column", "WAITED"),
	    NC_("column", "DUE"), NC_("column", "OVERDUE"),
	    NC_("column", "TEXT") };
	json_t		*row, *list = json_object_get(o, "cases");
	const char	*t;
	json_int_t	 m;
	size_t		 i, n, chars;
	char		 w[32], *cut;

	json_array_foreach(list, i, row) {
		m = json_integer_value(json_object_get(row, "waited_minutes"));
		snprintf(w, sizeof(w), "%lldh%02d", m / 60,
		    (int)(m % 60));
		json_object_set_new(row, "waited", json_string(w));
		/* 24 characters of the text, cut at a character */
		t = json_string_value(json_object_get(row, "text"));
		for (n = 0, chars = 0; t != NULL && t[n] != '\0'; n++)
			if (((unsigned char)t[n] & 0xc0) != 0x80 &&
			    chars++ == 24)
				break;
		if (t != NULL && t[n] != '\0') {
			xasprintf(&cut, "%.*s...", (int)n, t);
			json_object_set_new(row, "text", json_string(cut));
			free(cut);
		}
	}
	ctl_columns(list, keys, heads, nitems(keys));
	printf(_("(%lld waiting)\n"), json_integer_value(
	    json_object_get(o, "waiting")));
}

/* case queue [--limit N] [--offset N]: unclassified, oldest first. */
int
cmd_case_queue(struct ctl *c, char **argv)
{
	char	*q = xstrdup("");
	int	 i;

	for (i = 0; argv[i] != NULL; i += 2) {
		if ((strcmp(argv[i], "--limit") != 0 &&
		    strcmp(argv[i], "--offset") != 0) || argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, _("usage: %s"),
			    _(ctl_cur->usage));
		ctl_check_arg(argv[i], argv[i + 1]);
		ctl_query_add(&q, argv[i] + 2, argv[i + 1]);
	}
	return ctl_get(c, "/v1/queue", q, ctl_queue_table);
}

/*
 * case labels [--after ID]: every operator-labelled example as JSON lines
 * {"text","label"} for the training tool, page after page; --json prints
 * the server's pages whole (with case, previous, actor, at, id).
 */
#define CTL_LABEL_PAGES	400000		/* pages of 50 (long texts: < 4 MiB) */
int
cmd_case_labels(struct ctl *c, char **argv)
{
	json_t		*reply, *row, *out, *next;
	json_int_t	 after = 0;
	const char	*errstr;
	char		*path, *line;
	size_t		 i;
	int		 page;

	if (argv[0] != NULL) {
		if (strcmp(argv[0], "--after") != 0 || argv[1] == NULL)
			ctl_die(CTL_USAGE, _("usage: %s"),
			    _(ctl_cur->usage));
		ctl_check_arg("--after", argv[1]);
		after = strtonum(argv[1], 0, LLONG_MAX, &errstr);
		if (errstr != NULL)
			ctl_die(CTL_USAGE, _("--after: a label id, 0 or more"));
	}
	for (page = 0; page < CTL_LABEL_PAGES; page++) {
		xasprintf(&path, "/v1/labels?limit=50&after=%lld", after);
		reply = ctl_request(c, EVHTTP_REQ_GET, path, NULL);
		free(path);
		if (c->json) {
			json_dumpf(reply, stdout, JSON_INDENT(2));
			putchar('\n');
		} else
			json_array_foreach(json_object_get(reply, "labels"),
			    i, row) {
				out = json_pack("{s:O,s:O}", "text",
				    json_object_get(row, "text"), "label",
				    json_object_get(row, "label"));
				if (out == NULL || (line = json_dumps(out,
				    JSON_COMPACT)) ==
				    NULL)
					ctl_die(CTL_SERVER,
					    _("malformed label"));
				puts(line);
				free(line);
				json_decref(out);
			}
		next = json_object_get(reply, "next");
		after = json_integer_value(next);
		json_decref(reply);
		if (!json_is_integer(next))
			break;
	}
	return fflush(stdout) == 0 ? CTL_OK : CTL_SERVER;
}
