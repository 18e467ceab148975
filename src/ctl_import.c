/*
 * hotlinectl case import: cases from the other channels (Art. 5(1)) into
 * POST /v1/cases, one from options or a batch from a CSV file (as Excel
 * or WPS save it) or a JSONL file.  A batch is read and checked whole
 * first (bounded: CTL_IMPORT_FILE_MAX bytes, CTL_IMPORT_MAX records),
 * then sent a record a request; each line gets its result, and a bad one
 * does not stop the others.  The server validates every field.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "csv.h"
#include "ctl.h"
#include "util.h"

#define CTL_IMPORT_FILE_MAX	(16 * 1024 * 1024)	/* bytes of a batch */
#define CTL_IMPORT_MAX		10000	/* records of a batch */
#define CTL_IMPORT_RECORD_MAX	(64 * 1024)	/* bytes of one record */
#define CTL_IMPORT_COLS		16

/* One record of a batch: its request, or why it has none. */
struct ctl_import_rec {
	size_t		 line;
	json_t		*body;		/* NULL: err */
	char		 err[128];	/* --json's, in English */
	char		 msg[256];	/* the reader's, translated */
};

struct ctl_import_batch {
	struct ctl_import_rec	*recs;
	size_t			 n, sz;
	const char		*channel;	/* --channel: the default */
	int			 ack;		/* --ack: the default */
};

static const char *const ctl_import_cols[] = {
	"channel", "external_id", "category", "text", "msisdn",
	"confidential", "received_at", "ack", NULL
};

static struct ctl_import_rec *ctl_import_add(struct ctl_import_batch *,
		    size_t);
static void	 ctl_import_err(struct ctl_import_rec *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 ctl_import_defaults(struct ctl_import_batch *, json_t *);
static int	 ctl_import_csv(struct ctl_import_batch *, const char *,
		    size_t);
static int	 ctl_import_jsonl(struct ctl_import_batch *, const char *,
		    size_t);
static json_t	*ctl_import_cell(const char *, const char *);
static int	 ctl_import_send(struct ctl *, struct ctl_import_batch *);
static int	 ctl_import_file(struct ctl *, const char *, const char *,
		    struct ctl_import_batch *);
static void	 ctl_import_print(struct ctl *, size_t, int, json_t *,
		    const char *, const char *, const char *);

/* A new record of line (fatal past CTL_IMPORT_MAX, checked by callers). */
static struct ctl_import_rec *
ctl_import_add(struct ctl_import_batch *b, size_t line)
{
	struct ctl_import_rec	*r;

	if (b->n == b->sz) {
		b->sz = b->sz ? b->sz * 2 : 64;
		b->recs = xreallocarray(b->recs, b->sz, sizeof(*b->recs));
	}
	r = &b->recs[b->n++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	return r;
}

/*
 * Why r has no request: fmt (marked N_()) in English for --json, and
 * translated for the reader.
 */
static void
ctl_import_err(struct ctl_import_rec *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), _(fmt), ap);
	va_end(ap);
}

/* --channel and --ack for a record that says nothing of them. */
static void
ctl_import_defaults(struct ctl_import_batch *b, json_t *o)
{
	if (b->channel != NULL && json_object_get(o, "channel") == NULL)
		json_object_set_new(o, "channel", json_string(b->channel));
	if (b->ack && json_object_get(o, "ack") == NULL)
		json_object_set_new(o, "ack", json_true());
}

/*
 * A CSV cell as its JSON value: the yes/no columns as booleans (1, 0,
 * true, false, 是, 否; anything else is sent as it is, for the server to
 * refuse by name), the others as strings; NULL when not UTF-8.
 */
static json_t *
ctl_import_cell(const char *col, const char *v)
{
	static const char *const yes[] = { "1", "true", "TRUE", "yes", "是",
	    NULL };
	static const char *const no[] = { "0", "false", "FALSE", "no", "否",
	    NULL };
	size_t	i;

	if (strcmp(col, "confidential") == 0 || strcmp(col, "ack") == 0) {
		for (i = 0; yes[i] != NULL; i++)
			if (strcmp(v, yes[i]) == 0)
				return json_true();
		for (i = 0; no[i] != NULL; i++)
			if (strcmp(v, no[i]) == 0)
				return json_false();
	}
	return json_string(v);
}

/*
 * CSV: a header row naming the columns (the request's field names), then
 * a case a row; an empty cell is a field left out.  -1 when the header
 * is unusable (nothing is sent), else 0 with each row's record.
 */
static int
ctl_import_csv(struct ctl_import_batch *b, const char *buf, size_t len)
{
	struct csv_reader	 rd;
	struct ctl_import_rec	*r;
	char			 scratch[CTL_IMPORT_RECORD_MAX], err[128];
	char			*f[CTL_IMPORT_COLS], *head[CTL_IMPORT_COLS];
	char			 heads[1024];
	size_t			 nf, nhead, line, i, j;
	int			 rv;

	csv_init(&rd, buf, len);
	if (csv_next(&rd, heads, sizeof(heads), head, nitems(head), &nhead,
	    &line, err, sizeof(err)) != 1) {
		fprintf(stderr, "hotlinectl: %s\n",
		    _("the CSV has no header row"));
		return -1;
	}
	for (i = 0; i < nhead; i++) {
		for (j = 0; ctl_import_cols[j] != NULL; j++)
			if (strcmp(head[i], ctl_import_cols[j]) == 0)
				break;
		if (ctl_import_cols[j] == NULL) {
			fprintf(stderr, "hotlinectl: ");
			fprintf(stderr, _("line 1: unknown column \"%.40s\" "
			    "(columns: channel, external_id, category, text, "
			    "msisdn, confidential, received_at, ack)\n"),
			    head[i]);
			return -1;
		}
	}
	while ((rv = csv_next(&rd, scratch, sizeof(scratch), f, nitems(f),
	    &nf, &line, err, sizeof(err))) != 0) {
		if (rv == 1 && nf == 1 && f[0][0] == '\0')
			continue;		/* an empty line */
		if (b->n >= CTL_IMPORT_MAX)
			return 0;		/* the caller says so */
		r = ctl_import_add(b, line);
		if (rv == -1) {		/* csv.c's words, English */
			strlcpy(r->err, err, sizeof(r->err));
			strlcpy(r->msg, err, sizeof(r->msg));
			continue;
		}
		if (nf != nhead) {
			ctl_import_err(r, N_("%zu fields, the header has "
			    "%zu"), nf, nhead);
			continue;
		}
		r->body = json_object();
		for (i = 0; i < nf && r->body != NULL; i++) {
			json_t	*v;

			if (f[i][0] == '\0')
				continue;
			if ((v = ctl_import_cell(head[i], f[i])) == NULL) {
				ctl_import_err(r, N_("%s: not valid UTF-8"),
				    head[i]);
				json_decref(r->body);
				r->body = NULL;
			} else
				json_object_set_new(r->body, head[i], v);
		}
		if (r->body != NULL)
			ctl_import_defaults(b, r->body);
	}
	return 0;
}

/* JSONL: one JSON object a line; blank lines are skipped.  0. */
static int
ctl_import_jsonl(struct ctl_import_batch *b, const char *buf, size_t len)
{
	struct ctl_import_rec	*r;
	json_error_t		 jerr;
	const char		*p = buf, *nl;
	size_t			 line = 0, n;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < buf + len; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		n = (size_t)(nl - p);
		if (strspn(p, " \t\r") >= n)
			continue;
		if (b->n >= CTL_IMPORT_MAX)
			return 0;
		r = ctl_import_add(b, line);
		if (n > CTL_IMPORT_RECORD_MAX) {
			ctl_import_err(r, N_("a line longer than %d bytes"),
			    CTL_IMPORT_RECORD_MAX);
			continue;
		}
		r->body = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
		if (r->body == NULL)
			ctl_import_err(r, N_("malformed JSON at column %d: "
			    "%.60s"), jerr.column, jerr.text);
		else if (!json_is_object(r->body)) {
			json_decref(r->body);
			r->body = NULL;
			ctl_import_err(r, N_("not a JSON object"));
		} else
			ctl_import_defaults(b, r->body);
	}
	return 0;
}

/*
 * One line of the report: LINE RESULT CASE-or-FIELD MESSAGE; msg is the
 * English for --json, hmsg the reader's (the server's message is in
 * English in both).
 */
static void
ctl_import_print(struct ctl *c, size_t line, int status, json_t *reply,
    const char *field, const char *msg, const char *hmsg)
{
	json_t		*o;
	const char	*what;

	what = status == 201 ? N_("created") : status == 200 ? N_("exists") :
	    N_("error");
	if (c->json) {
		o = json_pack("{s:I,s:s}", "line", (json_int_t)line, "result",
		    what);
		if (o == NULL)
			return;
		if (status == 200 || status == 201) {
			json_object_set(o, "case", json_object_get(reply,
			    "case"));
			json_object_set(o, "due", json_object_get(reply,
			    "due"));
		} else {
			json_object_set_new(o, "field", field != NULL ?
			    json_string(field) : json_null());
			json_object_set_new(o, "error", json_string(msg));
		}
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
		return;
	}
	if (status == 200 || status == 201)
		printf("%zu\t%s\t%s\t%s\n", line, _(what), json_string_value(
		    json_object_get(reply, "case")), json_is_string(
		    json_object_get(reply, "due")) ? json_string_value(
		    json_object_get(reply, "due")) : "-");
	else
		printf("%zu\t%s\t%s\t%s\n", line, _(what), field != NULL ?
		    field : "-", hmsg);
}

/* Send every record; the report on stdout, counts on stderr; 0 or 1. */
static int
ctl_import_send(struct ctl *c, struct ctl_import_batch *b)
{
	static const char	*refused = N_("the server refused it");
	struct ctl_import_rec	*r;
	json_t			*reply, *e;
	const char		*msg, *hmsg;
	char			 buf[CTL_ERROR_MAX];
	size_t			 i, nnew = 0, nold = 0, nbad = 0;
	int			 status;

	for (i = 0; i < b->n; i++) {
		r = &b->recs[i];
		if (r->body == NULL) {
			ctl_import_print(c, r->line, 0, NULL, NULL, r->err,
			    r->msg);
			nbad++;
			continue;
		}
		reply = ctl_call(c, EVHTTP_REQ_POST, "/v1/cases", r->body,
		    &status);
		r->body = NULL;		/* taken */
		e = json_object_get(reply, "error");
		msg = json_string_value(json_object_get(e, "message"));
		hmsg = ctl_error_text(e, buf, sizeof(buf));
		if (status == 200 || status == 201)
			ctl_import_print(c, r->line, status, reply, NULL, NULL,
			    NULL);
		else
			ctl_import_print(c, r->line, status, NULL,
			    json_string_value(json_object_get(e, "field")),
			    msg != NULL ? msg : refused, hmsg != NULL ? hmsg :
			    _(refused));
		if (status == 201)
			nnew++;
		else if (status == 200)
			nold++;
		else
			nbad++;
		json_decref(reply);
	}
	fprintf(stderr, "hotlinectl: ");
	fprintf(stderr, _("%zu records: %zu created, %zu already imported, "
	    "%zu refused\n"), b->n, nnew, nold, nbad);
	return nbad == 0 ? CTL_OK : CTL_SERVER;
}

/* Read and check path whole (format csv or jsonl), then send it. */
static int
ctl_import_file(struct ctl *c, const char *path, const char *format,
    struct ctl_import_batch *b)
{
	char	*buf, err[256];
	size_t	 len, i, more;
	int	 rv, csv;

	if (format == NULL) {
		len = strlen(path);
		format = len > 6 && strcmp(path + len - 6, ".jsonl") == 0 ?
		    "jsonl" : len > 4 && strcasecmp(path + len - 4, ".csv") ==
		    0 ? "csv" : NULL;
		if (format == NULL)
			ctl_die(CTL_USAGE, _("case import: name the format "
			    "(--format csv|jsonl) or the file .csv or .jsonl"));
	}
	if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
		ctl_die(CTL_USAGE, _("case import: --format is csv or "
		    "jsonl"));
	csv = strcmp(format, "csv") == 0;
	if ((buf = read_file_bounded(path, CTL_IMPORT_FILE_MAX, 0, &len, err,
	    sizeof(err))) == NULL)
		ctl_die(CTL_USAGE, "%s", err);
	if (len > CTL_IMPORT_FILE_MAX)
		ctl_die(CTL_USAGE, _("%s: larger than %d MiB; split the "
		    "batch"), path, CTL_IMPORT_FILE_MAX / (1024 * 1024));
	rv = csv ? ctl_import_csv(b, buf, len) :
	    ctl_import_jsonl(b, buf, len);
	more = b->n >= CTL_IMPORT_MAX;
	free(buf);
	if (rv == -1 || more) {
		if (more) {
			fprintf(stderr, "hotlinectl: ");
			fprintf(stderr, _("%s: more than %d records; split "
			    "the batch (nothing was sent)\n"), path,
			    CTL_IMPORT_MAX);
		}
		for (i = 0; i < b->n; i++)
			json_decref(b->recs[i].body);
		free(b->recs);
		return CTL_USAGE;
	}
	rv = ctl_import_send(c, b);
	free(b->recs);
	return rv;
}

/*
 * case import --channel CH --id ID --category CAT --msisdn NUMBER
 *     --text TEXT [--received TIME] [--confidential] [--ack]
 * case import --file FILE [--format csv|jsonl] [--channel CH] [--ack]
 */
int
cmd_case_import(struct ctl *c, char **argv)
{
	static const struct {
		const char	*opt;
		const char	*field;
	} valued[] = {
		{ "channel", "channel" }, { "id", "external_id" },
		{ "category", "category" }, { "msisdn", "msisdn" },
		{ "text", "text" }, { "received", "received_at" },
	};
	struct ctl_import_batch	 b;
	const char		*file = NULL, *format = NULL;
	json_t			*o, *reply;
	size_t			 j;
	int			 i, done, status;

	memset(&b, 0, sizeof(b));
	if ((o = json_object()) == NULL)
		ctl_die(CTL_USAGE, _("out of memory"));
	for (i = 0; argv[i] != NULL; i++) {
		done = 0;
		if (strcmp(argv[i], "--confidential") == 0 ||
		    strcmp(argv[i], "--ack") == 0) {
			json_object_set_new(o, argv[i] + 2, json_true());
			b.ack |= strcmp(argv[i], "--ack") == 0;
			continue;
		}
		if (argv[i + 1] == NULL || strncmp(argv[i], "--", 2) != 0)
			ctl_die(CTL_USAGE, _("case import: options are --NAME "
			    "VALUE (see hotlinectl(8))"));
		if (strcmp(argv[i], "--file") == 0)
			file = argv[++i], done = 1;
		else if (strcmp(argv[i], "--format") == 0)
			format = argv[++i], done = 1;
		for (j = 0; j < nitems(valued) && !done; j++)
			if (strcmp(argv[i] + 2, valued[j].opt) == 0) {
				if (json_object_set_new(o, valued[j].field,
				    json_string(argv[++i])) == -1)
					ctl_die(CTL_USAGE, _("%s: not valid "
					    "UTF-8"), argv[i - 1]);
				done = 1;
			}
		if (!done)
			ctl_die(CTL_USAGE, _("case import: unknown option "
			    "%.40s"), argv[i]);
	}
	if (file != NULL) {
		if (json_object_size(o) > (size_t)(b.ack +
		    (json_object_get(o, "channel") != NULL)))
			ctl_die(CTL_USAGE, _("case import --file takes only "
			    "--format, --channel and --ack"));
		b.channel = json_string_value(json_object_get(o, "channel"));
		status = ctl_import_file(c, file, format, &b);
		json_decref(o);
		return status;
	}
	if (format != NULL)
		ctl_die(CTL_USAGE, _("case import: --format goes with "
		    "--file"));
	reply = ctl_request(c, EVHTTP_REQ_POST, "/v1/cases", o);
	return ctl_output(c, reply, ctl_table);
}
