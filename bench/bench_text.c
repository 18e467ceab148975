/*
 * SMS text codec throughput: conversions/s of 40-character texts between
 * UTF-8 and UCS-2 / GSM 7-bit, and splits/s of a 300-character Chinese
 * text into concatenated parts.  Caller buffers only: nothing allocates.
 * Usage: bench_text [seconds per row, default 0.5].
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsm7.h"
#include "udh.h"
#include "util.h"

static const char	zh40[] =
    "您好，您反映的小区噪音扰民问题已转交"
    "区城管局处理，请留意后续回访短信谢谢祝您愉快";
static const char	en40[] = "Your case HY2611260001 was closed. Reply";

static uint8_t		ucs2[256], sept[256];
static size_t		ucs2_len, sept_len;
static char		utf8[512];
static uint8_t		parts[4096];
static struct udh_split	sp;
static char		zh300[1024];
static volatile size_t	sink;

static size_t
run(int what)
{
	struct udh_opts	o = { UDH_MODE_UDH8, 0x42, 0, 0 };
	size_t		n = 0;

	switch (what) {
	case 0:
		gsm7_utf8_to_ucs2(zh40, sizeof(zh40) - 1, ucs2, sizeof(ucs2),
		    &n);
		break;
	case 1:
		gsm7_ucs2_to_utf8(ucs2, ucs2_len, utf8, sizeof(utf8), &n, 0);
		break;
	case 2:
		gsm7_from_utf8(en40, sizeof(en40) - 1, sept, sizeof(sept), &n);
		break;
	case 3:
		gsm7_to_utf8(sept, sept_len, utf8, sizeof(utf8), &n, 0);
		break;
	case 4:
		udh_split(zh300, strlen(zh300), &o, parts, sizeof(parts), &sp);
		n = sp.nparts;
		break;
	}
	return n;
}

int
main(int argc, char *argv[])
{
	static const char	*names[] = {
		"UTF-8 -> UCS-2 (40 zh chars)", "UCS-2 -> UTF-8 (40 zh chars)",
		"UTF-8 -> GSM7 (40 chars)", "GSM7 -> UTF-8 (40 chars)",
		"split 300 zh chars (5 parts)"
	};
	double		secs = 0.5, t0, t;
	size_t		i, iter, k;
	int		what;

	if (argc > 1 && (secs = atof(argv[1])) <= 0)
		secs = 0.5;
	for (i = 0; i < 8; i++)		/* 8 x 40, cut to 300 characters */
		strlcat(zh300, zh40, sizeof(zh300));
	zh300[300 * 3] = '\0';
	if (gsm7_utf8_to_ucs2(zh40, sizeof(zh40) - 1, ucs2, sizeof(ucs2),
	    &ucs2_len) != 0 || ucs2_len != 80 ||
	    gsm7_from_utf8(en40, sizeof(en40) - 1, sept, sizeof(sept),
	    &sept_len) != 0 || sept_len != 40) {
		fprintf(stderr, "bench_text: bad sample texts\n");
		return 1;
	}
	printf("%-30s %14s %10s\n", "conversion", "per second", "ns each");
	for (what = 0; what < 5; what++) {
		iter = 0;
		t0 = (double)clock_mono_ms() / 1e3;
		do {
			for (k = 0; k < 10000; k++)
				sink += run(what);
			iter += 10000;
		} while ((t = (double)clock_mono_ms() / 1e3 - t0) < secs);
		printf("%-30s %14.0f %10.1f\n", names[what], iter / t,
		    t * 1e9 / iter);
	}
	return 0;
}
