/*
 * How the smpp library reports: the application installs one function and
 * the library calls it with a level (SMPP_LOG_*) and a finished message whose
 * first word is "smpp".  Without one, the library is silent.
 */
#ifndef SMPP_LOG_H
#define SMPP_LOG_H

#include <stdarg.h>

enum smpp_log_level {
	SMPP_LOG_WARN = 0,
	SMPP_LOG_INFO,
	SMPP_LOG_DEBUG,
	SMPP_LOG_TRACE
};

typedef void (*smpp_log_fn)(int level, const char *msg);

/*
 * Whether the application wants messages of a level at all; asked before
 * a message is formatted (a trace line per PDU costs more than the PDU).
 */
typedef int (*smpp_log_wants_fn)(int level);

/* Install the application's log function (NULL silences the library). */
void	smpp_set_log(smpp_log_fn);
/* Install the level filter (NULL: every level is formatted). */
void	smpp_set_log_filter(smpp_log_wants_fn);
/* Report one event; printf-style. */
void	smpp_log(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* SMPP_LOG_H */
