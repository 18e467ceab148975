/*
 * libFuzzer target for redact.c (citizens' texts on their way to the
 * public list) and the assessment weights parser: any bytes redacted,
 * whole and cut, must give valid UTF-8 without a digit run of a mobile
 * number's length left; the same bytes parsed as a weights file.  None
 * may crash, hang or leak.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "stats.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every sequence in s is well-formed UTF-8 (redact_text()'s promise). */
static int
fuzz_utf8(const unsigned char *p)
{
	int	n, k;

	while (*p != '\0') {
		n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (k = 1; k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		p += n + 1;
	}
	return 1;
}

/* A full-width digit (U+FF10..FF19) at p: a digit to redact.c too. */
static int
fuzz_fwdigit(const char *p)
{
	const unsigned char	*u = (const unsigned char *)p;

	return u[0] == 0xef && u[1] == 0xbc && u[2] >= 0x90 && u[2] <= 0x99;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct stats_weights	 w;
	char			*s, *r, err[256];
	size_t			 i, run;

	s = malloc(len + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	r = redact_text(s, 0);
	if (!fuzz_utf8((const unsigned char *)r))
		abort();
	/* a mobile number standing alone never survives */
	for (i = 0, run = 0; r[i] != '\0'; i++) {
		run = r[i] >= '0' && r[i] <= '9' ? run + 1 : 0;
		/* full-width digits around it make a longer run, no number */
		if (run == 11 && r[i - 10] == '1' && r[i - 9] >= '3' &&
		    (r[i + 1] < '0' || r[i + 1] > '9') &&
		    !fuzz_fwdigit(r + i + 1) &&
		    (i < 11 || ((r[i - 11] < '0' || r[i - 11] > '9') &&
		    (i < 13 || !fuzz_fwdigit(r + i - 13)))))
			abort();
	}
	free(r);
	r = redact_text(s, len % 17);
	if (!fuzz_utf8((const unsigned char *)r))
		abort();
	free(r);
	(void)stats_weights_parse("fuzz", (const char *)data, len, &w, err,
	    sizeof(err));
	free(s);
	return 0;
}
