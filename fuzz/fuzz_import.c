/*
 * libFuzzer target for the import request (POST /v1/cases, network-
 * facing): any bytes through the admin API's body checks (nesting, then
 * jansson) into import_parse(), and, with the first byte odd, through the
 * CSV reader hotlinectl feeds from files.  Beyond the sanitizers: an
 * accepted case has a known channel and an Art. 7 category, an 11-digit
 * mobile and a received time no later than now; a refused one says why,
 * and names its field unless the value is not an object at all (the API
 * refuses those before import_parse(); it says so all the same); the
 * reader's fields stay inside its scratch buffer.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "category.h"
#include "csv.h"
#include "import.h"

#define FUZZ_NOW	INT64_C(1796347800000)	/* 2026-12-04 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_csv(const char *buf, size_t len)
{
	struct csv_reader	 r;
	char			 scratch[128], err[128], *f[8];
	size_t			 nf, line, i, n = 0;
	int			 rv;

	csv_init(&r, buf, len);
	while ((rv = csv_next(&r, scratch, sizeof(scratch), f, 8, &nf, &line,
	    err, sizeof(err))) != 0) {
		if (++n > len + 1)
			abort();		/* no progress */
		if (rv == -1)
			continue;
		for (i = 0; i < nf; i++)
			if (f[i] < scratch || f[i] >= scratch +
			    sizeof(scratch) || strlen(f[i]) >=
			    (size_t)(scratch + sizeof(scratch) - f[i]))
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_case	 c;
	json_error_t		 jerr;
	json_t			*o;
	const char		*field;
	char			 err[256];

	if (size > 0 && (data[0] & 1)) {
		fuzz_csv((const char *)data + 1, size - 1);
		return 0;
	}
	if (!admin_json_depth_ok((const char *)data, size, ADMIN_JSON_DEPTH))
		return 0;
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (o == NULL)
		return 0;
	if (import_parse(o, FUZZ_NOW, &c, &field, err, sizeof(err)) == 0) {
		if (import_channel(c.channel) == NULL ||
		    c.category < 0 || c.category >= CAT_UNCLASSIFIED ||
		    strlen(c.msisdn) != 11 || c.text == NULL ||
		    c.received_at > FUZZ_NOW + IMPORT_SKEW_MS)
			abort();
	} else if (err[0] == '\0' || (field == NULL && json_is_object(o)))
		abort();
	json_decref(o);
	return 0;
}
