/*
 * The satisfaction survey: the reply parser, quiet hours, scheduling,
 * matching a reply to its survey by extension code, recording answers
 * (with supervision and re-handling for 不满意) and the reminder/expiry
 * tick.  SQL stays in store.c; templates and the outbox are the
 * integrator's.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "survey.h"
#include "util.h"

/* A scale word; strong words may run straight into a comment. */
struct survey_word {
	const char	*word;
	int		 score;
	int		 strong;
};

/*
 * Longest match wins, so 不满意 is never read as 满意 and 差不多 never as
 * 差.  "好" and "好的" are left out on purpose: in Chinese they mostly mean
 * "OK, noted", not "satisfied".
 */
static const struct survey_word survey_words[] = {
	{ "非常不满意", 3, 1 }, { "特别不满意", 3, 1 }, { "十分不满意", 3, 1 },
	{ "很不满意", 3, 1 }, { "极不满意", 3, 1 }, { "不是很满意", 3, 1 },
	{ "不怎么满意", 3, 1 }, { "不太满意", 3, 1 }, { "不满意", 3, 1 },
	{ "问题没解决", 3, 1 }, { "没有解决", 3, 1 }, { "没解决", 3, 1 },
	{ "未解决", 3, 1 }, { "不满", 3, 0 }, { "非常差", 3, 0 },
	{ "很不好", 3, 0 }, { "很差", 3, 0 }, { "太差", 3, 0 }, { "极差", 3, 0 },
	{ "差评", 3, 0 }, { "不好", 3, 0 }, { "差", 3, 0 }, { "bumanyi", 3, 0 },
	{ "基本满意", 2, 0 }, { "比较满意", 2, 0 }, { "还算满意", 2, 0 },
	{ "马马虎虎", 2, 0 }, { "一般般", 2, 0 }, { "一般", 2, 0 },
	{ "还行", 2, 0 }, { "还可以", 2, 0 }, { "还好", 2, 0 }, { "凑合", 2, 0 },
	{ "过得去", 2, 0 }, { "尚可", 2, 0 }, { "差不多", 2, 0 },
	{ "中评", 2, 0 }, { "jibenmanyi", 2, 0 },
	{ "非常满意", 1, 0 }, { "十分满意", 1, 0 }, { "特别满意", 1, 0 },
	{ "很满意", 1, 0 }, { "挺满意", 1, 0 }, { "满意", 1, 0 },
	{ "非常好", 1, 0 }, { "很不错", 1, 0 }, { "不错", 1, 0 },
	{ "很好", 1, 0 }, { "挺好", 1, 0 }, { "好评", 1, 0 }, { "manyi", 1, 0 },
};

/* Lead-ins skipped before a word: "我觉得 一般". */
static const char *const survey_fillers[] = {
	"我觉得", "我感觉", "觉得", "感觉", "我对结果", "对处理结果",
	"对结果", "总体", "本人", "我",
};

/* Between a score and its comment. */
static const char *const survey_seps[] = {
	" ", "\t", "\r", "\n", ",", ".", ";", ":", "!", "?", "~", "-", "_",
	"/", "|", ")", "]", "}", "，", "。", "、", "；", "：", "！", "？",
	"～", "…", "—", "·", "）", "】", "」", "》",
};
/* Allowed right after a word. */
static const char *const survey_particles[] = {
	"的", "了", "啊", "呀", "吧", "哦", "呢", "啦", "哈",
};
/* Skipped at the very start. */
static const char *const survey_leads[] = {
	" ", "\t", "\r", "\n", "\"", "'", "(", "[", "{", "“", "‘", "【", "「",
	"《", "（",
};

static size_t	 survey_skip(const char *, const char *const *, size_t);
static size_t	 survey_prefix(const char *, const char *const *, size_t);
static const struct survey_word *survey_word_at(const char *);
static void	 survey_comment(const char *, char *, size_t);
static int	 survey_fold_map(const char *, char **, size_t **);

/* --- the reply parser -------------------------------------------------- */

/* Length of the longest of list that text starts with, 0 if none. */
static size_t
survey_prefix(const char *text, const char *const *list, size_t n)
{
	size_t	i, len, best = 0;

	for (i = 0; i < n; i++) {
		len = strlen(list[i]);
		if (len > best && strncmp(text, list[i], len) == 0)
			best = len;
	}
	return best;
}

/* Bytes of text made of items of list. */
static size_t
survey_skip(const char *text, const char *const *list, size_t n)
{
	size_t	off = 0, k;

	while ((k = survey_prefix(text + off, list, n)) > 0)
		off += k;
	return off;
}

static const struct survey_word *
survey_word_at(const char *text)
{
	const struct survey_word	*best = NULL;
	size_t				 i, len, blen = 0;

	for (i = 0; i < nitems(survey_words); i++) {
		len = strlen(survey_words[i].word);
		if (len > blen && strncmp(text, survey_words[i].word,
		    len) == 0) {
			best = &survey_words[i];
			blen = len;
		}
	}
	return best;
}

/*
 * Fold text (full-width to ASCII, ideographic space, ①②③, lower case) into
 * *outp with, for each byte offset of the folded text, the offset in the
 * original (*mapp, one more entry for the end).  0 or -1 (bad UTF-8).
 */
static int
survey_fold_map(const char *text, char **outp, size_t **mapp)
{
	static const char *const circled[] = { "①", "②", "③" };
	const char	*p = text;
	char		 one[8], folded[8], *out;
	size_t		*map, len = 0, n, i, k;
	int		 c;

	n = strlen(text);
	out = xmalloc(n + 1);
	map = xcalloc(n + 1, sizeof(*map));
	while (*p != '\0') {
		k = 0;
		for (i = 0; i < nitems(circled); i++)
			if (strncmp(p, circled[i], strlen(circled[i])) == 0) {
				out[len] = (char)('1' + i);
				map[len++] = (size_t)(p - text);
				p += strlen(circled[i]);
				k = 1;
				break;
			}
		if (k)
			continue;
		/* one character: its byte length from the lead byte */
		c = (unsigned char)*p;
		k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ?
		    3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (k == 0 || strnlen(p, k) < k)
			goto bad;
		memcpy(one, p, k);
		one[k] = '\0';
		if ((c = lc_fold(one, folded, sizeof(folded), 0)) <= 0)
			goto bad;
		for (i = 0; i < (size_t)c; i++) {
			out[len] = folded[i];
			map[len++] = (size_t)(p - text);
		}
		p += k;
	}
	out[len] = '\0';
	map[len] = (size_t)(p - text);
	*outp = out;
	*mapp = map;
	return 0;
bad:
	free(out);
	free(map);
	return -1;
}

/* The comment: text trimmed, controls as spaces, cut at a character. */
static void
survey_comment(const char *text, char *out, size_t outlen)
{
	size_t	n, i;

	if (out == NULL || outlen == 0)
		return;
	n = strlen(text);
	while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
		n--;
	if (n >= outlen) {
		n = outlen - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ?
		    ' ' : text[i];
	out[n] = '\0';
}

int
survey_parse(const char *text, int *score, char *comment, size_t commentlen)
{
	const struct survey_word	*w, *w2;
	char				*f;
	size_t				*map, pos, sep;
	int				 digit = 0, ok = 0;

	*score = 0;
	if (comment != NULL && commentlen > 0)
		comment[0] = '\0';
	if (text == NULL || survey_fold_map(text, &f, &map) == -1)
		return 0;
	pos = survey_skip(f, survey_leads, nitems(survey_leads));

	if (f[pos] >= '1' && f[pos] <= '3' &&
	    !(f[pos + 1] >= '0' && f[pos + 1] <= '9')) {
		digit = f[pos] - '0';
		pos++;
		sep = survey_skip(f + pos, survey_seps, nitems(survey_seps));
		w = survey_word_at(f + pos + sep);
		if (w != NULL && w->score != digit)
			goto out;		/* "1 不满意": which is it? */
		if (sep == 0 && f[pos] != '\0' && w == NULL)
			goto out;		/* "3天了": a number, not a score */
		pos += sep;
		if (f[pos] >= '0' && f[pos] <= '9')
			goto out;		/* "1.5", "3 0" */
		*score = digit;
		ok = 1;
	} else {
		pos += survey_prefix(f + pos, survey_fillers,
		    nitems(survey_fillers));
		pos += survey_skip(f + pos, survey_seps, nitems(survey_seps));
		if ((w = survey_word_at(f + pos)) == NULL)
			goto out;
		pos += strlen(w->word);
		sep = survey_skip(f + pos, survey_particles,
		    nitems(survey_particles));
		sep += survey_skip(f + pos + sep, survey_seps,
		    nitems(survey_seps));
		if (sep == 0 && f[pos] != '\0' && !w->strong)
			goto out;		/* "满意度很低" */
		pos += sep;
		/* "满意，不满意" contradicts itself */
		if ((w2 = survey_word_at(f + pos)) != NULL &&
		    w2->score != w->score)
			goto out;
		*score = w->score;
		ok = 1;
	}
	survey_comment(text + map[pos], comment, commentlen);
out:
	if (!ok)
		*score = 0;
	free(f);
	free(map);
	return ok;
}

/* --- quiet hours ------------------------------------------------------- */

int64_t
survey_next_allowed(int64_t now, int quiet_start, int quiet_end)
{
	struct tm	tm;
	time_t		t, end;
	int		min, quiet;

	if (quiet_start == quiet_end || quiet_start < 0 || quiet_end < 0 ||
	    quiet_start >= 24 * 60 || quiet_end >= 24 * 60)
		return now;
	t = (time_t)(now / 1000);
	if (localtime_r(&t, &tm) == NULL)
		return now;
	min = tm.tm_hour * 60 + tm.tm_min;
	if (quiet_start < quiet_end)
		quiet = min >= quiet_start && min < quiet_end;
	else
		quiet = min >= quiet_start || min < quiet_end;
	if (!quiet)
		return now;
	/* the next quiet_end: today's if still ahead, else tomorrow's */
	tm.tm_hour = quiet_end / 60;
	tm.tm_min = quiet_end % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if (min >= quiet_end)
		tm.tm_mday++;
	if ((end = mktime(&tm)) == (time_t)-1)
		return now;
	return (int64_t)end * 1000;
}

/* --- scheduling, matching, answers ------------------------------------- */

void
survey_conf_init(struct survey_conf *sc, const struct hotlined_conf *conf)
{
	memset(sc, 0, sizeof(*sc));
	sc->enabled = conf->survey.enabled;
	sc->service = conf->service_number;
	sc->ext_digits = conf->extension_digits;
	sc->delay = conf->survey.delay;
	sc->remind_after = conf->survey.remind_after;
	sc->expire_after = conf->survey.expire_after;
	sc->quiet_start = conf->survey.quiet_start;
	sc->quiet_end = conf->survey.quiet_end;
}

enum survey_sched
survey_schedule(struct store *st, int64_t case_id,
    const struct survey_conf *sc, int64_t at, struct store_survey *out)
{
	struct store_case	 c;
	struct store_survey_new	 n;
	enum survey_sched	 r = SURVEY_S_ERROR;
	char			 ext[STORE_SURVEY_EXT_MAX], detail[96];
	int64_t			 id;
	int			 state, rc;

	memset(out, 0, sizeof(*out));
	if (!sc->enabled)
		return SURVEY_S_DISABLED;
	if (store_case_get(st, case_id, &c) != 1)
		goto out;
	state = lifecycle_state_parse(c.state);
	memset(&n, 0, sizeof(n));
	n.case_id = case_id;
	n.ext_digits = sc->ext_digits;
	if (state == LC_S_ANSWERED || state == LC_S_CLOSED)
		n.round = 1;
	else if (state == LC_S_FINAL)
		n.round = 2;
	else {
		r = SURVEY_S_NOT_CLOSED;
		goto out;
	}
	if ((rc = store_case_optout(st, case_id)) == -1)
		goto out;
	if (rc == 1) {
		snprintf(detail, sizeof(detail), "{\"round\":%d,\"reason\":"
		    "\"opted-out\"}", n.round);
		r = store_audit(st, case_id, "system:survey", "survey.skipped",
		    detail, at) == -1 ? SURVEY_S_ERROR : SURVEY_S_OPTED_OUT;
		goto out;
	}
	n.sent_at = survey_next_allowed(at + sc->delay, sc->quiet_start,
	    sc->quiet_end);
	n.remind_at = sc->remind_after > 0 ? survey_next_allowed(n.sent_at +
	    sc->remind_after, sc->quiet_start, sc->quiet_end) : 0;
	n.expire_at = n.sent_at + (sc->expire_after > 0 ? sc->expire_after :
	    INT64_C(72) * 3600 * 1000);
	if (n.remind_at >= n.expire_at)
		n.remind_at = 0;
	if ((rc = store_survey_add(st, &n, &id, ext)) == -1)
		goto out;
	if (rc == 1) {
		r = SURVEY_S_EXISTS;
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"round\":%d,\"ext\":\"%s\","
	    "\"send_at\":%lld}", n.round, ext, (long long)n.sent_at);
	if (store_audit(st, case_id, "system:survey", "survey.scheduled",
	    detail, at) == -1 || store_survey_get(st, id, out) != 1)
		goto out;
	r = SURVEY_S_SCHEDULED;
out:
	store_case_clear(&c);
	return r;
}

enum survey_match
survey_match(struct store *st, const struct survey_conf *sc,
    const char *msisdn, const char *dest, struct store_survey *out)
{
	struct store_survey	 open[2];
	const char		*ext;
	size_t			 slen;
	int			 n;

	memset(out, 0, sizeof(*out));
	if (msisdn == NULL || dest == NULL || sc->service == NULL)
		return SURVEY_M_NONE;
	slen = strlen(sc->service);
	if (strncmp(dest, sc->service, slen) != 0)
		return SURVEY_M_NONE;
	ext = dest + slen;
	if (*ext != '\0') {
		if (strlen(ext) >= STORE_SURVEY_EXT_MAX ||
		    strspn(ext, "0123456789") != strlen(ext))
			return SURVEY_M_NONE;
		switch (store_survey_find_ext(st, msisdn, ext, out)) {
		case 1:
			return SURVEY_M_FOUND;
		case 0:
			return SURVEY_M_NONE;
		default:
			return SURVEY_M_ERROR;
		}
	}
	if ((n = store_survey_open(st, msisdn, open, nitems(open))) == -1)
		return SURVEY_M_ERROR;
	if (n == 0)
		return SURVEY_M_NONE;
	if (n > 1)
		return SURVEY_M_WHICH;
	*out = open[0];
	return SURVEY_M_FOUND;
}

int
survey_reply(struct store *st, int64_t survey_id, const char *text,
    int64_t now, struct survey_outcome *o)
{
	static const struct lc_actor	 sys = { LC_ROLE_SYSTEM, "survey",
					    NULL };
	struct store_survey		 sv;
	struct lc_args			 a;
	char				 detail[96], err[256];
	enum lc_result			 lr;
	int				 rc, r = -1;

	memset(o, 0, sizeof(*o));
	if (text == NULL)
		return -1;
	if ((rc = store_survey_get(st, survey_id, &sv)) != 1 ||
	    !STORE_SURVEY_OPEN(sv.state)) {
		r = rc == -1 ? -1 : 1;
		goto out;
	}
	if (!survey_parse(text, &o->score, o->comment, sizeof(o->comment))) {
		o->score = 0;
		o->send_options = sv.unclear == 0;
		snprintf(detail, sizeof(detail), "{\"round\":%d,\"unclear\":%d}",
		    sv.round, sv.unclear + 1);
		if (store_survey_reply(st, survey_id, 0, text, NULL, now) != 1 ||
		    store_audit(st, sv.case_id, "system:survey",
		    "survey.unclear", detail, now) == -1)
			goto undo;
		r = 0;
		goto out;
	}
	/* no comment or raw text in the audit: citizens' words stay out */
	snprintf(detail, sizeof(detail), "{\"round\":%d,\"score\":%d}",
	    sv.round, o->score);
	if (store_survey_reply(st, survey_id, o->score, text, o->comment,
	    now) != 1 || store_audit(st, sv.case_id, "system:survey",
	    "survey.answered", detail, now) == -1)
		goto undo;
	o->final = sv.round >= 2;
	if (o->score == SURVEY_DISSATISFIED && sv.round == 1) {
		memset(&a, 0, sizeof(a));
		a.supervision = LC_SUP_DISPUTED;
		a.text = "不满意 (survey)";
		lr = lifecycle_apply(st, sv.case_id, LC_OP_SUPERVISE, &a, &sys,
		    now, err, sizeof(err));
		if (lr == LC_OK) {
			a.text = "重办: dissatisfied evaluation (Art. 13(1))";
			lr = lifecycle_apply(st, sv.case_id, LC_OP_REOPEN, &a,
			    &sys, now, err, sizeof(err));
		}
		if (lr == LC_ERROR)
			goto undo;
		if (lr != LC_OK)
			log_warnx("survey case=%s dissatisfied, not reopened: "
			    "%s", sv.number, err);
		else
			o->reopened = 1;
	}
	r = 0;
	goto out;
undo:
	r = -1;		/* the caller's unit undoes what was written */
out:
	return r;
}

int
survey_expire(struct store *st, const struct store_survey *sv, int64_t now)
{
	char	detail[64];

	snprintf(detail, sizeof(detail), "{\"round\":%d,"
	    "\"result\":\"no-response\"}", sv->round);
	return store_survey_expire(st, sv->id, now) != -1 &&
	    store_audit(st, sv->case_id, "system:survey", "survey.expired",
	    detail, now) == 0 ? 0 : -1;
}

int
survey_tick(struct store *st, const struct survey_conf *sc, int64_t now,
    survey_remind_fn fn, void *arg)
{
	struct survey_scan	scan;

	survey_scan_begin(&scan, now);
	while (!scan.done)
		if (survey_tick_slice(st, sc, &scan, SURVEY_SLICE, fn,
		    arg) == -1)
			return -1;
	return scan.count;
}

void
survey_scan_begin(struct survey_scan *scan, int64_t now)
{
	memset(scan, 0, sizeof(*scan));
	scan->now = now;
	scan->key = INT64_MIN;
	scan->budget_us = SLICE_BUDGET_US;
}

/* One slice of the tick: the surveys handled in it, or -1. */
int
survey_tick_slice(struct store *st, const struct survey_conf *sc,
    struct survey_scan *scan, size_t max, survey_remind_fn fn, void *arg)
{
	struct store_survey	sv;
	int64_t			ids[SURVEY_SLICE], keys[SURVEY_SLICE];
	int64_t			now = scan->now;
	uint64_t		t0 = clock_mono_us();
	char			detail[64];
	int			n, i, done = 0, ok, cut = 0;

	if (max == 0 || max > nitems(ids))
		max = nitems(ids);
	if (scan->done)
		return 0;
	if ((n = store_survey_due_page(st, now, scan->key, scan->id, ids,
	    keys, max)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 &&
		    clock_mono_us() - t0 >= (uint64_t)scan->budget_us) {
			cut = 1;	/* the cursor is on ids[i - 1] */
			break;
		}
		scan->key = keys[i];
		scan->id = ids[i];
		ok = 0;
		if (store_survey_get(st, ids[i], &sv) != 1)
			goto next;
		if (sv.expire_at <= now)
			ok = survey_expire(st, &sv, now) == 0;
		else if (sv.state == STORE_SURVEY_PENDING &&
		    sv.remind_at > 0 && sv.remind_at <= now) {
			snprintf(detail, sizeof(detail), "{\"round\":%d}",
			    sv.round);
			ok = (fn == NULL || fn(arg, st, &sv,
			    survey_next_allowed(now, sc->quiet_start,
			    sc->quiet_end)) == 0) &&
			    store_survey_reminded(st, sv.id, now) != -1 &&
			    store_audit(st, sv.case_id, "system:survey",
			    "survey.reminded", detail, now) == 0;
		} else
			ok = 1;
next:
		if (!ok)
			return -1;	/* the caller's unit undoes the slice */
		if (sv.expire_at <= now)	/* counted with the unit */
			metrics_add(MF_SURVEYS, "expired", 1);
		done++;
	}
	if (!cut && (size_t)n < max)
		scan->done = 1;
	scan->count += done;
	return done;
}
