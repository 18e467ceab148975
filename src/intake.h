/*
 * Intake: what a citizen's text is.  The text is normalised (full-width to
 * half-width, whitespace collapsed), then read as a command (查询/CX,
 * 补充/BC, 帮助/HELP, 退订/TD), a survey answer, an empty text, or a new
 * matter that the safety screen (screen.h) refuses as a clear emergency or
 * the operator's rules file refuses (Art. 8) or classifies into an Art. 7
 * category.  Pure: no I/O except loading the rules file.
 */
#ifndef HOTLINED_INTAKE_H
#define HOTLINED_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#define INTAKE_TEXT_MAX		4096	/* bytes of input considered */
#define INTAKE_NORM_MAX		(3 * INTAKE_TEXT_MAX + 1) /* norm buffer size */
#define RULES_LINE_MAX		4096	/* bytes of one rules file line */
#define RULES_FILE_MAX		(1024 * 1024)	/* bytes of a rules file */

enum intake_kind {
	INTAKE_NEW_CASE,	/* a new matter: category, confidential */
	INTAKE_REFUSE,		/* Art. 8: reason, channel, template */
	INTAKE_QUERY,		/* status of number, or of all open cases */
	INTAKE_SUPPLEMENT,	/* add body to case number */
	INTAKE_HELP,		/* send the help text */
	INTAKE_EMPTY,		/* no content: send the help text */
	INTAKE_OPTOUT,		/* no more surveys */
	INTAKE_SURVEY,		/* an answer for the survey room */
	INTAKE_CONFIDENTIAL	/* 保密 + number: make that case confidential */
};

struct intake_ctx {
	const char	*case_prefix;	/* "HY" */
	int		 survey_pending; /* sender has an open survey */
	int		 to_extension;	/* dest was service number + extension */
	const struct model *model;	/* borrowed; NULL: the rules alone */
	const struct classify_opts *classify; /* borrowed; NULL: the model's */
};

struct intake_verdict {
	enum intake_kind kind;
	int		 category;	/* enum category, NEW_CASE */
	int		 confidential;	/* 保密 anywhere in a new matter (Art. 19) */
	char		 rule[64];	/* name of the rule that decided, "" none */
	char		 number[32];	/* QUERY (may be "": all open), SUPPLEMENT,
					   CONFIDENTIAL, SURVEY naming its case
					   (else "") */
	char		 reason[32];	/* REFUSE: emergency military litigation unlawful */
	char		 channel[16];	/* REFUSE: "110" "119" "120" "122"
					   "selfharm" or "" */
	char		 template[40];	/* REFUSE: "refuse_emergency_119"... */
	const char	*body;		/* SUPPLEMENT, CONFIDENTIAL: the added text
					   ("" none); SURVEY with a number: the
					   answer; into norm */
	int		 truncated;	/* input longer than INTAKE_TEXT_MAX was cut */
	int		 screen;	/* enum screen_verdict: new matters,
					   commands and survey answers */
	const char	*screen_channel; /* screen != NONE: "119"... static */
	char		 screen_word[100]; /* the danger word that decided */
	int		 unsure;	/* NEW_CASE: CAT_UNCLASSIFIED, a person decides */
	double		 score;		/* the best label's probability (0-1) */
	double		 margin;	/* best minus the runner-up */
	int		 guess;		/* enum classify_label: the best, even unsure */
};

struct classify_opts;
struct conf_errors;
struct hotlined_conf;
struct model;
struct rules;

/* Load a rules file; NULL with every "file:line: msg\n" error in err. */
struct rules	*rules_load(const char *path, char *err, size_t errlen);
/* Load rules from a buffer of len bytes named name in errors; as rules_load. */
struct rules	*rules_load_buf(const char *name, const char *buf, size_t len,
		    char *err, size_t errlen);
/* Free loaded rules; rules_free(NULL) does nothing. */
void		 rules_free(struct rules *);
/* Number of rules loaded. */
size_t		 rules_count(const struct rules *);
/* The name of rule i (file order), "" out of range. */
const char	*rules_name(const struct rules *, size_t i);
/* Rule i's label (enum classify_label); -1 emergency, -2 unclassified. */
int		 rules_label(const struct rules *, size_t i);
/*
 * The rules (their indexes, file order, at most max) that match len bytes
 * of text, normalised as intake_classify() does; how many.
 */
size_t		 rules_matching(const struct rules *, const char *text,
		    size_t len, size_t *idx, size_t max);

/* Decode one UTF-8 code point at s[*i], advance *i; U+FFFD when invalid. */
uint32_t	 intake_utf8_next(const unsigned char *s, size_t len, size_t *i);
/* Whether c is white space or punctuation (no content). */
int		 intake_is_sep(uint32_t c);
/* Normalise len bytes of in into out (NUL-terminated); returns the length. */
size_t		 intake_normalize(const char *in, size_t len, char *out,
		    size_t outlen);
/* Normalise text into norm (kept by the caller for body), then decide; 0 or -1. */
int		 intake_classify(const struct rules *, const char *text,
		    const struct intake_ctx *, struct intake_verdict *, char *norm,
		    size_t normlen);
/* Same as intake_classify() for len bytes that may hold NULs. */
int		 intake_classify_len(const struct rules *, const char *text,
		    size_t len, const struct intake_ctx *, struct intake_verdict *,
		    char *norm, size_t normlen);
/* The name of a kind ("new_case", "refuse"...), "?" when out of range. */
const char	*intake_kind_name(enum intake_kind);
/* Check the rules file at path for hotlined -t; 0, or -1 with errors in err. */
int		 intake_conf_check(const char *path, char *err, size_t errlen);
/* The same for conf_add_check("rules", intake_rules_check, NULL). */
int		 intake_rules_check(const struct hotlined_conf *,
		    struct conf_errors *, void *);
/* The model file (when one is set) for conf_add_check("model", ...). */
int		 intake_model_check(const struct hotlined_conf *,
		    struct conf_errors *, void *);

#endif /* HOTLINED_INTAKE_H */
