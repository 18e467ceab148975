/*
 * RFC 4180 CSV as Excel and WPS write it (csv.h).  One pass, a byte at
 * a time, into the caller's scratch buffer: no allocation, a bounded
 * record.  Errors skip the rest of the record (quotes respected, so a
 * record too long resumes at the next one) or, for a broken quote, the
 * rest of the line.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "csv.h"

static void	 csv_skip_record(struct csv_reader *, int);

void
csv_init(struct csv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->off = 3;
}

/* Skip to the start of the next record (inquote: inside a quoted field). */
static void
csv_skip_record(struct csv_reader *r, int inquote)
{
	char	c;

	while (r->off < r->len) {
		c = r->buf[r->off++];
		if (c == '\n')
			r->line++;
		if (c == '"')
			inquote = !inquote;
		else if (c == '\n' && !inquote)
			return;
	}
}

int
csv_next(struct csv_reader *r, char *scratch, size_t scratchlen,
    char **fields, size_t max, size_t *nfields, size_t *linep, char *err,
    size_t errlen)
{
	size_t		 n = 0;
	int		 inquote = 0, quoted = 0, afterquote = 0;
	char		 c;

	*nfields = 0;
	*linep = r->line;
	if (r->off >= r->len || scratchlen == 0 || max == 0)
		return 0;
	fields[0] = scratch;
	*nfields = 1;
	while (r->off < r->len) {
		c = r->buf[r->off++];
		if (c == '\0') {
			snprintf(err, errlen, "a NUL byte");
			csv_skip_record(r, inquote);
			return -1;
		}
		if (inquote) {
			if (c == '"') {
				if (r->off < r->len && r->buf[r->off] == '"')
					r->off++;	/* "" is a quote */
				else {
					inquote = 0;
					afterquote = 1;
					continue;
				}
			} else if (c == '\n')
				r->line++;
		} else if (c == ',' || c == '\n' || (c == '\r' && (r->off ==
		    r->len || r->buf[r->off] == '\n'))) {
			if (c == '\r')
				r->off++;
			if (n >= scratchlen)
				goto toolong;
			scratch[n++] = '\0';
			if (c != ',') {
				r->line++;
				return 1;
			}
			if (*nfields >= max) {
				snprintf(err, errlen, "more than %zu fields",
				    max);
				csv_skip_record(r, 0);
				return -1;
			}
			fields[(*nfields)++] = scratch + n;
			quoted = afterquote = 0;
			continue;
		} else if (c == '"') {
			if (quoted || afterquote || &scratch[n] !=
			    fields[*nfields - 1]) {
				snprintf(err, errlen, "a quote inside a field "
				    "not quoted from its start");
				csv_skip_record(r, 0);
				return -1;
			}
			inquote = quoted = 1;
			continue;
		} else if (afterquote) {
			snprintf(err, errlen, "text after a closing quote");
			csv_skip_record(r, 0);
			return -1;
		}
		if (n + 1 >= scratchlen)
			goto toolong;
		scratch[n++] = c;
	}
	if (inquote) {
		snprintf(err, errlen, "a quote opened and never closed");
		return -1;
	}
	if (n >= scratchlen)
		goto toolong;
	scratch[n] = '\0';
	return 1;
toolong:
	snprintf(err, errlen, "a record longer than %zu bytes", scratchlen);
	csv_skip_record(r, inquote);
	return -1;
}
