/*
 * hotlinectl's office figures: stats, the bulletin (report) and the
 * public list (publish); periods longer than the server reads at once
 * are asked for in pieces and merged here.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <event2/http.h>
#include <jansson.h>

#include "calendar.h"
#include "ctl.h"
#include "report.h"
#include "stats.h"
#include "util.h"

#define CTL_ASSESSMENT	SYSCONFDIR "/hotlined.assessment"

struct ctl_period {
	const char	*kind;		/* day, week, month, range; NULL */
	const char	*arg;
	const char	*from;
	const char	*to;
};

/* A valued option of report or publish and where its value goes. */
struct ctl_opt {
	const char	 *name;
	const char	**value;
};

static int	 ctl_period_opt(struct ctl_period *, char **, int *);
static void	 ctl_opts(char **, struct ctl_period *,
		    const struct ctl_opt *, const char *);
static void	 ctl_period_get(struct ctl_period *, const char *,
		    struct stats_period *);
static json_t	*ctl_get_period(struct ctl *, const char *, const char *,
		    const struct stats_period *, int,
		    void (*)(json_t *, json_t *, int), int);
static void	 ctl_merge_stats(json_t *, json_t *, int);
static void	 ctl_merge_units(json_t *, json_t *, int);
static void	 ctl_merge_lists(json_t *, json_t *, int);
static void	 ctl_merge_flags(json_t *, json_t *, int);
static void	 ctl_merge_publish(json_t *, json_t *, int);
static void	 ctl_weights(const char *, struct stats_weights *);
static void	 ctl_write(const char *, int (*)(FILE *, void *), void *);
static int	 ctl_stats_render(FILE *, void *);
static int	 ctl_report_render(FILE *, void *);
static void	 ctl_pdf(const char *, const char *);
static int	 ctl_publish_render(FILE *, void *);

/* Take a period option at argv[*i]; 1 taken, 0 not a period option. */
static int
ctl_period_opt(struct ctl_period *p, char **argv, int *i)
{
	const char	*o = argv[*i], *next = argv[*i + 1];

	if (strcmp(o, "--from") == 0 || strcmp(o, "--to") == 0) {
		if (next == NULL)
			ctl_die(CTL_USAGE, _("%s: missing date"), o);
		if (p->kind != NULL && strcmp(p->kind, "range") != 0)
			ctl_die(CTL_USAGE, _("one period only"));
		p->kind = "range";
		*(o[2] == 'f' ? &p->from : &p->to) = next;
		(*i)++;
		return 1;
	}
	if (strcmp(o, "--day") != 0 && strcmp(o, "--week") != 0 &&
	    strcmp(o, "--month") != 0)
		return 0;
	if (p->kind != NULL)
		ctl_die(CTL_USAGE, _("one period only"));
	p->kind = o + 2;
	/* --week and --month may stand alone: this week, last month */
	if (next != NULL && strncmp(next, "--", 2) != 0 && strcmp(next,
	    "-o") != 0) {
		p->arg = next;
		(*i)++;
	} else if (strcmp(o, "--day") == 0)
		ctl_die(CTL_USAGE, _("--day: missing date"));
	return 1;
}

/*
 * Take argv's period options into p and each valued option in opts into
 * its place; any other option is a usage error naming cmd.
 */
static void
ctl_opts(char **argv, struct ctl_period *p, const struct ctl_opt *opts,
    const char *cmd)
{
	const struct ctl_opt	*o;
	int			 i;

	for (i = 0; argv[i] != NULL; i++) {
		if (ctl_period_opt(p, argv, &i))
			continue;
		if (argv[i + 1] == NULL)
			ctl_die(CTL_USAGE, _("%s: missing value"), argv[i]);
		for (o = opts; o->name != NULL; o++)
			if (strcmp(argv[i], o->name) == 0)
				break;
		if (o->name == NULL)
			ctl_die(CTL_USAGE, _("%s: unknown option (see "
			    "hotlinectl(8))"), cmd);
		*o->value = argv[++i];
	}
}

/* The period asked for, checked as the server would; dflt is the kind
 * used when no period was given. */
static void
ctl_period_get(struct ctl_period *p, const char *dflt, struct stats_period *sp)
{
	char	err[128], buf[256];
	int	today, min, f, t;

	if (cal_date_local(time(NULL), &today, &min) == -1)
		ctl_die(CTL_USAGE, _("no local date"));
	if (p->kind == NULL)
		p->kind = dflt;
	if (strcmp(p->kind, "range") == 0) {
		if (p->from == NULL || p->to == NULL)
			ctl_die(CTL_USAGE, _("--from and --to go together"));
		ctl_check_arg("--from", p->from);
		ctl_check_arg("--to", p->to);
		if (stats_period_parse(sp, p->from, p->to, err,
		    sizeof(err)) == -1)
			ctl_die(CTL_USAGE, _("period: %s"),
			    ctl_local_text(err, buf, sizeof(buf)));
	} else if (stats_period_named(p->kind, p->arg, today, &f, &t, err,
	    sizeof(err)) == -1 || stats_period_set(sp, f, t, err,
	    sizeof(err)) == -1)
		ctl_die(CTL_USAGE, _("period: %s"), ctl_local_text(err, buf,
		    sizeof(buf)));
}

/*
 * GET base?from=&to=extra for the period, in requests of at most span
 * days (the server reads one quarter at a time), each added into the
 * first by merge.
 */
static json_t *
ctl_get_period(struct ctl *c, const char *base, const char *extra,
    const struct stats_period *sp, int span, void (*merge)(json_t *,
    json_t *, int), int arg)
{
	json_t	*all = NULL, *one;
	char	*path, from[CAL_DATE_LEN], to[CAL_DATE_LEN];
	int	 d, e;

	for (d = sp->from; d != -1 && d <= sp->to; d = cal_date_add(e, 1)) {
		e = cal_date_add(d, span - 1);
		if (e == -1 || e > sp->to)
			e = sp->to;
		xasprintf(&path, "%s?from=%s&to=%s%s", base,
		    cal_date_format(d, from, sizeof(from)),
		    cal_date_format(e, to, sizeof(to)), extra);
		one = ctl_request(c, EVHTTP_REQ_GET, path, NULL);
		free(path);
		if (all == NULL)
			all = one;
		else {
			merge(all, one, arg);
			json_decref(one);
		}
	}
	return all;
}

static void
ctl_merge_stats(json_t *a, json_t *b, int arg)
{
	(void)arg;
	stats_merge(a, b);
}

static void
ctl_merge_units(json_t *a, json_t *b, int arg)
{
	(void)arg;
	stats_merge_units(a, b);
}

static void
ctl_merge_lists(json_t *a, json_t *b, int limit)
{
	stats_merge_lists(a, b, limit);
}

static void
ctl_merge_flags(json_t *a, json_t *b, int limit)
{
	stats_merge_flags(a, b, limit);
}

static void
ctl_merge_publish(json_t *a, json_t *b, int arg)
{
	(void)arg;
	json_array_extend(json_object_get(a, "matters"), json_object_get(b,
	    "matters"));
	json_object_set(a, "to", json_object_get(b, "to"));
}

static void
ctl_weights(const char *path, struct stats_weights *w)
{
	char	err[256];
	int	found;

	if (stats_weights_load(path != NULL ? path : CTL_ASSESSMENT, w,
	    &found, err, sizeof(err)) == -1)
		ctl_die(CTL_USAGE, "%s", err);
	if (!found && path != NULL)
		ctl_die(CTL_USAGE, _("%s: no such file"), path);
}

/* Write what fn renders to path through a temporary file; 0 or -1. */
static void
ctl_write(const char *path, int (*fn)(FILE *, void *), void *arg)
{
	char	*tmp;
	FILE	*f;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fn(stdout, arg) == -1 || fflush(stdout) != 0)
			ctl_die(CTL_SERVER, _("cannot write the output"));
		return;
	}
	xasprintf(&tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		ctl_die(CTL_USAGE, "%s: %s", tmp, strerror(errno));
	if (fn(f, arg) == -1 || fclose(f) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		ctl_die(CTL_SERVER, _("%s: cannot write"), path);
	}
	free(tmp);
}

struct ctl_stats_out {
	json_t		*reply;
	int		 csv;
	int		 units;
	int		 flags;
};

static int
ctl_stats_render(FILE *f, void *arg)
{
	struct ctl_stats_out	*o = arg;

	if (o->flags)
		report_flags_table(f, o->reply);
	else if (o->units)
		(o->csv ? report_units_csv : report_units_table)(f, o->reply);
	else
		(o->csv ? report_stats_csv : report_stats_table)(f, o->reply);
	return ferror(f) ? -1 : 0;
}

/* stats [units] [period] [--by B] [--csv] [--weights FILE] */
int
cmd_stats(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_stats_out	 o = { 0 };
	struct stats_weights	 w;
	struct stats_period	 sp;
	const char		*by = NULL, *weights = NULL;
	char			*q;
	int			 i = 0;

	if (argv[0] != NULL && strcmp(argv[0], "units") == 0) {
		o.units = 1;
		i++;
	} else if (argv[0] != NULL && strcmp(argv[0], "flags") == 0) {
		o.flags = 1;
		i++;
	}
	for (; argv[i] != NULL; i++) {
		if (ctl_period_opt(&p, argv, &i))
			continue;
		if (strcmp(argv[i], "--csv") == 0)
			o.csv = 1;
		else if (strcmp(argv[i], "--json") == 0)
			c->json = 1;	/* after the command, too */
		else if (strcmp(argv[i], "--by") == 0 && !o.units && !o.flags &&
		    argv[i + 1] != NULL) {
			by = argv[++i];
			if (stats_by_parse(by) == -1)
				ctl_die(CTL_USAGE, _("--by: category, unit, "
				    "channel, day or none"));
		} else if (strcmp(argv[i], "--weights") == 0 && o.units &&
		    argv[i + 1] != NULL)
			weights = argv[++i];
		else
			ctl_die(CTL_USAGE, _("stats: unknown option (see "
			    "hotlinectl(8))"));
	}
	if (o.units)
		ctl_weights(weights, &w);
	ctl_period_get(&p, "day", &sp);
	xasprintf(&q, "%s%s", by != NULL ? "&by=" : "", by != NULL ? by : "");
	if (o.flags)
		o.reply = ctl_get_period(c, "/v1/stats/flags", "&limit=1000",
		    &sp, STATS_API_SPAN_MAX, ctl_merge_flags, STATS_LIST_MAX);
	else
		o.reply = ctl_get_period(c, o.units ? "/v1/stats/units" :
		    "/v1/stats", q, &sp, STATS_API_SPAN_MAX, o.units ?
		    ctl_merge_units : ctl_merge_stats, 0);
	free(q);
	if (o.units)
		stats_score(json_object_get(o.reply, "units"), &w);
	if (c->json)
		return ctl_output(c, o.reply, NULL);
	ctl_write(NULL, ctl_stats_render, &o);
	json_decref(o.reply);
	return CTL_OK;
}

struct ctl_report {
	json_t			*days, *cats, *units, *lists, *flags;
	struct stats_weights	 w;
	char			 generated[32];
};

static int
ctl_report_render(FILE *f, void *arg)
{
	struct ctl_report	*r = arg;

	return report_html(f, r->days, r->cats, r->units, r->lists, r->flags,
	    &r->w, r->generated);
}

/* Print the HTML at html to pdf with chromium (HOTLINECTL_CHROMIUM). */
static void
ctl_pdf(const char *html, const char *pdf)
{
	extern char		**environ;
	posix_spawn_file_actions_t fa;
	const char		*bin = getenv("HOTLINECTL_CHROMIUM");
	char		*out, *url, *argv[8];
	pid_t		 pid;
	int		 st;

	if (bin == NULL)
		bin = "chromium";
	xasprintf(&out, "--print-to-pdf=%s", pdf);
	if (html[0] == '/')
		xasprintf(&url, "file://%s", html);
	else {
		char	cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			ctl_die(CTL_USAGE, _("cannot get the directory"));
		xasprintf(&url, "file://%s/%s", cwd, html);
	}
	argv[0] = (char *)bin;
	argv[1] = "--headless";
	argv[2] = "--no-sandbox";
	argv[3] = "--disable-gpu";
	argv[4] = "--no-pdf-header-footer";
	argv[5] = out;
	argv[6] = url;
	argv[7] = NULL;
	/* the browser talks (D-Bus, GPU) on its own outputs: not ours */
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0) != 0 || posix_spawn_file_actions_adddup2(&fa, 1, 2) != 0)
		ctl_die(CTL_USAGE, _("--pdf: cannot prepare %s"), bin);
	if (posix_spawnp(&pid, bin, &fa, NULL, argv, environ) != 0)
		ctl_die(CTL_USAGE, _("--pdf: cannot run %s (install chromium)"),
		    bin);
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0 || access(pdf, F_OK) == -1)
		ctl_die(CTL_SERVER, _("--pdf: %s failed (the HTML is written: "
		    "print it from a browser)"), bin);
	free(out);
	free(url);
}

/* report [period] -o FILE.html [--pdf FILE.pdf] [--weights FILE] */
int
cmd_report(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_report	 r;
	struct stats_period	 sp;
	const char		*out = NULL, *pdf = NULL, *weights = NULL;
	struct tm		 tm;
	time_t			 now = time(NULL);
	struct ctl_opt		 opts[] = { { "-o", &out }, { "--pdf", &pdf },
	    { "--weights", &weights }, { NULL, NULL } };

	memset(&r, 0, sizeof(r));
	ctl_opts(argv, &p, opts, "report");
	if (out == NULL)
		ctl_die(CTL_USAGE, _("report: -o FILE.html is required"));
	ctl_weights(weights, &r.w);
	ctl_period_get(&p, "month", &sp);
	r.days = ctl_get_period(c, "/v1/stats", "&by=day", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_stats, 0);
	r.cats = ctl_get_period(c, "/v1/stats", "&by=category", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_stats, 0);
	r.units = ctl_get_period(c, "/v1/stats/units", "", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_units, 0);
	r.lists = ctl_get_period(c, "/v1/stats/lists", "&limit=200", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_lists, 200);
	r.flags = ctl_get_period(c, "/v1/stats/flags", "&limit=200", &sp,
	    STATS_API_SPAN_MAX, ctl_merge_flags, 200);
	stats_score(json_object_get(r.units, "units"), &r.w);
	localtime_r(&now, &tm);
	strftime(r.generated, sizeof(r.generated), "%Y-%m-%d %H:%M", &tm);
	ctl_write(out, ctl_report_render, &r);
	if (pdf != NULL)
		ctl_pdf(out, pdf);
	json_decref(r.days);
	json_decref(r.cats);
	json_decref(r.units);
	json_decref(r.lists);
	json_decref(r.flags);
	return CTL_OK;
}

struct ctl_publish {
	json_t		*reply;
	const char	*format;
};

static int
ctl_publish_render(FILE *f, void *arg)
{
	struct ctl_publish	*p = arg;

	return report_publish(f, p->reply, p->format);
}

/* publish --from D --to D [-o FILE] [--format csv|json|html] */
int
cmd_publish(struct ctl *c, char **argv)
{
	struct ctl_period	 p = { 0 };
	struct ctl_publish	 pub = { NULL, NULL };
	struct stats_period	 sp;
	const char		*out = NULL, *ext;
	struct ctl_opt		 opts[] = { { "-o", &out },
	    { "--format", &pub.format }, { NULL, NULL } };

	ctl_opts(argv, &p, opts, "publish");
	if (pub.format == NULL && out != NULL &&
	    (ext = strrchr(out, '.')) != NULL)
		pub.format = strcmp(ext, ".json") == 0 ? "json" :
		    strcmp(ext, ".html") == 0 || strcmp(ext, ".htm") == 0 ?
		    "html" : "csv";
	if (pub.format == NULL)
		pub.format = "csv";
	if (strcmp(pub.format, "csv") != 0 && strcmp(pub.format, "json") !=
	    0 && strcmp(pub.format, "html") != 0)
		ctl_die(CTL_USAGE, _("--format: csv, json or html"));
	if (p.kind == NULL)
		ctl_die(CTL_USAGE, _("publish: which period (--from D "
		    "--to D)?"));
	ctl_period_get(&p, "range", &sp);
	/* a day a request: a day of matters is a few hundred kB */
	pub.reply = ctl_get_period(c, "/v1/publish", "", &sp, 1,
	    ctl_merge_publish, 0);
	ctl_write(out, ctl_publish_render, &pub);
	json_decref(pub.reply);
	return CTL_OK;
}
