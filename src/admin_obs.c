/*
 * admin_obs: what operators look at and steer on the admin listener:
 * /metrics (Prometheus text 0.0.4), the status page (/status, HTML in
 * Chinese and English), the outbox rows (/v1/outbox: list, show, hold,
 * release, retry, cancel) and the SMSC links (/v1/smsc: list, stop,
 * start).  Its routes follow admin.c's table; hotlinectl(8) documents
 * them.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <limits.h>
#include <unistd.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "daemon.h"
#include "log.h"
#include "util.h"
#include "admin_int.h"
#include "calendar.h"
#include "commit.h"
#include "config.h"
#include "health.h"
#include "metrics.h"
#include "outbox.h"
#include "smpp_session.h"
#include "smsc.h"
#include "store.h"
#include "tokens.h"

#define OBS_LIST_DEFAULT	50
#define OBS_LIST_MAX		500
#define OBS_REASON_MAX		256
#define OBS_CHART_SLOTS		60	/* of METRICS_RING_MS: 10 minutes */
#define OBS_COOKIE		"hotlined_token"

static int	 obs_metrics(struct admin_req *);
static int	 obs_status_page(struct admin_req *);
static int	 obs_outbox_list(struct admin_req *);
static int	 obs_outbox_show(struct admin_req *);
static int	 obs_outbox_op(struct admin_req *);
static int	 obs_smsc_list(struct admin_req *);
static int	 obs_smsc_op(struct admin_req *);
static int	 obs_id(struct admin_req *, int64_t *);
static int	 obs_op_refused(struct admin_req *, int64_t, int, const char *);
static int	 obs_query_refused(struct admin_req *, const char *,
		    const char *);
static json_t	*obs_row_json(const struct store_obs_row *, int);
static void	 obs_today(char *, size_t, int64_t *);
static void	 obs_process(uint64_t *, uint64_t *);
static void	 obs_html_esc(struct evbuffer *, const char *);
static void	 obs_chart(struct evbuffer *, int);
static void	 obs_links(struct evbuffer *);

const struct admin_route admin_obs_routes[] = {
	{ EVHTTP_REQ_GET, "/metrics", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_METRICS, obs_metrics },
	{ EVHTTP_REQ_GET, "/status", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY | ADMIN_F_BROWSER, obs_status_page },
	{ EVHTTP_REQ_GET, "/v1/outbox", TOKEN_OFFICE | TOKEN_AUDITOR,
	    ADMIN_F_QUERY, obs_outbox_list },
	{ EVHTTP_REQ_GET, "/v1/outbox/:id", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    obs_outbox_show },
	{ EVHTTP_REQ_POST, "/v1/outbox/:id/hold", TOKEN_OFFICE, ADMIN_F_BODY,
	    obs_outbox_op },
	{ EVHTTP_REQ_POST, "/v1/outbox/:id/release", TOKEN_OFFICE,
	    ADMIN_F_BODY, obs_outbox_op },
	{ EVHTTP_REQ_POST, "/v1/outbox/:id/retry", TOKEN_OFFICE, ADMIN_F_BODY,
	    obs_outbox_op },
	{ EVHTTP_REQ_POST, "/v1/outbox/:id/cancel", TOKEN_OFFICE,
	    ADMIN_F_BODY, obs_outbox_op },
	{ EVHTTP_REQ_GET, "/v1/smsc", TOKEN_OFFICE | TOKEN_AUDITOR, 0,
	    obs_smsc_list },
	{ EVHTTP_REQ_POST, "/v1/smsc/:name/stop", TOKEN_OFFICE, ADMIN_F_BODY,
	    obs_smsc_op },
	{ EVHTTP_REQ_POST, "/v1/smsc/:name/start", TOKEN_OFFICE, ADMIN_F_BODY,
	    obs_smsc_op },
};
const size_t admin_obs_nroutes = nitems(admin_obs_routes);

static int	 metrics_auth;
static time_t	 obs_started;

void
admin_obs_conf(const struct conf_admin *c)
{
	metrics_auth = c->metrics_auth;
	if (obs_started == 0)
		obs_started = clock_now();
}

int
admin_obs_metrics_open(void)
{
	return metrics_auth == CONF_METRICS_NONE;
}

/*
 * A browser cannot send an Authorization header from a bookmark: the
 * status page also takes ?token= (it then lands in the browser's history:
 * use an auditor token) or a cookie named hotlined_token.
 */
const char *
admin_obs_browser_token(struct admin_req *r, size_t *lenp)
{
	return admin_obs_token_in(evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(r->req)), evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "Cookie"), lenp);
}

const char *
admin_obs_token_in(const char *q, const char *c, size_t *lenp)
{
	const char	*p;
	size_t		 len;

	for (p = q; p != NULL && *p != '\0'; p += strcspn(p, "&"),
	    p += *p == '&') {
		if (strncmp(p, "token=", 6) != 0)
			continue;
		len = strcspn(p + 6, "&");
		if (len == 0 || len > TOKEN_SECRET_MAX)
			return NULL;
		*lenp = len;
		return p + 6;
	}
	for (p = c; p != NULL && *p != '\0'; p += strcspn(p, ";"),
	    p += *p == ';') {
		p += strspn(p, " ");
		if (strncmp(p, OBS_COOKIE "=", sizeof(OBS_COOKIE)) != 0)
			continue;
		p += sizeof(OBS_COOKIE);
		len = strcspn(p, "; ");
		if (len == 0 || len > TOKEN_SECRET_MAX)
			return NULL;
		*lenp = len;
		return p;
	}
	return NULL;
}

/* --- gauges ------------------------------------------------------------- */

/* Local today as "YYYY-MM-DD" and its midnight in ms. */
static void
obs_today(char *buf, size_t len, int64_t *midnight)
{
	struct tm	tm;
	time_t		now = clock_now();

	if (localtime_r(&now, &tm) == NULL) {
		strlcpy(buf, "9999-12-31", len);
		*midnight = 0;
		return;
	}
	strftime(buf, len, "%Y-%m-%d", &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*midnight = (int64_t)mktime(&tm) * 1000;
}

/* Resident bytes and open descriptors of this process (Linux /proc). */
static void
obs_process(uint64_t *rss, uint64_t *fds)
{
	FILE		*f;
	DIR		*d;
	unsigned long	 size, res;

	*rss = *fds = 0;
	if ((f = fopen("/proc/self/statm", "re")) != NULL) {
		if (fscanf(f, "%lu %lu", &size, &res) == 2)
			*rss = (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
		fclose(f);
	}
	if ((d = opendir("/proc/self/fd")) != NULL) {
		while (readdir(d) != NULL)
			(*fds)++;
		closedir(d);
		*fds = *fds > 3 ? *fds - 3 : 0;	/* ., .. and d's own */
	}
}

/* Per link: one family at a time, every link's sample in it. */
static void
obs_links(struct evbuffer *out)
{
	static const struct {
		const char	*name, *type, *help;
	} fams[] = {
		{ "smsc_up", "gauge", "1 when the SMSC link is bound." },
		{ "smsc_stopped", "gauge", "1 when an operator stopped the "
		    "link (hotlinectl smsc stop)." },
		{ "smsc_throughput_limit", "gauge", "Submits per second the "
		    "link may send (throughput)." },
		{ "smsc_binds_total", "counter", "Successful binds." },
		{ "smsc_connects_total", "counter", "Connection attempts." },
		{ "smsc_submits_total", "counter", "submit_sm sent." },
		{ "smsc_delivers_total", "counter", "deliver_sm received." },
		{ "smsc_throttled_total", "counter", "Submits answered "
		    "THROTTLED or MSGQFUL." },
	};
	struct smsc_info	 in;
	char			 esc[128];
	unsigned long long	 v;
	size_t			 f, i;

	for (f = 0; f < nitems(fams); f++) {
		evbuffer_add_printf(out, "# HELP hotlined_%s %s\n# TYPE "
		    "hotlined_%s %s\n", fams[f].name, fams[f].help,
		    fams[f].name, fams[f].type);
		for (i = 0; smsc_info(smsc_default(), i, &in) == 0; i++) {
			switch (f) {
			case 0: v = in.state == SMPP_S_BOUND; break;
			case 1: v = (unsigned long long)in.stopped; break;
			case 2: v = (unsigned long long)in.throughput; break;
			case 3: v = in.binds; break;
			case 4: v = in.connects; break;
			case 5: v = in.submits; break;
			case 6: v = in.delivers; break;
			default: v = in.throttled; break;
			}
			evbuffer_add_printf(out, "hotlined_%s{smsc=\"%s\"} "
			    "%llu\n", fams[f].name, metrics_escape(in.name,
			    esc, sizeof(esc)), v);
		}
	}
}

/*
 * Open unclassified cases, read at most every OBS_UNCLASSIFIED_MS: the
 * count reads each such case's row (cases_category has no closed_at), and
 * a bench/ingest run leaves 10,000 of them: 10-40 ms, too dear for every
 * scrape.  In an office that classifies them the count stays small.
 */
#define OBS_UNCLASSIFIED_MS	30000
static int
obs_unclassified(struct store *st, int *np)
{
	static uint64_t	 at;
	static int	 n;
	int64_t		 oldest;

	if (at == 0 || clock_mono_ms() - at >= OBS_UNCLASSIFIED_MS) {
		if (store_queue_stats(st, &n, &oldest) == -1)
			return -1;
		at = clock_mono_ms();
	}
	*np = n;
	return 0;
}

#define GAUGE(out, name, help, fmt, v)					\
	evbuffer_add_printf(out, "# HELP hotlined_" name " " help "\n"	\
	    "# TYPE hotlined_" name " gauge\nhotlined_" name " " fmt "\n", v)

static void	obs_sync(struct evbuffer *, const struct commit *);
static void	obs_citizens(struct evbuffer *, struct store *);

/* The WAL's checkpoints (store_checkpoint.c), by outcome and by whom. */
static void
obs_checkpoint(struct evbuffer *out, struct store *st)
{
	struct store_ckpt_stats	c;

	store_ckpt_stats(st, &c);
	evbuffer_add_printf(out, "# HELP hotlined_checkpoints_total WAL "
	    "checkpoints: ok (all that succeeded), tail and forced (the "
	    "loop's while a thread checkpoints), busy and failed (retried)."
	    "\n# TYPE hotlined_checkpoints_total counter\n"
	    "hotlined_checkpoints_total{result=\"ok\"} %llu\n"
	    "hotlined_checkpoints_total{result=\"tail\"} %llu\n"
	    "hotlined_checkpoints_total{result=\"forced\"} %llu\n"
	    "hotlined_checkpoints_total{result=\"busy\"} %llu\n"
	    "hotlined_checkpoints_total{result=\"failed\"} %llu\n",
	    (unsigned long long)c.runs, (unsigned long long)c.tail,
	    (unsigned long long)c.forced, (unsigned long long)c.busy,
	    (unsigned long long)c.failed);
	GAUGE(out, "wal_frames", "Frames in the WAL after the last commit.",
	    "%d", c.wal_frames);
	GAUGE(out, "checkpoint_thread", "1: a thread checkpoints the WAL, "
	    "0: the loop (checkpoint inline).", "%d", c.thread);
	obs_sync(out, commit_default());
}

/* citizens lagging behind the rows (v24): numbers held, passes made. */
static void
obs_citizens(struct evbuffer *out, struct store *st)
{
	struct store_citmap_stats	cs;

	store_citmap_stats(st, &cs);
	GAUGE(out, "citizens_lagging", "Numbers whose newest case or SMS "
	    "is held in memory, not yet written into citizens.", "%zu",
	    cs.lagging);
	evbuffer_add_printf(out, "# HELP hotlined_citizens_passes_total "
	    "Passes that wrote the held numbers into citizens.\n"
	    "# TYPE hotlined_citizens_passes_total counter\n"
	    "hotlined_citizens_passes_total %lld\n", (long long)cs.passes);
}

/* The sync thread (wal-sync thread): syncs made, batches waiting. */
static void
obs_sync(struct evbuffer *out, const struct commit *c)
{
	if (c == NULL)
		return;
	evbuffer_add_printf(out, "# HELP hotlined_wal_syncs_total WAL syncs "
	    "the sync thread made (wal-sync thread).\n"
	    "# TYPE hotlined_wal_syncs_total counter\n"
	    "hotlined_wal_syncs_total %llu\n",
	    (unsigned long long)commit_syncs_made(c));
	GAUGE(out, "commits_unsynced", "Batches committed, waiting for the "
	    "sync thread before they are answered.", "%zu",
	    commit_syncs_waiting(c));
}

static int
obs_metrics(struct admin_req *r)
{
	struct store_obs_outbox	 o;
	struct store_obs_counts	 c;
	struct evbuffer		*out;
	json_t			*h;
	char			 today[CAL_DATE_LEN];
	int64_t			 midnight;
	uint64_t		 rss, fds;
	int			 n = 0, st;

	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open yet");
	obs_today(today, sizeof(today), &midnight);
	if (store_obs_outbox(r->store, &o) == -1 ||
	    store_obs_counts(r->store, 0, today, &c) == -1 ||
	    obs_unclassified(r->store, &n) == -1)
		return admin_error(r, 503, "unavailable", "the store cannot "
		    "be read");
	if ((out = evbuffer_new()) == NULL)
		return admin_error(r, 500, "internal", "out of memory");
	metrics_render(out);
	evbuffer_add_printf(out, "# HELP hotlined_outbox_messages Outgoing "
	    "SMS waiting, by state.\n# TYPE hotlined_outbox_messages gauge\n"
	    "hotlined_outbox_messages{state=\"queued\"} %lld\n"
	    "hotlined_outbox_messages{state=\"inflight\"} %lld\n"
	    "hotlined_outbox_messages{state=\"held\"} %lld\n",
	    (long long)o.queued, (long long)o.inflight, (long long)o.held);
	GAUGE(out, "outbox_oldest_age_seconds", "Age of the oldest queued "
	    "SMS (0: none queued).", "%.3f", o.oldest > 0 ?
	    (double)((int64_t)clock_now_ms() - o.oldest) / 1000 : 0.0);
	obs_links(out);
	GAUGE(out, "alerts_open", "Safety-screen alerts not acknowledged.",
	    "%d", store_alert_open(r->store));
	GAUGE(out, "unclassified_waiting", "Open cases waiting for a person "
	    "to classify them (read at most every 30 s).", "%d", n);
	GAUGE(out, "surveys_open", "Satisfaction surveys waiting for a "
	    "reply.", "%lld", (long long)c.surveys_open);
	GAUGE(out, "cases_overdue", "Open cases past their due day.", "%lld",
	    (long long)c.overdue);
	obs_checkpoint(out, r->store);
	obs_citizens(out, r->store);
	st = health_report_with(r->store, &o, &h);
	json_decref(h);
	GAUGE(out, "health_status", "0 ok, 1 degraded, 2 failing "
	    "(/v1/health says why).", "%d", st);
	obs_process(&rss, &fds);
	evbuffer_add_printf(out, "# HELP process_resident_memory_bytes "
	    "Resident memory size in bytes.\n# TYPE "
	    "process_resident_memory_bytes gauge\n"
	    "process_resident_memory_bytes %llu\n"
	    "# HELP process_open_fds Number of open file descriptors.\n"
	    "# TYPE process_open_fds gauge\nprocess_open_fds %llu\n"
	    "# HELP process_start_time_seconds Start time of the process "
	    "since the epoch in seconds.\n# TYPE process_start_time_seconds "
	    "gauge\nprocess_start_time_seconds %lld\n"
	    "# HELP hotlined_build_info The running version.\n"
	    "# TYPE hotlined_build_info gauge\n"
	    "hotlined_build_info{version=\"%s\"} 1\n",
	    (unsigned long long)rss, (unsigned long long)fds,
	    (long long)obs_started, PACKAGE_VERSION);
	r->raw = out;
	r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
	return 200;
}

/* --- the status page ---------------------------------------------------- */

/* s with &<>"' escaped. */
static void
obs_html_esc(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':	evbuffer_add(out, "&amp;", 5); break;
		case '<':	evbuffer_add(out, "&lt;", 4); break;
		case '>':	evbuffer_add(out, "&gt;", 4); break;
		case '"':	evbuffer_add(out, "&quot;", 6); break;
		case '\'':	evbuffer_add(out, "&#39;", 5); break;
		default:	evbuffer_add(out, s, 1); break;
		}
}

/* Texts, in Chinese and English; lang 0 both, 1 Chinese, 2 English. */
static int	 obs_lang;
static void
obs_t(struct evbuffer *out, const char *zh, const char *en)
{
	if (obs_lang == 0)
		evbuffer_add_printf(out, "%s <span class=en>%s</span>", zh, en);
	else
		evbuffer_add_printf(out, "%s", obs_lang == 1 ? zh : en);
}

/* Received and sent per 10 s over the last 10 minutes, as inline SVG. */
static void
obs_chart(struct evbuffer *out, int unused)
{
	uint64_t	 mo[OBS_CHART_SLOTS], mt[OBS_CHART_SLOTS], max = 1;
	const int	 w = 600, h = 120, bw = w / OBS_CHART_SLOTS;
	size_t		 i;

	metrics_ring(mo, mt, OBS_CHART_SLOTS);
	for (i = 0; i < OBS_CHART_SLOTS; i++) {
		if (mo[i] > max)
			max = mo[i];
		if (mt[i] > max)
			max = mt[i];
	}
	evbuffer_add_printf(out, "<svg id=chart width=%d height=%d viewBox="
	    "\"0 0 %d %d\" role=img aria-label=\"throughput\">"
	    "<rect width=%d height=%d class=bg />", w, h + 14, w, h + 14, w, h);
	for (i = 0; i < OBS_CHART_SLOTS; i++) {
		evbuffer_add_printf(out, "<rect class=mo x=%zu y=%llu width=%d "
		    "height=%llu><title>%llu</title></rect>", i * bw,
		    (unsigned long long)(h - mo[i] * h / max), bw / 2,
		    (unsigned long long)(mo[i] * h / max),
		    (unsigned long long)mo[i]);
		evbuffer_add_printf(out, "<rect class=mt x=%zu y=%llu width=%d "
		    "height=%llu><title>%llu</title></rect>", i * bw + bw / 2,
		    (unsigned long long)(h - mt[i] * h / max), bw / 2,
		    (unsigned long long)(mt[i] * h / max),
		    (unsigned long long)mt[i]);
	}
	evbuffer_add_printf(out, "<text x=2 y=%d>-10 min</text><text x=%d "
	    "y=%d text-anchor=end>max %llu / 10 s</text></svg>", h + 12, w - 2,
	    h + 12, (unsigned long long)max);
}

/* One row of a two-column table: label, number (id for the tests). */
static void
obs_row(struct evbuffer *out, const char *id, const char *zh, const char *en,
    long long v)
{
	evbuffer_add_printf(out, "<tr><th>");
	obs_t(out, zh, en);
	evbuffer_add_printf(out, "</th><td id=%s>%lld</td></tr>", id, v);
}

static const char obs_css[] =
    "body{font:14px/1.4 sans-serif;margin:1em 2em;color:#222}"
    "h1{font-size:20px}h2{font-size:16px;margin-top:1.2em}"
    "table{border-collapse:collapse;margin:.3em 0}"
    "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}"
    "td{text-align:right}.en{color:#666;font-size:12px}"
    ".ok{color:#070}.degraded{color:#a60}.failing{color:#c00}"
    ".bg{fill:#f6f6f6}.mo{fill:#37c}.mt{fill:#e83}"
    "svg text{font-size:10px;fill:#555}"
    ".grid{display:flex;flex-wrap:wrap;gap:2em}";

static int
obs_status_page(struct admin_req *r)
{
	static const char *const allowed[] = { "token", "lang", NULL };
	struct admin_qparam	 q[2];
	struct store_obs_outbox	 o;
	struct store_obs_counts	 c;
	struct smsc_info	 in;
	struct evbuffer		*out;
	json_t			*h, *reason;
	char			 today[CAL_DATE_LEN];
	int64_t			 midnight, oldest = 0;
	size_t			 i;
	int			 nq, n = 0, st, k;

	if ((nq = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	obs_lang = 0;
	for (k = 0; k < nq; k++)
		if (strcmp(q[k].key, "lang") == 0) {
			if (strcmp(q[k].value, "zh") == 0)
				obs_lang = 1;
			else if (strcmp(q[k].value, "en") == 0)
				obs_lang = 2;
			else if (strcmp(q[k].value, "both") != 0) {
				admin_query_free(q, (size_t)nq);
				return admin_error(r, 400, "bad_request",
				    "lang: zh, en or both");
			}
		}
	admin_query_free(q, (size_t)nq);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open yet");
	obs_today(today, sizeof(today), &midnight);
	if (store_obs_outbox(r->store, &o) == -1 ||
	    store_obs_counts(r->store, midnight, today, &c) == -1 ||
	    store_queue_stats(r->store, &n, &oldest) == -1)
		return admin_error(r, 503, "unavailable", "the store cannot "
		    "be read");
	if ((out = evbuffer_new()) == NULL)
		return admin_error(r, 500, "internal", "out of memory");
	st = health_report_with(r->store, &o, &h);
	evbuffer_add_printf(out, "<!DOCTYPE html><html lang=%s><head>"
	    "<meta charset=utf-8><meta http-equiv=refresh content=30>"
	    "<title>hotlined</title><style>%s</style></head><body><h1>",
	    obs_lang == 2 ? "en" : "zh-CN", obs_css);
	obs_t(out, "12345 热线短信网关状态", "hotline SMS gateway status");
	evbuffer_add_printf(out, "</h1><p>hotlined %s &middot; %s &middot; ",
	    PACKAGE_VERSION, today);
	obs_t(out, "健康", "health");
	evbuffer_add_printf(out, ": <b id=health class=%s>%s</b></p><ul "
	    "id=reasons>", health_strstatus(st), health_strstatus(st));
	json_array_foreach(json_object_get(h, "reasons"), i, reason) {
		evbuffer_add_printf(out, "<li class=%s>", json_string_value(
		    json_object_get(reason, "status")));
		obs_html_esc(out, json_string_value(json_object_get(reason,
		    "message")));
		evbuffer_add_printf(out, "</li>");
	}
	json_decref(h);
	evbuffer_add_printf(out, "</ul><div class=grid><div><h2>");
	obs_t(out, "今日", "today");
	evbuffer_add_printf(out, "</h2><table>");
	obs_row(out, "cases-today", "受理工单", "cases registered",
	    (long long)c.cases_today);
	obs_row(out, "refusals-today", "不予受理", "refused",
	    (long long)c.refusals_today);
	obs_row(out, "overdue", "超期未办结", "overdue", (long long)c.overdue);
	obs_row(out, "alerts-open", "未确认警报", "alerts open",
	    store_alert_open(r->store));
	obs_row(out, "unclassified", "待人工分类", "unclassified waiting", n);
	obs_row(out, "surveys-open", "待回访评价", "surveys waiting",
	    (long long)c.surveys_open);
	evbuffer_add_printf(out, "</table></div><div><h2>");
	obs_t(out, "发送队列", "outbox");
	evbuffer_add_printf(out, "</h2><table>");
	obs_row(out, "queued", "排队", "queued", (long long)o.queued);
	obs_row(out, "inflight", "发送中", "in flight", (long long)o.inflight);
	obs_row(out, "held", "已暂停", "held", (long long)o.held);
	obs_row(out, "oldest-age", "最久等待（秒）", "oldest waited (s)",
	    o.oldest > 0 ? (long long)(((int64_t)clock_now_ms() - o.oldest) /
	    1000) : 0);
	evbuffer_add_printf(out, "</table></div></div><h2>");
	obs_t(out, "短信中心链路", "SMSC links");
	evbuffer_add_printf(out, "</h2><table id=links><tr><th>");
	obs_t(out, "名称", "name");
	evbuffer_add_printf(out, "</th><th>");
	obs_t(out, "状态", "state");
	evbuffer_add_printf(out, "</th><th>binds</th><th>submits</th>"
	    "<th>delivers</th><th>throttled</th><th>");
	obs_t(out, "限速", "limit/s");
	evbuffer_add_printf(out, "</th></tr>");
	for (i = 0; smsc_info(smsc_default(), i, &in) == 0; i++) {
		evbuffer_add_printf(out, "<tr><th>");
		obs_html_esc(out, in.name);
		evbuffer_add_printf(out, "</th><td class=%s>%s%s</td><td>%llu"
		    "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%d</td>"
		    "</tr>", in.state == SMPP_S_BOUND ? "ok" : "failing",
		    in.stopped ? "stopped/" : "", smpp_strstate(in.state),
		    (unsigned long long)in.binds,
		    (unsigned long long)in.submits,
		    (unsigned long long)in.delivers,
		    (unsigned long long)in.throttled, in.throughput);
	}
	evbuffer_add_printf(out, "</table><h2>");
	obs_t(out, "最近十分钟流量（每 10 秒）", "throughput, last 10 minutes "
	    "(per 10 s)");
	evbuffer_add_printf(out, "</h2><p><span class=mo>&#9632;</span> ");
	obs_t(out, "收到", "received");
	evbuffer_add_printf(out, " <span class=mt>&#9632;</span> ");
	obs_t(out, "发出", "sent");
	evbuffer_add_printf(out, "</p>");
	obs_chart(out, 0);
	evbuffer_add_printf(out, "<h2>");
	obs_t(out, "启动以来", "since start");
	evbuffer_add_printf(out, "</h2><table>");
	obs_row(out, "mo-received", "收到短信", "texts received",
	    (long long)metrics_total(MF_MO_RECEIVED));
	obs_row(out, "mo-refused", "不予受理", "refused",
	    (long long)metrics_total(MF_MO_REFUSED));
	obs_row(out, "mt-sent", "发出短信", "SMS sent",
	    (long long)metrics_get(MF_MT, "sent"));
	obs_row(out, "mt-failed", "发送失败", "SMS failed",
	    (long long)metrics_get(MF_MT, "failed"));
	evbuffer_add_printf(out, "</table><p class=en>read-only; numbers "
	    "are never shown here &middot; /metrics &middot; /v1/health</p>"
	    "</body></html>\n");
	r->raw = out;
	r->raw_type = "text/html; charset=utf-8";
	/* no framing, no sniffing, nothing from elsewhere */
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "Content-Security-Policy", "default-src 'none'; style-src "
	    "'unsafe-inline'; img-src 'self'");
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "X-Frame-Options", "DENY");
	return 200;
}

/* --- the outbox --------------------------------------------------------- */

/* :id as a row id (digits, 1..2^63-1); 0 or a status. */
static int
obs_id(struct admin_req *r, int64_t *id)
{
	const char	*errstr;

	*id = 0;	/* the analyzer cannot see that admin_error() is not 0 */
	if (r->nparam < 1 || strspn(r->param[0], "0123456789") !=
	    strlen(r->param[0]))
		return admin_error(r, 404, "not_found", "no such outbox row");
	*id = strtonum(r->param[0], 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		return admin_error(r, 404, "not_found", "no such outbox row");
	return 0;
}

static json_t *
obs_row_json(const struct store_obs_row *w, int full)
{
	char	 mask[LOG_MSISDN_MAX], t[3][40];
	json_t	*o;
	size_t	 i;
	int64_t	 ms[3] = { w->created_at, w->next_attempt_at,
		    w->submitted_at };
	struct tm tm;
	time_t	 s;

	for (i = 0; i < 3; i++) {
		s = (time_t)(ms[i] / 1000);
		if (ms[i] <= 0 || localtime_r(&s, &tm) == NULL ||
		    strftime(t[i], sizeof(t[i]), "%Y-%m-%dT%H:%M:%S%z",
		    &tm) == 0)
			strlcpy(t[i], "", sizeof(t[i]));
	}
	o = json_pack("{s:I,s:s?,s:s,s:s,s:i,s:i,s:s,s:s,s:s}", "id",
	    (json_int_t)w->id, "case", w->case_number[0] != '\0' ?
	    w->case_number : NULL, "kind", w->kind,
	    "state", store_outbox_strstate(w->state), "attempts", w->attempts,
	    "priority", w->priority,
	    "msisdn", w->msisdn[0] != '\0' ? log_msisdn(w->msisdn, mask,
	    sizeof(mask)) : "unreadable", "created_at", t[0],
	    "next_attempt_at", t[1]);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "last_error", json_string(w->last_error));
	if (!full)
		return o;
	json_object_set_new(o, "submitted_at", json_string(t[2]));
	json_object_set_new(o, "source", json_string(w->source));
	json_object_set_new(o, "smsc", json_string(w->smsc));
	json_object_set_new(o, "text", json_string(w->text != NULL ? w->text :
	    ""));
	return o;
}

static int
obs_outbox_list(struct admin_req *r)
{
	static const char *const allowed[] = { "state", "after", "limit",
	    NULL };
	struct admin_qparam	 q[3];
	struct store_obs_row	*rows;
	json_t			*list, *o;
	const char		*errstr;
	int64_t			 after = 0;
	int			 nq, k, n, state = -2, limit = OBS_LIST_DEFAULT;

	if ((nq = admin_query(r, allowed, q, nitems(q))) == -1)
		return 400;
	for (k = 0; k < nq; k++) {
		errstr = NULL;
		if (strcmp(q[k].key, "state") == 0) {
			if (strcmp(q[k].value, "waiting") != 0 &&
			    (state = store_outbox_parsestate(q[k].value)) == -2)
				errstr = "queued, inflight, held, sent, "
				    "delivered, failed, expired, cancelled or "
				    "waiting";
		} else if (strcmp(q[k].key, "after") == 0)
			after = strtonum(q[k].value, 0, LLONG_MAX, &errstr);
		else
			limit = (int)strtonum(q[k].value, 1, OBS_LIST_MAX,
			    &errstr);
		if (errstr != NULL) {
			obs_query_refused(r, q[k].key, errstr);
			admin_query_free(q, (size_t)nq);
			return 400;
		}
	}
	admin_query_free(q, (size_t)nq);
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open yet");
	rows = xcalloc((size_t)limit, sizeof(*rows));
	if ((n = store_obs_list(r->store, state, after, rows,
	    (size_t)limit)) == -1) {
		free(rows);
		return admin_error(r, 503, "unavailable", "the outbox cannot "
		    "be read");
	}
	list = json_array();
	for (k = 0; k < n; k++)
		if ((o = obs_row_json(&rows[k], 0)) != NULL)
			json_array_append_new(list, o);
	r->reply = json_pack("{s:o}", "rows", list);
	if (n == limit)
		json_object_set_new(r->reply, "next",
		    json_integer((json_int_t)rows[n - 1].id));
	free(rows);
	return 200;
}

static int
obs_outbox_show(struct admin_req *r)
{
	struct store_obs_row	 w;
	int64_t			 id;
	int			 st, found;

	if ((st = obs_id(r, &id)) != 0)
		return st;
	if (r->store == NULL)
		return admin_error(r, 503, "unavailable", "the store is not "
		    "open yet");
	if ((found = store_obs_get(r->store, id, &w)) == -1)
		return admin_error(r, 503, "unavailable", "the outbox cannot "
		    "be read");
	if (found == 0)
		return admin_error(r, 404, "not_found", "no such outbox row");
	if (w.case_number[0] != '\0')
		admin_log_case(r, w.case_number);
	r->reply = obs_row_json(&w, 1);
	free(w.text);
	return r->reply != NULL ? 200 : admin_error(r, 500, "internal",
	    "cannot build the reply");
}

/* The row is written: pump, so a released or retried row goes now. */
static void
obs_kick(void *arg, int ok)
{
	if (ok)
		outbox_kick(outbox_default());
}

/*
 * 400: the query parameter key's value, errstr strtonum()'s word or the
 * states; one literal format each, so that each is a msgid (po/).
 */
static int
obs_query_refused(struct admin_req *r, const char *key, const char *errstr)
{
	if (strcmp(key, "state") == 0)
		return admin_error(r, 400, "bad_request", "state: queued, "
		    "inflight, held, sent, delivered, failed, expired, "
		    "cancelled or waiting");
	if (strcmp(errstr, "invalid") == 0)
		return admin_error(r, 400, "bad_request", "%s: invalid", key);
	if (strcmp(errstr, "too small") == 0)
		return admin_error(r, 400, "bad_request", "%s: too small", key);
	if (strcmp(errstr, "too large") == 0)
		return admin_error(r, 400, "bad_request", "%s: too large", key);
	return admin_error(r, 400, "bad_request", "%s: %s", key, errstr);
}

/*
 * 409: op does not apply to a row in this state; one literal format per
 * op, so that each is a msgid of its own (po/, errfmt.h).
 */
static int
obs_op_refused(struct admin_req *r, int64_t id, int state, const char *op)
{
	const char	*s = store_outbox_strstate(state);

	if (strcmp(op, "release") == 0)
		return admin_error(r, 409, "conflict", "row %lld is %s: "
		    "release takes a held row", (long long)id, s);
	if (strcmp(op, "cancel") == 0)
		return admin_error(r, 409, "conflict", "row %lld is %s: "
		    "cancel takes a queued or held row", (long long)id, s);
	return admin_error(r, 409, "conflict", "row %lld is %s: %s takes "
	    "a queued row", (long long)id, s, op);
}

/*
 * hold, release, retry, cancel: one row, by an office token, audited
 * (outbox.hold ...) in the same batch; answered after the commit.
 */
static int
obs_outbox_op(struct admin_req *r)
{
	struct store_obs_row	 w;
	const char		*op, *key, *why = NULL;
	json_t			*v, *detail;
	char			 kind[16], *d, err[OBS_REASON_MAX + 32];
	int64_t			 id, case_id, now = (int64_t)clock_now_ms();
	int			 st, done;

	op = strrchr(r->route->pattern, '/') + 1;
	if ((st = obs_id(r, &id)) != 0)
		return st;
	json_object_foreach(r->body, key, v) {
		if (strcmp(key, "reason") != 0)
			return admin_error(r, 400, "bad_request", "unknown "
			    "field \"%.32s\" (only \"reason\")", key);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > OBS_REASON_MAX ||
		    strcspn(json_string_value(v), "\t\r\n\x7f") !=
		    json_string_length(v))
			return admin_error(r, 400, "bad_request", "\"reason\": "
			    "one line of 1 to %d bytes", OBS_REASON_MAX);
		why = json_string_value(v);
	}
	if (strcmp(op, "cancel") == 0 && why == NULL)
		return admin_error(r, 400, "bad_request", "cancel needs a "
		    "\"reason\" (it is audited)");
	if (r->store == NULL || commit_unit_begin(commit_default()) == -1)
		return admin_error(r, 503, "unavailable", "the store takes no "
		    "writes now; retry");
	if ((done = store_obs_get(r->store, id, &w)) == 0)
		return admin_error(r, 404, "not_found", "no such outbox row");
	if (done == -1 || store_outbox_row(r->store, id, &case_id, kind,
	    sizeof(kind)) == -1)
		return admin_error(r, 503, "unavailable", "the outbox cannot "
		    "be read");
	free(w.text);
	if (w.case_number[0] != '\0')
		admin_log_case(r, w.case_number);
	snprintf(err, sizeof(err), "cancelled: %s", why != NULL ? why : "");
	if (strcmp(op, "hold") == 0)
		done = store_obs_hold(r->store, id);
	else if (strcmp(op, "release") == 0)
		done = store_obs_release(r->store, id);
	else if (strcmp(op, "retry") == 0)
		done = store_obs_retry(r->store, id, now);
	else
		done = store_obs_cancel(r->store, id, err);
	if (done == 0)
		return obs_op_refused(r, id, w.state, op);
	detail = json_pack("{s:I,s:s,s:s}", "outbox", (json_int_t)id, "kind",
	    kind, "was", store_outbox_strstate(w.state));
	if (why != NULL)
		json_object_set_new(detail, "reason", json_string(why));
	d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	snprintf(kind, sizeof(kind), "outbox.%s", op);
	if (done == -1 || d == NULL || store_audit(r->store, case_id,
	    r->token->name, kind, d, now) == -1) {
		free(d);
		return admin_error(r, 503, "unavailable", "the change was not "
		    "stored; retry");
	}
	free(d);
	log_info("admin outbox %s id=%lld token=%s", op, (long long)id,
	    r->token->name);
	commit_after(commit_default(), obs_kick, NULL);
	r->reply = json_pack("{s:I,s:s}", "id", (json_int_t)id, "state",
	    strcmp(op, "hold") == 0 ? "held" : strcmp(op, "cancel") == 0 ?
	    "cancelled" : "queued");
	return admin_defer(r, 200);
}

/* --- links -------------------------------------------------------------- */

static int
obs_smsc_list(struct admin_req *r)
{
	struct smsc_info	 in;
	json_t			*list = json_array();
	size_t			 i;

	for (i = 0; smsc_info(smsc_default(), i, &in) == 0; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:i,s:i,"
		    "s:I,s:I,s:I,s:I,s:I}", "name", in.name, "state",
		    smpp_strstate(in.state), "stopped", in.stopped,
		    "throughput", in.throughput, "window", in.window,
		    "binds", (json_int_t)in.binds, "connects",
		    (json_int_t)in.connects, "submits", (json_int_t)in.submits,
		    "delivers", (json_int_t)in.delivers, "throttled",
		    (json_int_t)in.throttled));
	r->reply = json_pack("{s:o}", "smsc", list);
	return 200;
}

/* stop / start a link: in memory, kept across reloads, not restarts. */
static int
obs_smsc_op(struct admin_req *r)
{
	const char	*op = strrchr(r->route->pattern, '/') + 1;
	char		 detail[96], action[16];
	int		 stop = strcmp(op, "stop") == 0, done;

	if (json_object_size(r->body) != 0)
		return admin_error(r, 400, "bad_request", "the body must be "
		    "{}");
	if (strspn(r->param[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789_.-") != strlen(r->param[0]))
		return admin_error(r, 404, "not_found", "no such smsc");
	if ((done = smsc_control(smsc_default(), r->param[0], stop)) == -1)
		return admin_error(r, 404, "not_found", "no such smsc");
	if (done == 0)
		return stop ? admin_error(r, 409, "conflict", "smsc %s is "
		    "already stopped", r->param[0]) : admin_error(r, 409,
		    "conflict", "smsc %s is already started", r->param[0]);
	log_info("admin smsc %s name=%s token=%s", op, r->param[0],
	    r->token->name);
	snprintf(detail, sizeof(detail), "{\"smsc\":\"%s\"}", r->param[0]);
	snprintf(action, sizeof(action), "smsc.%s", op);
	if (r->store != NULL && store_audit(r->store, 0, r->token->name,
	    action, detail, (int64_t)clock_now_ms()) == -1)
		log_warnx("admin smsc %s not audited", op);
	r->reply = json_pack("{s:s,s:s}", "smsc", r->param[0], "state",
	    stop ? "stopped" : "started");
	return 200;
}
