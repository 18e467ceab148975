/*
 * libFuzzer target for errfmt.c, hotlinectl's reader of the admin API's
 * error objects (issue 16): the input up to a NUL is a reply's error
 * object, the rest a translation the catalogue gives for its format.  The
 * text shown is the message or fits the buffer; a format the catalogue
 * does not translate gives the message itself.  The rest as a format and
 * translation for errfmt_subst() with fixed arguments.  None may crash,
 * hang or leak.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errfmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*fuzz_trans;	/* the translation of any format */

static const char *
fuzz_tr(const char *fmt)
{
	return fuzz_trans != NULL ? fuzz_trans : fmt;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const	 args[] = { "HY2612070001", "42",
					    "中文", "%n%s" };
	const uint8_t			*nul;
	const char			*t, *msg;
	json_t				*e;
	char				*s, buf[256];
	size_t				 n;

	nul = memchr(data, '\0', len);
	n = nul != NULL ? (size_t)(nul - data) : len;
	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	fuzz_trans = nul != NULL ? s + n + 1 : NULL;
	if ((e = json_loadb((const char *)data, n, 0, NULL)) != NULL) {
		msg = json_string_value(json_object_get(json_object_get(e,
		    "error"), "message"));
		t = errfmt_text(json_object_get(e, "error"), fuzz_tr, buf,
		    sizeof(buf));
		if (t != msg && (t != buf || strlen(buf) >= sizeof(buf)))
			abort();
		fuzz_trans = NULL;
		if (errfmt_text(json_object_get(e, "error"), fuzz_tr, buf,
		    sizeof(buf)) != msg)
			abort();
		json_decref(e);
	}
	if (nul != NULL) {
		(void)errfmt_subst(s, s + n + 1, args, 4, buf, sizeof(buf));
		(void)errfmt_subst(s + n + 1, s, args, 2, buf, sizeof(buf));
	}
	free(s);
	return 0;
}
