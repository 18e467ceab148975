/*
 * ussd: the *12345# menu.  A bearer (an SMPP bind, Kannel's smsbox) reads a
 * USSD message in its gateway's dialect and hands it here as a begin, a
 * choice or an abort; sessions live in memory, keyed by bearer, number and
 * the dialect's session name, and end on their last screen, an abort or
 * ussd-timeout.  A dial never creates a case.  An evaluation given in a
 * session is written as the SMS survey writes it (survey_reply()) in the
 * group commit, and its confirmation screen goes out only after COMMIT.
 * Screens are templates (ussd_*.txt) of at most 182 GSM 7-bit or 80 UCS-2
 * characters; lists are paged ("0 下一页", "00 返回").
 */
#ifndef HOTLINED_USSD_H
#define HOTLINED_USSD_H

#include <stddef.h>
#include <stdint.h>

#include "commit.h"

struct event_base;
struct store;
struct hotlined_conf;

#define USSD_GSM7_MAX	182	/* septets of one USSD string */
#define USSD_UCS2_MAX	80	/* UTF-16 units of one USSD string */
#define USSD_ADDR_MAX	24
#define USSD_LIST_MAX	20	/* cases or surveys a list shows, newest */
#define USSD_PAGES_MAX	USSD_LIST_MAX

/* What a USSD message does to its session, in the gateway's dialect. */
enum ussd_kind {
	USSD_BEGIN,		/* a dial: a new session (an open one restarts) */
	USSD_CONTINUE,		/* a choice inside the session */
	USSD_ABORT,		/* the network or the citizen ended it */
	USSD_AUTO		/* no op given: a dial unless a session is open */
};

/* How the bearer names a session; copied back into every screen. */
struct ussd_ref {
	char		 msisdn[USSD_ADDR_MAX];	/* plaintext, memory only */
	char		 code[USSD_ADDR_MAX];	/* what was dialled (*12345#) */
	int		 key;		/* dialect's session name, -1: number */
	int		 dialog;	/* its_session_info dialog id, -1 */
	int		 umr;		/* user_message_reference, -1 */
};

/* A bearer's way out: send one screen, end 1 for the last. 0 or -1. */
typedef int	(*ussd_send_fn)(void *ctx, const struct ussd_ref *,
		    const char *text, int end);

/* One received USSD message, all borrowed for the call. */
struct ussd_msg {
	const char	*bearer;	/* smsc name, or "kannel" */
	ussd_send_fn	 send;
	void		*ctx;		/* the bearer's, for send */
	enum ussd_kind	 kind;
	struct ussd_ref	 ref;
	const char	*text;		/* the choice (or the dial string) */
	int		 ucs2_max;	/* a screen's limit; 0: USSD_UCS2_MAX */
	int		 gsm_max;	/* 0: USSD_GSM7_MAX */
};

/* Set up with the store (borrowed); timeout_ms ends an idle session. */
void	 ussd_init(struct event_base *, struct store *, int64_t timeout_ms);
/* Change the timeout for sessions armed from now on (ussd-timeout is
 * read at start, as the rest of hotlined.conf). */
void	 ussd_set_timeout(int64_t timeout_ms);
/*
 * Take one message.  done(arg, 1) once what it caused is committed (an
 * evaluation), or at once when it wrote nothing; done(arg, 0): nothing
 * was kept, answer a temporary error.
 */
void	 ussd_receive(const struct ussd_msg *, commit_fn done, void *arg);
/* Sessions open now. */
size_t	 ussd_sessions(void);
/* Counters for the status line: sessions begun, screens sent, rated. */
void	 ussd_stats(uint64_t *begun, uint64_t *screens, uint64_t *rated);
/* Forget every session of bearer (its link is gone), or all (NULL). */
void	 ussd_drop(const char *bearer);
void	 ussd_shutdown(void);

/* --- ussd_menu.c: the screens, over the store; no I/O ----------------- */

enum ussd_state {
	USSD_S_MENU,		/* 1 my cases, 2 rate, 3 contact */
	USSD_S_CASES,		/* my cases, paged */
	USSD_S_CASE,		/* one case's detail */
	USSD_S_RATE,		/* surveys awaiting an answer, paged */
	USSD_S_RATE_CASE,	/* 1 满意 2 基本满意 3 不满意 */
	USSD_S_INVALID		/* "输入有误": any input goes back */
};

/* One line of a list: a case, or the survey of a case. */
struct ussd_item {
	int64_t		 id;		/* case id, or survey id */
	char		 number[32];	/* the case number */
	char		 state[24];	/* 办理中 ... */
	char		 due[8];	/* MM-DD, in lists */
	char		 due_full[12];	/* YYYY-MM-DD, in a detail */
	char		 category[24];
};

/* Where a session is in the menu, and the list it shows. */
struct ussd_menu {
	enum ussd_state	 state;
	enum ussd_state	 back;		/* USSD_S_INVALID returns here */
	int		 page;		/* 0-based */
	int		 npages;
	size_t		 first[USSD_PAGES_MAX + 1];	/* item index a page */
	size_t		 nitems;
	struct ussd_item item[USSD_LIST_MAX];
	size_t		 picked;	/* item shown or being rated */
	int		 score;		/* USSD_STEP_RATE: 1-3 */
	int		 ucs2_max;	/* what one screen may hold: the */
	int		 gsm_max;	/* bearer's, else USSD's 80 / 182 */
};

enum ussd_step {
	USSD_STEP_ERROR = -1,	/* store or template failure: end it */
	USSD_STEP_SCREEN,	/* send the screen, wait for a choice */
	USSD_STEP_END,		/* send the screen, end the session */
	USSD_STEP_RATE		/* write menu->score for item[picked] first */
};

/*
 * The main menu into out; USSD_STEP_SCREEN or USSD_STEP_ERROR.  Screens
 * hold at most ucs2_max UCS-2 or gsm_max GSM characters (0: USSD's).
 */
enum ussd_step ussd_menu_start(struct ussd_menu *, int ucs2_max, int gsm_max,
	    char *out, size_t outlen);
/* A choice: the next screen into out, or USSD_STEP_RATE. */
enum ussd_step ussd_menu_input(struct ussd_menu *, struct store *,
	    const char *msisdn, const char *text, int64_t now, char *out,
	    size_t outlen);
/*
 * The screen after an evaluation: r as survey_reply() returned (0 done,
 * 1 the survey was no longer open, -1 not stored), reopened from its
 * outcome.  Always USSD_STEP_END (or ERROR).
 */
enum ussd_step ussd_menu_rated(struct ussd_menu *, int r, int reopened,
	    char *out, size_t outlen);
/* A named screen with {service} only (ussd_expired, ussd_error); 0/-1. */
int	 ussd_menu_screen(const char *name, char *out, size_t outlen);
/* 1 when text fits one USSD string (182 GSM septets or 80 UCS-2). */
int	 ussd_fits(const char *text);
/* 1 when text fits gsm_max GSM septets or, with a non-GSM one, ucs2_max. */
int	 ussd_fits_max(const char *text, int gsm_max, int ucs2_max);

#endif /* HOTLINED_USSD_H */
