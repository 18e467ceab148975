/*
 * Redaction for the public list of handled matters (Art. 19, 23(10)):
 * what identifies a citizen is taken out of a text before it may be
 * published.  Phone numbers (mobile, +86, spaced, landline with area
 * code) become [电话], 18-character ID numbers [身份证号], plate numbers
 * (粤P·12345) [车牌]; a name before 先生/女士/小姐 becomes 某 (张先生:
 * 某先生); the numbers of a street address (建设路88号, 阳光小区5栋2单元
 * 301室) become *.  Pure functions, no I/O.
 */
#ifndef HOTLINED_REDACT_H
#define HOTLINED_REDACT_H

#include <stddef.h>

#define REDACT_INPUT_MAX	(1024 * 1024)	/* bytes read of a text */

/*
 * The redacted text, at most max characters (then cut with "…"; 0: no
 * limit), always valid UTF-8 (invalid bytes become U+FFFD).  Free it.
 */
char	*redact_text(const char *text, size_t max);

#endif /* HOTLINED_REDACT_H */
