/*
 * bench_screen: the safety screen's table and speed.
 *   bench_screen [-q] [FILE...]
 * FILEs are in the screen's test set format (tests/data/screen/:
 * EXPECTED TAB TEXT) or JSON lines ({"text", "label"[, "screen"]},
 * *.jsonl); without FILEs, the test set and the unseen set.  Prints recall and false alarms per file and overall
 * (misses and false alarms listed unless -q), then texts screened per
 * second alone and through intake_classify() (speed is measured here,
 * never asserted in tests).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/config.h"
#include "../src/intake.h"
#include "../src/screen.h"
#include "../tests/screen_eval.h"

static volatile int	sink;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
speed(const char *label, const char *text)
{
	static char		 norm[INTAKE_NORM_MAX];
	struct screen_result	 r;
	struct intake_ctx	 ctx = { "HY", 0, 0, NULL, NULL };
	struct intake_verdict	 v;
	size_t			 n, i;
	double			 t0, t1, t2;
	const int		 rounds = 200000;
	int			 k;

	n = intake_normalize(text, strlen(text), norm, sizeof(norm));
	t0 = now_s();
	for (k = 0; k < rounds; k++) {
		screen_check(screen_current(), norm, n, &r);
		sink += r.verdict;
	}
	t1 = now_s();
	for (k = 0; k < rounds; k++) {
		intake_classify(NULL, text, &ctx, &v, norm, sizeof(norm));
		sink += v.kind;
	}
	t2 = now_s();
	for (i = 0; text[i] != '\0'; i++)
		;
	printf("# %-22s %5zu bytes  screen %9.0f/s (%.2f us)  intake "
	    "without rules %9.0f/s\n", label, i, rounds / (t1 - t0),
	    (t1 - t0) / rounds * 1e6, rounds / (t2 - t1));
}

int
main(int argc, char *argv[])
{
	struct conf_errors	 errs;
	struct screen_eval	 all, one;
	struct screen		*sc;
	const char		*top = getenv("top_srcdir");
	const char		*defaults[] = { "tests/data/screen/emergency.txt",
				    "tests/data/screen/ordinary.txt",
				    "tests/data/screen/unseen.txt" };
	char			 path[4096], lex[4096];
	int			 i, quiet = 0, nfiles;
	char			**files;

	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		quiet = 1;
		argc--;
		argv++;
	}
	if (top == NULL)
		top = BENCH_TOP;
	snprintf(lex, sizeof(lex), "%s/etc/hotlined.screen", top);
	memset(&errs, 0, sizeof(errs));
	if ((sc = screen_load(lex, &errs)) == NULL) {
		fprintf(stderr, "%s", errs.buf);
		return 1;
	}
	screen_set_current(sc);
	printf("# lexicon %s: %zu words\n", lex, screen_count(sc));
	memset(&all, 0, sizeof(all));
	nfiles = argc - 1;
	files = argv + 1;
	for (i = 0; i < (nfiles > 0 ? nfiles : (int)nitems(defaults)); i++) {
		if (nfiles > 0)
			strlcpy(path, files[i], sizeof(path));
		else
			snprintf(path, sizeof(path), "%s/%s", top, defaults[i]);
		memset(&one, 0, sizeof(one));
		if ((strlen(path) > 6 && strcmp(path + strlen(path) - 6,
		    ".jsonl") == 0 ? screen_eval_jsonl(path, &one, quiet ?
		    NULL : stdout) : screen_eval_file(path, &one, quiet ?
		    NULL : stdout)) == -1) {
			fprintf(stderr, "bench_screen: cannot read %s\n", path);
			return 1;
		}
		screen_eval_print(stdout, path, &one);
		all.emergencies += one.emergencies;
		all.flagged += one.flagged;
		all.refused += one.refused;
		all.ordinary += one.ordinary;
		all.false_alarms += one.false_alarms;
		all.ordinary_refused += one.ordinary_refused;
	}
	screen_eval_print(stdout, "all files", &all);
	speed("short (12 chars)", "楼下的路灯坏了好几天了");
	speed("typical (70 chars)", "您好，我是东源县仙塘镇的居民，我们小区门口"
	    "的路灯已经坏了两个多星期，晚上出门很不安全，老人小孩经常摔倒，"
	    "希望有关部门尽快派人维修，谢谢！");
	speed("emergency", "救命，我家厨房着火了，火很大，快来人");
	screen_set_current(NULL);
	return 0;
}
