/*
 * What hotlinectl's translated output needs beyond gettext: texts with a
 * context (NC_(), the way gettext's pgettext() keeps them in the .po),
 * words the server sends (states) shown in the reader's language, and the
 * columns a text takes on a terminal, for tables that mix Chinese and
 * ASCII.
 */
#include "compat.h"

#include <string.h>

#include "nls.h"

/* A text marked NC_(ctx, s): its translation, else s without ctx. */
const char *
nls_ctx(const char *id)
{
	const char	*t = _(id), *s;

	if (t != id)
		return t;
	return (s = strchr(id, '\004')) != NULL ? s + 1 : id;
}

/*
 * The word w (a state, a status) as marked in table (NC_() entries, NULL
 * at the end): its translation, or w itself when the table lacks it.
 */
const char *
nls_word(const char *const *table, const char *w)
{
	const char	*s;
	size_t		 i;

	for (i = 0; w != NULL && table[i] != NULL; i++)
		if ((s = strchr(table[i], '\004')) != NULL &&
		    strcmp(s + 1, w) == 0)
			return nls_ctx(table[i]);
	return w;
}

/* Columns a UTF-8 text takes on a terminal: U+1100 and on (CJK) 2. */
size_t
nls_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 w = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe1 && *p <= 0xef ? 2 : 1;
	}
	return w;
}
