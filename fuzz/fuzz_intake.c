/*
 * libFuzzer target for intake: normalisation and classification of any
 * bytes (NULs included) with a few rules, and the rules parser fed the
 * same bytes as a rules file; when they load, the keyword matcher built
 * from them classifies the bytes too.  None may crash, hang or leak.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A few rules of each kind, as etc/hotlined.rules writes them. */
static const char fuzz_rules[] =
    "rule fire refuse emergency 119\n"
    "\tany 着火,起火\n"
    "\tnone 隐患\n"
    "rule court refuse litigation\n"
    "\tany 法院,仲裁\n"
    "rule noise category complaint\n"
    "\tany 噪音,扰民,投诉\n"
    "rule ask category consultation\n"
    "\tany 请问,怎么办理\n";

static struct rules	*rules;
static char		 norm[INTAKE_NORM_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct intake_ctx	 ctx = { .case_prefix = "HY" };
	struct intake_verdict	 v;
	struct rules		*r;
	char			 err[1024];

	if (rules == NULL) {
		log_init(0, LOG_L_WARN, "fuzz");
		rules = rules_load_buf("fuzz", fuzz_rules, sizeof(fuzz_rules) - 1,
		    err, sizeof(err));
		if (rules == NULL)
			abort();	/* the target's own rules must load */
	}
	ctx.survey_pending = len > 0 && (data[0] & 1);
	ctx.to_extension = len > 0 && (data[0] & 2);
	intake_classify_len(rules, (const char *)data, len, &ctx, &v, norm,
	    sizeof(norm));
	if ((r = rules_load_buf("input", (const char *)data, len, err,
	    sizeof(err))) != NULL) {
		intake_classify_len(r, (const char *)data, len, &ctx, &v, norm,
		    sizeof(norm));
		rules_free(r);
	}
	return 0;
}
