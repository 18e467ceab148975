/*
 * libFuzzer target for the survey reply parser and the text folding it
 * shares with the lifecycle matchers: any bytes as a reply.  Beyond the
 * sanitizers: a score is 0..3, 0 exactly when unclear, and a comment is
 * valid UTF-8 that fits its buffer and is a piece of the input; a text
 * masked for export keeps no long digit run and never grows.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "survey.h"

#define FUZZ_MAX	8192

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	text[FUZZ_MAX + 1];
static char	fold[FUZZ_MAX + 1];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	comment[32], *half;
	size_t	i, n;
	int	score = -1, r;
	double	sim;

	if (size > FUZZ_MAX)
		size = FUZZ_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	r = survey_parse(text, &score, comment, sizeof(comment));
	if ((r != 0 && r != 1) || score < 0 || score > 3 ||
	    (r == 1) != (score != 0))
		abort();
	if (r == 1) {
		n = strlen(comment);
		if (n >= sizeof(comment) || lc_fold(comment, fold,
		    sizeof(fold), 0) == -1)
			abort();
		for (i = 0; i < n; i++)
			if ((unsigned char)comment[i] < 0x20)
				abort();
	}
	/* a tiny comment buffer never overflows */
	survey_parse(text, &score, comment, 1);
	if (comment[0] != '\0')
		abort();

	if (lc_fold(text, fold, sizeof(fold), size & 1) > (int)size)
		abort();
	/* masked: never longer, no run of LC_MASK_RUN ASCII digits left */
	half = lc_mask_digits(text);
	for (i = 0, n = 0; half[i] != '\0'; i++) {
		n = half[i] >= '0' && half[i] <= '9' ? n + 1 : 0;
		if (n >= LC_MASK_RUN)
			abort();
	}
	if (i > strlen(text))
		abort();
	free(half);
	half = text + size / 2;
	sim = lc_similarity(text, half);
	if (sim < 0.0 || sim > 1.0)
		abort();
	return 0;
}
