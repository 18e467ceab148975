/*
 * Classify: the model file's parser (every error collected as
 * "file:line: message"; any error rejects the file), the character n-gram
 * features, the model's scores and the decision that combines them with
 * the rules' evidence.  No allocation per text.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "classify.h"
#include "intake.h"
#include "util.h"

#define MODEL_ERRS_MAX		20	/* errors reported, then "too many" */
#define MODEL_WEIGHT_ABS	1e4	/* the largest weight in a file */
#define MODEL_MAGIC		"hotlined-model"

/* A hash table slot: the hash's top bits, so most misses read no key. */
struct model_slot {
	uint32_t	 tag;
	uint32_t	 f;		/* 1 + feature, 0 empty */
};

struct model {
	struct model_info info;
	int		 label[CL_MAX];	/* column k scores label[k] */
	int		 nlabel;
	double		 bias[CL_MAX];	/* by column */
	/*
	 * One record per feature, so that a hit reads one cache line: the
	 * key (its length in the last byte), then nlabel weights.
	 */
	unsigned char	*rec;
	size_t		 stride;	/* bytes of a record */
	size_t		 nfeature, cap;
	struct model_slot *slot;	/* the hash table */
	size_t		 nslot;		/* a power of two */
};

/* Where parse errors go. */
struct model_errs {
	char		*buf;
	size_t		 len, used;
	const char	*name;
	int		 n;
};

/* The parser's progress through the file. */
struct model_parse {
	struct model	*m;
	struct model_errs *e;
	int		 line;
	int		 header, labels, bias, temperature, end;
};

#define REC_KEY(m, f)	((m)->rec + (size_t)(f) * (m)->stride)
#define REC_LEN(m, f)	(REC_KEY(m, f)[MODEL_KEY_MAX - 1])
#define REC_W(m, f)	((const float *)(REC_KEY(m, f) + MODEL_KEY_MAX))

/* What classify_ngrams() hands the scorer. */
struct model_acc {
	const struct model *m;
	double		 acc[CL_MAX];
};

static void	 model_error(struct model_errs *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static struct model *model_parse(const char *, const char *, size_t,
		    struct model_errs *);
static void	 model_line(struct model_parse *, char *);
static int	 model_numbers(struct model_parse *, char **, int, double *,
		    double);
static int	 model_key_ok(const char *, size_t);
static int	 model_add(struct model_parse *, const char *, size_t,
		    const double *);
static int	 model_index(struct model *);
static long	 model_find(const struct model *, const char *, size_t);
static void	 model_acc_fn(const char *, size_t, void *);

static const char *label_names[CL_MAX] = {
	"consultation", "help", "complaint", "suggestion", "efficiency",
	"other", "military", "litigation", "unlawful"
};

const char *
classify_label_name(int l)
{
	if (l < 0 || l >= CL_MAX)
		return "?";
	return label_names[l];
}

int
classify_label_from_name(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CL_MAX; i++)
		if (strcmp(label_names[i], name) == 0)
			return i;
	return -1;
}

/* --- features ----------------------------------------------------------- */

size_t
classify_ngrams(const char *s, size_t len,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 t[INTAKE_NORM_MAX];
	size_t			 at[MODEL_NGRAM_MAX], i = 0, j, tl = 0, run = 0,
				 n = 0, k;
	uint32_t		 c;

	/*
	 * t is the text with digits as 0; at[] holds where the run's last
	 * (up to) three characters start in it, so every n-gram ending at
	 * the newest character is t[at[k]..tl).
	 */
	if (len > sizeof(t))
		len = sizeof(t);
	while (i < len) {
		j = i;
		c = intake_utf8_next(u, len, &i);
		if (intake_is_sep(c)) {
			run = 0;
			continue;
		}
		if (run == MODEL_NGRAM_MAX) {
			at[0] = at[1];
			at[1] = at[2];
			run--;
		}
		at[run++] = tl;
		if (c >= '0' && c <= '9')
			t[tl++] = '0';
		else {
			memcpy(t + tl, s + j, i - j);
			tl += i - j;
		}
		for (k = 0; k < run; k++) {
			fn(t + at[k], tl - at[k], arg);
			n++;
		}
	}
	return n;
}

/* --- scores and the decision -------------------------------------------- */

uint64_t
classify_hash(const char *s, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The feature whose key is s (len bytes), or -1. */
static long
model_find(const struct model *m, const char *s, size_t len)
{
	size_t		 i, mask = m->nslot - 1;
	uint64_t	 h;
	uint32_t	 f, tag;

	if (m->nslot == 0 || len >= MODEL_KEY_MAX)
		return -1;
	h = classify_hash(s, len);
	tag = (uint32_t)(h >> 32);
	for (i = h & mask; (f = m->slot[i].f) != 0; i = (i + 1) & mask) {
		if (m->slot[i].tag != tag)
			continue;
		f--;
		if (REC_LEN(m, f) == len && memcmp(REC_KEY(m, f), s, len) == 0)
			return (long)f;
	}
	return -1;
}

static void
model_acc_fn(const char *s, size_t len, void *arg)
{
	struct model_acc	*a = arg;
	const float		*w;
	long			 f;
	int			 k;

	if ((f = model_find(a->m, s, len)) == -1)
		return;
	w = REC_W(a->m, f);
	for (k = 0; k < a->m->nlabel; k++)
		a->acc[k] += w[k];
}

void
model_scores(const struct model *m, const char *s, size_t len,
    double out[CL_MAX])
{
	struct model_acc	 a;
	size_t			 n;
	double			 scale;
	int			 k;

	for (k = 0; k < CL_MAX; k++)
		out[k] = -INFINITY;
	if (m == NULL)
		return;
	memset(&a, 0, sizeof(a));
	a.m = m;
	n = classify_ngrams(s, len, model_acc_fn, &a);
	scale = !m->info.norm ? 1.0 : n > 0 ? 1.0 / sqrt((double)n) : 0.0;
	for (k = 0; k < m->nlabel; k++)
		out[m->label[k]] = (m->bias[k] + a.acc[k] * scale) /
		    m->info.temperature;
}

/*
 * The rules alone (no model): as hotlined always did, the first refusal
 * in file order, else the first category rule in file order, except that
 * a heavier rule goes before a lighter one.
 */
static void
classify_rules_only(const struct classify_hit *hit, size_t nhit,
    struct classify_result *r)
{
	double		 top[CL_MAX] = { 0 };
	int		 first[CL_MAX], l, best = -1;
	size_t		 i;

	for (l = 0; l < CL_MAX; l++)
		first[l] = -1;
	/* a refusal first, in file order; then the heaviest category */
	for (i = 0; i < nhit; i++)
		if (hit[i].label >= CL_CATEGORIES) {
			r->label = hit[i].label;
			r->hit = (int)i;
			return;
		}
	/* each category's heaviest rule: equal weights keep file order */
	for (i = 0; i < nhit; i++) {
		l = hit[i].label;
		if (first[l] == -1 || hit[i].weight > top[l]) {
			top[l] = hit[i].weight;
			first[l] = (int)i;
		}
	}
	for (l = 0; l < CL_CATEGORIES; l++) {
		if (first[l] == -1)
			continue;
		if (best == -1 || top[l] > top[best] ||
		    (top[l] == top[best] && first[l] < first[best]))
			best = l;
	}
	if (best != -1) {
		r->label = best;
		r->hit = first[best];
	}
}

int
classify_decide(const struct model *m, const char *s, size_t len,
    const struct classify_hit *hit, size_t nhit,
    const struct classify_opts *o, struct classify_result *r)
{
	double		 logit[CL_MAX], mean = 0, max = -INFINITY, z = 0;
	double		 min_score, min_margin;
	int		 evid[CL_MAX] = { 0 }, l, n = 0, pass;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	r->label = CL_OTHER;
	r->second = -1;
	r->hit = -1;
	r->score = r->margin = 1.0;
	/* overrides decide alone: refusals first, then categories */
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < nhit; i++)
			if (hit[i].override &&
			    (hit[i].label >= CL_CATEGORIES) == pass) {
				r->label = hit[i].label;
				r->hit = (int)i;
				r->p[r->label] = 1.0;
				r->scored[r->label] = 1;
				return 0;
			}
	if (m == NULL) {
		classify_rules_only(hit, nhit, r);
		r->p[r->label] = 1.0;
		r->scored[r->label] = 1;
		return 0;
	}
	model_scores(m, s, len, logit);
	for (l = 0; l < CL_MAX; l++)
		if (m->info.has[l]) {
			mean += logit[l];
			n++;
		}
	mean = n > 0 ? mean / n : 0;
	for (i = 0; i < nhit; i++) {
		l = hit[i].label;
		if (!m->info.has[l] && !evid[l])
			logit[l] = mean;	/* a label the model lacks */
		evid[l] = 1;
		logit[l] += hit[i].weight;
	}
	for (l = 0; l < CL_MAX; l++) {
		r->scored[l] = m->info.has[l] || evid[l];
		if (r->scored[l] && logit[l] > max)
			max = logit[l];
	}
	for (l = 0; l < CL_MAX; l++)
		if (r->scored[l])
			z += (r->p[l] = exp(logit[l] - max));
	r->label = -1;
	for (l = 0; l < CL_MAX; l++) {
		if (!r->scored[l])
			continue;
		r->p[l] /= z;
		if (r->label == -1 || r->p[l] > r->p[r->label]) {
			r->second = r->label;
			r->label = l;
		} else if (r->second == -1 || r->p[l] > r->p[r->second])
			r->second = l;
	}
	if (r->label == -1)
		r->label = CL_OTHER;
	r->score = r->p[r->label];
	r->margin = r->second == -1 ? r->score : r->score - r->p[r->second];
	min_score = o != NULL && o->min_score >= 0 ? o->min_score :
	    m->info.min_score;
	min_margin = o != NULL && o->min_margin >= 0 ? o->min_margin :
	    m->info.min_margin;
	r->unsure = r->score < min_score || r->margin < min_margin;
	/*
	 * Art. 9: the model alone never refuses.  A refusal label that wins
	 * without a rule saying so is a person's decision.
	 */
	if (r->label >= CL_CATEGORIES && !evid[r->label])
		r->unsure = 1;
	return 0;
}

/* --- the model file ------------------------------------------------------ */

static void
model_error(struct model_errs *e, int line, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	if (e->n++ > MODEL_ERRS_MAX)
		return;
	if (e->n > MODEL_ERRS_MAX)
		snprintf(msg, sizeof(msg), "too many errors, giving up");
	else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	errbuf_add(e->buf, e->len, &e->used, e->name, line, msg);
}

/* Read want numbers from tok[] into out, each finite, |x| <= lim. */
static int
model_numbers(struct model_parse *p, char **tok, int want, double *out,
    double lim)
{
	char	*end;
	int	 i;

	for (i = 0; i < want; i++) {
		if (tok[i] == NULL) {
			model_error(p->e, p->line, "expected %d numbers, "
			    "found %d", want, i);
			return -1;
		}
		errno = 0;
		out[i] = strtod(tok[i], &end);
		if (end == tok[i] || *end != '\0' || errno == ERANGE ||
		    !isfinite(out[i]) || fabs(out[i]) > lim) {
			model_error(p->e, p->line, "'%.20s' is not a number "
			    "within +-%g", tok[i], lim);
			return -1;
		}
	}
	if (tok[i] != NULL) {
		model_error(p->e, p->line, "more than %d numbers", want);
		return -1;
	}
	return 0;
}

/* Whether key (len bytes) is 1-3 characters of valid UTF-8, no separator. */
static int
model_key_ok(const char *key, size_t len)
{
	const unsigned char	*u = (const unsigned char *)key;
	size_t			 i = 0, j, n = 0;
	uint32_t		 c;

	if (len == 0 || len >= MODEL_KEY_MAX)
		return 0;
	while (i < len) {
		j = i;
		c = intake_utf8_next(u, len, &i);
		if ((c == 0xfffd && i - j == 1) || intake_is_sep(c) ||
		    c < 0x20 || (c >= '1' && c <= '9') ||
		    (c >= 'A' && c <= 'Z'))
			return 0;
		n++;
	}
	return n <= MODEL_NGRAM_MAX;
}

/* Add feature key with weights w (by column); -1 on a duplicate. */
static int
model_add(struct model_parse *p, const char *key, size_t len, const double *w)
{
	struct model	*m = p->m;
	size_t		 f, k;

	if (m->nfeature == MODEL_FEATURES_MAX) {
		model_error(p->e, p->line, "more than %d features",
		    MODEL_FEATURES_MAX);
		return -1;
	}
	if (m->nfeature == m->cap) {
		m->stride = MODEL_KEY_MAX + m->nlabel * sizeof(float);
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->rec = xreallocarray(m->rec, m->cap, m->stride);
	}
	f = m->nfeature++;
	memset(REC_KEY(m, f), 0, MODEL_KEY_MAX);
	memcpy(REC_KEY(m, f), key, len);
	REC_LEN(m, f) = (unsigned char)len;
	for (k = 0; k < (size_t)m->nlabel; k++) {
		float	 x = (float)w[k];

		memcpy(REC_KEY(m, f) + MODEL_KEY_MAX + k * sizeof(x), &x,
		    sizeof(x));
	}
	return 0;
}

/* Build the hash index; -1 (with the first duplicate) on a duplicate. */
static int
model_index(struct model *m)
{
	size_t		 f, i, mask;
	uint64_t	 h;
	uint32_t	 g;

	for (m->nslot = 16; m->nslot < 2 * m->nfeature; m->nslot *= 2)
		;
	m->slot = xcalloc(m->nslot, sizeof(*m->slot));
	mask = m->nslot - 1;
	for (f = 0; f < m->nfeature; f++) {
		h = classify_hash((const char *)REC_KEY(m, f), REC_LEN(m, f));
		for (i = h & mask; (g = m->slot[i].f) != 0; i = (i + 1) & mask)
			if (REC_LEN(m, g - 1) == REC_LEN(m, f) &&
			    memcmp(REC_KEY(m, g - 1), REC_KEY(m, f),
			    REC_LEN(m, f)) == 0)
				return -1;
		m->slot[i].tag = (uint32_t)(h >> 32);
		m->slot[i].f = (uint32_t)f + 1;
	}
	return 0;
}

/* Split s on spaces and tabs into tok (NULL-terminated); the count. */
static int
model_split(char *s, char **tok, int max)
{
	int	 n = 0;

	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
	}
	tok[n] = NULL;
	return n;
}

/* One line of the file (NUL-terminated, no newline). */
static void
model_line(struct model_parse *p, char *s)
{
	struct model_info	*in = &p->m->info;
	char			*tok[CL_MAX + 8];
	double			 v[CL_MAX + 1];
	int			 n, l, k;

	if ((n = model_split(s, tok, (int)nitems(tok) - 1)) == -1) {
		model_error(p->e, p->line, "too many fields");
		return;
	}
	if (!p->header) {
		if (n != 2 || strcmp(tok[0], MODEL_MAGIC) != 0) {
			model_error(p->e, p->line, "not a hotlined model "
			    "(the first line must be \"%s %d\")", MODEL_MAGIC,
			    MODEL_VERSION);
			p->end = 1;	/* read no further */
			return;
		}
		if (strcmp(tok[1], "1") != 0) {
			model_error(p->e, p->line, "model format version "
			    "'%.10s', this hotlined reads version %d: retrain "
			    "with this hotlined's hotline-train",
			    tok[1], MODEL_VERSION);
			p->end = 1;
			return;
		}
		p->header = 1;
		return;
	}
	if (n == 0 || tok[0][0] == '#')
		return;
	if (p->end) {
		model_error(p->e, p->line, "text after \"end\"");
		return;
	}
	if (strcmp(tok[0], "f") == 0) {
		if (!p->labels || !p->bias) {
			model_error(p->e, p->line, "feature before labels "
			    "and bias");
			return;
		}
		if (n < 2 || !model_key_ok(tok[1], strlen(tok[1]))) {
			model_error(p->e, p->line, "bad n-gram (1-3 "
			    "characters of UTF-8, no space or punctuation)");
			return;
		}
		if (model_numbers(p, tok + 2, p->m->nlabel, v,
		    MODEL_WEIGHT_ABS) == 0)
			model_add(p, tok[1], strlen(tok[1]), v);
		return;
	}
	if (strcmp(tok[0], "version") == 0 || strcmp(tok[0], "date") == 0) {
		if (n != 2 || strlen(tok[1]) >= sizeof(in->version)) {
			model_error(p->e, p->line, "%s: one word of at most "
			    "%zu bytes", tok[0], sizeof(in->date) - 1);
			return;
		}
		if (tok[0][0] == 'v')
			strlcpy(in->version, tok[1], sizeof(in->version));
		else if (strlcpy(in->date, tok[1], sizeof(in->date)) >=
		    sizeof(in->date))
			model_error(p->e, p->line, "date too long");
	} else if (strcmp(tok[0], "algorithm") == 0) {
		if (n != 2 || (strcmp(tok[1], "nb") != 0 &&
		    strcmp(tok[1], "logreg") != 0)) {
			model_error(p->e, p->line, "algorithm: nb or logreg");
			return;
		}
		strlcpy(in->algorithm, tok[1], sizeof(in->algorithm));
	} else if (strcmp(tok[0], "labels") == 0) {
		if (p->labels || n < 3) {
			model_error(p->e, p->line, p->labels ? "labels "
			    "twice" : "labels: at least two");
			return;
		}
		for (k = 1; k < n; k++) {
			if ((l = classify_label_from_name(tok[k])) == -1 ||
			    in->has[l]) {
				model_error(p->e, p->line, "label '%.20s' %s",
				    tok[k], l == -1 ? "unknown" : "twice");
				return;
			}
			in->has[l] = 1;
			p->m->label[p->m->nlabel++] = l;
		}
		in->nlabel = p->m->nlabel;
		p->labels = 1;
	} else if (strcmp(tok[0], "bias") == 0) {
		if (!p->labels || p->bias) {
			model_error(p->e, p->line, p->bias ? "bias twice" :
			    "bias before labels");
			return;
		}
		if (model_numbers(p, tok + 1, p->m->nlabel, p->m->bias,
		    MODEL_WEIGHT_ABS) == 0)
			p->bias = 1;
	} else if (strcmp(tok[0], "temperature") == 0) {
		if (model_numbers(p, tok + 1, 1, v, 1e3) == 0) {
			if (v[0] < 1e-3)
				model_error(p->e, p->line, "temperature "
				    "must be positive");
			else {
				in->temperature = v[0];
				p->temperature = 1;
			}
		}
	} else if (strcmp(tok[0], "norm") == 0) {
		if (n != 2 || (strcmp(tok[1], "sqrt") != 0 &&
		    strcmp(tok[1], "none") != 0))
			model_error(p->e, p->line, "norm: sqrt or none");
		else
			in->norm = tok[1][0] == 's';
	} else if (strcmp(tok[0], "thresholds") == 0) {
		if (model_numbers(p, tok + 1, 2, v, 1) == 0) {
			if (v[0] < 0 || v[1] < 0)
				model_error(p->e, p->line, "thresholds: two "
				    "shares 0-1");
			in->min_score = v[0];
			in->min_margin = v[1];
		}
	} else if (strcmp(tok[0], "count") == 0) {
		if (n != 3 || (l = classify_label_from_name(tok[1])) == -1) {
			model_error(p->e, p->line, "count LABEL N");
			return;
		}
		if (model_numbers(p, tok + 2, 1, v, 1e9) == 0) {
			if (v[0] < 0)
				model_error(p->e, p->line, "count: a number "
				    "of texts, not %g", v[0]);
			else
				in->count[l] = (long)v[0];
		}
	} else if (strcmp(tok[0], "holdout") == 0) {
		/* holdout SHARE ACCURACY CONFIDENT-ACCURACY UNSURE WRONG */
		if (model_numbers(p, tok + 1, 5, v, 1) == 0) {
			in->holdout = v[0];
			in->accuracy = v[1];
			in->confident_accuracy = v[2];
			in->unsure_rate = v[3];
			in->wrong_rate = v[4];
		}
	} else if (strcmp(tok[0], "end") == 0) {
		/* a count: negative or fractional is no count (and no cast) */
		if (model_numbers(p, tok + 1, 1, v, MODEL_FEATURES_MAX) == 0 &&
		    (v[0] < 0 || v[0] != (double)(size_t)v[0] ||
		    (size_t)v[0] != p->m->nfeature))
			model_error(p->e, p->line, "end: %zu features read, "
			    "the file says %g (truncated or edited?)",
			    p->m->nfeature, v[0]);
		p->end = 1;
	} else
		model_error(p->e, p->line, "unknown line '%.20s'", tok[0]);
}

static struct model *
model_parse(const char *name, const char *buf, size_t len,
    struct model_errs *e)
{
	struct model_parse	 p;
	char			 line[MODEL_LINE_MAX + 1];
	const char		*s, *nl, *end;
	size_t			 ll;

	memset(&p, 0, sizeof(p));
	e->name = name;
	p.e = e;
	p.m = xcalloc(1, sizeof(*p.m));
	p.m->info.temperature = 1.0;
	p.m->info.norm = 1;
	if (buf == NULL)
		len = 0;
	if (len > MODEL_FILE_MAX) {
		model_error(e, 0, "file longer than %d bytes", MODEL_FILE_MAX);
		goto fail;
	}
	for (s = buf, end = buf + len; s < end && e->n <= MODEL_ERRS_MAX;
	    s = nl + 1) {
		p.line++;
		if ((nl = memchr(s, '\n', end - s)) == NULL) {
			model_error(e, p.line, "no newline at the end "
			    "(truncated?)");
			break;
		}
		ll = nl - s;
		if (ll > MODEL_LINE_MAX) {
			model_error(e, p.line, "line longer than %d bytes",
			    MODEL_LINE_MAX);
			continue;
		}
		if (memchr(s, '\0', ll) != NULL) {
			model_error(e, p.line, "NUL byte");
			continue;
		}
		memcpy(line, s, ll);
		line[ll] = '\0';
		model_line(&p, line);
		if (!p.header)
			break;
	}
	if (e->n == 0 && !p.header)
		model_error(e, 0, "empty file");
	if (e->n == 0 && (!p.labels || !p.bias))
		model_error(e, p.line, "no %s", p.labels ? "bias" : "labels");
	if (e->n == 0 && !p.end)
		model_error(e, p.line, "no \"end\" line (truncated?)");
	if (e->n == 0 && model_index(p.m) == -1)
		model_error(e, 0, "an n-gram appears twice");
	if (e->n > 0)
		goto fail;
	p.m->info.nfeature = p.m->nfeature;
	return p.m;
fail:
	model_free(p.m);
	return NULL;
}

struct model *
model_load_buf(const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct model_errs	e;

	memset(&e, 0, sizeof(e));
	e.buf = err;
	e.len = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return model_parse(name ? name : "model", buf, len, &e);
}

struct model *
model_load(const char *path, char *err, size_t errlen)
{
	struct model_errs	 e;
	struct model		*m;
	char			*buf, why[256];
	size_t			 len;

	memset(&e, 0, sizeof(e));
	e.buf = err;
	e.len = errlen;
	e.name = path;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((buf = read_file_max(path, MODEL_FILE_MAX, &len, why,
	    sizeof(why))) == NULL) {
		model_error(&e, 0, "%s", why);
		return NULL;
	}
	m = model_parse(path, buf, len, &e);
	free(buf);
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free(m->rec);
	free(m->slot);
	free(m);
}

const struct model_info *
model_info(const struct model *m)
{
	return &m->info;
}

/* --- writing ------------------------------------------------------------- */

void
model_print(FILE *fp, const struct model_info *in, const double bias[CL_MAX],
    const struct model_writer_feature *f, size_t nf)
{
	size_t	 i;
	int	 l;

	fprintf(fp, "%s %d\n", MODEL_MAGIC, MODEL_VERSION);
	fprintf(fp, "# written by hotline-train; read by hotlined, see "
	    "hotlined.model(5)\nversion %s\ndate %s\nalgorithm %s\n",
	    in->version, in->date, in->algorithm);
	for (l = 0; l < CL_MAX; l++)
		if (in->has[l])
			fprintf(fp, "count %s %ld\n", label_names[l],
			    in->count[l]);
	fprintf(fp, "holdout %.4f %.4f %.4f %.4f %.4f\n", in->holdout,
	    in->accuracy, in->confident_accuracy, in->unsure_rate,
	    in->wrong_rate);
	fprintf(fp, "thresholds %.3f %.3f\ntemperature %.4f\nnorm %s\n"
	    "labels", in->min_score, in->min_margin, in->temperature,
	    in->norm ? "sqrt" : "none");
	for (l = 0; l < CL_MAX; l++)
		if (in->has[l])
			fprintf(fp, " %s", label_names[l]);
	fprintf(fp, "\nbias");
	for (l = 0; l < CL_MAX; l++)
		if (in->has[l])
			fprintf(fp, " %.6g", bias[l]);
	fprintf(fp, "\n");
	for (i = 0; i < nf; i++) {
		fprintf(fp, "f %.*s", (int)f[i].keylen, f[i].key);
		for (l = 0; l < CL_MAX; l++)
			if (in->has[l])
				fprintf(fp, " %.4g", f[i].w[l]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "end %zu\n", nf);
}

int
model_write(const char *path, const struct model_info *in,
    const double bias[CL_MAX], const struct model_writer_feature *f,
    size_t nf, char *err, size_t errlen)
{
	char	 tmp[4096];
	FILE	*fp;
	int	 fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fp = NULL;
	if ((fd = mkstemp(tmp)) == -1 || fchmod(fd, 0644) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	model_print(fp, in, bias, f, nf);
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
