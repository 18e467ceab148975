/*
 * The operator log: one event per line, local time with UTC offset and
 * milliseconds, level, module word, then key=value fields.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_TO_STDERR	0x01
#define LOG_TO_FILE	0x02
#define LOG_TO_SYSLOG	0x04
#define LOG_TO_JOURNAL	0x08	/* stderr is the journal: "<3>" prefixes */

enum log_level {
	LOG_L_WARN = 0,	/* warnings and errors only */
	LOG_L_INFO,	/* the default */
	LOG_L_DEBUG,	/* -v */
	LOG_L_TRACE	/* -vv */
};

#define LOG_MSISDN_MAX	32	/* buffer size for log_msisdn() */
#define LOG_TAG_KEY_LEN	32	/* log_msisdn_key() */
#define LOG_TAG_LEN	4	/* characters of the tag after '~' */

/* Start logging to the given destinations; the file is opened by log_reopen(). */
void	 log_init(int dests, int level, const char *ident);
/* 1 when stderr is the journal's stream (JOURNAL_STREAM names it), else 0. */
int	 log_stderr_is_journal(void);
/* (Re)open the log file at path; on failure the old file stays in use. */
int	 log_reopen(const char *path);
void	 log_close(void);
void	 log_setlevel(int);
int	 log_getlevel(void);
const char *log_strlevel(int);
/* Parse "warn", "info", "debug", "trace"; -1 when unknown. */
int	 log_parselevel(const char *);

void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The disk or the database fails: level "err", always logged (LOG_ERR). */
void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A life may be in danger: level "crit", always logged (syslog LOG_CRIT). */
void	 log_crit(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Mask a phone number for a log line: 13812345678 -> 138****5678~k3fq.
 * How many digits show depends on the length (never more than 7, never
 * fewer than 4 hidden); "~" and a 4-character tag keyed by
 * log_msisdn_key() follow, the same for every line of one citizen.
 */
const char *log_msisdn(const char *msisdn, char *buf, size_t len);
/*
 * Set the tag key (LOG_TAG_KEY_LEN bytes, crypto_log_key()); NULL: no
 * tag (tools and tests without a key).
 */
void	 log_msisdn_key(const uint8_t *key);
/* Escape and truncate untrusted text to at most max bytes of output. */
const char *log_snippet(const char *text, size_t textlen, char *buf, size_t len);
/* Format the current time as the log does: 2026-11-26T19:22:01.123+08:00. */
void	 log_timestamp(char *buf, size_t len);

#endif /* LOG_H */
