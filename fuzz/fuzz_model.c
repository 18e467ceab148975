/*
 * libFuzzer target for the model file parser (classify.c): any bytes as
 * a model file; when they load, the model scores and decides a few texts
 * with and without rules.  None may crash, hang or leak.  The seed corpus
 * is a small valid model and its pieces.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "intake.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *texts[] = {
	"楼下噪音太吵了,请问怎么投诉", "0000", "", "a b,c 起诉",
	"\xe4\xbd", "路灯坏了半个月没人修"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct rules	*rules;
	struct classify_hit	 hit[2] = {
		{ CL_COMPLAINT, 0.5, 0, 0 }, { CL_LITIGATION, 20, 0, 1 }
	};
	struct classify_result	 r;
	struct model		*m;
	double			 sc[CL_MAX];
	char			 err[1024];
	size_t			 i;

	if (rules == NULL) {
		log_init(0, LOG_L_WARN, "fuzz");
		rules = rules_load_buf("fuzz", "rule a category help any 修\n",
		    strlen("rule a category help any 修\n"), err, sizeof(err));
		if (rules == NULL)
			abort();
	}
	if ((m = model_load_buf("input", (const char *)data, len, err,
	    sizeof(err))) == NULL)
		return 0;
	for (i = 0; i < nitems(texts); i++) {
		model_scores(m, texts[i], strlen(texts[i]), sc);
		classify_decide(m, texts[i], strlen(texts[i]), hit, i % 3, NULL,
		    &r);
		if (r.label < 0 || r.label >= CL_MAX || r.score < 0 ||
		    r.score > 1.0000001)
			abort();
	}
	model_free(m);
	return 0;
}
