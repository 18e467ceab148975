/*
 * The safety screen's recall and false alarms over a labelled set, shared
 * by tests/test_screen (which asserts recall) and bench/screen_table (which
 * prints the table for any file).  Texts go through intake_classify() with
 * the current lexicon, as the daemon's do.
 */
#ifndef SCREEN_EVAL_H
#define SCREEN_EVAL_H

#include <stdio.h>

struct screen_eval {
	int	emergencies;	/* texts where a life may be in danger */
	int	flagged;	/* of those: refused or advised */
	int	refused;	/* of those: refused (clear) */
	int	channel_ok;	/* of those flagged: the expected channel */
	int	ordinary;	/* ordinary matters */
	int	false_alarms;	/* of those: flagged (possible or clear) */
	int	ordinary_refused; /* of those: refused (the worst) */
};

/*
 * Add a file of lines "clear CHANNEL<TAB>TEXT", "possible CHANNEL<TAB>TEXT"
 * (emergencies) or "none<TAB>TEXT" / a bare TEXT (ordinary); "#" lines
 * are comments.  Misses and false alarms are printed to out (NULL: not).
 * 0, or -1 when the file cannot be read.
 */
int	 screen_eval_file(const char *path, struct screen_eval *, FILE *out);
/*
 * Add a JSON-lines file of {"text", "label"[, "screen"]}: labels
 * emergency-* and "screen": "possible" are emergencies (to flag), the rest
 * ordinary.  0, or -1.
 */
int	 screen_eval_jsonl(const char *path, struct screen_eval *, FILE *out);
/* Print the table (with a title) to out. */
void	 screen_eval_print(FILE *, const char *title,
	    const struct screen_eval *);

#endif /* SCREEN_EVAL_H */
