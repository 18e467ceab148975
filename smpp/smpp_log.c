/* The smpp library's single log hook (see smpp_log.h). */
#include <stdio.h>

#include "smpp_log.h"

static smpp_log_fn	smpp_logger;
static smpp_log_wants_fn smpp_log_wants;

void
smpp_set_log(smpp_log_fn fn)
{
	smpp_logger = fn;
}

void
smpp_set_log_filter(smpp_log_wants_fn fn)
{
	smpp_log_wants = fn;
}

void
smpp_log(int level, const char *fmt, ...)
{
	char	msg[2048];
	va_list	ap;

	if (smpp_logger == NULL ||
	    (smpp_log_wants != NULL && !smpp_log_wants(level)))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	smpp_logger(level, msg);
}
