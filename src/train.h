/*
 * Train: labelled texts read from JSON lines, a held-out share, the
 * training of a model (multinomial naive Bayes or logistic regression
 * over character 1-3-grams), the calibration of its temperature and
 * thresholds, and the evaluation table hotline-train(8) and
 * bench/classify print.  Offline: used by tools, never by hotlined.
 */
#ifndef HOTLINED_TRAIN_H
#define HOTLINED_TRAIN_H

#include <stddef.h>
#include <stdio.h>

#include "classify.h"

#define TRAIN_LINE_MAX		(64 * 1024)	/* bytes of one JSON line */
#define TRAIN_TEXTS_MAX		1000000		/* texts in one set */
#define TRAIN_EMERGENCY		(-1)		/* label: the screen's */

/* What a verdict is, for the tables: a label, or one of these. */
enum train_pred {
	TP_EMERGENCY = CL_MAX,	/* refused as an emergency by a rule */
	TP_UNSURE,		/* registered unclassified */
	TP_COMMAND,		/* read as a command, a survey answer, empty */
	TP_MAX
};

struct train_ex {
	char		*text;		/* as written */
	int		 label;		/* enum classify_label, TRAIN_EMERGENCY */
	double		 weight;	/* of this example in training */
	int		 holdout;	/* 1: held out */
	int		 operator;	/* 1: from the operators' file */
};

struct train_set {
	struct train_ex	*ex;
	size_t		 n, cap;
};

struct train_opts {
	int		 algo;		/* 0 nb, 1 logreg */
	int		 norm;		/* 1: / sqrt(n-grams) */
	double		 alpha;		/* nb: additive smoothing */
	double		 lambda;	/* logreg: L2 */
	int		 epochs;	/* logreg */
	double		 min_count;	/* n-grams seen less often are dropped */
	double		 target_wrong;	/* calibration: confident-and-wrong */
	double		 max_unsure;	/* calibration: unsure at most */
	const char	*version, *date;
};

/* One text's verdict with every threshold at 0 (see train_tally()). */
struct train_row {
	int		 gold;		/* enum classify_label */
	int		 pred;		/* label or enum train_pred */
	int		 fixed;		/* thresholds do not apply */
	double		 score, margin;
};

struct train_eval {
	long		 n, correct, unsure, wrong, confident;
	long		 confusion[CL_MAX][TP_MAX];
	double		 min_score, min_margin;
};

/*
 * Add the {"text", "label"} lines of path to set, each of weight w
 * (operator marks them as the operators'); 0, or -1 with
 * "file:line: message" in err.
 */
int		 train_load(struct train_set *, const char *path, double w,
		    int operator, char *err, size_t errlen);
/* Free the texts of set and zero it. */
void		 train_free(struct train_set *);
/* Hold out share of the texts (by a hash of seed and text: stable). */
void		 train_split(struct train_set *, double share, unsigned seed);
/* Hold out fold k of folds (each text is in one fold, by the same hash). */
void		 train_fold(struct train_set *, int k, int folds, unsigned seed);
/* Texts per label: which 0 training, 1 held out, 2 all. */
void		 train_counts(const struct train_set *, int which,
		    long count[CL_MAX]);

/* A trained model's contents, before it is a file. */
struct train_result {
	struct model_info info;
	double		 bias[CL_MAX];
	struct model_writer_feature *f;
	size_t		 nf;
};

/* Train on the texts not held out (all when all is 1); 0 or -1 with err. */
int		 train_fit(const struct train_set *, int all,
		    const struct train_opts *, struct train_result *,
		    char *err, size_t errlen);
/* Fit the temperature on the held-out texts (info.temperature). */
void		 train_fit_temperature(const struct train_set *,
		    struct train_result *);
/* The model of r, through its file text (so what is used is what is read). */
struct model	*train_result_model(const struct train_result *, char *err,
		    size_t errlen);
/* Free what r holds. */
void		 train_result_free(struct train_result *);

struct rules;
/* Classify the held-out texts (all when all) with rules and m into rows. */
size_t		 train_predict(const struct train_set *, int all,
		    const struct rules *, const struct model *,
		    struct train_row *);
/* Tally rows with the thresholds (shares, 0-1). */
void		 train_tally(const struct train_row *, size_t,
		    double min_score, double min_margin, struct train_eval *);
/* The thresholds meeting opts' targets with the fewest unsure; 0 or -1. */
int		 train_calibrate(const struct train_row *, size_t,
		    const struct train_opts *, double *min_score,
		    double *min_margin);
/* Print the table for old and new side by side (old may be NULL). */
void		 train_print(FILE *, const char *oldname,
		    const struct train_eval *old, const char *newname,
		    const struct train_eval *new);
/* Print the confusion matrix of e. */
void		 train_print_confusion(FILE *, const char *,
		    const struct train_eval *);
/* The short name of a prediction column. */
const char	*train_pred_name(int);

#endif /* HOTLINED_TRAIN_H */
