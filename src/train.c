/*
 * Train: the labelled texts (JSON lines), the held-out share, naive Bayes
 * and logistic regression over character 1-3-grams, the temperature and
 * threshold calibration, and the tables.  For hotline-train and
 * bench/classify; hotlined itself only reads what this writes.
 */
#include "compat.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "category.h"
#include "classify.h"
#include "intake.h"
#include "train.h"
#include "util.h"

#define TRAIN_ERRS_MAX	20

/* The n-grams seen in training: key -> feature number. */
struct vocab {
	char		(*key)[MODEL_KEY_MAX];
	uint8_t		*keylen;
	double		*count;		/* weighted occurrences */
	size_t		 n, cap;
	uint32_t	*slot;		/* 1 + feature */
	size_t		 nslot;
};

/* One training text as features: (feature, count) pairs. */
struct doc {
	uint32_t	*f;
	uint16_t	*c;
	size_t		 nf;
	double		 scale;		/* 1 or 1/sqrt(n-grams) */
	int		 label;		/* column */
	double		 weight;
};

/* What the n-gram callback collects. */
struct collect {
	struct vocab	*v;
	int		 add;		/* add unseen n-grams to v */
	uint32_t	 f[3 * INTAKE_NORM_MAX];
	size_t		 n;
};

static long	 vocab_find(struct vocab *, const char *, size_t, int);
static void	 collect_fn(const char *, size_t, void *);
static void	 train_lower(const char *, char *, size_t, size_t *);
static int	 u32_cmp(const void *, const void *);

static const char *pred_names[TP_MAX] = {
	"cons", "help", "compl", "sugg", "effic", "other", "milit",
	"litig", "unlaw", "emerg", "unsure", "cmd"
};

const char *
train_pred_name(int p)
{
	return p < 0 || p >= TP_MAX ? "?" : pred_names[p];
}

/* --- the texts ------------------------------------------------------------ */

static void
train_err(char *err, size_t errlen, int *nerr, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 used;

	if ((*nerr)++ >= TRAIN_ERRS_MAX || err == NULL || errlen == 0)
		return;
	used = strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

int
train_load(struct train_set *set, const char *path, double w, int operator,
    char *err, size_t errlen)
{
	FILE		*fp;
	char		*line;
	size_t		 len;
	int		 c;
	json_t		*j, *t, *l;
	json_error_t	 je;
	const char	*label;
	int		 lineno = 0, nerr = 0, lab;
	struct train_ex	*e;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((fp = fopen(path, "r")) == NULL) {
		train_err(err, errlen, &nerr, "%s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	line = xmalloc(TRAIN_LINE_MAX + 2);
	while (fgets(line, TRAIN_LINE_MAX + 2, fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > TRAIN_LINE_MAX) {
			train_err(err, errlen, &nerr, "%s:%d: line longer "
			    "than %d bytes\n", path, lineno, TRAIN_LINE_MAX);
			while ((c = getc(fp)) != EOF && c != '\n')
				;	/* the rest of it */
			continue;
		}
		if (strspn(line, " \t\r\n") == len)
			continue;
		if ((j = json_loadb(line, len, JSON_REJECT_DUPLICATES,
		    &je)) == NULL) {
			train_err(err, errlen, &nerr, "%s:%d: not JSON: "
			    "%s\n", path, lineno, je.text);
			continue;
		}
		t = json_object_get(j, "text");
		l = json_object_get(j, "label");
		if (!json_is_object(j) || !json_is_string(t) ||
		    !json_is_string(l) || json_string_length(t) == 0) {
			train_err(err, errlen, &nerr, "%s:%d: expected "
			    "{\"text\": \"...\", \"label\": \"...\"}\n", path,
			    lineno);
			json_decref(j);
			continue;
		}
		label = json_string_value(l);
		if (strcmp(label, "unclassified") == 0) {
			json_decref(j);
			continue;	/* nobody decided it: nothing to learn */
		}
		if (strncmp(label, "emergency-", 10) == 0)
			lab = TRAIN_EMERGENCY;
		else if ((lab = classify_label_from_name(label)) == -1) {
			train_err(err, errlen, &nerr, "%s:%d: unknown label "
			    "'%.40s'\n", path, lineno, label);
			json_decref(j);
			continue;
		}
		if (memchr(json_string_value(t), '\0',
		    json_string_length(t)) != NULL) {
			train_err(err, errlen, &nerr, "%s:%d: NUL in the "
			    "text\n", path, lineno);
			json_decref(j);
			continue;
		}
		if (set->n == TRAIN_TEXTS_MAX) {
			train_err(err, errlen, &nerr, "%s:%d: more than %d "
			    "texts\n", path, lineno, TRAIN_TEXTS_MAX);
			json_decref(j);
			break;
		}
		if (set->n == set->cap) {
			set->cap = set->cap ? set->cap * 2 : 256;
			set->ex = xreallocarray(set->ex, set->cap,
			    sizeof(*set->ex));
		}
		e = &set->ex[set->n++];
		memset(e, 0, sizeof(*e));
		e->text = xstrdup(json_string_value(t));
		e->label = lab;
		e->weight = w;
		e->operator = operator;
		json_decref(j);
	}
	if (ferror(fp))
		train_err(err, errlen, &nerr, "%s: %s\n", path,
		    strerror(errno));
	free(line);
	fclose(fp);
	return nerr > 0 ? -1 : 0;
}

void
train_free(struct train_set *set)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		free(set->ex[i].text);
	free(set->ex);
	memset(set, 0, sizeof(*set));
}

/* Where text i falls in [0, 10000), by a hash of the seed and the text. */
static unsigned
train_slot(const struct train_set *set, size_t i, unsigned seed)
{
	uint64_t h;

	h = classify_hash(set->ex[i].text, strlen(set->ex[i].text));
	h ^= seed * 0x9e3779b97f4a7c15ULL;	/* a mixer */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (unsigned)((h >> 11) % 10000);
}

void
train_split(struct train_set *set, double share, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		set->ex[i].holdout = (double)train_slot(set, i, seed) <
		    share * 10000.0;
}

void
train_fold(struct train_set *set, int k, int folds, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		set->ex[i].holdout = (int)(train_slot(set, i, seed) *
		    (unsigned)folds / 10000) == k;
}

void
train_counts(const struct train_set *set, int which, long count[CL_MAX])
{
	size_t	 i;

	memset(count, 0, CL_MAX * sizeof(*count));
	for (i = 0; i < set->n; i++) {
		if (set->ex[i].label < 0)
			continue;
		if (which == 1 && !set->ex[i].holdout)
			continue;
		if (which == 0 && set->ex[i].holdout)
			continue;
		count[set->ex[i].label]++;
	}
}

/* --- features ------------------------------------------------------------- */

/* Normalise and lower text as intake does; its length in *len. */
static void
train_lower(const char *text, char *out, size_t outlen, size_t *len)
{
	size_t	 i, n, tl = strlen(text);

	if (tl > INTAKE_TEXT_MAX)
		tl = INTAKE_TEXT_MAX;
	n = intake_normalize(text, tl, out, outlen);
	for (i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] += 'a' - 'A';
	*len = n;
}

/* The feature key s (len bytes), added when add; -1 when not there. */
static long
vocab_find(struct vocab *v, const char *s, size_t len, int add)
{
	size_t		 i, mask, f, j;
	uint32_t	*ns, g;

	if (len >= MODEL_KEY_MAX)
		return -1;
	if (v->nslot == 0 || (add && 2 * (v->n + 1) > v->nslot)) {
		/* grow and rehash */
		size_t nn = v->nslot ? v->nslot * 2 : 4096;

		ns = xcalloc(nn, sizeof(*ns));
		for (f = 0; f < v->n; f++) {
			for (j = classify_hash(v->key[f], v->keylen[f]) &
			    (nn - 1); ns[j] != 0; j = (j + 1) & (nn - 1))
				;
			ns[j] = (uint32_t)f + 1;
		}
		free(v->slot);
		v->slot = ns;
		v->nslot = nn;
	}
	mask = v->nslot - 1;
	for (i = classify_hash(s, len) & mask; (g = v->slot[i]) != 0;
	    i = (i + 1) & mask)
		if (v->keylen[g - 1] == len &&
		    memcmp(v->key[g - 1], s, len) == 0)
			return (long)g - 1;
	if (!add)
		return -1;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4096;
		v->key = xreallocarray(v->key, v->cap, sizeof(*v->key));
		v->keylen = xreallocarray(v->keylen, v->cap, 1);
		v->count = xreallocarray(v->count, v->cap, sizeof(*v->count));
	}
	memset(v->key[v->n], 0, MODEL_KEY_MAX);
	memcpy(v->key[v->n], s, len);
	v->keylen[v->n] = (uint8_t)len;
	v->count[v->n] = 0;
	v->slot[i] = (uint32_t)v->n + 1;
	return (long)v->n++;
}

static void
collect_fn(const char *s, size_t len, void *arg)
{
	struct collect	*c = arg;
	long		 f;

	if ((f = vocab_find(c->v, s, len, c->add)) == -1 ||
	    c->n == nitems(c->f))
		return;
	c->f[c->n++] = (uint32_t)f;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* --- training ------------------------------------------------------------- */

/* Naive Bayes: per-label n-gram log-likelihoods, centred per n-gram. */
static void
train_nb(const struct doc *d, size_t nd, size_t nf, int K,
    const struct train_opts *o, double *W, double *bias)
{
	double	*N, T[CL_MAX] = { 0 }, D[CL_MAX] = { 0 }, sd = 0, mean;
	size_t	 i, j, f;
	int	 k;

	N = xcalloc(nf * K, sizeof(*N));
	for (i = 0; i < nd; i++) {
		D[d[i].label] += d[i].weight;
		sd += d[i].weight;
		for (j = 0; j < d[i].nf; j++) {
			N[d[i].f[j] * K + d[i].label] += d[i].weight * d[i].c[j];
			T[d[i].label] += d[i].weight * d[i].c[j];
		}
	}
	for (f = 0; f < nf; f++) {
		mean = 0;
		for (k = 0; k < K; k++) {
			W[f * K + k] = log((N[f * K + k] + o->alpha) /
			    (T[k] + o->alpha * nf));
			mean += W[f * K + k];
		}
		for (k = 0; k < K; k++)
			W[f * K + k] -= mean / K;
	}
	for (k = 0; k < K; k++)
		bias[k] = log((D[k] + 1) / (sd + K));
	free(N);
}

/* Logistic regression: softmax, AdaGrad, L2 on the touched weights. */
static void
train_logreg(const struct doc *d, size_t nd, size_t nf, int K,
    const struct train_opts *o, double *W, double *bias)
{
	double		*G, gb[CL_MAX] = { 0 }, z[CL_MAX] = { 0 }, g[CL_MAX];
	double		 max, sum, x, gw;
	size_t		*order, i, j, t, r;
	uint64_t	 rng = 0x9e3779b97f4a7c15ULL;
	int		 e, k;
	const double	 lr = 0.5;

	if (K < 1 || K > CL_MAX)
		return;		/* the caller counts labels; never here */
	G = xcalloc(nf * K, sizeof(*G));
	order = xreallocarray(NULL, nd, sizeof(*order));
	for (i = 0; i < nd; i++)
		order[i] = i;
	for (k = 0; k < K; k++)
		gb[k] = bias[k] = 0;
	for (e = 0; e < o->epochs; e++) {
		for (i = nd; i > 1; i--) {	/* a fixed shuffle per epoch */
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			r = rng % i;
			t = order[i - 1];
			order[i - 1] = order[r];
			order[r] = t;
		}
		for (t = 0; t < nd; t++) {
			const struct doc *p = &d[order[t]];

			for (k = 0; k < K; k++)
				z[k] = bias[k];
			for (j = 0; j < p->nf; j++)
				for (k = 0; k < K; k++)
					z[k] += W[p->f[j] * K + k] *
					    p->c[j] * p->scale;
			for (max = z[0], k = 1; k < K; k++)
				max = z[k] > max ? z[k] : max;
			for (sum = 0, k = 0; k < K; k++)
				sum += (z[k] = exp(z[k] - max));
			for (k = 0; k < K; k++)
				g[k] = p->weight * (z[k] / sum -
				    (k == p->label ? 1.0 : 0.0));
			for (k = 0; k < K; k++) {
				gb[k] += g[k] * g[k];
				bias[k] -= lr * g[k] / sqrt(gb[k] + 1e-8);
			}
			for (j = 0; j < p->nf; j++) {
				x = p->c[j] * p->scale;
				for (k = 0; k < K; k++) {
					double *w = &W[p->f[j] * K + k];

					gw = g[k] * x + o->lambda * *w;
					G[p->f[j] * K + k] += gw * gw;
					*w -= lr * gw /
					    sqrt(G[p->f[j] * K + k] + 1e-8);
				}
			}
		}
	}
	free(order);
	free(G);
}

int
train_fit(const struct train_set *set, int all, const struct train_opts *o,
    struct train_result *res, char *err, size_t errlen)
{
	static struct collect	 c;
	struct vocab		 v;
	struct doc		*d;
	char			 low[INTAKE_NORM_MAX];
	size_t			 i, j, nd = 0, len, n, kept, *remap;
	double			*W, bias[CL_MAX];
	int			 col[CL_MAX], lab[CL_MAX], K = 0, l, k;
	long			 cnt[CL_MAX];

	memset(res, 0, sizeof(*res));
	memset(&v, 0, sizeof(v));
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < set->n; i++)
		if (set->ex[i].label >= 0 && (all || !set->ex[i].holdout))
			cnt[set->ex[i].label]++;
	for (l = 0; l < CL_MAX; l++) {
		col[l] = -1;
		if (cnt[l] > 0) {
			col[l] = K;
			lab[K++] = l;
		}
	}
	if (K < 2) {
		snprintf(err, errlen, "fewer than two labels to train on");
		return -1;
	}
	d = xcalloc(set->n, sizeof(*d));
	c.v = &v;
	c.add = 1;
	for (i = 0; i < set->n; i++) {
		const struct train_ex *e = &set->ex[i];

		if (e->label < 0 || (!all && e->holdout))
			continue;
		train_lower(e->text, low, sizeof(low), &len);
		c.n = 0;
		n = classify_ngrams(low, len, collect_fn, &c);
		qsort(c.f, c.n, sizeof(*c.f), u32_cmp);
		d[nd].f = xreallocarray(NULL, c.n + 1, sizeof(*d[nd].f));
		d[nd].c = xreallocarray(NULL, c.n + 1, sizeof(*d[nd].c));
		for (j = 0; j < c.n; j++) {
			v.count[c.f[j]] += e->weight;
			if (d[nd].nf > 0 && d[nd].f[d[nd].nf - 1] == c.f[j]) {
				if (d[nd].c[d[nd].nf - 1] < UINT16_MAX)
					d[nd].c[d[nd].nf - 1]++;
				continue;
			}
			d[nd].f[d[nd].nf] = c.f[j];
			d[nd].c[d[nd].nf++] = 1;
		}
		d[nd].scale = o->norm && n > 0 ? 1.0 / sqrt((double)n) : 1.0;
		d[nd].label = col[e->label];
		d[nd].weight = e->weight;
		nd++;
	}
	/* drop rare n-grams: renumber the kept ones */
	remap = xreallocarray(NULL, v.n + 1, sizeof(*remap));
	for (kept = 0, i = 0; i < v.n; i++)
		remap[i] = v.count[i] >= o->min_count ? kept++ : SIZE_MAX;
	for (i = 0; i < nd; i++) {
		for (n = 0, j = 0; j < d[i].nf; j++)
			if (remap[d[i].f[j]] != SIZE_MAX) {
				d[i].c[n] = d[i].c[j];
				d[i].f[n++] = (uint32_t)remap[d[i].f[j]];
			}
		d[i].nf = n;
	}
	W = xcalloc(kept * K + 1, sizeof(*W));
	if (o->algo == 0)
		train_nb(d, nd, kept, K, o, W, bias);
	else
		train_logreg(d, nd, kept, K, o, W, bias);
	/* the result, in label order */
	res->f = xcalloc(kept + 1, sizeof(*res->f));
	for (i = 0; i < v.n; i++) {
		struct model_writer_feature *f;
		double big = 0;

		if (remap[i] == SIZE_MAX)
			continue;
		for (k = 0; k < K; k++)
			big = fmax(big, fabs(W[remap[i] * K + k]));
		if (big < 1e-4)
			continue;	/* says nothing */
		f = &res->f[res->nf++];
		memcpy(f->key, v.key[i], MODEL_KEY_MAX);
		f->keylen = v.keylen[i];
		for (k = 0; k < K; k++)
			f->w[lab[k]] = W[remap[i] * K + k];
	}
	for (k = 0; k < K; k++) {
		res->bias[lab[k]] = bias[k];
		res->info.has[lab[k]] = 1;
	}
	memcpy(res->info.count, cnt, sizeof(cnt));
	res->info.nlabel = K;
	res->info.temperature = 1.0;
	res->info.norm = o->norm;
	strlcpy(res->info.algorithm, o->algo == 0 ? "nb" : "logreg",
	    sizeof(res->info.algorithm));
	strlcpy(res->info.version, o->version ? o->version : "dev",
	    sizeof(res->info.version));
	strlcpy(res->info.date, o->date ? o->date : "unknown",
	    sizeof(res->info.date));
	for (i = 0; i < nd; i++) {
		free(d[i].f);
		free(d[i].c);
	}
	free(d);
	free(W);
	free(remap);
	free(v.key);
	free(v.keylen);
	free(v.count);
	free(v.slot);
	return 0;
}

struct model *
train_result_model(const struct train_result *r, char *err, size_t errlen)
{
	struct model	*m;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		snprintf(err, errlen, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	model_print(fp, &r->info, r->bias, r->f, r->nf);
	fclose(fp);
	m = model_load_buf("trained model", buf, len, err, errlen);
	free(buf);
	return m;
}

void
train_fit_temperature(const struct train_set *set, struct train_result *r)
{
	struct model	*m;
	char		 low[INTAKE_NORM_MAX], err[256];
	double		 best = 1, bestnll = INFINITY, t, nll, mx, z, *lg;
	size_t		 i, n = 0, len;
	int		 l, step;

	r->info.temperature = 1.0;
	if ((m = train_result_model(r, err, sizeof(err))) == NULL)
		return;
	lg = xcalloc(set->n * CL_MAX + 1, sizeof(*lg));
	for (i = 0; i < set->n; i++) {
		if (!set->ex[i].holdout || set->ex[i].label < 0 ||
		    !r->info.has[set->ex[i].label])
			continue;
		train_lower(set->ex[i].text, low, sizeof(low), &len);
		model_scores(m, low, len, lg + n * CL_MAX);
		n++;
	}
	/* the labels of the rows, in the same order */
	for (step = 0; step <= 80 && n > 0; step++) {
		t = exp(log(0.05) + step * (log(20.0) - log(0.05)) / 80);
		nll = 0;
		for (i = 0, n = 0; i < set->n; i++) {
			const double *s;

			if (!set->ex[i].holdout || set->ex[i].label < 0 ||
			    !r->info.has[set->ex[i].label])
				continue;
			s = lg + n++ * CL_MAX;
			for (mx = -INFINITY, l = 0; l < CL_MAX; l++)
				if (r->info.has[l])
					mx = fmax(mx, s[l] / t);
			for (z = 0, l = 0; l < CL_MAX; l++)
				if (r->info.has[l])
					z += exp(s[l] / t - mx);
			nll -= s[set->ex[i].label] / t - mx - log(z);
		}
		if (nll < bestnll) {
			bestnll = nll;
			best = t;
		}
	}
	free(lg);
	model_free(m);
	r->info.temperature = best;
}

void
train_result_free(struct train_result *r)
{
	free(r->f);
	memset(r, 0, sizeof(*r));
}

/* --- evaluation ----------------------------------------------------------- */

size_t
train_predict(const struct train_set *set, int all, const struct rules *rs,
    const struct model *m, struct train_row *rows)
{
	static char		 norm[INTAKE_NORM_MAX];
	struct classify_opts	 zero = { 0, 0 };
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	 v;
	struct train_row	*r;
	size_t			 i, n = 0;
	int			 l;

	ctx.model = m;
	ctx.classify = &zero;
	for (i = 0; i < set->n; i++) {
		if (set->ex[i].label < 0 || (!all && !set->ex[i].holdout))
			continue;
		intake_classify(rs, set->ex[i].text, &ctx, &v, norm,
		    sizeof(norm));
		r = &rows[n++];
		r->gold = set->ex[i].label;
		r->score = v.score;
		r->margin = v.margin;
		r->fixed = 1;
		if (v.kind == INTAKE_REFUSE) {
			l = classify_label_from_name(v.reason);
			r->pred = l == -1 ? TP_EMERGENCY : l;
			r->fixed = l == -1 || (v.score >= 1.0 &&
			    v.margin >= 1.0);
		} else if (v.kind == INTAKE_NEW_CASE && v.unsure)
			r->pred = TP_UNSURE;
		else if (v.kind == INTAKE_NEW_CASE) {
			r->pred = v.category;
			r->fixed = v.score >= 1.0 && v.margin >= 1.0;
		} else
			r->pred = TP_COMMAND;
	}
	return n;
}

void
train_tally(const struct train_row *rows, size_t n, double min_score,
    double min_margin, struct train_eval *e)
{
	size_t	 i;
	int	 p;

	memset(e, 0, sizeof(*e));
	e->min_score = min_score;
	e->min_margin = min_margin;
	for (i = 0; i < n; i++) {
		p = rows[i].pred;
		if (!rows[i].fixed && (rows[i].score < min_score ||
		    rows[i].margin < min_margin))
			p = TP_UNSURE;
		e->n++;
		e->confusion[rows[i].gold][p]++;
		if (p == TP_UNSURE) {
			e->unsure++;
			continue;
		}
		e->confident++;
		if (p == rows[i].gold)
			e->correct++;
		else
			e->wrong++;
	}
}

int
train_calibrate(const struct train_row *rows, size_t n,
    const struct train_opts *o, double *min_score, double *min_margin)
{
	struct train_eval	 e;
	double			 s, m, bs = 0, bm = 0;
	long			 bu = -1, bw = -1;
	int			 pass;

	if (n == 0)
		return -1;
	/* 1: within both targets, fewest unsure; 2: fewest wrong */
	for (pass = 1; pass <= 2 && bu == -1; pass++)
		for (s = 0; s <= 0.951; s += 0.025)
			for (m = 0; m <= 0.601; m += 0.025) {
				train_tally(rows, n, s, m, &e);
				if ((double)e.unsure > o->max_unsure * n)
					continue;
				if (pass == 1 &&
				    (double)e.wrong > o->target_wrong * n)
					continue;
				if (bu == -1 || (pass == 1 ? (e.unsure < bu ||
				    (e.unsure == bu && e.wrong < bw)) :
				    (e.wrong < bw || (e.wrong == bw &&
				    e.unsure < bu)))) {
					bu = e.unsure;
					bw = e.wrong;
					bs = s;
					bm = m;
				}
			}
	*min_score = bs;
	*min_margin = bm;
	return bu == -1 || pass > 2 ? -1 : 0;
}

static double
pct(long a, long b)
{
	return b > 0 ? 100.0 * a / b : 0.0;
}

void
train_print(FILE *fp, const char *oldname, const struct train_eval *o,
    const char *newname, const struct train_eval *n)
{
	const struct train_eval	*e[2] = { o, n };
	int			 i;

	fprintf(fp, "%-28s", "");
	if (o != NULL)
		fprintf(fp, " %14.14s", oldname);
	fprintf(fp, " %14.14s\n", newname);
#define ROW(title, fmt, ...) do {					\
	fprintf(fp, "%-28s", title);					\
	for (i = o != NULL ? 0 : 1; i < 2; i++)				\
		fprintf(fp, fmt, __VA_ARGS__);				\
	fprintf(fp, "\n");						\
} while (0)
	ROW("texts", " %14ld", e[i]->n);
	ROW("exact, all texts", " %13.1f%%", pct(e[i]->correct, e[i]->n));
	ROW("confident share", " %13.1f%%", pct(e[i]->confident, e[i]->n));
	ROW("exact on the confident", " %13.1f%%",
	    pct(e[i]->correct, e[i]->confident));
	ROW("unsure (a person decides)", " %13.1f%%",
	    pct(e[i]->unsure, e[i]->n));
	ROW("confident and wrong", " %13.1f%%", pct(e[i]->wrong, e[i]->n));
	ROW("thresholds score/margin", "     %4.2f/%4.2f",
	    e[i]->min_score, e[i]->min_margin);
#undef ROW
}

void
train_print_confusion(FILE *fp, const char *title, const struct train_eval *e)
{
	int	 g, p, any;

	fprintf(fp, "confusion (%s): rows are the labels, columns the "
	    "verdicts\n%-8s", title, "");
	for (p = 0; p < TP_MAX; p++)
		fprintf(fp, " %6s", pred_names[p]);
	fprintf(fp, "\n");
	for (g = 0; g < CL_MAX; g++) {
		for (any = 0, p = 0; p < TP_MAX; p++)
			any |= e->confusion[g][p] != 0;
		if (!any)
			continue;
		fprintf(fp, "%-8s", pred_names[g]);
		for (p = 0; p < TP_MAX; p++)
			fprintf(fp, " %6ld", e->confusion[g][p]);
		fprintf(fp, "\n");
	}
}
