/*
 * A CSV reader for files people save from Excel or WPS (RFC 4180): UTF-8
 * with or without a BOM, CRLF or LF, fields in double quotes with ""
 * inside and line breaks allowed.  Pure: a buffer in, records out; a bad
 * record is reported and skipped, the next one is read.
 */
#ifndef HOTLINED_CSV_H
#define HOTLINED_CSV_H

#include <stddef.h>

struct csv_reader {
	const char	*buf;		/* borrowed */
	size_t		 len;
	size_t		 off;		/* next byte to read */
	size_t		 line;		/* of the next byte, from 1 */
};

/* Read buf[0..len) (a UTF-8 BOM at its start is skipped). */
void	 csv_init(struct csv_reader *, const char *buf, size_t len);
/*
 * The next record: its fields NUL-ended in scratch (at most scratchlen
 * bytes in all), pointers in fields[0..*nfields), at most max of them;
 * *linep the line it starts on.  1 a record, 0 the end, -1 a bad record
 * (err says why: an unclosed quote, a quote inside a bare field, a NUL
 * byte, too long, too many fields), skipped: call again for the next.
 */
int	 csv_next(struct csv_reader *, char *scratch, size_t scratchlen,
	    char **fields, size_t max, size_t *nfields, size_t *linep,
	    char *err, size_t errlen);

#endif /* HOTLINED_CSV_H */
