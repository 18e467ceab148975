/*
 * The safety screen over a labelled set: recall and false alarms counted
 * apart (see screen_eval.h).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intake.h"
#include "screen.h"
#include "screen_eval.h"

/* The verdict of the daemon's path for text: none, possible or clear. */
static int
eval_one(const char *text, char *channel, size_t len)
{
	static char		 norm[INTAKE_NORM_MAX];
	struct intake_ctx	 ctx = { "HY", 0, 0, NULL, NULL };
	struct intake_verdict	 v;

	channel[0] = '\0';
	if (intake_classify(NULL, text, &ctx, &v, norm, sizeof(norm)) == -1)
		return SCREEN_NONE;
	if (v.screen_channel != NULL)
		strlcpy(channel, v.screen_channel, len);
	if (v.kind == INTAKE_REFUSE && strcmp(v.rule, "screen") == 0)
		return SCREEN_CLEAR;
	return v.screen;
}

/* Count one text expected to be an emergency (want_ch) or not (NULL). */
static void
eval_count(struct screen_eval *e, const char *text, const char *want,
    const char *want_ch, FILE *out)
{
	char	ch[16];
	int	got = eval_one(text, ch, sizeof(ch));

	if (want_ch != NULL) {
		e->emergencies++;
		if (got == SCREEN_NONE) {
			if (out != NULL)
				fprintf(out, "# MISSED (%s %s): %s\n", want,
				    want_ch, text);
			return;
		}
		e->flagged++;
		e->refused += got == SCREEN_CLEAR;
		if (strcmp(ch, want_ch) == 0)
			e->channel_ok++;
		else if (out != NULL && strcmp(want_ch, "*") != 0)
			fprintf(out, "# channel %s, not %s: %s\n", ch, want_ch,
			    text);
		return;
	}
	e->ordinary++;
	if (got == SCREEN_NONE)
		return;
	e->false_alarms++;
	e->ordinary_refused += got == SCREEN_CLEAR;
	if (out != NULL)
		fprintf(out, "# %s (%s): %s\n", got == SCREEN_CLEAR ?
		    "ORDINARY REFUSED" : "false alarm", ch, text);
}

int
screen_eval_file(const char *path, struct screen_eval *e, FILE *out)
{
	FILE	*f;
	char	 line[8192], want[16], ch[16], *tab, *nl;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL) {
			eval_count(e, line, "none", NULL, out);
			continue;
		}
		*tab = '\0';
		if (sscanf(line, "%15s %15s", want, ch) == 2 &&
		    strcmp(want, "none") != 0)
			eval_count(e, tab + 1, want, ch, out);
		else
			eval_count(e, tab + 1, "none", NULL, out);
	}
	fclose(f);
	return 0;
}

int
screen_eval_jsonl(const char *path, struct screen_eval *e, FILE *out)
{
	FILE		*f;
	json_t		*o;
	json_error_t	 err;
	const char	*text, *label, *scr;
	char		 line[65536];

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((o = json_loads(line, 0, &err)) == NULL)
			continue;
		text = json_string_value(json_object_get(o, "text"));
		label = json_string_value(json_object_get(o, "label"));
		scr = json_string_value(json_object_get(o, "screen"));
		if (text != NULL && label != NULL) {
			if (strncmp(label, "emergency-", 10) == 0)
				eval_count(e, text, "clear", label + 10, out);
			else if (scr != NULL && strcmp(scr, "possible") == 0)
				eval_count(e, text, "possible", "*", out);
			else
				eval_count(e, text, "none", NULL, out);
		}
		json_decref(o);
	}
	fclose(f);
	return 0;
}

static double
pct(int a, int b)
{
	return b > 0 ? 100.0 * a / b : 0.0;
}

void
screen_eval_print(FILE *f, const char *title, const struct screen_eval *e)
{
	fprintf(f, "# %s\n", title);
	fprintf(f, "# %-34s %6s %8s\n", "", "texts", "share");
	fprintf(f, "# %-34s %6d\n", "emergencies", e->emergencies);
	fprintf(f, "# %-34s %6d %7.1f%%\n", "  flagged (refused or advised)",
	    e->flagged, pct(e->flagged, e->emergencies));
	fprintf(f, "# %-34s %6d %7.1f%%\n", "  of which refused (clear)",
	    e->refused, pct(e->refused, e->emergencies));
	fprintf(f, "# %-34s %6d %7.1f%%\n", "  missed",
	    e->emergencies - e->flagged,
	    pct(e->emergencies - e->flagged, e->emergencies));
	fprintf(f, "# %-34s %6d\n", "ordinary matters", e->ordinary);
	fprintf(f, "# %-34s %6d %7.1f%%\n", "  false alarms (flagged)",
	    e->false_alarms, pct(e->false_alarms, e->ordinary));
	fprintf(f, "# %-34s %6d %7.1f%%\n", "  of which refused (clear)",
	    e->ordinary_refused, pct(e->ordinary_refused, e->ordinary));
}
