/*
 * The safety screen (Art. 8(1)): before a new matter is classified, is a
 * life in danger?  Three verdicts: none; possible (registered as a case as
 * usual, the acknowledgement begins with the emergency advice); clear
 * (refused, not a case, the reply names the channel).  Both emergency
 * verdicts raise an alert.  The words are the operator's lexicon file
 * (hotlined.screen(5)); tuned to over-detect.  Pure: no I/O except loading.
 */
#ifndef HOTLINED_SCREEN_H
#define HOTLINED_SCREEN_H

#include <stddef.h>

#define SCREEN_FILE_MAX		(1024 * 1024)	/* bytes of a lexicon */
#define SCREEN_WORD_MAX		96		/* bytes of one word */
#define SCREEN_WORDS_MAX	20000		/* words in a lexicon */

enum screen_verdict {
	SCREEN_NONE,
	SCREEN_POSSIBLE,	/* registered and advised, alert */
	SCREEN_CLEAR		/* refused with the channel, alert */
};

/* Where a person in danger should turn, in order of precedence. */
enum screen_channel {
	SCREEN_CH_SELFHARM,	/* 110 and 120, and 12356 */
	SCREEN_CH_119,		/* fire, gas */
	SCREEN_CH_110,		/* crime, children and elderly lost */
	SCREEN_CH_122,		/* traffic with injuries (and 120) */
	SCREEN_CH_120,		/* medical */
	SCREEN_CH_MAX
};

/* What the screen found in one text. */
struct screen_result {
	enum screen_verdict	 verdict;
	enum screen_channel	 channel;	/* verdict != NONE */
	char			 word[SCREEN_WORD_MAX + 1]; /* that decided */
	unsigned		 why;		/* SCREEN_W_* that lowered it */
};
#define SCREEN_W_NEGATED	0x01	/* a danger word denied (没有着火) */
#define SCREEN_W_PAST		0x02	/* the event is over (去年) */
#define SCREEN_W_AFTER		0x04	/* its aftermath: fees, insurance */
#define SCREEN_W_MATTER		0x08	/* an ordinary matter beside it */
#define SCREEN_W_MASKED		0x10	/* inside an ordinary word (火锅) */

struct screen;
struct conf_errors;
struct hotlined_conf;

/* Load a lexicon file; NULL with "file:line: message" lines in errs. */
struct screen	*screen_load(const char *path, struct conf_errors *errs);
/* The same from len bytes of buf named name in messages. */
struct screen	*screen_load_buf(const char *name, const char *buf, size_t len,
		    struct conf_errors *errs);
/* Free a lexicon; screen_free(NULL) does nothing. */
void		 screen_free(struct screen *);
/* Words loaded. */
size_t		 screen_count(const struct screen *);

/*
 * Screen len bytes of normalised, ASCII-lowered text (intake.c's).  A NULL
 * lexicon screens nothing (verdict none).
 */
void		 screen_check(const struct screen *, const char *low,
		    size_t len, struct screen_result *);

/* "none", "possible", "clear". */
const char	*screen_verdict_name(enum screen_verdict);
/* "selfharm", "119", "110", "122", "120". */
const char	*screen_channel_name(enum screen_channel);

/* Load conf's lexicon as the current one; 0 or -1 (errors in errs). */
int		 screen_start(const struct hotlined_conf *,
		    struct conf_errors *);
/* Reload hook (hook_on_reload): 0, or -1 keeping the old lexicon. */
int		 screen_reload(void *arg);
/* The current lexicon (NULL before screen_start()). */
const struct screen *screen_current(void);
/* Make sc (taken) the current lexicon, freeing the old one (tests). */
void		 screen_set_current(struct screen *);
/* Free the current lexicon. */
void		 screen_stop(void *arg);
/* conf_add_check("screen", screen_conf_check, NULL) for hotlined -t. */
int		 screen_conf_check(const struct hotlined_conf *,
		    struct conf_errors *, void *);

#endif /* HOTLINED_SCREEN_H */
