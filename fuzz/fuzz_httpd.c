/*
 * libFuzzer target for the HTTP listeners' header checks: any bytes as a
 * Content-Type value (media type exact, parameters allowed) and as a
 * listen address (loopback or not).  Beyond the sanitizers: a value taken
 * as the type starts with it and goes on with nothing, blanks or ';'.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpd.h"

#define FUZZ_MAX	1024

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const types[] = {
	"application/json", "application/octet-stream", "text/plain"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	s[FUZZ_MAX + 1];
	size_t	i, n;

	if (size > FUZZ_MAX)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';		/* a NUL inside ends the value, as in C */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!httpd_media_is(s, types[i]))
			continue;
		n = strlen(types[i]);
		if (strncasecmp(s, types[i], n) != 0 ||
		    (s[n] != '\0' && s[n] != ' ' && s[n] != '\t' && s[n] != ';'))
			abort();
	}
	(void)httpd_is_loopback(s);
	return 0;
}
