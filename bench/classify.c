/*
 * bench/classify FILE.jsonl: how the rules and a model decide labelled
 * texts ({"text", "label"} lines): the table hotline-train prints, the
 * confusion matrix, each rule's precision (how often the texts it
 * matched carried its label), and the time to classify one text.
 * Usage: classify [-v] [-m model] [-r rules] [-s min-score -g min-margin]
 *        FILE.jsonl
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

#ifndef BENCH_RULES
#define BENCH_RULES	"etc/hotlined.rules"
#endif
#ifndef BENCH_MODEL
#define BENCH_MODEL	"etc/hotlined.model"
#endif

static char		 norm[INTAKE_NORM_MAX];
static volatile size_t	 sink;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* a shared machine */
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Rule-level precision: of the texts each rule matched, how many agreed. */
static void
rule_precision(const struct rules *rs, const struct train_set *set)
{
	size_t	 idx[256], i, k, n, nr = rules_count(rs);
	long	*hit, *agree;
	int	 l;

	hit = xcalloc(nr + 1, sizeof(*hit));
	agree = xcalloc(nr + 1, sizeof(*agree));
	for (i = 0; i < set->n; i++) {
		n = rules_matching(rs, set->ex[i].text,
		    strlen(set->ex[i].text), idx, nitems(idx));
		for (k = 0; k < n; k++) {
			hit[idx[k]]++;
			l = rules_label(rs, idx[k]);
			if (l == set->ex[i].label ||
			    (l == -1 && set->ex[i].label == TRAIN_EMERGENCY))
				agree[idx[k]]++;
		}
	}
	printf("\n%-24s %-13s %8s %8s %10s\n", "rule", "label", "matched",
	    "agreed", "precision");
	for (i = 0; i < nr; i++) {
		l = rules_label(rs, i);
		printf("%-24.24s %-13s %8ld %8ld %9.1f%%\n", rules_name(rs, i),
		    l == -1 ? "emergency" : l == -2 ? "unclassified" :
		    classify_label_name(l), hit[i], agree[i],
		    hit[i] ? 100.0 * agree[i] / hit[i] : 0.0);
	}
	free(hit);
	free(agree);
}

/* Classify a 70-character text many times: microseconds per text. */
static double
per_text(const struct rules *rs, const struct model *m,
    const struct classify_opts *o)
{
	static const char text[] = "我家小区门口那条路的路灯已经坏了半个多月"
	    "，晚上黑漆漆的，老人小孩出门很不安全，之前打过物业电话说不归他们管"
	    "，麻烦相关部门尽快来修一下，谢谢";
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	 v;
	double			 t0, t;
	size_t			 n = 0;

	ctx.model = m;
	ctx.classify = o;
	t0 = now();
	do {
		for (int i = 0; i < 1000; i++, n++) {
			intake_classify(rs, text, &ctx, &v, norm,
			    sizeof(norm));
			sink += v.category;
		}
	} while ((t = now() - t0) < 0.5 && n < 10000000);
	return t / n * 1e6;
}

int
main(int argc, char *argv[])
{
	struct train_set	 set;
	struct train_row	*rows;
	struct train_eval	 e;
	struct classify_opts	 o = { -1, -1 };
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	 v;
	struct rules		*rs;
	struct model		*m = NULL;
	const char		*rules = BENCH_RULES, *model = BENCH_MODEL;
	char			 err[8192];
	double			 s, g;
	size_t			 n, i;
	int			 ch, verbose = 0;

	while ((ch = getopt(argc, argv, "g:m:r:s:v")) != -1) {
		switch (ch) {
		case 'g':
			o.min_margin = atof(optarg);
			break;
		case 'm':
			model = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 's':
			o.min_score = atof(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	if ((rs = rules_load(rules, err, sizeof(err))) == NULL)
		errx(1, "%s", err);
	if (strcmp(model, "none") != 0 &&
	    (m = model_load(model, err, sizeof(err))) == NULL)
		errx(1, "%s", err);
	memset(&set, 0, sizeof(set));
	if (train_load(&set, argv[optind], 1, 0, err, sizeof(err)) == -1)
		errx(1, "%s", err);
	s = o.min_score >= 0 ? o.min_score : m ? model_info(m)->min_score : 0;
	g = o.min_margin >= 0 ? o.min_margin : m ? model_info(m)->min_margin :
	    0;
	rows = xcalloc(set.n + 1, sizeof(*rows));
	n = train_predict(&set, 1, rs, m, rows);
	train_tally(rows, n, s, g, &e);
	printf("%s: %zu texts (%zu emergencies left to the screen), rules %s, "
	    "model %s\n", argv[optind], set.n, set.n - n, rules,
	    m ? model : "none");
	if (m != NULL)
		printf("model version %s, %s, trained %s\n",
		    model_info(m)->version, model_info(m)->algorithm,
		    model_info(m)->date);
	train_print(stdout, NULL, NULL, m ? "rules + model" : "rules alone",
	    &e);
	printf("\n");
	train_print_confusion(stdout, "all", &e);
	rule_precision(rs, &set);
	if (verbose) {
		ctx.model = m;
		ctx.classify = &o;
		for (i = 0; i < set.n; i++) {
			intake_classify(rs, set.ex[i].text, &ctx, &v, norm,
			    sizeof(norm));
			printf("%s\t%s\t%s%s\t%.2f\t%.2f\t%s\t%s\n",
			    set.ex[i].label < 0 ? "emergency" :
			    classify_label_name(set.ex[i].label),
			    v.kind == INTAKE_REFUSE ? v.reason :
			    classify_label_name(v.guess),
			    v.unsure ? "?" : "", v.kind == INTAKE_REFUSE ?
			    " refused" : "", v.score, v.margin,
			    v.rule[0] ? v.rule : "-", set.ex[i].text);
		}
	}
	printf("\nclassification of a 70-character text: %.2f us "
	    "(rules%s)\n", per_text(rs, m, &o), m ? " + model" : " alone");
	free(rows);
	train_free(&set);
	model_free(m);
	rules_free(rs);
	return 0;
usage:
	fprintf(stderr, "usage: classify [-v] [-m model|none] [-r rules] "
	    "[-s min-score] [-g min-margin] file.jsonl\n");
	return 2;
}
