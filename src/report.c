/*
 * The office's documents from the admin API's JSON: text tables, CSV for
 * Excel and WPS (UTF-8 with a BOM, CRLF), and the bulletin, one HTML file
 * with its CSS and SVG charts inline (no external asset, so it can be
 * mailed, archived and printed to PDF as it is).  Chinese in the bulletin
 * and the CSV headings, which office staff read, whatever the locale;
 * the tables speak the reader's language (nls.h: hotlinectl's gettext).
 */
#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "category.h"
#include "nls.h"
#include "report.h"
#include "stats.h"
#include "util.h"

#define RP_BLUE		"#2563eb"
#define RP_GREEN	"#16a34a"
#define RP_AMBER	"#f59e0b"
#define RP_RED		"#dc2626"
#define RP_GREY		"#94a3b8"
#define RP_INK		"#1f2937"

/* The groups' columns in tables and CSV: key, English, Chinese, rate. */
static const struct rp_col {
	const char	*key;
	const char	*en;
	const char	*zh;
	int		 rate;
} rp_cols[] = {
	{ "received", NC_("stats", "received"), "受理量", 0 },
	{ "registered", NC_("stats", "registered"), "登记", 0 },
	{ "refused", NC_("stats", "refused"), "不予受理", 0 },
	{ "answered", NC_("stats", "answered"), "直接答复", 0 },
	{ "dispatched", NC_("stats", "dispatched"), "转办", 0 },
	{ "returned", NC_("stats", "returned"), "退回", 0 },
	{ "extended", NC_("stats", "extended"), "延期", 0 },
	{ "closed", NC_("stats", "closed"), "办结", 0 },
	{ "on_time", NC_("stats", "on-time"), "按时办结", 0 },
	{ "on_time_rate", NC_("stats", "on-time%"), "按时办结率(%)", 1 },
	{ "overdue", NC_("stats", "overdue"), "当前超期", 0 },
	{ "supervised", NC_("stats", "supervised"), "督办", 0 },
	{ "rehandled", NC_("stats", "rehandled"), "重办", 0 },
	{ "surveyed", NC_("stats", "surveyed"), "回访", 0 },
	{ "responded", NC_("stats", "responded"), "参评", 0 },
	{ "satisfied", NC_("stats", "satisfied"), "满意", 0 },
	{ "basic", NC_("stats", "basic"), "基本满意", 0 },
	{ "dissatisfied", NC_("stats", "dissatisfied"), "不满意", 0 },
	{ "satisfied_rate", NC_("stats", "satisfied%"), "满意率(%)", 1 },
	{ "basic_rate", NC_("stats", "basic%"), "基本满意率(%)", 1 },
	{ "dissatisfied_rate", NC_("stats", "dissat%"), "不满意率(%)", 1 },
	{ "satisfaction_rate", NC_("stats", "satisf.%"), "满意度(%)", 1 },
	{ "response_rate", NC_("stats", "response%"), "参评率(%)", 1 },
	{ "unclassified", NC_("stats", "unclass."), "待分类", 0 },
};

/* The units' columns. */
static const struct rp_col rp_ucols[] = {
	{ "rank", NC_("stats", "rank"), "排名", 0 },
	{ "code", NC_("stats", "unit"), "单位代码", 0 },
	{ "name", NC_("stats", "name"), "单位", 0 },
	{ "cases", NC_("stats", "cases"), "承办件", 0 },
	{ "closed", NC_("stats", "closed"), "办结", 0 },
	{ "on_time_rate", NC_("stats", "on-time%"), "按时办结率(%)", 1 },
	{ "returns", NC_("stats", "returns"), "退回", 0 },
	{ "return_rate", NC_("stats", "return%"), "退回率(%)", 1 },
	{ "extension_rate", NC_("stats", "ext%"), "延期率(%)", 1 },
	{ "supervised", NC_("stats", "superv."), "督办", 0 },
	{ "rehandled", NC_("stats", "rehandled"), "重办", 0 },
	{ "overdue", NC_("stats", "overdue"), "当前超期", 0 },
	{ "satisfaction_rate", NC_("stats", "satisf.%"), "满意度(%)", 1 },
	{ "avg_workdays", NC_("stats", "days"), "平均办理工作日", 1 },
	{ "score", NC_("stats", "score"), "考核得分", 1 },
};

static const char *const rp_reasons[][2] = {
	{ "emergency", "紧急事项(110/119/120/122)" },
	{ "military", "军队、武警管辖事项" },
	{ "litigation", "已进入诉讼、仲裁、复议等法定程序" },
	{ "unlawful", "违反法律法规和公序良俗" },
	{ "disputed-result", "对办理结果有异议" },
	{ "leader-instruction", "政府负责人阅批、交办" },
	{ "overdue", "超期未办结" },
	{ "other", "其他情形" },
};

static const char *const rp_states[][2] = {
	{ "registered", "已登记" }, { "pending_approval", "待领导审定" },
	{ "dispatched", "承办中" }, { "returned", "已退回" },
	{ "replied", "已反馈待办结" }, { "answered", "直接答复" },
	{ "closed", "已办结" }, { "rehandling", "重办中" },
	{ "final", "已办结(重办)" },
};

/* --- values -------------------------------------------------------------- */

static const char *
rp_str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static long long
rp_int(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A rate or average; -1 when the server sent null. */
static double
rp_num(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : -1;
}

/* One cell as text: integers, rates with one decimal, "-" for null. */
static void
rp_cell(char *buf, size_t len, json_t *o, const struct rp_col *c)
{
	json_t	*v = json_object_get(o, c->key);

	if (v == NULL || json_is_null(v))
		strlcpy(buf, "-", len);
	else if (json_is_string(v))
		strlcpy(buf, json_string_value(v), len);
	else if (c->rate || json_is_real(v))
		snprintf(buf, len, "%.1f", json_number_value(v));
	else
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

static const char *
rp_pair(const char *const (*t)[2], size_t n, const char *k)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i][0], k) == 0)
			return t[i][1];
	return k;
}

static const char *
rp_cat_zh(const char *name)
{
	int	c = category_from_name(name);

	return c == -1 ? name : category_label_zh(c);
}

/* --- text and CSV ---------------------------------------------------------- */

/* Printable text: control characters as '?'. */
static void
rp_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* A CSV field: quoted when it must be; a leading =+-@ made text. */
static void
rp_csv(FILE *f, const char *s)
{
	int	q = strpbrk(s, ",\"\r\n") != NULL || strchr("=+-@", *s) != NULL;

	if (*s != '\0' && strchr("=+-@", *s) != NULL && strcmp(s, "-") != 0)
		fputc('\'', f);		/* never a formula in Excel */
	if (q)
		fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (q)
		fputc('"', f);
}

/*
 * The head of column j: the grouping (first: category, unit...) over the
 * first, else the column's name, in the reader's language.
 */
static const char *
rp_head(const struct rp_col *cols, size_t j, const char *first)
{
	static const char *const by[] = { NC_("by", "category"),
	    NC_("by", "unit"), NC_("by", "channel"), NC_("by", "day"),
	    NC_("by", "none"), NULL };

	return j == 0 && first != NULL ? nls_word(by, first) :
	    nls_ctx(cols[j].en);
}

static void
rp_table_rows(FILE *f, json_t *rows, const struct rp_col *cols, size_t nc,
    const char *first)
{
	size_t	 w[32], i, j, cw, hw;
	char	 cell[256];
	json_t	*o;
	int	 left;

	for (j = 0; j < nc && j < nitems(w); j++)
		w[j] = nls_width(rp_head(cols, j, first));
	json_array_foreach(rows, i, o)
		for (j = 0; j < nc && j < nitems(w); j++) {
			rp_cell(cell, sizeof(cell), o, &cols[j]);
			w[j] = MAXIMUM(w[j], nls_width(cell));
		}
	for (j = 0; j < nc && j < nitems(w); j++) {
		left = json_is_string(json_object_get(json_array_get(rows, 0),
		    cols[j].key));
		hw = nls_width(rp_head(cols, j, first));
		fprintf(f, "%s%*s%s", j > 0 ? "  " : "", left ? 0 :
		    (int)(w[j] - hw), "", rp_head(cols, j, first));
		if (left && j + 1 < nc)
			fprintf(f, "%*s", (int)(w[j] - hw), "");
	}
	fputc('\n', f);
	json_array_foreach(rows, i, o) {
		for (j = 0; j < nc && j < nitems(w); j++) {
			rp_cell(cell, sizeof(cell), o, &cols[j]);
			cw = nls_width(cell);
			left = json_is_string(json_object_get(o, cols[j].key));
			if (j > 0)
				fputs("  ", f);
			if (!left)
				fprintf(f, "%*s", (int)(w[j] - cw), "");
			rp_text(f, cell);
			if (left && j + 1 < nc)
				fprintf(f, "%*s", (int)(w[j] - cw), "");
		}
		fputc('\n', f);
	}
}

/* A table's first line: its period and the day its figures stand at. */
static void
rp_period(FILE *f, json_t *o)
{
	fprintf(f, _("period %s .. %s (cases by day received; figures as of "
	    "%s)\n\n"), rp_str(o, "from"), rp_str(o, "to"),
	    rp_str(o, "today"));
}

/* "label      value": the label in 14 columns, the value in 10. */
static void
rp_line(FILE *f, const char *label, const char *value)
{
	size_t	w = nls_width(label);

	fprintf(f, "%s%*s %10s\n", label, w < 14 ? (int)(14 - w) : 0, "",
	    value);
}

void
report_stats_table(FILE *f, json_t *s)
{
	static const struct rp_col key = { "key", "key", "", 0 };
	struct rp_col	 cols[nitems(rp_cols) + 1];
	json_t		*t = json_object_get(s, "total"), *v, *rows;
	const char	*k;
	char		 cell[64];
	size_t		 i;

	rp_period(f, s);
	for (i = 0; i < nitems(rp_cols); i++) {
		rp_cell(cell, sizeof(cell), t, &rp_cols[i]);
		rp_line(f, nls_ctx(rp_cols[i].en), cell);
	}
	snprintf(cell, sizeof(cell), "%lld", rp_int(t, "alerts"));
	rp_line(f, nls_ctx(NC_("stats", "alerts")), cell);
	v = json_object_get(s, "now");
	fprintf(f, _("\nnow: overdue %lld, open %lld, unclassified waiting "
	    "%lld, alerts open %lld\n"), rp_int(v, "overdue"),
	    rp_int(v, "open"), rp_int(v, "unclassified"),
	    rp_int(v, "alerts_open"));
	if (json_object_size(json_object_get(s, "refused")) > 0) {
		fputs(_("\nrefused by reason:\n"), f);
		json_object_foreach(json_object_get(s, "refused"), k, v) {
			fputs("  ", f);
			rp_text(f, k);
			fprintf(f, "  %lld\n", (long long)json_integer_value(v));
		}
	}
	if (json_object_size(json_object_get(s, "supervision")) > 0) {
		fputs(_("\nsupervised by reason:\n"), f);
		json_object_foreach(json_object_get(s, "supervision"), k, v) {
			fputs("  ", f);
			rp_text(f, k);
			fprintf(f, "  %lld\n", (long long)json_integer_value(v));
		}
	}
	rows = json_object_get(s, "groups");
	if (json_array_size(rows) == 0)
		return;
	/* the groups: the main columns (--csv and --json have them all) */
	cols[0] = key;
	memcpy(cols + 1, rp_cols, sizeof(rp_cols));
	{
		static const char *const keep[] = { "key", "received",
		    "registered", "answered", "dispatched", "returned",
		    "extended", "closed", "on_time_rate", "overdue",
		    "supervised", "rehandled", "satisfaction_rate",
		    "response_rate" };
		struct rp_col	sel[nitems(keep)];
		size_t		j, n = 0;

		for (j = 0; j < nitems(keep); j++)
			for (i = 0; i < nitems(cols); i++)
				if (strcmp(cols[i].key, keep[j]) == 0)
					sel[n++] = cols[i];
		fputc('\n', f);
		rp_table_rows(f, rows, sel, n, rp_str(s, "by"));
	}
}

void
report_stats_csv(FILE *f, json_t *s)
{
	json_t		*rows = json_object_get(s, "groups"), *o;
	size_t		 i, j;
	char		 cell[256];
	int		 total;

	fputs("\xef\xbb\xbf", f);
	rp_csv(f, strcmp(rp_str(s, "by"), "none") == 0 ? "期间" :
	    rp_str(s, "by"));
	for (j = 0; j < nitems(rp_cols); j++) {
		fputc(',', f);
		rp_csv(f, rp_cols[j].zh);
	}
	fputs("\r\n", f);
	for (total = 0; total <= 1; total++) {
		if (total)
			rows = json_pack("[O]", json_object_get(s, "total"));
		json_array_foreach(rows, i, o) {
			if (total) {
				snprintf(cell, sizeof(cell), "合计 %s..%s",
				    rp_str(s, "from"), rp_str(s, "to"));
				rp_csv(f, cell);
			} else
				rp_csv(f, rp_str(o, "key"));
			for (j = 0; j < nitems(rp_cols); j++) {
				fputc(',', f);
				rp_cell(cell, sizeof(cell), o, &rp_cols[j]);
				rp_csv(f, strcmp(cell, "-") == 0 ? "" : cell);
			}
			fputs("\r\n", f);
		}
		if (total)
			json_decref(rows);
	}
}

void
report_units_table(FILE *f, json_t *o)
{
	rp_period(f, o);
	rp_table_rows(f, json_object_get(o, "units"), rp_ucols,
	    nitems(rp_ucols), NULL);
}

void
report_units_csv(FILE *f, json_t *o)
{
	json_t	*u;
	size_t	 i, j;
	char	 cell[256];

	fputs("\xef\xbb\xbf", f);
	for (j = 0; j < nitems(rp_ucols); j++) {
		if (j > 0)
			fputc(',', f);
		rp_csv(f, rp_ucols[j].zh);
	}
	fputs("\r\n", f);
	json_array_foreach(json_object_get(o, "units"), i, u) {
		for (j = 0; j < nitems(rp_ucols); j++) {
			if (j > 0)
				fputc(',', f);
			rp_cell(cell, sizeof(cell), u, &rp_ucols[j]);
			rp_csv(f, strcmp(cell, "-") == 0 ? "" : cell);
		}
		fputs("\r\n", f);
	}
}

/* The Art. 23 flags' columns. */
static const struct rp_col rp_fcols[] = {
	{ "unit", NC_("stats", "unit"), "单位", 0 },
	{ "pushback", NC_("stats", "pushback"), "推诿(逾期退回)", 0 },
	{ "rehandled", NC_("stats", "rehandled"), "重办", 0 },
	{ "overdue", NC_("stats", "overdue"), "超期无延期", 0 },
	{ "undelivered", NC_("stats", "undelivered"), "未送达结果", 0 },
	{ "repeated", NC_("stats", "repeated"), "重复诉求", 0 },
	{ "kb_stale", NC_("stats", "kb-stale"), "知识库未更新", 0 },
};

void
report_flags_table(FILE *f, json_t *o)
{
	static const char *const keys[] = { "number", "category", "unit",
	    "state", "due" };
	json_t	*c, *v;
	size_t	 i, j;

	rp_period(f, o);
	rp_table_rows(f, json_object_get(o, "units"), rp_fcols,
	    nitems(rp_fcols), NULL);
	if (json_array_size(json_object_get(o, "cases")) == 0)
		return;
	fputs(_("\ncases:\n"), f);
	json_array_foreach(json_object_get(o, "cases"), i, c) {
		for (j = 0; j < nitems(keys); j++) {
			rp_text(f, *rp_str(c, keys[j]) != '\0' ?
			    rp_str(c, keys[j]) : "-");
			fputs("  ", f);
		}
		json_array_foreach(json_object_get(c, "flags"), j, v) {
			if (j > 0)
				fputc(',', f);
			rp_text(f, json_string_value(v));
		}
		fputc('\n', f);
	}
}

/* --- HTML ------------------------------------------------------------------ */

static void
rp_h(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc((unsigned char)*s < 0x20 && *s != '\n' ? '?' :
			    *s, f);
		}
}

/* A rate as "93.5%", or "—" when there is none. */
static const char *
rp_pct(char *buf, size_t len, double v)
{
	if (v < 0)
		strlcpy(buf, "—", len);
	else
		snprintf(buf, len, "%.1f%%", v);
	return buf;
}

/* A round step for an axis up to max, about n steps. */
static double
rp_step(double max, int n)
{
	double	raw = max / n, mag, r;

	if (raw <= 0)
		return 1;
	mag = pow(10, floor(log10(raw)));
	r = raw / mag;
	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

static const char rp_css[] =
    "@page{size:A4;margin:14mm 12mm}"
    "*{box-sizing:border-box}"
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC',"
    "'PingFang SC','Microsoft YaHei',sans-serif;color:" RP_INK ";"
    "margin:0 auto;max-width:940px;padding:24px;line-height:1.5;"
    "background:#fff}"
    "header{border-bottom:3px solid #b91c1c;padding-bottom:10px;"
    "margin-bottom:18px}"
    "header .org{color:#b91c1c;font-size:15px;letter-spacing:2px}"
    "h1{font-size:26px;margin:6px 0 4px}"
    "header .meta{color:#6b7280;font-size:13px}"
    "h2{font-size:18px;border-left:5px solid " RP_BLUE ";padding-left:9px;"
    "margin:26px 0 10px;break-after:avoid}"
    ".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:10px}"
    ".kpi{background:#f8fafc;border:1px solid #e5e7eb;border-radius:8px;"
    "padding:10px 12px}"
    ".kpi .v{font-size:24px;font-weight:700}"
    ".kpi .l{font-size:12px;color:#6b7280}"
    ".kpi.good .v{color:" RP_GREEN "}.kpi.warn .v{color:" RP_RED "}"
    ".row{display:grid;grid-template-columns:3fr 2fr;gap:16px;"
    "align-items:start}"
    ".card{border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;"
    "break-inside:avoid}"
    ".card h3{font-size:14px;margin:0 0 6px;color:#374151}"
    "table{border-collapse:collapse;width:100%;font-size:12.5px}"
    "th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:right}"
    "th{background:#f1f5f9;font-weight:600;font-size:12px}"
    "td{white-space:nowrap}"
    "th:first-child,td:first-child,td.t,th.t{text-align:left}"
    "tr{break-inside:avoid}"
    ".lead{font-size:14px}"
    ".note{font-size:11.5px;color:#6b7280}"
    "svg text{font-family:inherit}"
    ".bad{color:" RP_RED ";font-weight:600}";

static void
rp_kpi(FILE *f, const char *label, const char *value, const char *cls)
{
	fprintf(f, "<div class=\"kpi %s\"><div class=\"v\">", cls);
	rp_h(f, value);
	fputs("</div><div class=\"l\">", f);
	rp_h(f, label);
	fputs("</div></div>\n", f);
}

/* The daily line chart: received and closed per day. */
static void
rp_chart_days(FILE *f, json_t *groups)
{
	const double	 W = 560, H = 230, L = 40, R = 10, T = 18, B = 22;
	size_t		 n = json_array_size(groups), i;
	double		 max = 1, step, x, y, v;
	json_t		*g;
	int		 s;
	static const char *const series[2][2] = {
		{ "received", RP_BLUE }, { "closed", RP_GREEN } };

	json_array_foreach(groups, i, g)
		for (s = 0; s < 2; s++)
			max = MAXIMUM(max, (double)rp_int(g, series[s][0]));
	step = rp_step(max, 4);
	max = ceil(max / step) * step;
	fprintf(f, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
	    "role=\"img\" aria-label=\"每日受理与办结\">\n", W, H);
	for (v = 0; v <= max + step / 2; v += step) {
		y = T + (H - T - B) * (1 - v / max);
		fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#e5e7eb\"/><text x=\"%.0f\" "
		    "y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
		    "fill=\"#6b7280\">%.0f</text>\n", L, W - R, y, y, L - 4,
		    y + 3, v);
	}
	for (s = 0; s < 2 && n > 0; s++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\" stroke-linejoin=\"round\" points=\"",
		    series[s][1]);
		json_array_foreach(groups, i, g) {
			x = L + (n > 1 ? (W - L - R) * (double)i /
			    (double)(n - 1) : (W - L - R) / 2);
			y = T + (H - T - B) * (1 - (double)rp_int(g,
			    series[s][0]) / max);
			fprintf(f, "%.1f,%.1f ", x, y);
		}
		fputs("\"/>\n", f);
		if (n <= 40)
			json_array_foreach(groups, i, g) {
				x = L + (n > 1 ? (W - L - R) * (double)i /
				    (double)(n - 1) : (W - L - R) / 2);
				y = T + (H - T - B) * (1 - (double)rp_int(g,
				    series[s][0]) / max);
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" "
				    "r=\"2.2\" fill=\"%s\"/>\n", x, y,
				    series[s][1]);
			}
	}
	/* about 8 dates under the axis */
	json_array_foreach(groups, i, g) {
		if (n > 8 && (i % ((n + 7) / 8) != 0 || (i != n - 1 &&
		    n - 1 - i < (n + 7) / 16)) && i != n - 1)
			continue;
		x = L + (n > 1 ? (W - L - R) * (double)i / (double)(n - 1) :
		    (W - L - R) / 2);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" "
		    "text-anchor=\"middle\" fill=\"#6b7280\">", x, H - 12);
		rp_h(f, strlen(rp_str(g, "key")) == 10 ? rp_str(g, "key") + 5 :
		    rp_str(g, "key"));
		fputs("</text>\n", f);
	}
	fprintf(f, "<rect x=\"%.0f\" y=\"4\" width=\"12\" height=\"3\" "
	    "fill=\"" RP_BLUE "\"/><text x=\"%.0f\" y=\"9\" "
	    "font-size=\"11\">受理</text><rect x=\"%.0f\" y=\"4\" "
	    "width=\"12\" height=\"3\" fill=\"" RP_GREEN "\"/><text "
	    "x=\"%.0f\" y=\"9\" font-size=\"11\">其中已办结</text>\n",
	    W - 150, W - 134, W - 95, W - 79);
	fputs("</svg>\n", f);
}

/* Horizontal bars: label and value per row, longest first as given. */
static void
rp_chart_bars(FILE *f, const char *const *labels, const double *values,
    const char *const *shown, size_t n, double min, double max,
    const char *color, const char *aria, double W)
{
	const double	 row = 24, L = 150, R = 60;
	double		 H = row * (double)n + (min > 0 ? 26 : 10), w;
	size_t		 i;

	if (max <= min)
		max = min + 1;
	fprintf(f, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
	    "role=\"img\" aria-label=\"", W, H);
	rp_h(f, aria);
	fputs("\">\n", f);
	for (i = 0; i < n; i++) {
		w = (W - L - R) * (values[i] > min ? values[i] - min : 0) /
		    (max - min);
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"12\" "
		    "text-anchor=\"end\">", L - 8, row * (double)i + 20);
		rp_h(f, labels[i]);
		fprintf(f, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"16\" rx=\"3\" fill=\"%s\"/><text x=\"%.1f\" "
		    "y=\"%.1f\" font-size=\"12\" fill=\"#374151\">", L,
		    row * (double)i + 8, w, color, L + w + 6,
		    row * (double)i + 20);
		rp_h(f, shown[i]);
		fputs("</text>\n", f);
	}
	if (min > 0)	/* a cut axis says so */
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
		    "fill=\"#6b7280\">横轴自 %.0f 分起</text>\n", L,
		    H - 6, min);
	fputs("</svg>\n", f);
}

/* The satisfaction donut: 满意, 基本满意, 不满意. */
static void
rp_chart_donut(FILE *f, json_t *t)
{
	static const char *const keys[] = { "satisfied", "basic",
	    "dissatisfied" };
	static const char *const names[] = { "满意", "基本满意", "不满意" };
	static const char *const colors[] = { RP_GREEN, RP_AMBER, RP_RED };
	double		 total = 0, a0 = -M_PI / 2, a1, v, cx = 90, cy = 90;
	double		 r = 70, ri = 44;
	char		 pct[32];
	size_t		 i;

	for (i = 0; i < 3; i++)
		total += (double)rp_int(t, keys[i]);
	fputs("<svg viewBox=\"0 0 370 180\" width=\"100%\" role=\"img\" "
	    "aria-label=\"满意度评价构成\">\n", f);
	if (total <= 0)
		fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" "
		    "fill=\"none\" stroke=\"#e5e7eb\" stroke-width=\"%.0f\"/>"
		    "\n", cx, cy, (r + ri) / 2, r - ri);
	for (i = 0; i < 3 && total > 0; i++) {
		v = (double)rp_int(t, keys[i]);
		if (v <= 0)
			continue;
		if (v >= total) {	/* one slice: a whole ring */
			fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" "
			    "r=\"%.0f\" fill=\"none\" stroke=\"%s\" "
			    "stroke-width=\"%.0f\"/>\n", cx, cy, (r + ri) / 2,
			    colors[i], r - ri);
			break;
		}
		a1 = a0 + 2 * M_PI * v / total;
		fprintf(f, "<path d=\"M%.2f %.2fA%.0f %.0f 0 %d 1 %.2f %.2f"
		    "L%.2f %.2fA%.0f %.0f 0 %d 0 %.2f %.2fZ\" fill=\"%s\"/>\n",
		    cx + r * cos(a0), cy + r * sin(a0), r, r,
		    a1 - a0 > M_PI, cx + r * cos(a1), cy + r * sin(a1),
		    cx + ri * cos(a1), cy + ri * sin(a1), ri, ri,
		    a1 - a0 > M_PI, cx + ri * cos(a0), cy + ri * sin(a0),
		    colors[i]);
		a0 = a1;
	}
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"20\" "
	    "font-weight=\"700\" text-anchor=\"middle\">%s</text>"
	    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "text-anchor=\"middle\" fill=\"#6b7280\">满意度</text>\n", cx,
	    cy + 4, rp_pct(pct, sizeof(pct), rp_num(t, "satisfaction_rate")),
	    cx, cy + 20);
	for (i = 0; i < 3; i++) {
		fprintf(f, "<rect x=\"185\" y=\"%zu\" width=\"12\" "
		    "height=\"12\" rx=\"2\" fill=\"%s\"/><text x=\"203\" "
		    "y=\"%zu\" font-size=\"12\">%s %lld（%s）</text>\n",
		    45 + i * 26, colors[i], 56 + i * 26, names[i],
		    rp_int(t, keys[i]), rp_pct(pct, sizeof(pct),
		    total > 0 ? 100 * (double)rp_int(t, keys[i]) / total : -1));
	}
	fprintf(f, "<text x=\"185\" y=\"136\" font-size=\"11\" "
	    "fill=\"#6b7280\">回访 %lld 件，参评率 %s</text>\n",
	    rp_int(t, "surveyed"), rp_pct(pct, sizeof(pct), rp_num(t,
	    "response_rate")));
	fputs("</svg>\n", f);
}

/* The categories as bars, most first. */
static void
rp_chart_cats(FILE *f, json_t *groups)
{
	const char	*labels[32], *shown[32];
	char		 buf[32][32];
	double		 values[32], max = 0, tmp;
	const char	*ts;
	size_t		 n = 0, i, j;
	json_t		*g;

	json_array_foreach(groups, i, g) {
		if (n == nitems(labels))
			break;
		labels[n] = rp_cat_zh(rp_str(g, "key"));
		values[n] = (double)rp_int(g, "registered");
		n++;
	}
	for (i = 1; i < n; i++)		/* most first: insertion sort */
		for (j = i; j > 0 && values[j] > values[j - 1]; j--) {
			tmp = values[j];
			values[j] = values[j - 1];
			values[j - 1] = tmp;
			ts = labels[j];
			labels[j] = labels[j - 1];
			labels[j - 1] = ts;
		}
	for (i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%.0f", values[i]);
		shown[i] = buf[i];
		max = MAXIMUM(max, values[i]);
	}
	rp_chart_bars(f, labels, values, shown, n, 0, max, RP_BLUE,
	    "各类诉求登记量", 560);
}

/* The units' scores as bars, in rank order; at most 20. */
static void
rp_chart_units(FILE *f, json_t *units)
{
	const char	*labels[20], *shown[20];
	char		 buf[20][32];
	double		 values[20], lo;
	size_t		 n = 0, i;
	json_t		*u;

	json_array_foreach(units, i, u) {
		if (n == nitems(labels) || rp_num(u, "score") < 0)
			continue;
		labels[n] = rp_str(u, "name");
		values[n] = rp_num(u, "score");
		snprintf(buf[n], sizeof(buf[n]), "%.1f", values[n]);
		shown[n] = buf[n];
		n++;
	}
	if (n == 0) {
		fputs("<p class=\"note\">本期没有达到考核最低件数的单位。</p>\n",
		    f);
		return;
	}
	/*
	 * Scores sit close together (most units do well): the axis starts
	 * 10 below the lowest, rounded down to 10, and says so.  The full
	 * page's width: text the size of the other charts'.
	 */
	for (i = 0, lo = 100; i < n; i++)
		lo = MINIMUM(lo, values[i]);
	lo = MAXIMUM(0, floor(lo / 10) * 10 - 10);
	rp_chart_bars(f, labels, values, shown, n, lo, 100, RP_GREEN,
	    "承办单位考核得分", 900);
}

static void
rp_html_table(FILE *f, json_t *rows, const struct rp_col *cols, size_t nc)
{
	char	 cell[256];
	json_t	*o;
	size_t	 i, j;

	fputs("<table><thead><tr>", f);
	for (j = 0; j < nc; j++) {
		/* headings align as their column's values */
		fputs(json_is_string(json_object_get(json_array_get(rows, 0),
		    cols[j].key)) ? "<th class=\"t\">" : "<th>", f);
		rp_h(f, cols[j].zh);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	json_array_foreach(rows, i, o) {
		fputs("<tr>", f);
		for (j = 0; j < nc; j++) {
			rp_cell(cell, sizeof(cell), o, &cols[j]);
			fputs(json_is_string(json_object_get(o, cols[j].key)) ?
			    "<td class=\"t\">" : "<td>", f);
			rp_h(f, cell);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* A reason object {"reason": n} as a two-column table. */
static void
rp_reason_table(FILE *f, json_t *o, const char *head)
{
	const char	*k;
	json_t		*v;

	fputs("<table><thead><tr><th>", f);
	rp_h(f, head);
	fputs("</th><th>件数</th></tr></thead><tbody>\n", f);
	json_object_foreach(o, k, v) {
		fputs("<tr><td>", f);
		rp_h(f, rp_pair(rp_reasons, nitems(rp_reasons), k));
		fprintf(f, "</td><td>%lld</td></tr>\n",
		    (long long)json_integer_value(v));
	}
	if (json_object_size(o) == 0)
		fputs("<tr><td>无</td><td>0</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

/* A list row's first cells: number, category, the unit's name. */
static void
rp_list_row(FILE *f, json_t *o, json_t *units)
{
	const char	*name = rp_str(o, "unit");
	json_t		*u;
	size_t		 j;

	json_array_foreach(units, j, u)
		if (strcmp(rp_str(u, "code"), name) == 0) {
			name = rp_str(u, "name");
			break;
		}
	fputs("<tr><td>", f);
	rp_h(f, rp_str(o, "number"));
	fputs("</td><td class=\"t\">", f);
	rp_h(f, rp_cat_zh(rp_str(o, "category")));
	fputs("</td><td class=\"t\">", f);
	rp_h(f, *name != '\0' ? name : "市热线办");
	fputs("</td><td class=\"t\">", f);
}

static void
rp_lists(FILE *f, json_t *lists, json_t *units)
{
	json_t		*o;
	size_t		 i;

	fputs("<h2>五、超期未办结事项</h2>\n", f);
	if (json_array_size(json_object_get(lists, "overdue")) == 0)
		fputs("<p>截至统计日，无超期未办结事项。</p>\n", f);
	else {
		fputs("<table><thead><tr><th>编号</th><th>类别</th>"
		    "<th>承办单位</th><th>状态</th><th>办理时限</th>"
		    "<th>督办</th></tr></thead><tbody>\n", f);
		json_array_foreach(json_object_get(lists, "overdue"), i, o) {
			rp_list_row(f, o, units);
			rp_h(f, rp_pair(rp_states, nitems(rp_states),
			    rp_str(o, "state")));
			fputs("</td><td class=\"bad\">", f);
			rp_h(f, rp_str(o, "due"));
			fprintf(f, "</td><td>%s</td></tr>\n", rp_int(o,
			    "supervised") ? "是" : "否");
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("<h2>六、督办事项</h2>\n", f);
	if (json_array_size(json_object_get(lists, "supervised")) == 0) {
		fputs("<p>本期无督办事项。</p>\n", f);
		return;
	}
	fputs("<table><thead><tr><th>编号</th><th>类别</th><th>承办单位</th>"
	    "<th>督办原因</th><th>当前状态</th></tr></thead><tbody>\n", f);
	json_array_foreach(json_object_get(lists, "supervised"), i, o) {
		rp_list_row(f, o, units);
		rp_h(f, rp_pair(rp_reasons, nitems(rp_reasons),
		    rp_str(o, "reason")));
		fputs("</td><td class=\"t\">", f);
		rp_h(f, rp_pair(rp_states, nitems(rp_states),
		    rp_str(o, "state")));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

int
report_html(FILE *f, json_t *days, json_t *cats, json_t *units,
    json_t *lists, json_t *flags, const struct stats_weights *w,
    const char *generated)
{
	static const char *const mnames[STATS_M_MAX] = { "按时办结率",
	    "满意度", "退回率(反向)", "延期率(反向)", "督办占比(反向)",
	    "重办占比(反向)", "办理时长" };
	json_t		*t = json_object_get(days, "total"), *o;
	json_t		*ulist = json_object_get(units, "units");
	char		 a[64], b[64];
	size_t		 i;
	int		 m, first;

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>12345政府服务热线工作情况通报 ",
	    f);
	rp_h(f, rp_str(days, "from"));
	fputs("至", f);
	rp_h(f, rp_str(days, "to"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>"
	    "<div class=\"org\">市12345政府服务热线办公室</div>\n"
	    "<h1>12345政府服务热线工作情况通报</h1>\n<div class=\"meta\">"
	    "统计期间：", rp_css);
	rp_h(f, rp_str(days, "from"));
	fputs(" 至 ", f);
	rp_h(f, rp_str(days, "to"));
	fputs("　数据截至：", f);
	rp_h(f, rp_str(days, "today"));
	fputs("　生成时间：", f);
	rp_h(f, generated);
	fputs("</div></header>\n", f);

	/* 一、总体情况 */
	fprintf(f, "<h2>一、总体情况</h2>\n<p class=\"lead\">本期热线共受理"
	    "群众诉求 <b>%lld</b> 件，其中登记 <b>%lld</b> 件、依《办法》第八条"
	    "不予受理 <b>%lld</b> 件；直接答复 <b>%lld</b> 件，转办承办单位 "
	    "<b>%lld</b> 件；已办结 <b>%lld</b> 件，按时办结率 <b>%s</b>；"
	    "督办 <b>%lld</b> 件，重办 <b>%lld</b> 件；满意度 <b>%s</b>。"
	    "</p>\n<div class=\"kpis\">\n", rp_int(t, "received"),
	    rp_int(t, "registered"), rp_int(t, "refused"),
	    rp_int(t, "answered"), rp_int(t, "dispatched"),
	    rp_int(t, "closed"), rp_pct(a, sizeof(a), rp_num(t,
	    "on_time_rate")), rp_int(t, "supervised"), rp_int(t, "rehandled"),
	    rp_pct(b, sizeof(b), rp_num(t, "satisfaction_rate")));
	snprintf(a, sizeof(a), "%lld", rp_int(t, "received"));
	rp_kpi(f, "受理量", a, "");
	snprintf(a, sizeof(a), "%lld", rp_int(t, "closed"));
	rp_kpi(f, "办结量", a, "");
	rp_kpi(f, "按时办结率", rp_pct(a, sizeof(a), rp_num(t,
	    "on_time_rate")), rp_num(t, "on_time_rate") >= 95 ? "good" : "");
	rp_kpi(f, "满意度", rp_pct(a, sizeof(a), rp_num(t,
	    "satisfaction_rate")), rp_num(t, "satisfaction_rate") >= 90 ?
	    "good" : "");
	snprintf(a, sizeof(a), "%lld", rp_int(t, "overdue"));
	rp_kpi(f, "本期事项当前超期", a, rp_int(t, "overdue") > 0 ? "warn" :
	    "");
	snprintf(a, sizeof(a), "%lld", rp_int(t, "supervised"));
	rp_kpi(f, "督办", a, "");
	snprintf(a, sizeof(a), "%lld", rp_int(t, "returned"));
	rp_kpi(f, "退回", a, "");
	snprintf(a, sizeof(a), "%lld", rp_int(t, "unclassified"));
	rp_kpi(f, "待分类", a, rp_int(t, "unclassified") > 0 ? "warn" : "");
	fputs("</div>\n", f);
	fputs("<div class=\"row\" style=\"margin-top:14px\"><div class=\"card\">"
	    "<h3>每日受理量</h3>\n", f);
	rp_chart_days(f, json_object_get(days, "groups"));
	fputs("</div><div class=\"card\"><h3>满意度评价</h3>\n", f);
	rp_chart_donut(f, t);
	fputs("</div></div>\n", f);

	/* 二、诉求类别与热点 */
	fputs("<h2>二、诉求类别与热点事项</h2>\n<div class=\"row\"><div "
	    "class=\"card\"><h3>各类诉求登记量</h3>\n", f);
	rp_chart_cats(f, json_object_get(cats, "groups"));
	fputs("</div><div class=\"card\"><h3>热点事项（按分类规则）</h3>\n"
	    "<table><thead><tr><th>分类规则</th><th>类别</th><th>件数</th></tr>"
	    "</thead><tbody>\n", f);
	first = 1;
	json_array_foreach(json_object_get(lists, "top"), i, o) {
		if (i >= 10)
			break;
		first = 0;
		fputs("<tr><td>", f);
		rp_h(f, *rp_str(o, "rule") != '\0' ? rp_str(o, "rule") :
		    "（模型判断）");
		fputs("</td><td class=\"t\">", f);
		rp_h(f, rp_cat_zh(rp_str(o, "category")));
		fprintf(f, "</td><td>%lld</td></tr>\n", rp_int(o, "count"));
	}
	if (first)
		fputs("<tr><td>无</td><td></td><td>0</td></tr>\n", f);
	fputs("</tbody></table></div></div>\n", f);
	{
		struct rp_col	cols[nitems(rp_cols) + 1];

		cols[0] = (struct rp_col){ "key", "", "类别", 0 };
		memcpy(cols + 1, rp_cols, sizeof(rp_cols));
		json_array_foreach(json_object_get(cats, "groups"), i, o)
			json_object_set_new(o, "key_zh", json_string(rp_cat_zh(
			    rp_str(o, "key"))));
		cols[0].key = "key_zh";
		{
			static const char *const keep[] = { "key_zh",
			    "registered", "answered", "dispatched", "closed",
			    "on_time_rate", "overdue", "supervised",
			    "rehandled", "satisfaction_rate" };
			struct rp_col	sel[nitems(keep)];
			size_t		j, k, n = 0;

			for (j = 0; j < nitems(keep); j++)
				for (k = 0; k < nitems(cols); k++)
					if (strcmp(cols[k].key, keep[j]) == 0)
						sel[n++] = cols[k];
			fputs("<div class=\"card\" style=\"margin-top:12px\">"
			    "<h3>分类办理情况</h3>\n", f);
			rp_html_table(f, json_object_get(cats, "groups"), sel,
			    n);
			fputs("</div>\n", f);
		}
	}

	/* 三、受理与督办 */
	fputs("<h2>三、不予受理与督办情况</h2>\n<div class=\"row\"><div "
	    "class=\"card\"><h3>不予受理（《办法》第八条）</h3>\n", f);
	rp_reason_table(f, json_object_get(days, "refused"), "原因");
	fputs("</div><div class=\"card\"><h3>督办（《办法》第十三条）</h3>\n",
	    f);
	rp_reason_table(f, json_object_get(days, "supervision"), "情形");
	fputs("</div></div>\n", f);

	/* 四、承办单位考核 */
	fputs("<h2>四、承办单位办理情况与考核排名</h2>\n<div class=\"card\">"
	    "<h3>考核得分</h3>\n", f);
	rp_chart_units(f, ulist);
	fputs("</div>\n<div class=\"card\" style=\"margin-top:12px\">", f);
	{
		/* the page's width: the name stands for the code */
		struct rp_col	sel[nitems(rp_ucols)];
		size_t		j, n = 0;

		for (j = 0; j < nitems(rp_ucols); j++)
			if (strcmp(rp_ucols[j].key, "code") != 0 &&
			    strcmp(rp_ucols[j].key, "returns") != 0)
				sel[n++] = rp_ucols[j];
		rp_html_table(f, ulist, sel, n);
	}
	fputs("<p class=\"note\">考核方法（hotlined.assessment）：", f);
	for (m = 0, first = 1; m < STATS_M_MAX; m++) {
		if (w->w[m] <= 0)
			continue;
		fprintf(f, "%s%s %g", first ? "" : "，", mnames[m], w->w[m]);
		first = 0;
	}
	fprintf(f, "；各项折算为0至1后按权重加权，满分100；办理时长以 %g "
	    "个工作日为0分；承办件少于 %d 件的单位不参加排名。</p></div>\n",
	    w->speed_days, w->min_cases);

	rp_lists(f, lists, ulist);

	/* 七、责任追究情形 (Art. 23): units with a flag, their names */
	fputs("<h2>七、责任追究情形（《办法》第二十三条）</h2>\n", f);
	{
		json_t	*rows = json_array(), *u, *x;
		size_t	 j, k;
		long long n;

		json_array_foreach(json_object_get(flags, "units"), i, u) {
			for (k = 1, n = 0; k < nitems(rp_fcols); k++)
				n += rp_int(u, rp_fcols[k].key);
			if (n == 0)
				continue;
			x = json_deep_copy(u);
			json_object_set_new(x, "unit", json_string(
			    *rp_str(u, "unit") == '\0' ? "市热线办" :
			    rp_str(u, "unit")));
			json_array_foreach(ulist, j, o)
				if (strcmp(rp_str(o, "code"), rp_str(u,
				    "unit")) == 0)
					json_object_set_new(x, "unit",
					    json_string(rp_str(o, "name")));
			json_array_append_new(rows, x);
		}
		if (json_array_size(rows) == 0)
			fputs("<p>本期未发现应予追究的情形。</p>\n", f);
		else
			rp_html_table(f, rows, rp_fcols, nitems(rp_fcols));
		json_decref(rows);
	}
	fputs("<p class=\"note\">推诿：收到非职能范围事项超过1个工作日才退回"
	    "（第十七条）；超期无延期：超过办理时限且未经延期；未送达结果："
	    "办理结果短信未能送达诉求人；重复诉求：同一诉求人同类事项三次以上"
	    "；知识库未更新：180天以上未更新的知识条目。</p>\n", f);

	fprintf(f, "<h2>八、统计口径</h2>\n<p class=\"note\">本通报按诉求的"
	    "受理日期统计本期事项，办理结果计至数据截至日；受理量＝登记量＋"
	    "不予受理量；按时办结率＝办结日不晚于办理时限（含延期）的件数÷"
	    "办结件数；满意度＝（满意＋基本满意）÷参评件数，参评率＝参评件数"
	    "÷回访件数；“当前超期”指尚未办结且已过办理时限的事项（含已反馈"
	    "未办结的事项）；超期与督办清单列至多 %zu 件。本期另有安全预警 "
	    "%lld 条。</p>\n</body>\n</html>\n",
	    json_array_size(json_object_get(lists, "overdue")),
	    rp_int(t, "alerts"));
	return ferror(f) ? -1 : 0;
}

/* --- publication ------------------------------------------------------------ */

int
report_publish(FILE *f, json_t *pub, const char *format)
{
	static const char *const keys[] = { "number", "received", "closed",
	    "category", "unit", "summary", "result" };
	static const char *const heads[] = { "编号", "受理日期", "办结日期",
	    "类别", "承办单位", "诉求摘要", "办理结果" };
	json_t		*a = json_object_get(pub, "matters"), *o;
	size_t		 i, j;
	const char	*v;

	if (strcmp(format, "json") == 0) {
		json_dumpf(pub, f, JSON_INDENT(2));
		fputc('\n', f);
		return ferror(f) ? -1 : 0;
	}
	if (strcmp(format, "csv") == 0) {
		fputs("\xef\xbb\xbf", f);
		for (j = 0; j < nitems(heads); j++) {
			if (j > 0)
				fputc(',', f);
			rp_csv(f, heads[j]);
		}
		fputs("\r\n", f);
		json_array_foreach(a, i, o) {
			for (j = 0; j < nitems(keys); j++) {
				if (j > 0)
					fputc(',', f);
				v = rp_str(o, keys[j]);
				rp_csv(f, j == 3 ? rp_cat_zh(v) : v);
			}
			fputs("\r\n", f);
		}
		return ferror(f) ? -1 : 0;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
	    "charset=\"utf-8\">\n<title>12345热线事项办理情况公开</title>\n"
	    "<style>%s</style>\n</head>\n<body>\n<header><h1>12345政府服务"
	    "热线事项办理情况公开</h1><div class=\"meta\">办结日期：", rp_css);
	rp_h(f, rp_str(pub, "from"));
	fputs(" 至 ", f);
	rp_h(f, rp_str(pub, "to"));
	fprintf(f, "，共 %zu 件。诉求人要求保密和不宜公开的事项不予公开；"
	    "电话、证件号、姓名、门牌和车牌已作隐去处理。</div></header>\n"
	    "<table><thead><tr>", json_array_size(a));
	for (j = 0; j < nitems(heads); j++)
		fprintf(f, "<th>%s</th>", heads[j]);
	fputs("</tr></thead><tbody>\n", f);
	json_array_foreach(a, i, o) {
		fputs("<tr>", f);
		for (j = 0; j < nitems(keys); j++) {
			fputs("<td class=\"t\">", f);
			v = rp_str(o, keys[j]);
			rp_h(f, j == 3 ? rp_cat_zh(v) : v);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}
