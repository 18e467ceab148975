/*
 * Cases from the other channels (Art. 5(1)): the one reader of an import
 * request, a JSON object that POST /v1/cases takes and hotlinectl builds
 * from its options or from a CSV or JSONL line.  Pure: no store, no I/O.
 */
#ifndef HOTLINED_IMPORT_H
#define HOTLINED_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct json_t;

#define IMPORT_TEXT_MAX		2000	/* characters of a case's text */
#define IMPORT_ID_MAX		64	/* bytes of an external id */
#define IMPORT_PAST_DAYS	366	/* oldest received_at accepted */
#define IMPORT_SKEW_MS		60000	/* received_at ahead of our clock */
#define IMPORT_CHANNEL_MAX	16

/* One case to import, as validated; text borrows the JSON object's. */
struct import_case {
	char		 channel[IMPORT_CHANNEL_MAX];	/* "phone", "web"... */
	char		 external_id[IMPORT_ID_MAX + 1];
	int		 category;		/* enum category, Art. 7 */
	const char	*text;			/* borrowed */
	char		 msisdn[CRYPTO_MSISDN_MAX];	/* normalised mobile */
	int		 confidential;		/* Art. 19 */
	int64_t		 received_at;		/* ms */
	int		 ack;			/* send the ack SMS */
};

/*
 * Validate the import request o against now (ms) into c.  0, or -1 with
 * *fieldp set to the field at fault and a sentence in err (never the
 * phone number itself).
 */
int	 import_parse(const struct json_t *o, int64_t now,
	    struct import_case *c, const char **fieldp, char *err,
	    size_t errlen);
/* The channel's name for a name or Chinese label ("电话"), or NULL. */
const char *import_channel(const char *);
/* The Chinese label of a channel name ("phone": "电话"), or NULL. */
const char *import_channel_zh(const char *);
/*
 * A time as an import gives it: "YYYY-MM-DD HH:MM[:SS]" (the hotline's
 * local time), or ISO 8601 with T and Z or +HH:MM.  0 with *ms, or -1.
 */
int	 import_time(const char *, int64_t *ms);

#endif /* HOTLINED_IMPORT_H */
