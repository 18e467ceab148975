/*
 * libFuzzer target for the safety screen: any bytes (NULs included)
 * screened through intake with a small lexicon of every kind, and the same
 * bytes parsed as a lexicon file; when they load, they screen the bytes
 * too.  None may crash, hang or leak.
 */
#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/config.h"
#include "intake.h"
#include "log.h"
#include "screen.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A line of each kind, as etc/hotlined.screen writes them. */
static const char fuzz_lexicon[] =
    "clear selfharm 自杀,不想活,跳楼\n"
    "possible selfharm 想不开\n"
    "clear 119 着火,煤气泄漏\n"
    "possible 110 被偷,救命\n"
    "clear 120 晕倒\n"
    "clear 122 撞人了\n"
    "mask 火锅,救命钱,跳楼价\n"
    "negation 没有,不是\n"
    "past 去年\n"
    "after 收费\n"
    "matter 工资\n";

static char	norm[INTAKE_NORM_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct intake_ctx	 ctx = { "HY", 0, 0, NULL, NULL };
	struct intake_verdict	 v;
	struct conf_errors	 errs;
	struct screen		*sc;
	struct screen_result	 r;
	size_t			 n;

	if (screen_current() == NULL) {
		log_init(0, LOG_L_WARN, "fuzz");
		memset(&errs, 0, sizeof(errs));
		screen_set_current(screen_load_buf("fuzz", fuzz_lexicon,
		    sizeof(fuzz_lexicon) - 1, &errs));
		if (screen_current() == NULL)
			abort();	/* the target's own lexicon must load */
	}
	ctx.survey_pending = len > 0 && (data[0] & 1);
	intake_classify_len(NULL, (const char *)data, len, &ctx, &v, norm,
	    sizeof(norm));
	memset(&errs, 0, sizeof(errs));
	if ((sc = screen_load_buf("input", (const char *)data, len,
	    &errs)) != NULL) {
		n = intake_normalize((const char *)data, len, norm,
		    sizeof(norm));
		screen_check(sc, norm, n, &r);
		screen_free(sc);
	}
	conf_errors_free(&errs);
	return 0;
}
