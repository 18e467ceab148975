/*
 * Classify: a score for every label of a new matter (the six categories
 * of Art. 7 and the non-emergency refusals of Art. 8), from a trained
 * linear model over the character 1-3-grams of the normalised text plus
 * the rules' weighted evidence, and the decision that follows: a label
 * when the best score is high and clear of the second, unsure otherwise
 * (a person decides).  The model file (hotlined.model(5)) is parsed and
 * written here; training is train.c.  No I/O but reading and writing the
 * model file; nothing allocated per text.
 */
#ifndef HOTLINED_CLASSIFY_H
#define HOTLINED_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MODEL_VERSION		1	/* the format this code reads */
#define MODEL_FILE_MAX		(64 * 1024 * 1024)	/* bytes of a file */
#define MODEL_LINE_MAX		4096	/* bytes of one line */
#define MODEL_FEATURES_MAX	(1024 * 1024)	/* n-grams in a model */
#define MODEL_NGRAM_MAX		3	/* characters of the longest n-gram */
#define MODEL_KEY_MAX		16	/* bytes of an n-gram (3 x 4 + 0s) */
#define CLASSIFY_WEIGHT_DEFAULT	0.5	/* a rule without "weight" (measured) */
#define CLASSIFY_WEIGHT_MAX	20.0	/* the largest "weight" accepted */

/* What a model can score: enum category's six, then three refusals. */
enum classify_label {
	CL_CONSULTATION, CL_HELP, CL_COMPLAINT, CL_SUGGESTION, CL_EFFICIENCY,
	CL_OTHER,		/* == CAT_OTHER: the first six are enum category */
	CL_MILITARY,		/* Art. 8 (二) */
	CL_LITIGATION,		/* Art. 8 (三) */
	CL_UNLAWFUL,		/* Art. 8 (四) */
	CL_MAX
};
#define CL_CATEGORIES	(CL_OTHER + 1)

/* One rule that matched a text: evidence for a label, or an override. */
struct classify_hit {
	int		 label;		/* enum classify_label */
	double		 weight;	/* added to the label's log-odds */
	int		 override;	/* decides alone, before any score */
	int		 rule;		/* index of the rule, for the caller */
};

struct classify_opts {
	double		 min_score;	/* below: unsure; < 0: the model's */
	double		 min_margin;	/* best - second below: unsure */
};

struct classify_result {
	int		 label;		/* enum classify_label, the best */
	int		 unsure;	/* 1: a person decides */
	int		 second;	/* the runner-up label, -1 none */
	double		 score;		/* the best label's probability */
	double		 margin;	/* best minus the runner-up */
	int		 hit;		/* the override that decided, -1 none */
	double		 p[CL_MAX];	/* every label's probability */
	int		 scored[CL_MAX]; /* which labels took part */
};

/* The model's summary, as its file states it (hotline-train writes it). */
struct model_info {
	char		 version[64];	/* the model's own version */
	char		 date[32];	/* when it was trained */
	char		 algorithm[16];	/* "nb" or "logreg" */
	long		 count[CL_MAX];	/* training texts per label */
	double		 holdout;	/* share held out */
	double		 accuracy;	/* on the holdout: all, confident */
	double		 confident_accuracy;
	double		 unsure_rate, wrong_rate;
	double		 min_score, min_margin;	/* calibrated thresholds */
	double		 temperature;	/* scores are divided by it */
	int		 norm;		/* 1: weights sum / sqrt(n-grams) */
	size_t		 nfeature;
	int		 nlabel;	/* labels the model scores */
	int		 has[CL_MAX];	/* which labels */
};

struct model;

/* The name of a label ("consultation"..."unlawful"), "?" out of range. */
const char	*classify_label_name(int);
/* The label named name, or -1. */
int		 classify_label_from_name(const char *);

/* Load a model file; NULL with every "file:line: msg\n" error in err. */
struct model	*model_load(const char *path, char *err, size_t errlen);
/* Load a model from len bytes of buf, named name in errors; as model_load. */
struct model	*model_load_buf(const char *name, const char *buf, size_t len,
		    char *err, size_t errlen);
/* Free a model; model_free(NULL) does nothing. */
void		 model_free(struct model *);
/* The summary of a loaded model. */
const struct model_info *model_info(const struct model *);

/*
 * Call fn(key, keylen, arg) for every character 1-3-gram of the lowered,
 * normalised text s (len bytes): runs of characters between spaces and
 * punctuation, ASCII digits read as 0.  Returns how many n-grams.
 */
size_t		 classify_ngrams(const char *s, size_t len,
		    void (*fn)(const char *, size_t, void *), void *arg);
/* The hash of an n-gram's bytes in the model's table (FNV-1a, 64 bits). */
uint64_t	 classify_hash(const char *, size_t);
/* The model's raw log-odds of every label for s (len bytes) into out. */
void		 model_scores(const struct model *, const char *s, size_t len,
		    double out[CL_MAX]);
/*
 * Decide s (lowered, normalised; len bytes) from the model (may be NULL:
 * the rules alone) and nhit rule hits (file order); 0.
 */
int		 classify_decide(const struct model *, const char *s,
		    size_t len, const struct classify_hit *, size_t nhit,
		    const struct classify_opts *, struct classify_result *);

/* Writing models (train.c): one feature's weights, in label order. */
struct model_writer_feature {
	char		 key[MODEL_KEY_MAX];
	size_t		 keylen;
	double		 w[CL_MAX];
};
/* Print a model in the file's format to fp. */
void		 model_print(FILE *, const struct model_info *,
		    const double bias[CL_MAX],
		    const struct model_writer_feature *, size_t nfeature);
/* Write a model to path (atomically: a temporary file renamed); 0 or -1. */
int		 model_write(const char *path, const struct model_info *,
		    const double bias[CL_MAX],
		    const struct model_writer_feature *, size_t nfeature,
		    char *err, size_t errlen);

#endif /* HOTLINED_CLASSIFY_H */
