/*
 * The safety screen: the lexicon file (parser, every error collected as
 * "file:line: message"), the matcher (one pass over the normalised text,
 * the words indexed by their first character: positions are needed, since
 * a denial counts only just before the word it denies and an ordinary word
 * masks only the danger word it overlaps), and the decision.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "intake.h"
#include "log.h"
#include "screen.h"
#include "util.h"

#define SCREEN_LINE_MAX	8192		/* bytes of one line */
#define SCREEN_BUCKETS	4096		/* first-character index, power of 2 */
#define SCREEN_HITS	64		/* of each kind kept per text */
#define SCREEN_NEG_GAP	6		/* bytes (2 CJK characters) allowed
					   between a denial and its word */

enum screen_kind {
	SK_CLEAR, SK_POSSIBLE, SK_MASK, SK_NEGATION, SK_PAST, SK_AFTER,
	SK_MATTER, SK_MAX
};

static const char *const kind_names[SK_MAX] = {
	"clear", "possible", "mask", "negation", "past", "after", "matter"
};
static const char *const channel_names[SCREEN_CH_MAX] = {
	"selfharm", "119", "110", "122", "120"
};

struct screen_word {
	uint32_t	 off;		/* into pool */
	uint16_t	 len;
	uint8_t		 kind;		/* enum screen_kind */
	uint8_t		 channel;	/* enum screen_channel */
	uint32_t	 bucket;
	int		 line;
};

struct screen {
	struct screen_word	*w;
	size_t			 nw, wcap;
	char			*pool;
	size_t			 poollen, poolcap;
	uint32_t		 start[SCREEN_BUCKETS + 1];	/* into w */
};

/* A danger word found in a text. */
struct screen_hit {
	size_t		 start, end;
	uint32_t	 w;
};

static int	 screen_parse(struct screen *, const char *, const char *,
		    size_t, struct conf_errors *);
static void	 screen_line(struct screen *, const char *, int, char *,
		    struct conf_errors *);
static void	 screen_add(struct screen *, const char *, int, const char *,
		    size_t, int, int, struct conf_errors *);
static int	 screen_build(struct screen *, const char *,
		    struct conf_errors *);
static int	 word_cmp(const void *, const void *);
static uint32_t	 screen_hash(const char *, size_t);
static enum screen_verdict screen_one(const struct screen *,
		    const struct screen_hit *, const struct screen_hit *,
		    size_t, const size_t *, size_t, unsigned *);

static struct screen	*screen_cur;
static char		*screen_path;

/* --- the lexicon -------------------------------------------------------- */

/* The bucket of the character at s (n bytes left): up to 3 of its bytes. */
static uint32_t
screen_hash(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 h;
	size_t			 l;

	l = u[0] < 0x80 ? 1 : u[0] < 0xe0 ? 2 : 3;
	if (l > n)
		l = n;
	h = u[0];
	if (l > 1)
		h = h * 131 + u[1];
	if (l > 2)
		h = h * 131 + u[2];
	return (h ^ h >> 11) & (SCREEN_BUCKETS - 1);
}

static void
screen_add(struct screen *sc, const char *name, int line, const char *s,
    size_t len, int kind, int channel, struct conf_errors *errs)
{
	struct screen_word	*w;

	if (len > SCREEN_WORD_MAX) {
		conf_error(errs, name, line, "word longer than %d bytes: %.40s",
		    SCREEN_WORD_MAX, s);
		return;
	}
	if (sc->nw >= SCREEN_WORDS_MAX) {
		conf_error(errs, name, line, "more than %d words",
		    SCREEN_WORDS_MAX);
		return;
	}
	if (sc->nw == sc->wcap) {
		sc->wcap = sc->wcap ? sc->wcap * 2 : 256;
		sc->w = xreallocarray(sc->w, sc->wcap, sizeof(*sc->w));
	}
	while (sc->poollen + len + 1 > sc->poolcap) {
		sc->poolcap = sc->poolcap ? sc->poolcap * 2 : 4096;
		sc->pool = xreallocarray(sc->pool, sc->poolcap, 1);
	}
	memcpy(sc->pool + sc->poollen, s, len);
	sc->pool[sc->poollen + len] = '\0';
	w = &sc->w[sc->nw++];
	w->off = (uint32_t)sc->poollen;
	w->len = (uint16_t)len;
	w->kind = (uint8_t)kind;
	w->channel = (uint8_t)channel;
	w->bucket = screen_hash(s, len);
	w->line = line;
	sc->poollen += len + 1;
}

/*
 * One normalised line: "KIND [CHANNEL] WORD,WORD...".  Words are separated
 * by commas (full-width ones are made half-width by normalisation), 、 or
 * spaces; ASCII letters are lowered as the text they are compared with.
 */
static void
screen_line(struct screen *sc, const char *name, int line, char *p,
    struct conf_errors *errs)
{
	char	*tok, *w, *end;
	size_t	 k, n, len;
	int	 kind = -1, channel = 0, words = 0;

	if ((tok = strchr(p, '#')) != NULL)
		*tok = '\0';
	for (w = p; *w != '\0'; w++)
		if (*w >= 'A' && *w <= 'Z')
			*w += 'a' - 'A';
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return;
	n = strcspn(p, " ");
	for (k = 0; k < SK_MAX; k++)
		if (strlen(kind_names[k]) == n && memcmp(p, kind_names[k],
		    n) == 0)
			kind = (int)k;
	if (kind == -1) {
		conf_error(errs, name, line, "unknown kind '%.*s' (clear, "
		    "possible, mask, negation, past, after, matter)",
		    (int)(n > 32 ? 32 : n), p);
		return;
	}
	p += n;
	while (*p == ' ')
		p++;
	if (kind == SK_CLEAR || kind == SK_POSSIBLE) {
		n = strcspn(p, " ");
		channel = -1;
		for (k = 0; k < SCREEN_CH_MAX; k++)
			if (strlen(channel_names[k]) == n &&
			    memcmp(p, channel_names[k], n) == 0)
				channel = (int)k;
		if (channel == -1) {
			conf_error(errs, name, line, "%s needs a channel "
			    "(selfharm, 119, 110, 122, 120), not '%.*s'",
			    kind_names[kind], (int)(n > 32 ? 32 : n), p);
			return;
		}
		p += n;
	}
	/* the words: split on , 、 and spaces */
	for (end = p + strlen(p); p < end; p += len) {
		if (*p == ',' || *p == ' ') {
			len = 1;
			continue;
		}
		if (strncmp(p, "、", strlen("、")) == 0) {
			len = strlen("、");
			continue;
		}
		for (len = 0; p + len < end && p[len] != ',' && p[len] != ' ' &&
		    strncmp(p + len, "、", strlen("、")) != 0; len++)
			;
		screen_add(sc, name, line, p, len, kind, channel, errs);
		words++;
	}
	if (words == 0)
		conf_error(errs, name, line, "%s: no words", kind_names[kind]);
}

/* By bucket, then longer first, then bytes (duplicates side by side). */
static int
word_cmp(const void *a, const void *b)
{
	const struct screen_word	*x = a, *y = b;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort the words into the first-character index; duplicates checked. */
static int
screen_build(struct screen *sc, const char *name, struct conf_errors *errs)
{
	const struct screen_word	*a, *b;
	size_t				 i, j, danger = 0;
	uint32_t			 h;
	int				 bad = 0;

	if (sc->nw > 0)
		qsort(sc->w, sc->nw, sizeof(*sc->w), word_cmp);
	for (i = 0; i < sc->nw; i++) {
		a = &sc->w[i];
		danger += a->kind == SK_CLEAR || a->kind == SK_POSSIBLE;
		/* the same word twice must mean the same thing */
		for (j = i + 1; j < sc->nw && sc->w[j].bucket == a->bucket &&
		    sc->w[j].len == a->len; j++) {
			b = &sc->w[j];
			if (memcmp(sc->pool + a->off, sc->pool + b->off,
			    a->len) != 0 || (a->kind == b->kind &&
			    a->channel == b->channel))
				continue;
			conf_error(errs, name, b->line, "'%s' is %s here but "
			    "%s on line %d", sc->pool + b->off,
			    kind_names[b->kind], kind_names[a->kind], a->line);
			bad = 1;
		}
	}
	if (danger == 0 && !bad) {
		conf_error(errs, name, 0, "no clear or possible words: the "
		    "screen would let every emergency through");
		bad = 1;
	}
	for (h = 0, i = 0; h <= SCREEN_BUCKETS; h++) {
		while (i < sc->nw && sc->w[i].bucket < h)
			i++;
		sc->start[h] = (uint32_t)i;
	}
	return bad ? -1 : 0;
}

static int
screen_parse(struct screen *sc, const char *name, const char *buf,
    size_t len, struct conf_errors *errs)
{
	char		 norm[SCREEN_LINE_MAX * 3 + 1];
	const char	*p, *nl, *end;
	size_t		 ll, i;
	int		 line = 0, n0 = errs->n;

	if (len > SCREEN_FILE_MAX) {
		conf_error(errs, name, 0, "file longer than %d bytes",
		    SCREEN_FILE_MAX);
		return -1;
	}
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		ll = nl - p;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll > SCREEN_LINE_MAX) {
			conf_error(errs, name, line, "line longer than %d "
			    "bytes", SCREEN_LINE_MAX);
			continue;
		}
		for (i = 0; i < ll; i++)
			if ((unsigned char)p[i] < 0x20 && p[i] != '\t')
				break;
		if (i < ll) {
			conf_error(errs, name, line, p[i] == '\0' ?
			    "NUL byte" : "control character");
			continue;
		}
		intake_normalize(p, ll, norm, sizeof(norm));
		if (strstr(norm, "\xef\xbf\xbd") != NULL &&
		    memmem(p, ll, "\xef\xbf\xbd", 3) == NULL) {
			conf_error(errs, name, line, "invalid UTF-8");
			continue;
		}
		screen_line(sc, name, line, norm, errs);
	}
	if (errs->n > n0)
		return -1;
	return screen_build(sc, name, errs);
}

struct screen *
screen_load_buf(const char *name, const char *buf, size_t len,
    struct conf_errors *errs)
{
	struct screen	*sc;

	sc = xcalloc(1, sizeof(*sc));
	if (buf == NULL)
		len = 0;
	if (screen_parse(sc, name ? name : "screen", buf, len, errs) == -1) {
		screen_free(sc);
		return NULL;
	}
	return sc;
}

struct screen *
screen_load(const char *path, struct conf_errors *errs)
{
	struct screen	*sc;
	char		*buf;
	size_t		 len = 0;

	if ((buf = conf_read_file(path, SCREEN_FILE_MAX, &len, errs)) == NULL)
		return NULL;
	sc = screen_load_buf(path, buf, len, errs);
	free(buf);
	return sc;
}

void
screen_free(struct screen *sc)
{
	if (sc == NULL)
		return;
	free(sc->w);
	free(sc->pool);
	free(sc);
}

size_t
screen_count(const struct screen *sc)
{
	return sc ? sc->nw : 0;
}

/* --- the decision ------------------------------------------------------- */

/*
 * The verdict of one danger word d, given the ordinary words (masks) and
 * the denials found.  A word that overlaps an ordinary word does not count
 * at all (大火锅 is not 大火, 救命钱 is not 救命, 跳楼价 is not 跳楼): the
 * operator wrote that mask on purpose -- unless the danger word holds the
 * whole mask, being the more precise of the two (呼吸困难 holds 困难).  A denial just before it (没有着火,
 * 并未受伤) takes a fire, crime, medical or traffic word back to none --
 * but never a self-harm word: "我不想自杀了" or "没想过自杀" is still a
 * person to call back, so it stays possible (registered and advised).
 */
static enum screen_verdict
screen_one(const struct screen *sc, const struct screen_hit *d,
    const struct screen_hit *mask, size_t nmask, const size_t *neg,
    size_t nneg, unsigned *why)
{
	const struct screen_word	*w = &sc->w[d->w];
	size_t				 i;

	for (i = 0; i < nmask; i++)
		if (mask[i].start < d->end && d->start < mask[i].end &&
		    !(d->start <= mask[i].start && mask[i].end <= d->end)) {
			*why |= SCREEN_W_MASKED;
			return SCREEN_NONE;
		}
	for (i = 0; i < nneg; i++)
		if (neg[i] <= d->start && d->start - neg[i] <= SCREEN_NEG_GAP) {
			*why |= SCREEN_W_NEGATED;
			return w->channel == SCREEN_CH_SELFHARM ?
			    SCREEN_POSSIBLE : SCREEN_NONE;
		}
	return w->kind == SK_CLEAR ? SCREEN_CLEAR : SCREEN_POSSIBLE;
}

void
screen_check(const struct screen *sc, const char *low, size_t len,
    struct screen_result *r)
{
	char				 packed[INTAKE_NORM_MAX];
	struct screen_hit		 d[SCREEN_HITS], mask[SCREEN_HITS];
	size_t				 neg[SCREEN_HITS];
	size_t				 nd = 0, nmask = 0, nneg = 0, i;
	const struct screen_word	*w;
	enum screen_verdict		 v, best = SCREEN_NONE;
	uint32_t			 h, k, bw = 0;
	unsigned			 flags = 0, why = 0;

	memset(r, 0, sizeof(*r));
	if (sc == NULL || low == NULL)
		return;
	/* "我 不 想 活 了": spaces between characters do not hide a word */
	if (memchr(low, ' ', len) != NULL) {
		for (i = 0, k = 0; i < len && k < sizeof(packed) - 1; i++)
			if (low[i] != ' ')
				packed[k++] = low[i];
		low = packed;
		len = k;
	}
	for (i = 0; i < len; i++) {
		if (((unsigned char)low[i] & 0xc0) == 0x80)
			continue;		/* inside a character */
		h = screen_hash(low + i, len - i);
		for (k = sc->start[h]; k < sc->start[h + 1]; k++) {
			w = &sc->w[k];
			if (w->len > len - i ||
			    memcmp(sc->pool + w->off, low + i, w->len) != 0)
				continue;
			switch (w->kind) {
			case SK_CLEAR:
			case SK_POSSIBLE:
				/* beyond the first 64, the strongest stays */
				if (nd < SCREEN_HITS)
					d[nd++] = (struct screen_hit){ i,
					    i + w->len, k };
				else if (w->kind == SK_CLEAR)
					d[SCREEN_HITS - 1] = (struct
					    screen_hit){ i, i + w->len, k };
				break;
			case SK_MASK:
				if (nmask < SCREEN_HITS)
					mask[nmask++] = (struct screen_hit){
					    i, i + w->len, k };
				break;
			case SK_NEGATION:
				if (nneg < SCREEN_HITS)
					neg[nneg++] = i + w->len;
				break;
			case SK_PAST:
				flags |= SCREEN_W_PAST;
				break;
			case SK_AFTER:
				flags |= SCREEN_W_AFTER;
				break;
			case SK_MATTER:
				flags |= SCREEN_W_MATTER;
				break;
			}
		}
	}
	/*
	 * The text as a whole, applied to each word.  The event is over
	 * (去年, 上个月) or the text is about its aftermath (收费, 理赔,
	 * 隐患): one step down -- a clear emergency becomes possible
	 * (registered and advised, since "昨天着火了" may still burn), a
	 * possible one none ("去年被偷").  Self-harm never goes below
	 * possible.  An ordinary matter written beside a clear emergency
	 * (讨薪, 投诉) makes it possible: the matter is registered, the advice
	 * comes first, the alert is raised, and nothing the citizen asked for
	 * is lost.  In doubt, possible.  Then the strongest word decides; at
	 * equal strength, the channel order (self-harm first).
	 */
	for (i = 0; i < nd; i++) {
		v = screen_one(sc, &d[i], mask, nmask, neg, nneg, &why);
		if (v == SCREEN_NONE)
			continue;
		w = &sc->w[d[i].w];
		if (flags & (SCREEN_W_PAST | SCREEN_W_AFTER)) {
			why |= flags & (SCREEN_W_PAST | SCREEN_W_AFTER);
			v = v == SCREEN_CLEAR || w->channel ==
			    SCREEN_CH_SELFHARM ? SCREEN_POSSIBLE : SCREEN_NONE;
		}
		if (v == SCREEN_CLEAR && (flags & SCREEN_W_MATTER)) {
			why |= SCREEN_W_MATTER;
			v = SCREEN_POSSIBLE;
		}
		if (v == SCREEN_NONE)
			continue;
		if (best == SCREEN_NONE || v > best || (v == best &&
		    w->channel < sc->w[bw].channel)) {
			best = v;
			bw = d[i].w;
		}
	}
	r->why = why;
	r->verdict = best;
	if (best == SCREEN_NONE)
		return;
	w = &sc->w[bw];
	r->channel = (enum screen_channel)w->channel;
	strlcpy(r->word, sc->pool + w->off, sizeof(r->word));
}

const char *
screen_verdict_name(enum screen_verdict v)
{
	static const char *const names[] = { "none", "possible", "clear" };

	return (unsigned)v < nitems(names) ? names[v] : "?";
}

const char *
screen_channel_name(enum screen_channel c)
{
	return (unsigned)c < SCREEN_CH_MAX ? channel_names[c] : "?";
}

/* --- the current lexicon ------------------------------------------------ */

int
screen_start(const struct hotlined_conf *conf, struct conf_errors *errs)
{
	struct screen	*sc;

	free(screen_path);
	screen_path = xstrdup(conf->screen);
	if ((sc = screen_load(screen_path, errs)) == NULL)
		return -1;
	screen_set_current(sc);
	log_info("screen loaded path=%s words=%zu", screen_path, sc->nw);
	return 0;
}

/* screen_load() for conf_reload(). */
static void *
screen_load_any(const char *path, struct conf_errors *errs)
{
	return screen_load(path, errs);
}

int
screen_reload(void *arg)
{
	struct screen	*sc;

	(void)arg;
	if (screen_path == NULL)
		return 0;
	if ((sc = conf_reload("screen", "lexicon", screen_path,
	    screen_load_any)) == NULL)
		return -1;
	screen_set_current(sc);
	log_info("screen reloaded path=%s words=%zu", screen_path, sc->nw);
	return 0;
}

const struct screen *
screen_current(void)
{
	return screen_cur;
}

void
screen_set_current(struct screen *sc)
{
	screen_free(screen_cur);
	screen_cur = sc;
}

void
screen_stop(void *arg)
{
	(void)arg;
	screen_set_current(NULL);
	free(screen_path);
	screen_path = NULL;
}

int
screen_conf_check(const struct hotlined_conf *conf, struct conf_errors *errs,
    void *arg)
{
	struct screen	*sc;

	(void)arg;
	if (access(conf->screen, R_OK) == -1)
		return -1;		/* said by conf_check_files() */
	if ((sc = screen_load(conf->screen, errs)) == NULL)
		return -1;
	screen_free(sc);
	return 0;
}
