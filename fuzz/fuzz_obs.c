/*
 * libFuzzer target for what issue 15 reads from a request: the status
 * page's token in a query string and a Cookie header (the input split at
 * its first newline), and metrics_escape() over the same bytes.  Beyond
 * the sanitizers: a token found lies inside its input, is not empty and
 * holds no separator of its kind; an escaped value never ends in half an escape.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "metrics.h"
#include "tokens.h"

#define FUZZ_MAX	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 s[FUZZ_MAX + 1], esc[64], *cookie;
	const char	*t;
	size_t		 len = 0, n;

	if (size > FUZZ_MAX)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((cookie = strchr(s, '\n')) != NULL)
		*cookie++ = '\0';
	if ((t = admin_obs_token_in(s, cookie, &len)) != NULL) {
		if (len == 0 || len > TOKEN_SECRET_MAX || t < s ||
		    t + len > s + size || memchr(t, '\0', len) != NULL)
			abort();
		/* a query's ends at '&', a cookie's at ';' or a blank */
		if (cookie == NULL || t < cookie ? memchr(t, '&', len) != NULL :
		    memchr(t, ';', len) != NULL || memchr(t, ' ', len) != NULL)
			abort();
	}
	metrics_escape(s, esc, sizeof(esc));
	n = strlen(esc);
	if (n >= sizeof(esc))
		abort();
	/* a backslash that ends it must be escaped itself */
	for (len = 0; len < n && esc[n - 1 - len] == '\\'; len++)
		;
	if (len % 2 != 0)
		abort();
	return 0;
}
