/*
 * The categories of Art. 7: names and Chinese labels.
 */
#include "compat.h"

#include <string.h>

#include "category.h"

static const struct {
	const char	*name;
	const char	*label;
} categories[CAT_MAX] = {
	[CAT_CONSULTATION] =	{ "consultation",	"咨询" },
	[CAT_HELP] =		{ "help",		"求助" },
	[CAT_COMPLAINT] =	{ "complaint",		"投诉举报" },
	[CAT_SUGGESTION] =	{ "suggestion",		"意见建议" },
	[CAT_EFFICIENCY] =	{ "efficiency",		"效能投诉" },
	[CAT_OTHER] =		{ "other",		"其他" },
	[CAT_UNCLASSIFIED] =	{ "unclassified",	"待分类" },
};

/* The ASCII name of a category, "?" when out of range. */
const char *
category_name(enum category c)
{
	if ((int)c < 0 || c >= CAT_MAX)
		return "?";
	return categories[c].name;
}

/* The Chinese label of a category, "?" when out of range. */
const char *
category_label_zh(enum category c)
{
	if ((int)c < 0 || c >= CAT_MAX)
		return "?";
	return categories[c].label;
}

/* The category named name, or -1. */
int
category_from_name(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CAT_MAX; i++)
		if (strcmp(categories[i].name, name) == 0)
			return i;
	return -1;
}
