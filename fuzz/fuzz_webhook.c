/*
 * libFuzzer target for webhook.c's checks of what the admin API receives
 * (a unit's webhook URL) and its signature: any bytes as a URL, accepted
 * only as http://host[:port]/path of printable ASCII under the limit;
 * any bytes signed with any secret give "sha256=" and 64 hex digits.
 * None may crash, hang or leak.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_notice.h"
#include "webhook.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, sig[WEBHOOK_SIG_MAX];
	size_t	 i, half;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (webhook_url_ok(s)) {
		if (strncmp(s, "http://", 7) != 0 || strlen(s) >=
		    STORE_URL_MAX)
			abort();
		for (i = 0; s[i] != '\0'; i++)
			if ((unsigned char)s[i] <= ' ' ||
			    (unsigned char)s[i] >= 0x7f)
				abort();
	}
	half = strlen(s) / 2;
	s[half] = '\0';
	if (webhook_sign(s, (const char *)data, size, sig) != 0 ||
	    strncmp(sig, "sha256=", 7) != 0 || strlen(sig) != 7 + 64 ||
	    strspn(sig + 7, "0123456789abcdef") != 64)
		abort();
	free(s);
	return 0;
}
