/*
 * The office's documents, rendered from the admin API's JSON (stats.h):
 * the statistics as a table or CSV, the units' assessment, the periodic
 * bulletin (情况通报) as one self-contained HTML file with inline SVG
 * charts, and the public list of handled matters as CSV, JSON or HTML.
 * hotlinectl's; pure functions of their JSON onto a FILE.
 */
#ifndef HOTLINED_REPORT_H
#define HOTLINED_REPORT_H

#include <stdio.h>

#include <jansson.h>

struct stats_weights;

/* GET /v1/stats as a text table. */
void	 report_stats_table(FILE *, json_t *stats);
/* GET /v1/stats as CSV: UTF-8 with a BOM (Excel, WPS), CRLF lines. */
void	 report_stats_csv(FILE *, json_t *stats);
/* The units (scored by stats_score()) as a text table or CSV. */
void	 report_units_table(FILE *, json_t *units);
void	 report_units_csv(FILE *, json_t *units);
/* GET /v1/stats/flags as a text table: units, then the cases. */
void	 report_flags_table(FILE *, json_t *flags);
/*
 * The bulletin: totals (GET /v1/stats), days (by=day), categories
 * (by=category), units (scored), lists (GET /v1/stats/lists), flags
 * (GET /v1/stats/flags); generated
 * is the date and time it says it was made.  0 or -1 (a write failed).
 */
int	 report_html(FILE *, json_t *days, json_t *cats, json_t *units,
	    json_t *lists, json_t *flags, const struct stats_weights *,
	    const char *generated);
/* The public list (GET /v1/publish) as csv, json or html; 0 or -1. */
int	 report_publish(FILE *, json_t *pub, const char *format);

#endif /* HOTLINED_REPORT_H */
