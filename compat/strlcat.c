/* strlcat(3): append src to dst of size dsize, always NUL-terminated; returns the length tried. */
#include "compat.h"
#include <string.h>

size_t
strlcat(char *dst, const char *src, size_t dsize)
{
	size_t	dlen = strnlen(dst, dsize);

	if (dlen == dsize)
		return dlen + strlen(src);
	return dlen + strlcpy(dst + dlen, src, dsize - dlen);
}
