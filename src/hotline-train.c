/*
 * hotline-train: build a model file for hotlined from labelled texts (the
 * shipped training set and the office's own decisions), compare it with
 * the model in force on a held-out share, and write it only when asked.
 * Offline: reads files, writes one file, no network.  hotline-train(8).
 */
#include "compat.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "intake.h"
#include "train.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: hotline-train [-Nv] [-a nb|logreg] "
	    "[-c min-count] [-D date] [-e epochs] [-k folds]\n"
	    "\t[-L lambda] [-l operators.jsonl] [-m model] [-o file] "
	    "[-r rules]\n\t[-S seed] [-s holdout] [-u max-unsure] "
	    "[-V version] [-W weight]\n\t[-w max-wrong] train.jsonl ...\n");
	exit(2);
}

/* A share 0-1 from s, or usage. */
static double
share(const char *s, double max)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0 && v <= max))
		usage();
	return v;
}

/* Print the texts of each label. */
static void
print_counts(const struct train_set *set)
{
	long	 all[CL_MAX];
	size_t	 i, em = 0, op = 0;
	int	 l;

	train_counts(set, 2, all);
	for (i = 0; i < set->n; i++) {
		em += set->ex[i].label == TRAIN_EMERGENCY;
		op += set->ex[i].operator;
	}
	printf("%-14s %8s\n", "label", "texts");
	for (l = 0; l < CL_MAX; l++)
		if (all[l] > 0)
			printf("%-14s %8ld\n", classify_label_name(l), all[l]);
	printf("(%zu texts, %zu of them the operators'; %zu emergencies "
	    "left to the screen)\n\n", set->n, op, em);
}

int
main(int argc, char *argv[])
{
	struct train_set	 set;
	struct train_opts	 o;
	struct train_result	 res;
	struct train_eval	 eold, enew;
	struct train_row	*rows;
	struct rules		*rs = NULL;
	struct model		*old = NULL, *m;
	const char		*out = NULL, *rules = NULL, *oldpath = NULL;
	const char		*ops[16];
	char			 err[8192], date[32], version[64];
	double			 holdout = 0.2, weight = 2.0, s, mg, t;
	size_t			 nops = 0, n, i;
	int			 ch, verbose = 0, met, folds = 5, k;
	unsigned		 seed = 0;
	time_t			 now = time(NULL);

	memset(&o, 0, sizeof(o));
	o.algo = 1;	/* logreg: measured, HACKING.md */
	o.norm = 1;
	o.alpha = 0.1;
	o.lambda = 1e-4;
	o.epochs = 20;
	o.min_count = 2;
	o.target_wrong = 0.03;
	o.max_unsure = 0.25;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	strftime(version, sizeof(version), "%Y%m%d.%H%M%S", gmtime(&now));
	o.date = date;
	o.version = version;
	while ((ch = getopt(argc, argv, "a:c:D:e:k:L:l:m:No:r:S:s:u:vV:W:w:")) != -1) {
		switch (ch) {
		case 'a':
			if (strcmp(optarg, "nb") == 0)
				o.algo = 0;
			else if (strcmp(optarg, "logreg") == 0)
				o.algo = 1;
			else
				usage();
			break;
		case 'c':
			o.min_count = share(optarg, 1000);
			break;
		case 'D':
			o.date = optarg;
			break;
		case 'e':
			o.epochs = (int)share(optarg, 1000);
			break;
		case 'k':
			folds = (int)share(optarg, 20);
			if (folds < 1)
				usage();
			break;
		case 'L':
			o.lambda = share(optarg, 1);
			break;
		case 'N':
			o.norm = 0;
			break;
		case 'l':
			if (nops == nitems(ops))
				errx(2, "at most %zu -l files", nitems(ops));
			ops[nops++] = optarg;
			break;
		case 'm':
			oldpath = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 's':
			holdout = share(optarg, 0.9);
			break;
		case 'S':
			seed = (unsigned)share(optarg, 1e9);
			break;
		case 'u':
			o.max_unsure = share(optarg, 1);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			o.version = optarg;
			break;
		case 'W':
			weight = share(optarg, 100);
			break;
		case 'w':
			o.target_wrong = share(optarg, 1);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	if (strlen(o.version) >= sizeof(res.info.version) ||
	    strchr(o.version, ' ') != NULL || strlen(o.date) >= 32 ||
	    strchr(o.date, ' ') != NULL)
		errx(2, "-V and -D: one word each");

	memset(&set, 0, sizeof(set));
	for (i = 0; i < (size_t)argc; i++)
		if (train_load(&set, argv[i], 1.0, 0, err, sizeof(err)) == -1)
			errx(1, "%s", err);
	for (i = 0; i < nops; i++)
		if (train_load(&set, ops[i], weight, 1, err, sizeof(err)) ==
		    -1)
			errx(1, "%s", err);
	if (rules != NULL && (rs = rules_load(rules, err, sizeof(err))) ==
	    NULL)
		errx(1, "%s", err);
	if (oldpath != NULL && (old = model_load(oldpath, err,
	    sizeof(err))) == NULL)
		errx(1, "%s", err);
	print_counts(&set);

	/*
	 * Every text is held out once (k folds), or one share is (-k 1):
	 * each fold's model is trained without it, its temperature fitted on
	 * it, and its verdicts on it are the rows the thresholds are
	 * calibrated on and the table shows.
	 */
	rows = xcalloc(set.n + 1, sizeof(*rows));
	for (n = 0, t = 0, k = 0; k < folds; k++) {
		if (folds > 1)
			train_fold(&set, k, folds, seed);
		else
			train_split(&set, holdout, seed);
		if (train_fit(&set, 0, &o, &res, err, sizeof(err)) == -1)
			errx(1, "%s", err);
		train_fit_temperature(&set, &res);
		t += res.info.temperature / folds;
		if ((m = train_result_model(&res, err, sizeof(err))) == NULL)
			errx(1, "%s", err);
		n += train_predict(&set, 0, rs, m, rows + n);
		model_free(m);
		train_result_free(&res);
	}
	if (n == 0 && out != NULL)
		errx(1, "no held-out texts to calibrate the thresholds on "
		    "(-s)");
	met = train_calibrate(rows, n, &o, &s, &mg) == 0;
	train_tally(rows, n, s, mg, &enew);
	/* the old model on the same texts (all of them with folds) */
	if (old != NULL) {
		n = train_predict(&set, folds > 1, rs, old, rows);
		train_tally(rows, n, model_info(old)->min_score,
		    model_info(old)->min_margin, &eold);
	} else {
		n = train_predict(&set, folds > 1, rs, NULL, rows);
		train_tally(rows, n, 0, 0, &eold);
	}
	if (folds > 1)
		printf("held out: every text once, in %d folds\n", folds);
	else
		printf("held out: %zu texts (%.0f%%)\n", n,
		    holdout * 100);
	train_print(stdout, old != NULL ? "old model" : "rules alone", &eold,
	    "new model", &enew);
	if (!met)
		printf("(no thresholds meet confident-and-wrong <= %.1f%% "
		    "with unsure <= %.1f%%: fewest wrong shown)\n",
		    o.target_wrong * 100, o.max_unsure * 100);
	printf("\n");
	if (verbose)
		train_print_confusion(stdout, "old", &eold);
	train_print_confusion(stdout, "new", &enew);

	if (out != NULL) {
		struct train_result	 all;

		/* the file: every text, the held-out share's calibration */
		if (train_fit(&set, 1, &o, &all, err, sizeof(err)) == -1)
			errx(1, "%s", err);
		all.info.temperature = t;
		all.info.min_score = s;
		all.info.min_margin = mg;
		all.info.holdout = folds > 1 ? 1.0 / folds : holdout;
		all.info.accuracy = enew.n ? (double)enew.correct / enew.n : 0;
		all.info.confident_accuracy = enew.confident ?
		    (double)enew.correct / enew.confident : 0;
		all.info.unsure_rate = enew.n ? (double)enew.unsure / enew.n :
		    0;
		all.info.wrong_rate = enew.n ? (double)enew.wrong / enew.n : 0;
		if (model_write(out, &all.info, all.bias, all.f, all.nf, err,
		    sizeof(err)) == -1)
			errx(1, "%s", err);
		if ((m = model_load(out, err, sizeof(err))) == NULL)
			errx(1, "written but not loadable: %s", err);
		model_free(m);
		printf("\nwrote %s: version %s, %zu n-grams, thresholds "
		    "%.2f/%.2f (hotlined reads it on SIGHUP)\n", out,
		    o.version, all.nf, s, mg);
		train_result_free(&all);
	}
	free(rows);
	model_free(old);
	rules_free(rs);
	train_free(&set);
	return 0;
}
